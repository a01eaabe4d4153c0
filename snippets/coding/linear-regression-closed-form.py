# --8<-- [start:signature]
import numpy as np


def fit_linear_regression(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Ordinary least squares with an intercept, in closed form.

    X: (n, d), y: (n,). Returns (w, b) minimising sum((X @ w + b - y) ** 2). Must not
    invert X^T X explicitly, and must work when columns of X are collinear (return the
    minimum-norm solution then).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def fit_linear_regression(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    # centring removes the intercept from the problem: b = mean(y) - mean(X) @ w
    x_mean, y_mean = X.mean(axis=0), y.mean()
    # lstsq solves by SVD: stable, and minimum-norm when X is rank-deficient
    w, *_ = np.linalg.lstsq(X - x_mean, y - y_mean, rcond=None)
    return w, float(y_mean - x_mean @ w)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression


def test_fit_linear_regression_worked_example():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    w, b = fit_linear_regression(X, np.array([1.0, 3.0, 5.0, 7.0]))
    np.testing.assert_allclose(w, [2.0], atol=1e-9)
    assert b == pytest.approx(1.0, abs=1e-9)


def test_fit_linear_regression_matches_sklearn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + 4.0 + rng.normal(size=100)
    w, b = fit_linear_regression(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-8)
    assert b == pytest.approx(ref.intercept_, abs=1e-8)


def test_fit_linear_regression_collinear_columns():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 1))
    X = np.hstack([x, x])  # X^T X is singular
    y = 3.0 * x[:, 0] + 1.0
    w, b = fit_linear_regression(X, y)
    # the minimum-norm solution splits the weight evenly
    np.testing.assert_allclose(w, [1.5, 1.5], atol=1e-8)
    np.testing.assert_allclose(X @ w + b, y, atol=1e-8)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_fit_linear_regression_worked_example,
    test_fit_linear_regression_matches_sklearn,
    test_fit_linear_regression_collinear_columns,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
w, b = fit_linear_regression(
    np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1, 3, 5, 7.0])
)
print(f"w = {w.round(6).tolist()}, b = {b:.6f}")
# --8<-- [end:check]
