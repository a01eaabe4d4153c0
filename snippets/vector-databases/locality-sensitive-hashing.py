import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

# one thread: the HNSW graph, and so every number below, is reproducible
faiss.omp_set_num_threads(1)


def recall_at_k(I):
    return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k


X = make_embeddings(10_500)
xb, xq = X[:10_000], X[10_000:]
(n, d), nq, k = xb.shape, len(xq), 10
cos = xq @ xb.T  # unit vectors: exact cosine similarity of every (query, vector) pair
rank = np.argsort(-cos, axis=1)
I_true = rank[:, :k]
qi = np.arange(nq)[:, None]
# P[a random hyperplane puts both vectors on the same side] = 1 - angle / pi
p_bit = 1 - np.arccos(np.clip(cos, -1, 1)) / np.pi

# 1) SimHash: measured bit agreement against 1 - theta/pi, by neighbour rank.
rng = np.random.default_rng(1)
planes = rng.normal(size=(d, 2048)).astype("float32")
bits_b, bits_q = xb @ planes > 0, xq @ planes > 0
print("neighbour rank  cosine  bits agreeing  1 - theta/pi")
for r in [1, 10, 100, 1000, 5000, 10000]:
    j = rank[:, r - 1]
    agree = (bits_q == bits_b[j]).mean()
    c, p = cos[qi[:, 0], j].mean(), p_bit[qi[:, 0], j].mean()
    print(f"{r:>14} {c:>7.3f} {agree:>14.3f} {p:>13.3f}")


# 2) Multi-table LSH: k_bits hyperplanes per table (AND), L tables (OR).
def lsh_search(k_bits, L, seed=2):
    rng = np.random.default_rng(seed)
    weights = 1 << np.arange(k_bits)
    cand = np.zeros((nq, n), dtype=bool)
    for _ in range(L):
        P = rng.normal(size=(d, k_bits)).astype("float32")
        key_b = (xb @ P > 0) @ weights  # bucket id of every stored vector
        key_q = (xq @ P > 0) @ weights
        cand |= key_q[:, None] == key_b[None, :]  # same bucket in this table
    # re-rank the candidates exactly and keep the top k (fewer if fewer candidates)
    I = np.argsort(-np.where(cand, cos, -np.inf), axis=1)[:, :k]
    I = [row[cand[i, row]] for i, row in enumerate(I)]
    # the S-curve, applied to every (query, vector) pair, predicts both numbers
    s = 1 - (1 - p_bit**k_bits) ** L
    return recall_at_k(I), cand.sum(1).mean(), s[qi, I_true].mean(), s.sum(1).mean()


print(
    "\nk bits  L tables  recall@10  predicted  candidates  predicted  hash dots  B/vec"
)
for k_bits, L in [(8, 16), (12, 128), (8, 64), (6, 32)]:
    rec, ncand, rec_pred, ncand_pred = lsh_search(k_bits, L)
    print(
        f"{k_bits:>6} {L:>9} {rec:>10.3f} {rec_pred:>10.3f} {ncand:>11.0f}"
        f" {ncand_pred:>10.0f} {k_bits * L:>10} {4 * L:>6}"
    )

hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
graph_bytes = (faiss.serialize_index(hnsw).nbytes - xb.nbytes) / n
stats = faiss.cvar.hnsw_stats  # FAISS counts the distance computations
print(f"\nHNSW, M=16, graph {graph_bytes:.0f} B/vector")
print("efSearch  recall@10  distances/query")
for ef in [20, 40, 80]:
    stats.reset()
    _, I = hnsw.search(xq, k, params=faiss.SearchParametersHNSW(efSearch=ef))
    print(f"{ef:>8} {recall_at_k(I):>10.3f} {stats.ndis / nq:>16.0f}")

# FAISS's IndexLSH is a flat index of sign bits: every code is compared.
flat_lsh = faiss.IndexLSH(d, 384)
flat_lsh.add(xb)
_, I = flat_lsh.search(xq, k)
print(
    f"FAISS IndexLSH, 384 bits ({flat_lsh.code_size} B): "
    f"recall@10 {recall_at_k(I):.3f}, codes compared/query {flat_lsh.ntotal}"
)

# 3) The S-curve 1 - (1 - p^k)^L for 8-bit tables.
print("\nP[candidate] with k=8 bits per table")
print("cosine  p(bit)    L=1   L=16   L=64")
for c in [0.0, 0.2, 0.45, 0.6, 0.8, 0.9]:
    p = 1 - np.arccos(c) / np.pi
    s1, s16, s64 = (1 - (1 - p**8) ** L for L in (1, 16, 64))
    print(f"{c:>6.2f} {p:>7.3f} {s1:>6.3f} {s16:>6.3f} {s64:>6.3f}")
tenth = cos[qi[:, 0], I_true[:, -1]]
print(
    f"median cosine: query to its 10th neighbour {np.median(tenth):.2f}, "
    f"to a random vector {np.median(cos):.2f}"
)
