# --8<-- [start:metrics]
import numpy as np
from sklearn.metrics import ndcg_score

rng = np.random.default_rng(0)

# 2,000 users, 500 items. Item popularity is skewed (Zipf-like) and user activity too:
# a few heavy users hold many of the test interactions.
n_users, n_items, k = 2000, 500, 10
item_pop = 1 / np.arange(1, n_items + 1) ** 0.8
taste = rng.normal(0, 1, (n_users, 16)) @ rng.normal(0, 1, (16, n_items)) / 4
util = taste + np.log(item_pop)
n_per_user = np.minimum(rng.zipf(1.6, n_users) + 4, 150)
R = np.zeros((n_users, n_items), dtype=bool)
for u in range(n_users):
    w = np.exp(util[u])
    R[u, rng.choice(n_items, n_per_user[u], replace=False, p=w / w.sum())] = True
test = R & (rng.random(R.shape) < 0.3)
train = R & ~test
keep = test.any(1)
train, test = train[keep], test[keep]
print(
    f"{keep.sum()} users with a test item; test items per user: median "
    f"{np.median(test.sum(1)):.0f}, max {test.sum(1).max()}"
)


def top_k(scores, k):
    # Never recommend what the user already has in training.
    s = np.where(train, -np.inf, scores)
    return np.argsort(-s, axis=1, kind="stable")[:, :k]


def evaluate(scores, k=10):
    top = top_k(scores, k)
    hits = np.take_along_axis(test, top, axis=1)  # (users, k) booleans, in rank order
    n_rel = test.sum(1)
    precision = hits.sum(1) / k
    recall = hits.sum(1) / n_rel
    # AP@k: mean of precision@i at the ranks i of the hits, over min(n_rel, k).
    prec_at_i = np.cumsum(hits, 1) / np.arange(1, k + 1)
    ap = (prec_at_i * hits).sum(1) / np.minimum(n_rel, k)
    disc = 1 / np.log2(np.arange(2, k + 2))
    ndcg = (hits * disc).sum(1) / np.cumsum(disc)[np.minimum(n_rel, k) - 1]
    return {
        "P@10": precision.mean(),
        "R@10": recall.mean(),
        "MAP@10": ap.mean(),
        "NDCG@10": ndcg.mean(),
        # Pooled (micro) recall: all hits over all test items; heavy users dominate it.
        "pooled R": hits.sum() / n_rel.sum(),
        # Catalogue coverage, and "head": the share of slots given to the 50 most
        # popular items.
        "coverage": len(np.unique(top)) / n_items,
        "head": (top < 50).mean(),
    }, ndcg


models = {
    # Deterministic tie-break for equal counts (a tiny bonus by item id).
    "popularity": np.tile(train.sum(0) - 1e-6 * np.arange(n_items), (len(train), 1)),
    # A stand-in for a trained model: the true utility plus noise.
    "personalised": util[keep] + rng.normal(0, 1.0, (len(train), n_items)),
}
rows = {name: evaluate(s) for name, s in models.items()}
cols = list(rows["popularity"][0])
print(f"{'':13s}" + "".join(f"{c:>10s}" for c in cols))
for name, (m, _) in rows.items():
    print(f"{name:13s}" + "".join(f"{m[c]:10.3f}" for c in cols))

# Check our NDCG against scikit-learn: score with training items pushed to the bottom.
for name, s in models.items():
    masked = np.where(train, -1e9, s)
    ours = rows[name][1]
    theirs = ndcg_score(test, masked, k=10)
    same = np.allclose(ours.mean(), theirs)
    print(f"{name}: NDCG@10 matches sklearn.metrics.ndcg_score: {same}")
# --8<-- [end:metrics]

# --8<-- [start:sampled]
import numpy as np

rng = np.random.default_rng(0)

# Krichene & Rendle (2020): ranking the held-out item against 100 random negatives
# instead of the whole catalogue can reverse a comparison. Two models over 10,000 items,
# described by the full-catalogue rank they give each of 5,000 users' held-out item:
#   A puts it in the top 5 for 30% of users and far down (rank 500-10,000) otherwise;
#   B always puts it at rank 20-200: never in the top 10, never far down.
n_items, n_users = 10_000, 5_000
rank_a = np.where(
    rng.random(n_users) < 0.3,
    rng.integers(1, 6, n_users),
    rng.integers(500, n_items + 1, n_users),
)
rank_b = rng.integers(20, 201, n_users)


def sampled_rank(full_rank, n_neg):
    """Rank among the held-out item and n_neg negatives drawn uniformly from the others:
    each negative outranks the held-out item with probability (rank - 1) / (N - 1)."""
    if n_neg is None:
        return full_rank
    return 1 + rng.binomial(n_neg, (full_rank - 1) / (n_items - 1))


def hr_ndcg(rank, k=10):
    hit = rank <= k
    return hit.mean(), (hit / np.log2(rank + 1)).mean()


print("negatives   HR@10 A  HR@10 B  NDCG@10 A  NDCG@10 B  winner")
for n_neg in [None, 1000, 100, 10]:
    ha, na = hr_ndcg(sampled_rank(rank_a, n_neg))
    hb, nb = hr_ndcg(sampled_rank(rank_b, n_neg))
    label = "all" if n_neg is None else str(n_neg)
    winner = "A" if na > nb else "B"
    print(f"{label:>9s}   {ha:7.3f}  {hb:7.3f}  {na:9.3f}  {nb:9.3f}  {winner}")
# --8<-- [end:sampled]
