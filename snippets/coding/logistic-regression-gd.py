# --8<-- [start:signature]
import numpy as np


def logistic_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.5, n_iters: int = 2000, l2: float = 0.0
) -> tuple[np.ndarray, float]:
    """Binary logistic regression by full-batch gradient descent from w = 0, b = 0.

    X: (n, d), y: (n,) in {0, 1}. Minimises the mean log loss plus (l2 / 2) * ||w||^2
    (the intercept b is not penalised). Returns (w, b). The sigmoid must not overflow or
    warn for large |X @ w + b|.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)) overflows for z << 0; this identity never does
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logistic_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.5, n_iters: int = 2000, l2: float = 0.0
) -> tuple[np.ndarray, float]:
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iters):
        error = sigmoid(X @ w + b) - y  # d(log loss)/d(logit), per example
        w -= lr * (X.T @ error / n + l2 * w)
        b -= lr * error.mean()
    return w, float(b)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression


def test_logistic_regression_gd_worked_example():
    X = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 0, 1, 1])
    w, b = logistic_regression_gd(X, y, lr=0.5, n_iters=5000)
    np.testing.assert_allclose(w, [1.2140], atol=1e-3)
    assert b == pytest.approx(-0.6070, abs=1e-3)


def test_logistic_regression_gd_matches_sklearn_with_l2():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    p = 1 / (1 + np.exp(-(X @ np.array([1.5, -2.0, 0.0]) + 0.5)))
    y = (rng.random(300) < p).astype(int)
    w, b = logistic_regression_gd(X, y, lr=0.5, n_iters=3000, l2=0.01)
    # sklearn minimises C * sum(log loss) + ||w||^2 / 2,
    # the same objective times 1 / (C n)
    ref = LogisticRegression(C=1 / (300 * 0.01), tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_[0], atol=1e-4)
    assert b == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_logistic_regression_gd_large_inputs_do_not_overflow():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2)) * 1e4
    y = (X[:, 0] > 0).astype(int)
    with np.errstate(all="raise"):
        w, b = logistic_regression_gd(X, y, lr=0.1, n_iters=50, l2=0.1)
    assert np.all(np.isfinite(w)) and np.isfinite(b)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_logistic_regression_gd_worked_example,
    test_logistic_regression_gd_matches_sklearn_with_l2,
    test_logistic_regression_gd_large_inputs_do_not_overflow,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0], [3.0]])
w, b = logistic_regression_gd(X, np.array([0, 0, 1, 0, 1, 1]), lr=0.5, n_iters=5000)
print(f"w = {w.round(4).tolist()}, b = {b:.4f}")
ref = LogisticRegression(C=np.inf, tol=1e-10).fit(X, [0, 0, 1, 0, 1, 1])
print(
    f"sklearn, no penalty: w = {ref.coef_[0].round(4).tolist()}, "
    f"b = {ref.intercept_[0]:.4f}"
)
# --8<-- [end:check]
