# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions for a shop's product search: 50M queries a day, peak 3x the
# mean; retrieval returns 1,000 products; a GBDT ranker of 500 trees of depth 8 scores
# them all; a 22M-parameter cross-encoder re-scores the top K at 128 tokens per pair
# (about 2 FLOPs per parameter per token); accelerators sustain 100 TFLOP/s.
peak_qps = 50e6 / 86_400 * 3
gbdt_nodes = 1_000 * 500 * 8
encoder_per_doc = 2 * 22e6 * 128
print(f"peak queries/s: {si(peak_qps)}")
print(f"GBDT node visits per query: {si(gbdt_nodes)}")
print(
    f"{'cross-encoder depth K':<24}{'FLOPs/query':>12}{'FLOP/s at peak':>16}"
    f"{'chips':>7}"
)
for k in (20, 50, 200, 1_000):
    per_query = k * encoder_per_doc
    print(
        f"{k:<24}{si(per_query):>12}{si(per_query * peak_qps):>16}"
        f"{per_query * peak_qps / 100e12:>7.1f}"
    )
# --8<-- [end:capacity]

# --8<-- [start:ltr]
import lightgbm as lgb
import numpy as np

rng = np.random.default_rng(0)
n_queries, per_query, n_features = 500, 40, 8


def make_queries(n):
    # Features of each (query, product) pair; graded relevance 0-4 is a non-linear
    # function of them plus noise: the known ground truth.
    X = rng.normal(size=(n * per_query, n_features))
    signal = X[:, 0] + 0.8 * X[:, 1] * (X[:, 2] > 0) + 0.5 * np.sin(2 * X[:, 3])
    noisy = signal + rng.normal(scale=0.7, size=signal.size)
    rel = np.digitize(noisy, np.quantile(noisy, [0.55, 0.8, 0.92, 0.98]))
    return X, rel


def ndcg_at_10(scores, rel):
    """NDCG@10 of every query (exponential gain), as an array."""
    s, r = scores.reshape(-1, per_query), rel.reshape(-1, per_query)
    discount = 1 / np.log2(np.arange(2, 12))
    gains = np.take_along_axis(r, np.argsort(-s, axis=1)[:, :10], axis=1)
    ideal = -np.sort(-r, axis=1)[:, :10]
    dcg = ((2.0**gains - 1) * discount).sum(1)
    return dcg / np.maximum(((2.0**ideal - 1) * discount).sum(1), 1e-12)


def click_counts(X, rel, policy, sessions=20):
    # 20 sessions per query. Each shows 10 products; a user examines rank r with
    # probability 1/r and clicks an examined product with a probability that grows
    # with its relevance (a position-based click model). Labels are click counts.
    p_click = np.array([0.05, 0.2, 0.4, 0.7, 0.9])
    clicks = np.zeros(rel.size, dtype=int)
    for q in range(rel.size // per_query):
        rows = q * per_query + np.arange(per_query)
        old_top = rows[np.argsort(-X[rows, 0])[:10]]
        for _ in range(sessions):
            if policy == "old ranker's order":
                shown = old_top
            elif policy == "old top 10, shuffled":
                shown = rng.permutation(old_top)
            else:  # "10 random products"
                shown = rng.choice(rows, 10, replace=False)
            examined = rng.random(10) < 1 / np.arange(1, 11)
            clicks[shown] += examined & (rng.random(10) < p_click[rel[shown]])
    return clicks


X_train, rel_train = make_queries(n_queries)
X_test, rel_test = make_queries(300)
groups = [per_query] * n_queries
params = dict(n_estimators=100, learning_rate=0.1, num_leaves=15, n_jobs=1, verbose=-1)

per_query_ndcg = {"old ranker (feature 0 only)": ndcg_at_10(X_test[:, 0], rel_test)}
pointwise = lgb.LGBMRegressor(**params).fit(X_train, rel_train)
per_query_ndcg["pointwise GBDT, judgments"] = ndcg_at_10(
    pointwise.predict(X_test), rel_test
)
lambdamart = lgb.LGBMRanker(**params).fit(X_train, rel_train, group=groups)
per_query_ndcg["LambdaMART, judgments"] = ndcg_at_10(
    lambdamart.predict(X_test), rel_test
)
for policy in ("old ranker's order", "old top 10, shuffled", "10 random products"):
    clicks = click_counts(X_train, rel_train, policy)
    ranker = lgb.LGBMRanker(**params).fit(X_train, clicks, group=groups)
    per_query_ndcg[f"LambdaMART, clicks: {policy}"] = ndcg_at_10(
        ranker.predict(X_test), rel_test
    )
print(f"{'ranker, trained on':<45}{'test NDCG@10':>12}")
for name, values in per_query_ndcg.items():
    print(f"{name:<45}{values.mean():12.3f}")

# Paired bootstrap over test queries: is LambdaMART better than pointwise here?
diff = (
    per_query_ndcg["LambdaMART, judgments"]
    - per_query_ndcg["pointwise GBDT, judgments"]
)
boot = [rng.choice(diff, diff.size).mean() for _ in range(2_000)]
low, high = np.percentile(boot, [2.5, 97.5])
print(f"LambdaMART - pointwise: {diff.mean():+.3f}, 95% CI [{low:+.3f}, {high:+.3f}]")
# --8<-- [end:ltr]
