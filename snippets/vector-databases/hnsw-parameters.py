import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(
    1
)  # one thread: the graph, and so every number below, is reproducible


X = make_embeddings(10_500)
xb, xq = X[:10_000], X[10_000:]
d, k = xb.shape[1], 10
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_true = exact.search(xq, k)
stats = faiss.cvar.hnsw_stats  # FAISS counts the distance computations a search makes


def evaluate(index, ef):
    stats.reset()
    _, I = index.search(xq, k, params=faiss.SearchParametersHNSW(efSearch=ef))
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k
    return recall, stats.ndis / len(xq)


def build(M, ef_construction=40):
    index = faiss.IndexHNSWFlat(d, M)
    index.hnsw.efConstruction = ef_construction
    index.add(xb)
    return index


index = build(16)
print("efSearch sweep (M=16, efConstruction=40)")
print(
    f"{'efSearch':>8} {'recall@10':>9} {'distances/query':>15} {'% of a full scan':>16}"
)
for ef in [10, 20, 40, 80, 160, 320]:
    recall, ndis = evaluate(index, ef)
    print(f"{ef:>8} {recall:>9.3f} {ndis:>15.0f} {100 * ndis / len(xb):>15.1f}%")

print("\nM sweep (efConstruction=40, efSearch=40)")
print(f"{'M':>3} {'recall@10':>9} {'distances/query':>15} {'graph bytes/vector':>18}")
for M in [4, 8, 16, 32]:
    idx = index if M == 16 else build(M)
    recall, ndis = evaluate(idx, 40)
    graph_bytes = (
        faiss.serialize_index(idx).nbytes - xb.nbytes
    )  # everything but the raw vectors
    print(f"{M:>3} {recall:>9.3f} {ndis:>15.0f} {graph_bytes / len(xb):>18.1f}")

print("\nefConstruction sweep (M=16, efSearch=40)")
for efc in [10, 40, 100]:
    idx = index if efc == 40 else build(16, efc)
    recall, _ = evaluate(idx, 40)
    print(f"efConstruction={efc:<4} recall@10 {recall:.3f}")
