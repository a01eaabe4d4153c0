import sys
import time

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(
    1
)  # one thread: a reproducible HNSW graph and comparable timings


X = make_embeddings(21_000)
xb, xq = X[:20_000], X[20_000:]  # 20,000 database vectors, 1,000 held-out queries
d, k = xb.shape[1], 10
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_true = exact.search(xq, k)  # ground truth by brute force


def recall_at_k(I):
    return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k


def make(name):
    if name == "Flat":
        return faiss.IndexFlatL2(d)
    if name == "IVF-Flat":
        index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 256)  # 256 lists
        index.nprobe = 8  # scan 8 of them
    elif name == "HNSW":
        index = faiss.IndexHNSWFlat(d, 16)  # M = 16 links per node
        index.hnsw.efSearch = 64
    elif name == "PQ":
        index = faiss.IndexPQ(d, 24, 8)  # 24 sub-vectors x 8 bits = 24 bytes per vector
    else:  # "IVF-PQ"
        index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 256, 24, 8)
        index.nprobe = 8
    return index


def distances_per_query(index, name):
    """Vectors (or codes) compared with each query: an exact count, not a timing."""
    if name in ("Flat", "PQ"):
        return len(xb)  # every vector, or every code
    stats = faiss.cvar.hnsw_stats if name == "HNSW" else faiss.cvar.indexIVF_stats
    stats.reset()
    index.search(xq, k)
    return stats.ndis / len(xq)


def median_latency(index):
    per_query = []
    for q in xq[:200]:  # one query at a time, as a service sees them
        t0 = time.perf_counter()
        index.search(q[None, :], k)
        per_query.append(time.perf_counter() - t0)
    return float(np.median(per_query))


names = ["Flat", "IVF-Flat", "HNSW", "PQ", "IVF-PQ"]
indexes, rows, build_s, compared = {}, [], {}, {}
for name in names:
    t0 = time.perf_counter()
    index = make(name)
    if not index.is_trained:
        index.train(xb[:10_000])  # k-means / PQ codebooks learned on a sample
    index.add(xb)
    build_s[name] = time.perf_counter() - t0
    _, I = index.search(xq, k)
    size = faiss.serialize_index(index).nbytes
    compared[name] = distances_per_query(index, name)
    rows.append((name, recall_at_k(I), compared[name], size / len(xb), size / 1e6))
    indexes[name] = index

# Best of three rounds: a busy machine slows a round down, never speeds one up.
query_s = {name: min(median_latency(indexes[name]) for _ in range(3)) for name in names}
for name in names:
    print(
        f"{name}: build {build_s[name]:.2f} s, {1e3 * query_s[name]:.3f} ms/query",
        file=sys.stderr,
    )

header = ["index", "recall@10", "compared/query", "bytes/vector", "index MB"]
print(f"{header[0]:<9} {header[1]:>9} {header[2]:>14} {header[3]:>12} {header[4]:>8}")
for name, rec, ndis, per_vec, mb in rows:
    print(f"{name:<9} {rec:>9.3f} {ndis:>14,.0f} {per_vec:>12.1f} {mb:>8.2f}")

fast = [n for n in ["IVF-Flat", "HNSW", "IVF-PQ"] if query_s["Flat"] / query_s[n] >= 2]
print("at least 2x faster per query than Flat:", ", ".join(fast))
work_gain = len(xb) / compared["HNSW"]
print(
    f"HNSW's speed-up over Flat is below its {work_gain:.0f}x fewer comparisons:",
    query_s["Flat"] / query_s["HNSW"] < work_gain,
)
print(
    "PQ without IVF scans every code, slower than IVF-PQ:",
    query_s["PQ"] > query_s["IVF-PQ"],
)
print(
    "Flat builds fastest (nothing to train):", min(build_s, key=build_s.get) == "Flat"
)
print(
    "HNSW builds at least 2x slower than IVF-Flat:",
    build_s["HNSW"] >= 2 * build_s["IVF-Flat"],
)
