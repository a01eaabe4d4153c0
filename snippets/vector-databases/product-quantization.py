import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(10_500)
xb, xq = X[:10_000], X[10_000:]
d, k = xb.shape[1], 10
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_true = exact.search(xq, k)

# 384 dims split into m=24 sub-vectors of 16 dims, each with a 256-centroid codebook.
m, nbits = 24, 8
index = faiss.IndexPQ(d, m, nbits)
index.train(xb)
index.add(xb)
pq = index.pq
codebooks = faiss.vector_to_array(pq.centroids).reshape(
    m, 2**nbits, d // m
)  # (24, 256, 16)

# Encode from scratch: each sub-vector is replaced by the index of its nearest centroid.
sub = xb.reshape(len(xb), m, d // m)
codes = np.stack(
    [
        ((codebooks[j] ** 2).sum(1) - 2 * sub[:, j] @ codebooks[j].T).argmin(1)
        for j in range(m)
    ],
    axis=1,
)
faiss_codes = pq.compute_codes(xb)  # (10000, 24) uint8
print("NumPy codes == FAISS codes:", np.array_equal(codes, faiss_codes))

# Asymmetric distance (ADC): the query stays exact; a 24 x 256 table of sub-distances is
# built once per query, and each database vector's distance is 24 table look-ups summed.
q = xq[0].reshape(m, 1, d // m)
table = ((q - codebooks) ** 2).sum(-1)  # (24, 256)
adc = table[np.arange(m), codes].sum(axis=1)
D_f, I_f = index.search(xq[:1], k)
print(
    "NumPy ADC top-10 == FAISS top-10:", np.argsort(adc)[:k].tolist() == I_f[0].tolist()
)
print("NumPy ADC distances match:", np.allclose(np.sort(adc)[:k], D_f[0], atol=1e-4))

# Decode: concatenate the chosen centroids. This is all PQ keeps of a vector.
recon = np.concatenate([codebooks[j][codes[:, j]] for j in range(m)], axis=1)
print(
    "NumPy decode == FAISS decode:",
    np.allclose(recon, pq.decode(faiss_codes), atol=1e-6),
)
print(f"bytes per vector: {d * 4} -> {pq.code_size} ({d * 4 // pq.code_size}x smaller)")

print(f"\n{'m (bytes)':>9} {'compression':>11} {'rel. error':>10} {'recall@10':>9}")
for m_ in [6, 12, 24]:
    idx = index if m_ == m else faiss.IndexPQ(d, m_, nbits)
    if m_ != m:
        idx.train(xb)
        idx.add(xb)
    rec = idx.reconstruct_n(0, len(xb))  # decode the stored codes
    err = ((xb - rec) ** 2).sum() / (xb**2).sum()  # share of the vectors' energy lost
    _, I = idx.search(xq, k)
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k
    print(f"{m_:>9} {d * 4 // m_:>10}x {err:>10.3f} {recall:>9.3f}")
