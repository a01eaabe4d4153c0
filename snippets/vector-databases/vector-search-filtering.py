import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(10_200)
xb, xq = X[:10_000], X[10_000:]
d, k = xb.shape[1], 10
rng = np.random.default_rng(1)
price = rng.integers(0, 1000, size=len(xb))  # metadata, unrelated to the vectors

hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
flat = faiss.IndexFlatL2(d)
flat.add(xb)
stats = faiss.cvar.hnsw_stats


def bitmap_selector(mask):
    # FAISS reads bit i of byte i // 8 (little-endian bit order) as "id i passes"
    return faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))


def recall(I, I_true):
    return np.mean([len(set(a[a >= 0]) & set(b)) for a, b in zip(I, I_true)]) / k


print(f"{'':<10} {'post-filter':^17} {'pre-filter in HNSW':^26} {'brute force':>11}")
print(
    f"{'filter':<10} {'results':>9} {'recall':>7} {'results':>11} {'recall':>7}", end=""
)
print(f" {'dists':>6} {'dists':>11}")
same_as_numpy = []
for limit in [500, 100, 10, 2]:
    mask = price < limit
    # Exact answer: brute force over the matching vectors (FAISS Flat + IDSelector)...
    exact = faiss.SearchParameters(sel=bitmap_selector(mask))
    _, I_true = flat.search(xq, k, params=exact)
    # ... which is what a NumPy scan of the subset gives.
    sub = np.flatnonzero(mask)
    dist = (xq**2).sum(1)[:, None] - 2 * xq @ xb[sub].T + (xb[sub] ** 2).sum(1)
    same_as_numpy.append(np.array_equal(sub[np.argsort(dist, axis=1)[:, :k]], I_true))

    # Post-filtering: take 4k neighbours from the ANN index, drop those that fail.
    _, cand = hnsw.search(xq, 4 * k, params=faiss.SearchParametersHNSW(efSearch=64))
    kept = [row[mask[row]][:k] for row in cand]
    I_post = np.array([np.pad(r, (0, k - len(r)), constant_values=-1) for r in kept])

    # Pre-filtering: the filter is checked during graph traversal (FAISS IDSelector).
    pre = faiss.SearchParametersHNSW(sel=bitmap_selector(mask), efSearch=64)
    stats.reset()
    _, I_pre = hnsw.search(xq, k, params=pre)
    pre_dists = stats.ndis / len(xq)

    n_post, n_pre = (I_post >= 0).sum(1).mean(), (I_pre >= 0).sum(1).mean()
    print(
        f"price<{limit:<4} {n_post:>9.2f} {recall(I_post, I_true):>7.3f} "
        f"{n_pre:>11.2f} {recall(I_pre, I_true):>7.3f} "
        f"{pre_dists:>6.0f} {mask.sum():>11}"
    )
print("Flat + IDSelector == NumPy scan of the matching subset:", all(same_as_numpy))
