import sys
import time

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(20_500)
xb, xq = X[:20_000], X[20_000:]
d, k = xb.shape[1], 10

# Exact: compare the query with every vector. NumPy and FAISS's Flat index agree.
sq = (xq**2).sum(1)[:, None] - 2 * xq @ xb.T + (xb**2).sum(1)[None, :]
I_np = np.argsort(sq, axis=1)[:, :k]
flat = faiss.IndexFlatL2(d)
flat.add(xb)
D_exact, I_exact = flat.search(xq, k)
print(
    "NumPy brute force == FAISS IndexFlatL2:",
    np.allclose(np.take_along_axis(sq, I_np, 1), D_exact, atol=1e-4),
)

# Approximate: an HNSW graph visits a small part of the data.
hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
stats = faiss.cvar.hnsw_stats
stats.reset()
D_ann, I_ann = hnsw.search(xq, k, params=faiss.SearchParametersHNSW(efSearch=32))
hits = np.array([len(set(a) & set(b)) for a, b in zip(I_ann, I_exact)])
print(f"HNSW recall@10: {hits.mean() / k:.3f}; all 10 right: {np.mean(hits == k):.3f}")
print(
    f"distance computations per query: exact {len(xb)}, HNSW {stats.ndis / len(xq):.0f}"
)
gap = np.sqrt(D_ann[:, -1] / D_exact[:, -1]) - 1  # FAISS distances are squared
print(f"HNSW's 10th result is {100 * np.mean(gap):.2f}% farther than the true 10th")


def median_latency(index, **kw):
    times = []
    for q in xq[:200]:
        t0 = time.perf_counter()
        index.search(q[None], k, **kw)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


t_flat = median_latency(flat)
t_hnsw = median_latency(hnsw, params=faiss.SearchParametersHNSW(efSearch=32))
print(f"flat {1e3 * t_flat:.3f} ms, hnsw {1e3 * t_hnsw:.3f} ms", file=sys.stderr)
print("HNSW at least 4x faster per query than exact search:", t_flat >= 4 * t_hnsw)
