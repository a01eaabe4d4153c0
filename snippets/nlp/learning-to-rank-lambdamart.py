import lightgbm as lgb
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

rng = np.random.default_rng(0)
N_QUERIES, PER_QUERY = 1600, 20
FEATURES = ["bm25", "dense_cos", "title_match", "quality", "freshness", "query_len"]


def make_data():
    """Synthetic judged queries: features of each (query, document) pair and a graded
    label 0-4 from a hidden topical relevance t that the features see noisily."""
    qid = np.repeat(np.arange(N_QUERIES), PER_QUERY)
    n = qid.size
    query_len = rng.integers(1, 7, N_QUERIES)[qid]
    t = rng.normal(rng.normal(0, 0.5, N_QUERIES)[qid], 1.0)
    # lexical match is reliable for short queries, embeddings for long ones
    long = query_len >= 4
    # raw scores live on per-query scales: BM25 grows with the query's total IDF,
    # and the cosines of one query's candidates sit at a query-specific level
    idf_sum = query_len * rng.uniform(1, 4, N_QUERIES)[qid]
    bm25 = idf_sum * (3 + np.where(long, 0.5, 1.2) * t + rng.normal(0, 1, n))
    cos_level = rng.uniform(0.2, 0.6, N_QUERIES)[qid]
    dense_cos = cos_level + 0.1 * (np.where(long, 1.2, 0.6) * t + rng.normal(0, 1, n))
    title_match = (rng.random(n) < 1 / (1 + np.exp(1 - 2 * t))).astype(float)
    quality = rng.normal(0, 1, n)
    freshness = rng.random(n)  # irrelevant here
    # quality only matters among topical documents: it separates grade 4 from 3
    latent = t + 0.6 * quality * (t > 1) + rng.normal(0, 0.3, n)
    label = np.digitize(latent, [1.0, 1.6, 2.2, 2.8])
    X = np.column_stack([bm25, dense_cos, title_match, quality, freshness, query_len])
    # judged sets keep queries with at least one relevant document
    keep = np.isin(qid, np.unique(qid[label > 0]))
    return X[keep], label[keep], qid[keep]


def ndcg(scores, labels, k):
    """NDCG@k of every query, gain 2^rel - 1 (rows grouped by query)."""
    s, y = scores.reshape(-1, PER_QUERY), labels.reshape(-1, PER_QUERY)
    discount = 1 / np.log2(np.arange(2, k + 2))
    top = np.take_along_axis(y, np.argsort(-s, axis=1, kind="stable")[:, :k], axis=1)
    ideal = -np.sort(-y, axis=1)[:, :k]
    return ((2.0**top - 1) @ discount) / ((2.0**ideal - 1) @ discount)


def pair_gradients(labels, scores, weight_by_ndcg):
    """Gradient and Hessian of RankNet's pairwise logistic loss; with weight_by_ndcg,
    each pair is scaled by |delta NDCG| of swapping the two documents (LambdaRank)."""
    y = labels.reshape(-1, PER_QUERY)
    # every pair (hi, lo) of rows of the same query where hi is more relevant
    q, i, j = np.nonzero(y[:, :, None] > y[:, None, :])
    hi, lo = q * PER_QUERY + i, q * PER_QUERY + j
    # rho = 1 / (1 + exp(s_hi - s_lo)): how wrong the model is about the pair
    rho = 1 / (1 + np.exp(scores[hi] - scores[lo]))
    weight = np.ones_like(rho)
    if weight_by_ndcg:
        gain = 2.0**labels - 1
        order = np.argsort(-scores.reshape(-1, PER_QUERY), axis=1, kind="stable")
        disc = 1 / np.log2(np.argsort(order, axis=1).ravel() + 2)
        ideal = -np.sort(-gain.reshape(-1, PER_QUERY), axis=1) @ (
            1 / np.log2(np.arange(PER_QUERY) + 2)
        )
        weight = (gain[hi] - gain[lo]) * np.abs(disc[hi] - disc[lo]) / ideal[q]
    lam = weight * rho  # the pair's lambda: push hi up and lo down by this much
    curv = lam * (1 - rho)
    n = scores.size
    grad = np.bincount(lo, lam, n) - np.bincount(hi, lam, n)
    hess = np.bincount(hi, curv, n) + np.bincount(lo, curv, n)
    return grad, np.maximum(hess, 1e-9)


