# --8<-- [start:signature]
import numpy as np


def kmeans_pp_init(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: the first centre is a row of X chosen uniformly; each next one
    is a row chosen with probability proportional to D(x)^2, its squared distance to the
    nearest centre chosen so far. Returns (k, d)."""
    raise NotImplementedError


def kmeans(
    X: np.ndarray, k: int, rng: np.random.Generator, n_iters: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm from kmeans_pp_init: assign each row to its nearest centroid,
    move each centroid to the mean of its rows, stop when no assignment changes (or
    after n_iters). A centroid that loses all its rows stays where it is. Returns
    (centroids (k, d), labels (n,))."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def kmeans_pp_init(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [X[rng.integers(len(X))]]
    d2 = np.sum((X - centres[0]) ** 2, axis=1)  # squared distance to the nearest centre
    for _ in range(1, k):
        total = d2.sum()
        # if every point already sits on a centre, any choice is as good
        i = rng.choice(len(X), p=d2 / total if total > 0 else None)
        centres.append(X[i])
        d2 = np.minimum(d2, np.sum((X - X[i]) ** 2, axis=1))
    return np.array(centres, dtype=float)


def kmeans(
    X: np.ndarray, k: int, rng: np.random.Generator, n_iters: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    centroids = kmeans_pp_init(X, k, rng)
    labels = np.full(len(X), -1)
    for _ in range(n_iters):
        d2 = np.sum((X[:, None, :] - centroids[None, :, :]) ** 2, axis=2)  # (n, k)
        new_labels = d2.argmin(axis=1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            members = X[labels == j]
            if len(members):
                centroids[j] = members.mean(axis=0)
    return centroids, labels


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.cluster import KMeans


def blobs(centres, n_per, scale, seed):
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    X = np.concatenate([c + scale * rng.normal(size=(n_per, 2)) for c in centres])
    return X, np.repeat(np.arange(len(centres)), n_per)


def test_kmeans_worked_example():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
    centroids, labels = kmeans(X, 2, np.random.default_rng(0))
    order = np.argsort(centroids[:, 0])
    np.testing.assert_allclose(centroids[order], [[0.0, 0.5], [10.0, 10.5]])
    assert labels[0] == labels[1] != labels[2] == labels[3]


def test_kmeans_pp_init_spreads_over_separated_blobs():
    X, truth = blobs([[0, 0], [20, 0], [0, 20], [20, 20]], 50, 0.05, seed=0)
    for seed in range(3):
        C = kmeans_pp_init(X, 4, np.random.default_rng(seed))
        assert C.shape == (4, 2)
        rows = [np.argmin(np.sum((X - c) ** 2, axis=1)) for c in C]
        np.testing.assert_array_equal(X[rows], C)  # the centres are rows of X
        # uniform seeding puts two centres in one blob about 90% of the time
        assert len(set(truth[rows])) == 4


def test_kmeans_finds_sklearn_optimum_and_a_fixed_point():
    X, _ = blobs([[0, 0], [8, 0], [4, 7]], 100, 1.0, seed=1)
    centroids, labels = kmeans(X, 3, np.random.default_rng(0))
    ref = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
    inertia = np.sum((X - centroids[labels]) ** 2)
    assert inertia == pytest.approx(ref.inertia_, rel=1e-6)
    # converged: each centroid is its cluster's mean, each label its nearest centroid
    for j in range(3):
        np.testing.assert_allclose(centroids[j], X[labels == j].mean(axis=0))
    d2 = np.sum((X[:, None] - centroids[None]) ** 2, axis=2)
    np.testing.assert_array_equal(labels, d2.argmin(axis=1))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_kmeans_worked_example,
    test_kmeans_pp_init_spreads_over_separated_blobs,
    test_kmeans_finds_sklearn_optimum_and_a_fixed_point,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
centroids, labels = kmeans(X, 2, np.random.default_rng(0))
print("centroids:", centroids[np.argsort(centroids[:, 0])].tolist())

# how often does each seeding put two of four centres in the same blob?
X, truth = blobs([[0, 0], [20, 0], [0, 20], [20, 20]], 50, 0.05, seed=0)
rng = np.random.default_rng(1)
uniform = [
    len(set(truth[rng.choice(len(X), 4, replace=False)])) < 4 for _ in range(1000)
]
plus = []
for _ in range(1000):
    C = kmeans_pp_init(X, 4, rng)
    rows = [np.argmin(np.sum((X - c) ** 2, axis=1)) for c in C]
    plus.append(len(set(truth[rows])) < 4)
print(
    f"two centres in one blob: uniform {np.mean(uniform):.3f}, "
    f"k-means++ {np.mean(plus):.3f}"
)
# --8<-- [end:check]
