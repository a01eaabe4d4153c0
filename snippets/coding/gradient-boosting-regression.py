# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def fit_regression_tree(
    X: np.ndarray, y: np.ndarray, max_depth: int
) -> Callable[[np.ndarray], np.ndarray]:
    """A least-squares regression tree (CART), grown depth-first to max_depth.

    Each node takes the split `X[:, j] <= t` that most reduces the sum of squared errors
    of y, with t the midpoint between two consecutive distinct values of feature j. A
    node is a leaf at max_depth, with fewer than two rows, when its targets are all
    equal, or when no feature has two distinct values; it predicts its rows' mean.
    Returns a function that maps an (m, d) array to the (m,) predictions.
    """
    raise NotImplementedError


def gradient_boosting_regression(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    n_estimators: int = 100,
    learning_rate: float = 0.1,
    max_depth: int = 3,
) -> np.ndarray:
    """Gradient boosting for squared error (Friedman, 2001).

    F starts at the mean of y. Each of n_estimators rounds fits a regression tree of
    depth max_depth to the residuals y - F(X), the negative gradient of (y - F)^2 / 2,
    and adds learning_rate times its predictions to F. Returns the predictions for
    X_test after 0, 1, ..., n_estimators trees: shape (n_estimators + 1, len(X_test)).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np


def best_sse_split(X: np.ndarray, y: np.ndarray) -> tuple[int, float] | None:
    n = len(y)
    # sort every feature at once: column j of `order` sorts feature j
    order = np.argsort(X, axis=0, kind="stable")
    x = np.take_along_axis(X, order, axis=0)
    s_left = np.cumsum(y[order], axis=0)[:-1]  # (n - 1, d): sum of y left of cut i
    n_left = np.arange(1, n)[:, None]
    # SSE of the children = sum(y^2) - s_L^2 / n_L - s_R^2 / n_R: maximise the rest
    gain = s_left**2 / n_left + (y.sum() - s_left) ** 2 / (n - n_left)
    gain[x[1:] == x[:-1]] = -np.inf  # cannot cut between equal values
    i, j = np.unravel_index(np.argmax(gain), gain.shape)
    if gain[i, j] == -np.inf:
        return None
    return int(j), float((x[i, j] + x[i + 1, j]) / 2)


def fit_regression_tree(
    X: np.ndarray, y: np.ndarray, max_depth: int
) -> Callable[[np.ndarray], np.ndarray]:
    mean = y.mean()
    split = None
    if max_depth > 0 and len(y) >= 2 and np.any(y != y[0]):
        split = best_sse_split(X, y)
    if split is None:
        return lambda Z: np.full(len(Z), mean)
    j, t = split
    go_left = X[:, j] <= t
    left = fit_regression_tree(X[go_left], y[go_left], max_depth - 1)
    right = fit_regression_tree(X[~go_left], y[~go_left], max_depth - 1)

    def predict(Z: np.ndarray) -> np.ndarray:
        out = np.empty(len(Z))
        mask = Z[:, j] <= t
        out[mask], out[~mask] = left(Z[mask]), right(Z[~mask])
        return out

    return predict


def gradient_boosting_regression(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    n_estimators: int = 100,
    learning_rate: float = 0.1,
    max_depth: int = 3,
) -> np.ndarray:
    # F_0: the constant that minimises squared error
    f_train = np.full(len(y), y.mean())
    f_test = np.full(len(X_test), y.mean())
    staged = [f_test]
    for _ in range(n_estimators):
        # negative gradient of (y - F)^2 / 2 with respect to F: the residual
        tree = fit_regression_tree(X, y - f_train, max_depth)
        # shrinkage: a short step along the tree's direction
        f_train = f_train + learning_rate * tree(X)
        f_test = f_test + learning_rate * tree(X_test)
        staged.append(f_test)
    return np.array(staged)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.tree import DecisionTreeRegressor


def float32_data(seed, n, d):
    # scikit-learn's trees store X as float32; values exact in float32 give the same
    # thresholds and the same comparisons in both implementations
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32).astype(np.float64)
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=n)
    return X, y


def test_gradient_boosting_worked_example():
    X, y = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([0.0, 0.0, 4.0, 4.0])
    np.testing.assert_allclose(fit_regression_tree(X, y, 1)(X), y, atol=1e-12)
    staged = gradient_boosting_regression(
        X, y, np.array([[0.0], [5.0]]), n_estimators=2, learning_rate=0.5, max_depth=1
    )
    np.testing.assert_allclose(staged, [[2, 2], [1, 3], [0.5, 3.5]], atol=1e-12)


def test_regression_tree_matches_sklearn_on_training_rows():
    # on new rows, splits that tie on the training rows may route differently
    X, y = float32_data(0, 300, 4)
    for depth in (1, 3, 6):
        ref = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
        tree = fit_regression_tree(X, y, depth)
        np.testing.assert_allclose(tree(X), ref.predict(X), atol=1e-10)


def test_gradient_boosting_matches_sklearn_at_every_stage():
    X, y = float32_data(1, 300, 4)
    staged = gradient_boosting_regression(
        X, y, X, n_estimators=40, learning_rate=0.2, max_depth=3
    )
    ref = GradientBoostingRegressor(
        n_estimators=40, learning_rate=0.2, max_depth=3, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(staged[0], y.mean(), atol=1e-12)
    np.testing.assert_allclose(staged[1:], list(ref.staged_predict(X)), atol=1e-8)


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

tests = [
    test_gradient_boosting_worked_example,
    test_regression_tree_matches_sklearn_on_training_rows,
    test_gradient_boosting_matches_sklearn_at_every_stage,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X1, y1 = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([0.0, 0.0, 4.0, 4.0])
staged = gradient_boosting_regression(
    X1, y1, np.array([[0.0], [5.0]]), n_estimators=2, learning_rate=0.5, max_depth=1
)
print("worked example, staged:", staged.tolist())

X, y = load_diabetes(return_X_y=True)
X = X.astype(np.float32).astype(np.float64)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
n_train, mse = len(X_train), {}
for lr in (1.0, 0.1):
    both = np.vstack([X_train, X_test])
    staged = gradient_boosting_regression(X_train, y_train, both, 200, lr, 3)
    mse[lr] = ((staged[:, n_train:] - y_test) ** 2).mean(axis=1)
    ref = GradientBoostingRegressor(
        n_estimators=200, learning_rate=lr, max_depth=3, random_state=0
    ).fit(X_train, y_train)
    gap = np.abs(staged[1:] - np.array(list(ref.staged_predict(both))))
    print(
        f"lr {lr}: training rows equal scikit-learn's at every stage (1e-9): "
        f"{gap[:, :n_train].max() < 1e-9}"
    )
    print(
        f"lr {lr}: test rows that differ after 200 trees "
        f"{np.mean(gap[-1, n_train:] > 1e-6):.2f}; test MSE {mse[lr][-1]:.0f}, "
        f"scikit-learn's {np.mean((ref.predict(X_test) - y_test) ** 2):.0f}"
    )
print(f"{'trees':>5}{'test MSE, lr 1.0':>18}{'test MSE, lr 0.1':>18}")
for m in (0, 1, 2, 5, 15, 50, 200):
    print(f"{m:5d}{mse[1.0][m]:18.0f}{mse[0.1][m]:18.0f}")
for lr, curve in mse.items():
    print(f"lr {lr}: lowest test MSE {curve.min():.0f} after {curve.argmin()} trees")
# --8<-- [end:check]
