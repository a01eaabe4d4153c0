import sys
import time

import faiss
import numpy as np

faiss.omp_set_num_threads(1)
rng = np.random.default_rng(0)

# 20,000 items and 100 user requests. Relevance = a dot product of a 32-d user vector
# and a 32-d item vector (what a two-tower model can express) + an interaction no dot
# product captures (an MLP over both vectors and 16 item features such as freshness or
# price). The ranker is this known true model: a stand-in for a trained heavy ranker.
# The retrieval stage uses the exact dot-product vectors: a stand-in for trained towers.
n_items, d, n_req = 20_000, 32, 100
items = rng.normal(0, 1, (n_items, d)).astype("float32") / d**0.25
item_feats = rng.normal(0, 1, (n_items, 16)).astype("float32")
users = rng.normal(0, 1, (n_req, d)).astype("float32") / d**0.25
W1 = rng.normal(0, 1, (2 * d + 16, 64)).astype("float32") / np.sqrt(2 * d + 16)
w2 = rng.normal(0, 1, 64).astype("float32") / np.sqrt(64)


def ranker(user, cand):
    """Expensive score: dot product + an MLP over [user, item, item features]."""
    x = np.hstack(
        [np.broadcast_to(user, (len(cand), d)), items[cand], item_feats[cand]]
    )
    return items[cand] @ user + 1.5 * np.maximum(x @ W1, 0) @ w2


# Stage 1: maximum inner product search over the item tower's vectors with HNSW.
index = faiss.IndexHNSWFlat(d, 16, faiss.METRIC_INNER_PRODUCT)
index.hnsw.efConstruction = 64
index.add(items)
everything = np.arange(n_items)
# The full-catalogue ranking, computed fast by splitting the first layer into a user
# part and a precomputed item part (a real ranker with cross features cannot do this).
item_part = np.hstack([items, item_feats]) @ W1[d:]


def ranker_all(user):
    return items @ user + 1.5 * np.maximum(user @ W1[:d] + item_part, 0) @ w2


same = np.allclose(ranker_all(users[0]), ranker(users[0], everything), atol=1e-4)
print(f"fast full-catalogue scores match the ranker: {same}")
full_top10 = [np.argsort(-ranker_all(u))[:10] for u in users]

print("candidates N  recall of full top-10  final utility vs full")
for n_cand in [10, 50, 100, 500, 2000]:
    index.hnsw.efSearch = max(n_cand, 64)
    _, cand = index.search(users, n_cand)
    recall, util_ratio = [], []
    for u, c, best in zip(users, cand, full_top10):
        s = ranker(u, c)
        final = c[np.argsort(-s)[:10]]
        recall.append(np.isin(best, final).mean())
        util_ratio.append(ranker(u, final).sum() / ranker(u, best).sum())
    print(f"{n_cand:12d}  {np.mean(recall):21.3f}  {np.mean(util_ratio):20.3f}")

# Exact MIPS for comparison: how much recall does the approximate index itself lose?
flat = faiss.IndexFlatIP(d)
flat.add(items)
_, exact = flat.search(users, 500)
index.hnsw.efSearch = 500
_, approx = index.search(users, 500)
overlap = np.mean([np.isin(a, e).mean() for a, e in zip(approx, exact)])
print(f"HNSW top-500 vs exact top-500 overlap: {overlap:.3f}")


# Cost per request: score every item with the ranker, or retrieve 500 and rank those.
def timed(fn, repeats=5):
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return np.median(runs)


u = users[:1]
t_full = timed(lambda: ranker(u[0], everything))
t_two = timed(lambda: ranker(u[0], index.search(u, 500)[1][0]))
print(f"ranker evaluations per request: {n_items} vs 500 ({n_items // 500}x fewer)")
print(f"retrieve 500 + rank at least 5x faster than ranking all: {t_full / t_two >= 5}")
print(f"full {t_full * 1e3:.1f} ms, two-stage {t_two * 1e3:.2f} ms", file=sys.stderr)
