import faiss
import numpy as np

faiss.omp_set_num_threads(1)


def make_embeddings(n, d=384, latent=64, n_topics=100, spread=1.5, noise=0.1, seed=0):
    """Clustered unit vectors with a low intrinsic dimension, a stand-in for sentence embeddings."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(n_topics, latent))
    z = topics[rng.integers(n_topics, size=n)] + spread * rng.normal(size=(n, latent))
    x = z @ rng.normal(size=(latent, d)) / np.sqrt(latent) + noise * rng.normal(
        size=(n, d)
    )
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype("float32")


X = make_embeddings(10_200)
xb, xq = X[:10_000], X[10_000:]
d, k = xb.shape[1], 10
price = np.random.default_rng(1).integers(
    0, 1000, size=len(xb)
)  # metadata, unrelated to the vectors

hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
flat = faiss.IndexFlatL2(d)
flat.add(xb)
stats = faiss.cvar.hnsw_stats


def bitmap_selector(mask):
    # FAISS reads bit i of byte i // 8 (little-endian bit order) as "id i passes the filter"
    return faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))


def recall(I, I_true):
    return np.mean(
        [len(set(a[a >= 0]) & set(b)) / len(b[b >= 0]) for a, b in zip(I, I_true)]
    )


print(
    f"{'filter':<12} {'post-filter':>20} {'pre-filter in HNSW':>28} {'brute force':>12}"
)
print(
    f"{'':<12} {'results':>9} {'recall':>10} {'results':>9} {'recall':>8} {'dists':>9} {'dists':>12}"
)
same_as_numpy = []
for limit in [500, 100, 10, 2]:
    mask = price < limit
    # Exact answer: brute force over the matching vectors only (FAISS Flat + IDSelector) ...
    _, I_true = flat.search(
        xq, k, params=faiss.SearchParameters(sel=bitmap_selector(mask))
    )
    # ... which is what a NumPy scan of the subset gives.
    sub = np.flatnonzero(mask)
    dist = (xq**2).sum(1)[:, None] - 2 * xq @ xb[sub].T + (xb[sub] ** 2).sum(1)[None, :]
    same_as_numpy.append(np.array_equal(sub[np.argsort(dist, axis=1)[:, :k]], I_true))

    # Post-filtering: ask the ANN index for 4k neighbours, then drop the ones that fail the filter.
    _, I_post = hnsw.search(xq, 4 * k, params=faiss.SearchParametersHNSW(efSearch=64))
    I_post = np.array(
        [
            np.pad(
                row[mask[row]][:k], (0, max(0, k - mask[row].sum())), constant_values=-1
            )
            for row in I_post
        ]
    )
    # Pre-filtering: the filter is checked during graph traversal (FAISS IDSelector).
    stats.reset()
    _, I_pre = hnsw.search(
        xq, k, params=faiss.SearchParametersHNSW(sel=bitmap_selector(mask), efSearch=64)
    )
    pre_dists = stats.ndis / len(xq)
    print(
        f"price<{limit:<6} {(I_post >= 0).sum(1).mean():>9.2f} {recall(I_post, I_true):>10.3f} "
        f"{(I_pre >= 0).sum(1).mean():>9.2f} {recall(I_pre, I_true):>8.3f} {pre_dists:>9.0f} {mask.sum():>12}"
    )
print("Flat + IDSelector == NumPy scan of the matching subset:", all(same_as_numpy))
