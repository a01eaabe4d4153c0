import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(20_200)
xb, xq = X[:20_000], X[20_000:]
d, k = xb.shape[1], 10

# One tenant holds 50% of the vectors, four more hold 10% to 0.1%, and 96 small
# tenants of 80 vectors (0.4% each) share the rest. Ids are assigned at random.
sizes = [10_000, 2_000, 200, 100, 20] + [80] * 96
tenant = np.repeat(np.arange(len(sizes)), sizes)
np.random.default_rng(1).shuffle(tenant)
assert len(tenant) == len(xb)

# Design 1: one shared HNSW graph over every tenant's vectors. Every graph search
# below uses the same beam width, efSearch = 100.
EF = 100
shared = faiss.IndexHNSWFlat(d, 16)
shared.add(xb)
stats = faiss.cvar.hnsw_stats


def recall(I, I_true):
    return np.mean([len(set(a[a >= 0]) & set(b)) for a, b in zip(I, I_true)]) / k


def per_tenant_index(ids, hnsw_from=5_000):
    # Design 3: an index per tenant; small tenants get a flat (exact) scan.
    if len(ids) >= hnsw_from:
        index = faiss.IndexHNSWFlat(d, 16)
        index.hnsw.efSearch = EF
    else:
        index = faiss.IndexFlatL2(d)
    mapped = faiss.IndexIDMap(index)
    mapped.add_with_ids(xb[ids], ids.astype("int64"))
    return mapped, index


print("tenant share   post-filter k'=100   IDSelector in shared HNSW    own index")
print(
    f"{'':>6} {'':>5} {'results':>8} {'recall':>7} {'results':>8} {'recall':>7}"
    f" {'dists':>6} {'recall':>7} {'dists':>6}"
)
for t in range(5):
    ids = np.flatnonzero(tenant == t)
    # Exact answer: brute force over this tenant's vectors only.
    flat_t = faiss.IndexFlatL2(d)
    flat_t.add(xb[ids])
    _, pos = flat_t.search(xq, k)
    I_true = ids[pos]

    # Post-filtering: 100 candidates from the shared graph, keep this tenant's.
    _, cand = shared.search(xq, 10 * k, params=faiss.SearchParametersHNSW(efSearch=EF))
    kept = [row[tenant[row] == t][:k] for row in cand]
    I_post = np.array([np.pad(r, (0, k - len(r)), constant_values=-1) for r in kept])

    # Search-time filter: the graph walk only admits this tenant's ids.
    sel = faiss.IDSelectorBatch(ids.astype("int64"))
    stats.reset()
    _, I_sel = shared.search(
        xq, k, params=faiss.SearchParametersHNSW(sel=sel, efSearch=EF)
    )
    sel_dists = stats.ndis / len(xq)

    # Own index: HNSW for the big tenant, a flat scan for the others.
    own, inner = per_tenant_index(ids)
    stats.reset()
    _, I_own = own.search(xq, k)
    own_dists = stats.ndis / len(xq) if isinstance(inner, faiss.IndexHNSW) else len(ids)

    print(
        f"{t:>6} {len(ids) / len(xb):>5.1%} {(I_post >= 0).sum(1).mean():>8.2f}"
        f" {recall(I_post, I_true):>7.3f} {(I_sel >= 0).sum(1).mean():>8.2f}"
        f" {recall(I_sel, I_true):>7.3f} {sel_dists:>6.0f}"
        f" {recall(I_own, I_true):>7.3f} {own_dists:>6.0f}"
    )

# The leak: the same query for tenant 2 without the tenant filter.
_, I_all = shared.search(xq, k, params=faiss.SearchParametersHNSW(efSearch=EF))
foreign = (tenant[I_all] != 2).sum(1).mean()
print(f"\nno tenant filter: {foreign:.2f} of {k} results belong to other tenants")
