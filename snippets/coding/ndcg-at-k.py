# --8<-- [start:signature]
import numpy as np


def ndcg_at_k(
    relevance: np.ndarray, scores: np.ndarray, k: int, exponential: bool = False
) -> float:
    """NDCG@k for one query. relevance (n,) holds the graded labels of all n candidates,
    scores (n,) the model's scores (assume no ties). DCG@k sums gain / log2(rank + 1)
    over the k highest-scored items, rank starting at 1; gain is the relevance, or
    2 ** relevance - 1 if exponential. IDCG@k is the DCG@k of the ideal order.
    Returns DCG@k / IDCG@k, or 0.0 when no candidate is relevant."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def ndcg_at_k(
    relevance: np.ndarray, scores: np.ndarray, k: int, exponential: bool = False
) -> float:
    gains = 2.0**relevance - 1 if exponential else relevance.astype(float)
    discounts = 1.0 / np.log2(np.arange(2, len(gains) + 2))  # rank 1 -> 1 / log2(2)
    dcg = np.sum(gains[np.argsort(-scores)][:k] * discounts[:k])
    # the ideal ranking sorts the gains themselves, over all candidates
    idcg = np.sum(np.sort(gains)[::-1][:k] * discounts[:k])
    return float(dcg / idcg) if idcg > 0 else 0.0


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.metrics import ndcg_score


def test_ndcg_at_k_worked_example():
    relevance = np.array([3, 2, 3, 0, 1, 2])
    scores = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])  # the system ranks them as given
    assert ndcg_at_k(relevance, scores, k=6) == pytest.approx(0.96081, abs=1e-5)
    assert ndcg_at_k(relevance, scores, k=3) == pytest.approx(0.97778, abs=1e-5)


def test_ndcg_at_k_matches_sklearn():
    rng = np.random.default_rng(0)
    for k in (1, 3, 5, 10, 50):
        relevance = rng.integers(0, 4, 20)
        scores = rng.random(20)
        expected = ndcg_score([relevance], [scores], k=k)
        assert ndcg_at_k(relevance, scores, k) == pytest.approx(expected)
        # exponential gains are linear gains of 2^rel - 1,
        # which keeps the same ideal order
        expected = ndcg_score([2.0**relevance - 1], [scores], k=k)
        assert ndcg_at_k(relevance, scores, k, exponential=True) == pytest.approx(
            expected
        )


def test_ndcg_at_k_ideal_uses_all_candidates_and_handles_no_relevance():
    # the only relevant item is ranked 4th: NDCG@3 must be 0, not undefined or 1
    relevance, scores = np.array([0, 0, 0, 2]), np.array([4.0, 3.0, 2.0, 1.0])
    assert ndcg_at_k(relevance, scores, 3) == 0.0
    assert ndcg_at_k(np.zeros(4, dtype=int), scores, 3) == 0.0


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_ndcg_at_k_worked_example,
    test_ndcg_at_k_matches_sklearn,
    test_ndcg_at_k_ideal_uses_all_candidates_and_handles_no_relevance,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
relevance = np.array([3, 2, 3, 0, 1, 2])
scores = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])
for k in (3, 6):
    linear = ndcg_at_k(relevance, scores, k)
    exponential = ndcg_at_k(relevance, scores, k, exponential=True)
    print(f"NDCG@{k}: linear gain {linear:.5f}, exponential gain {exponential:.5f}")
# --8<-- [end:check]
