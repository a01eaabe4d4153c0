# --8<-- [start:signature]
import numpy as np


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Average precision, the step-wise area under the precision-recall curve:
    sum over thresholds of (R_t - R_{t-1}) * P_t, one threshold per distinct score (tied
    scores enter together), no interpolation. This is sklearn's
    average_precision_score."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    y, s = y_true[order], scores[order]
    tp = np.cumsum(y)
    # keep only the last position of each run of tied scores: one threshold per score
    last = np.r_[s[1:] != s[:-1], True]
    tp, n_selected = tp[last], np.flatnonzero(last) + 1
    precision = tp / n_selected
    recall = tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.metrics import average_precision_score


def test_average_precision_worked_example():
    y = np.array([0, 0, 1, 1])
    assert average_precision(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(5 / 6)


def test_average_precision_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = (rng.random(300) < 0.1).astype(int)
        y[0] = 1
        scores = np.round(rng.random(300) + 0.5 * y, 1)
        expected = average_precision_score(y, scores)
        assert average_precision(y, scores) == pytest.approx(expected)


def test_average_precision_perfect_and_reversed():
    y = np.array([1, 1, 0, 0, 0])
    assert average_precision(y, np.array([5.0, 4, 3, 2, 1])) == pytest.approx(1.0)
    assert average_precision(y, np.array([1.0, 2, 3, 4, 5])) == pytest.approx(
        0.5 * (1 / 4 + 2 / 5)
    )


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.metrics import auc, precision_recall_curve

tests = [
    test_average_precision_worked_example,
    test_average_precision_matches_sklearn_with_ties,
    test_average_precision_perfect_and_reversed,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(
    "AP: "
    f"{average_precision(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])):.4f}"
)
# a classifier that outputs hard 0/1 labels has one threshold between "all" and "none";
# a trapezoid from (recall 0, precision 1) to that point is a straight line that no
# threshold achieves
rng = np.random.default_rng(2)
y = (rng.random(2000) < 0.05).astype(int)
hard = np.round(rng.random(2000) + 0.3 * y)
precision, recall, _ = precision_recall_curve(y, hard)
print(
    f"hard labels: AP {average_precision(y, hard):.3f}, "
    f"trapezoidal {auc(recall, precision):.3f}"
)
# --8<-- [end:check]
