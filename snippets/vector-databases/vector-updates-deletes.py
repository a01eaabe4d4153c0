import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(10_200)
xb, xq = X[:10_000], X[10_000:]
d, k = xb.shape[1], 10
doc_ids = (
    np.arange(10_000, dtype="int64") * 7 + 1_000_000
)  # your primary keys, not 0..n-1

# 1. Flat with an id map: delete and update by primary key.
index = faiss.IndexIDMap2(faiss.IndexFlatL2(d))
index.add_with_ids(xb, doc_ids)
_, I = index.search(xb[:1], 1)
print("search returns the primary key:", int(I[0, 0]) == int(doc_ids[0]))
removed = index.remove_ids(faiss.IDSelectorBatch(doc_ids[:100]))
print(f"remove_ids removed {removed}, ntotal now {index.ntotal}")
_, I = index.search(xb[:1], 1)
print("a deleted document can no longer be found:", int(I[0, 0]) != int(doc_ids[0]))
# An update is a delete followed by an insert under the same key.
new_vec = xq[:1]
index.remove_ids(faiss.IDSelectorBatch(doc_ids[100:101]))
index.add_with_ids(new_vec, doc_ids[100:101])
print(
    "updated vector stored under the same key:",
    np.allclose(index.reconstruct(int(doc_ids[100])), new_vec[0]),
)

# Without an id map, FAISS ids are positions, and remove_ids shifts later positions.
plain = faiss.IndexFlatL2(d)
plain.add(xb[:1000])
plain.remove_ids(faiss.IDSelectorBatch(np.array([0], dtype="int64")))
_, I = plain.search(xb[1:2], 1)
print("plain IndexFlatL2: the vector added as id 1 is now returned as id", int(I[0, 0]))

# 2. IVF can delete: it scans the inverted lists and compacts them.
ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 100)
ivf.train(xb)
ivf.add_with_ids(xb, doc_ids)
print(
    "IVF remove_ids removed",
    ivf.remove_ids(faiss.IDSelectorRange(1_000_000, 1_000_700)),
)

# 3. HNSW cannot: removing a node would cut the paths that pass through it.
hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
try:
    hnsw.remove_ids(faiss.IDSelectorBatch(np.arange(10, dtype="int64")))
except RuntimeError as e:
    print("HNSW remove_ids raises RuntimeError:", str(e).rsplit(": ", 1)[-1])

# What databases do instead: tombstones (skip deleted ids at search time), then rebuild.
deleted = np.random.default_rng(2).choice(
    len(xb), size=3_000, replace=False
)  # delete 30%
alive = np.setdiff1d(np.arange(len(xb)), deleted)
exact = faiss.IndexFlatL2(d)
exact.add(xb[alive])
_, I_true = exact.search(xq, k)
I_true = alive[I_true]  # back to the original ids
stats = faiss.cvar.hnsw_stats
not_deleted = faiss.IDSelectorNot(faiss.IDSelectorBatch(deleted.astype("int64")))
stats.reset()
_, I_tomb = hnsw.search(
    xq, k, params=faiss.SearchParametersHNSW(sel=not_deleted, efSearch=64)
)
tomb_dists = stats.ndis / len(xq)
rebuilt = faiss.IndexHNSWFlat(d, 16)
rebuilt.add(xb[alive])
stats.reset()
_, I_reb = rebuilt.search(xq, k, params=faiss.SearchParametersHNSW(efSearch=64))
reb_dists = stats.ndis / len(xq)
I_reb = alive[I_reb]


def recall(I):
    return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k


print(
    f"\n30% deleted      {'recall@10':>9} {'vectors kept':>12} {'distances/query':>15}"
)
print(f"tombstones       {recall(I_tomb):>9.3f} {hnsw.ntotal:>12} {tomb_dists:>15.0f}")
print(f"rebuilt graph    {recall(I_reb):>9.3f} {rebuilt.ntotal:>12} {reb_dists:>15.0f}")
