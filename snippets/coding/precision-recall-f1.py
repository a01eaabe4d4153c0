# --8<-- [start:signature]
import numpy as np


def precision_recall_f1(
    y_true: np.ndarray, y_pred: np.ndarray
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class 1 for binary labels in {0, 1}.
    A ratio with a zero denominator is 0.0 (no exception, no nan)."""
    raise NotImplementedError


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The unweighted mean over classes of each class's one-vs-rest F1, for integer
    labels; the classes are those present in y_true or y_pred."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def precision_recall_f1(
    y_true: np.ndarray, y_pred: np.ndarray
) -> tuple[float, float, float]:
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true == 0))
    fn = np.sum((y_pred == 0) & (y_true == 1))
    precision, recall = safe_div(tp, tp + fp), safe_div(tp, tp + fn)
    # F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN), which is 0 when TP is 0
    return float(precision), float(recall), float(safe_div(2 * tp, 2 * tp + fp + fn))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    classes = np.union1d(y_true, y_pred)
    return float(
        np.mean([precision_recall_f1(y_true == c, y_pred == c)[2] for c in classes])
    )


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_recall_fscore_support


def test_precision_recall_f1_worked_example():
    y_true = np.array([1, 1, 0, 1, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 1, 1])
    assert precision_recall_f1(y_true, y_pred) == pytest.approx((0.5, 2 / 3, 4 / 7))


def test_precision_recall_f1_matches_sklearn():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y_true, y_pred = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average="binary", zero_division=0
        )
        assert precision_recall_f1(y_true, y_pred) == pytest.approx((p, r, f))


def test_precision_recall_f1_no_positive_predictions_is_zero_not_nan():
    y_true, y_pred = np.array([1, 0, 1]), np.array([0, 0, 0])
    assert precision_recall_f1(y_true, y_pred) == (0.0, 0.0, 0.0)


def test_macro_f1_matches_sklearn():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
    expected = f1_score(y_true, y_pred, average="macro", zero_division=0)
    assert macro_f1(y_true, y_pred) == pytest.approx(expected)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_precision_recall_f1_worked_example,
    test_precision_recall_f1_matches_sklearn,
    test_precision_recall_f1_no_positive_predictions_is_zero_not_nan,
    test_macro_f1_matches_sklearn,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
p, r, f = precision_recall_f1(
    np.array([1, 1, 0, 1, 0, 0]), np.array([1, 0, 0, 1, 1, 1])
)
print(f"precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")
# --8<-- [end:check]
