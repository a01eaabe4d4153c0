# --8<-- [start:signature]
import numpy as np


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve for binary labels in {0, 1}: the probability that a
    random positive scores above a random negative, ties counting one half. O(n log n):
    no loop over pairs. Raises ValueError if only one class is present."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    n_pos = int(np.sum(y_true == 1))
    n_neg = len(y_true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both classes")
    # ranks 1..n, tied scores sharing their average rank
    values, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    first_rank = np.cumsum(counts) - counts + 1
    ranks = (first_rank + (counts - 1) / 2)[inverse]
    # Mann-Whitney: the positives' rank sum, minus its minimum, over the number of pairs
    u = ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score


def test_roc_auc_worked_example():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)


def test_roc_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = rng.integers(0, 2, 200)
        scores = np.round(rng.random(200) + 0.3 * y, 1)  # rounding creates many ties
        assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores))


def test_roc_auc_constant_scores_and_one_class():
    assert roc_auc(np.array([0, 1, 0, 1]), np.zeros(4)) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        roc_auc(np.array([1, 1, 1]), np.array([0.2, 0.5, 0.9]))


# --8<-- [end:tests]


# --8<-- [start:check]

tests = [
    test_roc_auc_worked_example,
    test_roc_auc_matches_sklearn_with_ties,
    test_roc_auc_constant_scores_and_one_class,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(f"AUC: {roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])):.3f}")
# the ranking view: AUC is unchanged by any strictly increasing transform of the scores
rng = np.random.default_rng(1)
y, s = rng.integers(0, 2, 1000), rng.random(1000)
print(
    "same AUC after exp(10 s):", np.isclose(roc_auc(y, s), roc_auc(y, np.exp(10 * s)))
)
# --8<-- [end:check]
