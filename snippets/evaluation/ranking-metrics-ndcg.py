import numpy as np
from sklearn.metrics import average_precision_score, ndcg_score


def reciprocal_rank(rel_sorted):  # rel_sorted: relevance of the results in ranked order
    hits = np.flatnonzero(rel_sorted > 0)
    return 1 / (hits[0] + 1) if len(hits) else 0.0


def average_precision(rel_sorted, n_relevant):
    """Mean of precision@k over the ranks k that hold a relevant result; missed results
    count 0.
    """
    hit = rel_sorted > 0
    precision_at_k = np.cumsum(hit) / np.arange(1, len(hit) + 1)
    return (precision_at_k * hit).sum() / n_relevant if n_relevant else 0.0


def ndcg_at_k(rel_sorted, all_rels, k, gain="linear"):
    """Jarvelin & Kekalainen (2002): discounted cumulative gain over the ideal
    ordering's DCG.
    """
    g = (
        (lambda r: r) if gain == "linear" else (lambda r: 2.0**r - 1)
    )  # exponential gain: Burges et al.
    discount = 1 / np.log2(np.arange(2, k + 2))
    dcg = (g(rel_sorted[:k]) * discount[: len(rel_sorted[:k])]).sum()
    ideal = np.sort(all_rels)[::-1][:k]
    idcg = (g(ideal) * discount[: len(ideal)]).sum()
    return dcg / idcg if idcg > 0 else 0.0


# 200 queries x 30 candidates with graded relevance 0-3; two rankers score them with
# different noise.
rng = np.random.default_rng(0)
rel = rng.choice([0, 1, 2, 3], p=[0.75, 0.15, 0.07, 0.03], size=(200, 30))
rel[rel.sum(axis=1) == 0, 0] = 1  # every query has at least one relevant document
rankers = {
    "A (less noise)": rel + rng.normal(0, 1.0, rel.shape),
    "B (more noise)": rel + rng.normal(0, 2.0, rel.shape),
}

checks = []
print(f"{'ranker':<15} {'MRR':>6} {'MAP':>6} {'NDCG@10':>8} {'NDCG@10 exp-gain':>16}")
for name, scores in rankers.items():
    order = np.argsort(-scores, axis=1)
    ranked = np.take_along_axis(rel, order, axis=1)
    mrr = np.mean([reciprocal_rank(r) for r in ranked])
    map_ = np.mean([average_precision(r, (q > 0).sum()) for r, q in zip(ranked, rel)])
    ndcg = np.array([ndcg_at_k(r, q, 10) for r, q in zip(ranked, rel)])
    ndcg_exp = np.mean([ndcg_at_k(r, q, 10, gain="exp") for r, q in zip(ranked, rel)])
    print(f"{name:<15} {mrr:>6.3f} {map_:>6.3f} {ndcg.mean():>8.3f} {ndcg_exp:>16.3f}")

    # Check against scikit-learn: ndcg_score uses linear gain; AP per query on binary
    # relevance.
    checks.append(np.isclose(ndcg.mean(), ndcg_score(rel, scores, k=10)))
    ap_sklearn = [average_precision_score(q > 0, s) for q, s in zip(rel, scores)]
    checks.append(
        np.allclose(
            [average_precision(r, (q > 0).sum()) for r, q in zip(ranked, rel)],
            ap_sklearn,
        )
    )
print(
    "NDCG matches sklearn.metrics.ndcg_score and AP matches average_precision_score: "
    f"{all(checks)}"
)

# One query, two rankings: MRR only sees the first hit, NDCG sees the whole top of the
# list.
first_hit_only = np.array([1, 0, 0, 0, 0, 0, 0, 3, 2, 0])
all_good_later = np.array([0, 3, 2, 1, 0, 0, 0, 0, 0, 0])
for name, r in [
    ("relevant at 1, best at 8", first_hit_only),
    ("best three at 2-4", all_good_later),
]:
    print(f"{name:<25} RR {reciprocal_rank(r):.3f}  NDCG@10 {ndcg_at_k(r, r, 10):.3f}")
