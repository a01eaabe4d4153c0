import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(10_500)
xb, xq = X[:10_000], X[10_000:]
d, k, nlist = xb.shape[1], 10, 100  # nlist ~ sqrt(n) is the usual starting point
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_true = exact.search(xq, k)

index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, nlist)
index.train(
    xb
)  # k-means: nlist centroids (FAISS seeds its k-means, so this is reproducible)
index.add(xb)  # each vector goes to the inverted list of its nearest centroid

# The same index from scratch in NumPy, reusing FAISS's centroids.
centroids = index.quantizer.reconstruct_n(0, nlist)


def sqdist(a, b):
    return (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]


assign = sqdist(xb, centroids).argmin(axis=1)
lists = [np.flatnonzero(assign == c) for c in range(nlist)]


def ivf_search(q, nprobe):
    probe = np.argsort(sqdist(q[None], centroids)[0])[
        :nprobe
    ]  # nearest centroids first
    cand = np.concatenate([lists[c] for c in probe])  # only these vectors are scanned
    dist = sqdist(q[None], xb[cand])[0]
    best = np.argsort(dist)[:k]
    return cand[best], dist[best], len(cand)


index.nprobe = 4
D_f, I_f = index.search(xq, k)
mine = [ivf_search(q, 4) for q in xq]
print(
    "NumPy IVF returns FAISS's ids:",
    np.mean([np.array_equal(m[0], f) for m, f in zip(mine, I_f)]) == 1.0,
)
print(
    "and the same distances:",
    np.allclose(np.array([m[1] for m in mine]), D_f, atol=1e-4),
)
sizes = np.bincount(assign, minlength=nlist)
print(f"list sizes: mean {sizes.mean():.0f}, min {sizes.min()}, max {sizes.max()}")

print(f"\n{'nprobe':>6} {'recall@10':>9} {'% of vectors scanned':>20}")
for nprobe in [1, 2, 4, 8, 16, 32, 100]:
    index.nprobe = nprobe
    _, I = index.search(xq, k)
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k
    scanned = np.mean([ivf_search(q, nprobe)[2] for q in xq[:100]]) / len(xb)
    print(f"{nprobe:>6} {recall:>9.3f} {100 * scanned:>19.1f}%")
