import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


def eta_from_threshold(T, d, norm=1.0):
    """eta = h_par / h_perp for inner-product threshold T, as ScaNN computes it."""
    t2 = T**2 / norm**2
    return (d - 1) * t2 / (1 - t2)


def anisotropic_pq(x, cb, eta, iters=4, sweeps=2):
    """Refine PQ codebooks cb (m, 256, ds) and codes for the anisotropic loss of each
    vector x (unit norm here):

        eta * |r_par|^2 + |r_perp|^2 = |r|^2 + (eta - 1) * (r . x)^2,  r = x - x_hat.

    r . x sums over all sub-spaces, so codes are chosen by coordinate descent (one
    sub-space at a time, the others fixed), and each codeword by least squares.
    """
    n = len(x)
    m, k, ds = cb.shape
    # xs[j]: the j-th sub-vectors of all vectors, (m, n, ds), contiguous for BLAS
    xs = np.ascontiguousarray(x.reshape(n, m, ds).transpose(1, 0, 2), dtype=float)
    w, cb = eta - 1.0, cb.astype(float).copy()
    rows = np.arange(n)
    # Start from plain PQ codes: the nearest codeword in each sub-space.
    codes = np.stack([dist2(xs[j], cb[j]).argmin(1) for j in range(m)], 1)
    for _ in range(iters):
        # Squared distances and dot products to every codeword, fixed during assignment.
        xx = (xs**2).sum(-1).T  # (n, m)
        G = [xs[j] @ cb[j].T for j in range(m)]
        D = [xx[:, j, None] - 2 * G[j] + (cb[j] ** 2).sum(1) for j in range(m)]
        # par[:, j]: sub-space j's share of the parallel residual r . x
        par = xx - np.stack([G[j][rows, codes[:, j]] for j in range(m)], 1)
        for _ in range(sweeps):
            for j in range(m):
                rest = par.sum(1) - par[:, j]
                # parallel residual for every codeword c: rest + x_j.x_j - x_j.c
                p = rest[:, None] + xx[:, j, None] - G[j]
                codes[:, j] = (D[j] + w * p**2).argmin(1)
                par[:, j] = xx[:, j] - G[j][rows, codes[:, j]]
        for j in range(m):
            rest = par.sum(1) - par[:, j]
            target = rest + xx[:, j]  # what x_j . c should equal for a zero r . x
            # normal equations: (n_c I + w sum x_j x_j^T) c = sum x_j + w sum x_j target
            order = np.argsort(codes[:, j], kind="stable")
            used, starts, cnt = np.unique(
                codes[order, j], return_index=True, return_counts=True
            )
            xo = xs[j][order]
            A = w * np.add.reduceat(xo[:, :, None] * xo[:, None, :], starts)
            A += cnt[:, None, None] * np.eye(ds)
            b = np.add.reduceat(xo * (1 + w * target[order, None]), starts)
            cb[j][used] = np.linalg.solve(A, b[..., None])[..., 0]
            par[:, j] = ((xs[j] - cb[j][codes[:, j]]) * xs[j]).sum(1)
    return cb, codes


def dist2(v, c):
    return (v**2).sum(1)[:, None] - 2 * v @ c.T + (c**2).sum(1)[None]


X = make_embeddings(10_200)
xb, xq = X[:10_000], X[10_000:]
n, d = xb.shape
m, k = 24, 10
ip = xq @ xb.T
true_top = np.argsort(-ip, axis=1)[:, :k]
top_ip = np.take_along_axis(ip, true_top, 1).mean()
print(f"mean inner product, query with its true top-10: {top_ip:.3f}")

# Plain PQ (k-means per sub-space, reconstruction loss) trained by FAISS.
pq = faiss.ProductQuantizer(d, m, 8)
pq.train(xb)
pq_cb = faiss.vector_to_array(pq.centroids).reshape(m, 256, d // m)

print(
    f"\n{'quantizer':<14}{'eta':>6}{'rel.err':>8}{'parallel':>9}{'IP err top10':>13}"
    f"{'IP err all':>11}{'recall@10':>10}"
)
for T in [None, 0.1, 0.15, 0.2]:
    if T is None:
        cb, codes = pq_cb.astype(float), pq.compute_codes(xb).astype(int)
        name, eta = "PQ (k-means)", 1.0
    else:
        eta = eta_from_threshold(T, d)
        cb, codes = anisotropic_pq(xb, pq_cb, eta)
        name = f"AVQ T={T}"
    recon = cb[np.arange(m), codes].reshape(n, d)
    r = xb - recon
    rel_err = (r**2).sum() / (xb**2).sum()
    # share of the vectors' energy lost along their own direction (|x| = 1)
    par_err = ((r * xb).sum(1) ** 2).sum() / (xb**2).sum()
    ip_hat = xq @ recon.T
    found = np.argsort(-ip_hat, axis=1)[:, :k]
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(found, true_top)]) / k
    # |true - estimated inner product|, on each query's true top-10 and on all vectors
    top_err = np.abs(np.take_along_axis(ip - ip_hat, true_top, 1)).mean()
    all_err = np.abs(ip - ip_hat).mean()
    print(
        f"{name:<14}{eta:>6.2f}{rel_err:>8.3f}{par_err:>9.3f}{top_err:>13.3f}"
        f"{all_err:>11.3f}{recall:>10.3f}"
    )