def objective(weight_by_ndcg):
    # LightGBM's custom-objective signature for rankers
    def fobj(y_true, y_pred, weight, group):
        return pair_gradients(y_true, y_pred, weight_by_ndcg)

    return fobj


X, y, qid = make_data()
# a query-grouped split: 400 queries to train, the rest (a large test set) to test
split = GroupShuffleSplit(n_splits=1, train_size=400, random_state=0)
train, test = next(split.split(X, y, groups=qid))
train, test = np.sort(train), np.sort(test)
# `group` lists the query sizes in row order; the rows of a query are contiguous
group_train = np.bincount(qid[train])[np.unique(qid[train])]
group_test = np.bincount(qid[test])[np.unique(qid[test])]
print(
    f"queries: {group_train.size} train, {group_test.size} test, "
    f"{PER_QUERY} documents each"
)
print("documents per label 0-4:", " ".join(str(c) for c in np.bincount(y)))

# Where do the gradients go? Current model = the BM25 feature alone.
top5 = np.argsort(np.argsort(-X[train, 0].reshape(-1, PER_QUERY), axis=1), axis=1) < 5
for name, flag in [("RankNet", False), ("LambdaRank", True)]:
    g = np.abs(pair_gradients(y[train], X[train, 0], flag)[0]).reshape(top5.shape)
    share = g[top5].sum() / g.sum()
    print(f"share of |gradient| on the current top 5, {name}: {share:.2f}")

scores = {"random": [rng.random(test.size)] * 2, "BM25 feature alone": [X[test, 0]] * 2}
same_metric = []
for leaves in (3, 15):
    params = dict(n_estimators=100, learning_rate=0.1, num_leaves=leaves)
    params.update(n_jobs=1, verbose=-1)
    models = {
        "pointwise: LGBMRegressor": lgb.LGBMRegressor(**params),
        "pairwise: RankNet gradients": lgb.LGBMRanker(
            objective=objective(False), **params
        ),
        "listwise: LambdaRank gradients": lgb.LGBMRanker(
            objective=objective(True), **params
        ),
        "LightGBM lambdarank": lgb.LGBMRanker(objective="lambdarank", **params),
    }
    for name, model in models.items():
        if isinstance(model, lgb.LGBMRegressor):
            model.fit(X[train], y[train])
        elif name == "LightGBM lambdarank":
            # also let LightGBM compute ndcg@10 on the test queries, to check ours
            model.fit(
                X[train],
                y[train],
                group=group_train,
                eval_X=(X[test],),
                eval_y=(y[test],),
                eval_group=[group_test],
                eval_at=[10],
            )
        else:
            model.fit(X[train], y[train], group=group_train)
        scores.setdefault(name, []).append(model.predict(X[test]))
    lgb_ndcg = models["LightGBM lambdarank"].evals_result_["valid_0"]["ndcg@10"][-1]
    ours = ndcg(scores["LightGBM lambdarank"][-1], y[test], 10).mean()
    same_metric.append(np.isclose(lgb_ndcg, ours))

print(f"\n{'test queries':<32}{'3-leaf trees':>16}{'15-leaf trees':>16}")
print(f"{'ranker':<32}" + f"{'NDCG@5':>8}{'NDCG@10':>8}" * 2)
for name, (s3, s15) in scores.items():
    cells = [ndcg(s, y[test], k).mean() for s in (s3, s15) for k in (5, 10)]
    print(f"{name:<32}" + "".join(f"{c:8.3f}" for c in cells))
print(f"our NDCG@10 equals LightGBM's ndcg@10 metric: {all(same_metric)}")

# Paired bootstrap over test queries for two NDCG@10 differences
print("NDCG@10 difference [95% bootstrap interval over test queries]")
for a, b in [("pairwise", "pointwise"), ("listwise", "pairwise")]:
    for col, leaves in enumerate((3, 15)):
        sa = next(v for k, v in scores.items() if k.startswith(a))[col]
        sb = next(v for k, v in scores.items() if k.startswith(b))[col]
        diff = ndcg(sa, y[test], 10) - ndcg(sb, y[test], 10)
        boot = [rng.choice(diff, diff.size).mean() for _ in range(2000)]
        low, high = np.percentile(boot, [2.5, 97.5])
        print(
            f"  {a} - {b}, {leaves:>2} leaves: {diff.mean():+.3f} "
            f"[{low:+.3f}, {high:+.3f}]"
        )
