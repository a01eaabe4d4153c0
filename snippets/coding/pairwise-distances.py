# --8<-- [start:signature]
import numpy as np


def pairwise_sq_dists(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between every row of X (n, d) and every row of
    Y (m, d).

    Returns an (n, m) array D with D[i, j] = ||X[i] - Y[j]||^2, computed without a
    Python loop, in O(nm) memory (not O(nmd)), and never negative.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def pairwise_sq_dists(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    # ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y: one matrix product, no (n, m, d) array
    x2 = np.sum(X**2, axis=1)[:, None]  # (n, 1)
    y2 = np.sum(Y**2, axis=1)[None, :]  # (1, m)
    D = x2 + y2 - 2.0 * X @ Y.T  # broadcasts to (n, m)
    # rounding can leave tiny negatives where a distance is 0
    return np.maximum(D, 0.0)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from scipy.spatial.distance import cdist


def test_pairwise_sq_dists_worked_example():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    Y = np.array([[1.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
    expected = np.array([[1.0, 25.0, 2.0], [1.0, 13.0, 0.0]])
    np.testing.assert_allclose(pairwise_sq_dists(X, Y), expected, atol=1e-9)


def test_pairwise_sq_dists_matches_scipy():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(50, 8)), rng.normal(size=(30, 8))
    D = pairwise_sq_dists(X, Y)
    assert D.shape == (50, 30)
    np.testing.assert_allclose(D, cdist(X, Y, "sqeuclidean"), rtol=1e-9, atol=1e-9)


def test_pairwise_sq_dists_never_negative():
    rng = np.random.default_rng(1)
    X = rng.normal(loc=1e4, size=(20, 5))
    D = pairwise_sq_dists(X, X)
    assert (D >= 0).all()
    np.testing.assert_allclose(np.diag(D), 0.0, atol=1e-3)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_pairwise_sq_dists_worked_example,
    test_pairwise_sq_dists_matches_scipy,
    test_pairwise_sq_dists_never_negative,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[0.0, 0.0], [1.0, 1.0]])
Y = np.array([[1.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
print(pairwise_sq_dists(X, Y))
# --8<-- [end:check]
