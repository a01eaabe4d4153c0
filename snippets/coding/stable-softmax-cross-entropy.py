# --8<-- [start:signature]
import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis of `logits` (..., C); finite for any finite input."""
    raise NotImplementedError


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of integer `labels` (n,) under softmax(logits) for logits
    (n, C), computed from the logits with log-sum-exp (never log(softmax(...)))."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    # softmax(z) = softmax(z - c) for any c; with c = max, every exponent is <= 0
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    # -log softmax(z)_y = logsumexp(z) - z_y, with the max shifted out of logsumexp
    m = logits.max(axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(log_z - logits[np.arange(len(labels)), labels]))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import log_loss


def test_softmax_cross_entropy_worked_example():
    logits = np.array([[1000.0, 1001.0, 1002.0]])
    np.testing.assert_allclose(softmax(logits), [[0.09003057, 0.24472847, 0.66524096]])
    assert cross_entropy(logits, np.array([2])) == pytest.approx(0.40760596)


def test_softmax_matches_scipy_on_any_axis_shape():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(4, 3, 7))
    np.testing.assert_allclose(softmax(z), scipy_softmax(z, axis=-1), rtol=1e-12)


def test_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3, size=(50, 4))
    labels = rng.integers(0, 4, size=50)
    expected = log_loss(labels, scipy_softmax(logits, axis=1), labels=[0, 1, 2, 3])
    assert cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-9)


def test_softmax_cross_entropy_extreme_logits_stay_finite():
    logits = np.array([[-1000.0, 0.0, 1000.0], [500.0, 500.0, -500.0]])
    p = softmax(logits)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # confident wrong answers cost 2000 and 1000 + log 2 nats, not inf
    expected = (2000.0 + 1000.0 + np.log(2.0)) / 2
    assert cross_entropy(logits, np.array([0, 2])) == pytest.approx(expected, rel=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_softmax_cross_entropy_worked_example,
    test_softmax_matches_scipy_on_any_axis_shape,
    test_cross_entropy_matches_sklearn_log_loss,
    test_softmax_cross_entropy_extreme_logits_stay_finite,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
logits = np.array([[1000.0, 1001.0, 1002.0]])
print("softmax:", softmax(logits).round(4))
print(f"cross-entropy of label 2: {cross_entropy(logits, np.array([2])):.4f}")
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.exp(logits) / np.exp(logits).sum()
print("naive exp(z) / sum(exp(z)):", naive)
# --8<-- [end:check]
