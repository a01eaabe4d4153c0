# --8<-- [start:signature]
import numpy as np


def linear_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.1, n_iters: int = 1000
) -> tuple[np.ndarray, float, np.ndarray]:
    """Least squares with an intercept by full-batch gradient descent on the mean
    squared error L(w, b) = mean((X @ w + b - y) ** 2), starting from w = 0, b = 0.

    Returns (w, b, losses), where losses has n_iters + 1 entries: losses[t] is L after
    t updates (so losses[0] = mean(y ** 2)).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def linear_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.1, n_iters: int = 1000
) -> tuple[np.ndarray, float, np.ndarray]:
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(n_iters + 1)
    for t in range(n_iters + 1):
        residual = X @ w + b - y
        losses[t] = np.mean(residual**2)
        if t == n_iters:
            break
        # gradient of the mean of squares: (2 / n) X^T r, and (2 / n) sum(r) for b
        w -= lr * (2.0 / n) * (X.T @ residual)
        b -= lr * 2.0 * residual.mean()
    return w, float(b), losses


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def test_linear_regression_gd_worked_example():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([1.0, 3.0, 5.0, 7.0])
    w, b, losses = linear_regression_gd(X, y, lr=0.1, n_iters=1000)
    np.testing.assert_allclose(w, [2.0], atol=1e-6)
    assert b == pytest.approx(1.0, abs=1e-6)
    assert len(losses) == 1001
    assert losses[0] == pytest.approx(21.0)


def test_linear_regression_gd_reaches_the_closed_form():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = X @ np.array([2.0, -1.0, 0.0, 0.5]) - 3.0 + 0.1 * rng.normal(size=200)
    w, b, losses = linear_regression_gd(X, y, lr=0.1, n_iters=500)
    A = np.hstack([X, np.ones((200, 1))])
    exact, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(np.append(w, b), exact, atol=1e-6)
    assert np.all(np.diff(losses) <= 1e-12)  # never goes up with a small enough step


def test_linear_regression_gd_diverges_with_a_large_step():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3))
    y = X.sum(axis=1)
    *_, losses = linear_regression_gd(X, y, lr=2.0, n_iters=50)
    assert losses[-1] > losses[0]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_linear_regression_gd_worked_example,
    test_linear_regression_gd_reaches_the_closed_form,
    test_linear_regression_gd_diverges_with_a_large_step,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
w, b, losses = linear_regression_gd(X, y, lr=0.1, n_iters=1000)
print(f"w = {w.round(6).tolist()}, b = {b:.6f}")
for t in (0, 10, 100):
    print(f"loss after {t:3d} updates: {losses[t]:.3g}")
print("loss after 1000 updates below 1e-20:", losses[1000] < 1e-20)
# --8<-- [end:check]
