# --8<-- [start:signature]
import numpy as np


def knn_predict(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, k: int
) -> np.ndarray:
    """Majority vote among the k nearest training rows (Euclidean) of each test row.

    y_train holds integer labels. A tie in the vote goes to the smallest label.
    Returns an (n_test,) array of labels. No Python loop over test rows.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def knn_predict(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, k: int
) -> np.ndarray:
    # squared distances (n_test, n_train) by the expansion trick;
    # the order is all we need
    d2 = (
        np.sum(X_test**2, axis=1)[:, None]
        + np.sum(X_train**2, axis=1)[None, :]
        - 2.0 * X_test @ X_train.T
    )
    # the k smallest per row in O(n_train), unordered: enough for a vote
    nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]
    votes = y_train[nearest]  # (n_test, k)
    n_classes = y_train.max() + 1
    counts = np.zeros((len(X_test), n_classes), dtype=int)
    np.add.at(counts, (np.arange(len(X_test))[:, None], votes), 1)
    return counts.argmax(axis=1)  # argmax returns the first maximum: the smallest label


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.datasets import load_iris
from sklearn.neighbors import KNeighborsClassifier


def test_knn_predict_worked_example():
    X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0], [6.0, 5.0]])
    y_train = np.array([0, 0, 1, 1, 1])
    X_test = np.array([[0.2, 0.2], [5.5, 5.0]])
    np.testing.assert_array_equal(knn_predict(X_train, y_train, X_test, k=3), [0, 1])


def test_knn_predict_matches_sklearn_on_iris():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    # tiny jitter: iris has duplicate rows,
    # and the order of tied neighbours is arbitrary
    X = X + 1e-6 * rng.normal(size=X.shape)
    idx = rng.permutation(len(X))
    train, test = idx[:100], idx[100:]
    for k in (1, 5, 15):
        ref = (
            KNeighborsClassifier(n_neighbors=k).fit(X[train], y[train]).predict(X[test])
        )
        np.testing.assert_array_equal(knn_predict(X[train], y[train], X[test], k), ref)


def test_knn_predict_tie_goes_to_smallest_label():
    X_train = np.array([[-1.0], [1.0], [-2.0], [2.0]])
    y_train = np.array([2, 1, 2, 1])
    np.testing.assert_array_equal(
        knn_predict(X_train, y_train, np.array([[0.0]]), 2), [1]
    )


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_knn_predict_worked_example,
    test_knn_predict_matches_sklearn_on_iris,
    test_knn_predict_tie_goes_to_smallest_label,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0], [6.0, 5.0]])
y_train = np.array([0, 0, 1, 1, 1])
print(knn_predict(X_train, y_train, np.array([[0.2, 0.2], [5.5, 5.0]]), k=3))
# --8<-- [end:check]
