import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(20_500)
xb, xq = X[:20_000], X[20_000:]
d, k = xb.shape[1], 10
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_true = exact.search(xq, k)


def recall(I):
    return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k


# In RAM: IVF-PQ codes (24 bytes + an 8-byte id per vector). "On disk": the originals.
ivfpq = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 256, 24, 8)
ivfpq.train(xb[:10_000])
ivfpq.add(xb)
ivfpq.nprobe = 16

# Stage 1: take k * k_factor candidates by compressed (ADC) distance.
# Stage 2: fetch those candidates' full vectors and re-score them exactly.
full = xb  # stands in for vectors read from SSD or object storage
print(f"{'k_factor':>8} {'full vectors read/query':>23} {'recall@10':>9}")
for k_factor in [1, 2, 4, 8, 16, 32]:
    _, cand = ivfpq.search(xq, k * k_factor)
    exact_d = ((full[cand] - xq[:, None, :]) ** 2).sum(
        -1
    )  # exact distances, candidates only
    I = np.take_along_axis(cand, np.argsort(exact_d, axis=1)[:, :k], axis=1)
    print(f"{k_factor:>8} {k * k_factor:>23} {recall(I):>9.3f}")

# FAISS packages the same two stages as IndexRefineFlat.
refine = faiss.IndexRefineFlat(ivfpq, faiss.swig_ptr(xb))
_, I_refine = refine.search(xq, k, params=faiss.IndexRefineSearchParameters(k_factor=8))
_, cand = ivfpq.search(xq, k * 8)
exact_d = ((xb[cand] - xq[:, None, :]) ** 2).sum(-1)
I_mine = np.take_along_axis(cand, np.argsort(exact_d, axis=1)[:, :k], axis=1)
print(
    "IndexRefineFlat(k_factor=8) == NumPy re-scoring:", np.array_equal(I_refine, I_mine)
)

ram = 24 + 8  # code + id per vector, ignoring the fixed-size codebooks and centroids
print(
    f"RAM per vector {ram} B vs {d * 4} B in float32: {d * 4 / ram:.0f}x more per node"
)
