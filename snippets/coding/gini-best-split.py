# --8<-- [start:signature]
import numpy as np


def gini(y: np.ndarray) -> float:
    """Gini impurity 1 - sum_c p_c^2 of the integer labels y."""
    raise NotImplementedError


def best_split(X: np.ndarray, y: np.ndarray) -> tuple[int, float, float]:
    """The split `X[:, feature] <= threshold` with the lowest weighted Gini impurity of
    the two children, (n_left * gini(left) + n_right * gini(right)) / n.

    Thresholds are midpoints between consecutive distinct values of a feature. Returns
    (feature, threshold, weighted_impurity). O(d n log n): sort each feature once and
    sweep it with running class counts, not a loop that recounts both sides.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def gini(y: np.ndarray) -> float:
    p = np.bincount(y) / len(y)
    return float(1.0 - np.sum(p**2))


def best_split(X: np.ndarray, y: np.ndarray) -> tuple[int, float, float]:
    n, d = X.shape
    onehot = np.eye(y.max() + 1)[y]  # (n, C)
    best = (-1, np.nan, np.inf)
    for j in range(d):
        order = np.argsort(X[:, j], kind="stable")
        x = X[order, j]
        left = np.cumsum(onehot[order], axis=0)[:-1]  # class counts left of cut i
        right = left[-1] + onehot[order[-1]] - left  # total minus left
        n_left = np.arange(1, n)[:, None]
        g_left = 1 - np.sum((left / n_left) ** 2, axis=1)
        g_right = 1 - np.sum((right / (n - n_left)) ** 2, axis=1)
        impurity = (n_left[:, 0] * g_left + (n - n_left[:, 0]) * g_right) / n
        valid = x[1:] > x[:-1]  # cannot cut between equal values
        if not valid.any():
            continue
        i = np.flatnonzero(valid)[np.argmin(impurity[valid])]
        if impurity[i] < best[2]:
            best = (j, float((x[i] + x[i + 1]) / 2), float(impurity[i]))
    return best


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier


def test_best_split_worked_example():
    assert gini(np.array([0, 0, 1, 1])) == pytest.approx(0.5)
    X = np.array(
        [[1.0, 5.0], [2.0, 6.0], [3.0, 5.0], [4.0, 6.0], [5.0, 5.0], [6.0, 6.0]]
    )
    y = np.array([0, 0, 0, 1, 1, 1])
    feature, threshold, impurity = best_split(X, y)
    assert (feature, threshold) == (0, pytest.approx(3.5))
    assert impurity == pytest.approx(0.0)


def test_best_split_matches_a_sklearn_stump():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 2] + 0.3 * rng.normal(size=300) > 0.4).astype(int) + (X[:, 0] > 1.5)
    feature, threshold, impurity = best_split(X, y)
    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y).tree_
    assert feature == tree.feature[0]
    assert threshold == pytest.approx(tree.threshold[0])
    n = tree.weighted_n_node_samples
    children = (n[1] * tree.impurity[1] + n[2] * tree.impurity[2]) / n[0]
    assert impurity == pytest.approx(children)


def test_best_split_repeated_values_never_split_between_equals():
    X = np.array([[1.0], [1.0], [1.0], [2.0], [2.0]])
    y = np.array([0, 1, 0, 1, 1])
    feature, threshold, impurity = best_split(X, y)
    assert threshold == pytest.approx(1.5)
    assert impurity == pytest.approx(3 / 5 * (1 - (2 / 3) ** 2 - (1 / 3) ** 2))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_best_split_worked_example,
    test_best_split_matches_a_sklearn_stump,
    test_best_split_repeated_values_never_split_between_equals,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 5.0], [4.0, 6.0], [5.0, 5.0], [6.0, 6.0]])
y = np.array([0, 0, 0, 1, 1, 1])
print(f"gini([0, 0, 1, 1]) = {gini(np.array([0, 0, 1, 1])):.3f}")
print("best split (feature, threshold, impurity):", best_split(X, y))
# --8<-- [end:check]
