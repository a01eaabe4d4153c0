import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

X = make_embeddings(5_200)
xb, xq = X[:5_000], X[5_000:]
d, k = xb.shape[1], 10


def top_k(index_cls, base, queries):
    index = index_cls(d)
    index.add(base)
    return index.search(queries, k)[1]


def cosine_top_k(base, queries):
    sims = (queries @ base.T) / np.outer(
        np.linalg.norm(queries, axis=1), np.linalg.norm(base, axis=1)
    )
    return np.argsort(-sims, axis=1)[:, :k]


def overlap(A, B):
    return np.mean([len(set(a) & set(b)) for a, b in zip(A, B)]) / k


# 1. Unit vectors: |a - b|^2 = 2 - 2 cos(a, b), so all three metrics rank alike.
l2, ip, cos = (
    top_k(faiss.IndexFlatL2, xb, xq),
    top_k(faiss.IndexFlatIP, xb, xq),
    cosine_top_k(xb, xq),
)
print(
    "unit vectors: L2 ranking == IP ranking == cosine ranking:",
    np.array_equal(l2, ip) and np.array_equal(ip, cos),
)
a, b = xb[:100], xq[:100]
print(
    "|a-b|^2 == 2 - 2cos:",
    np.allclose(((a - b) ** 2).sum(1), 2 - 2 * (a * b).sum(1), atol=1e-5),
)

# 2. Give the same directions different lengths (as an unnormalised model or a
#    popularity signal would): cosine is unchanged, inner product favours long vectors.
rng = np.random.default_rng(1)
norms = rng.lognormal(mean=0.0, sigma=0.5, size=(len(xb), 1)).astype("float32")
xb_raw = xb * norms
ip_raw, l2_raw = (
    top_k(faiss.IndexFlatIP, xb_raw, xq),
    top_k(faiss.IndexFlatL2, xb_raw, xq),
)
print(f"unnormalised: IP top-10 overlap with cosine top-10: {overlap(ip_raw, cos):.3f}")
print(f"unnormalised: L2 top-10 overlap with cosine top-10: {overlap(l2_raw, cos):.3f}")
long = norms[:, 0] >= np.quantile(norms, 0.9)
print(f"share of IP results from the 10% longest vectors: {long[ip_raw].mean():.3f}")
print(f"share of cosine results from the 10% longest vectors: {long[cos].mean():.3f}")

# 3. Cosine in FAISS = normalise, then IndexFlatIP. normalize_L2 works IN PLACE
#    and returns None.
xb_norm = xb_raw.copy()
returned = faiss.normalize_L2(xb_norm)
print("faiss.normalize_L2 returns:", returned)
print(
    "IP on re-normalised vectors == cosine:",
    np.array_equal(top_k(faiss.IndexFlatIP, xb_norm, xq), cos),
)
