"""The ML coding round: Graphs and clustering from scratch. Practice file with 1 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scipy scikit-learn pytest
    pytest graphs-clustering.py                 # every exercise
    pytest graphs-clustering.py -k <function>   # one exercise, e.g. -k eps_neighbourhoods

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs, make_moons
from sklearn.neighbors import NearestNeighbors


# --------------------------------------------------------------------------------------
# 1. Implement DBSCAN
# Handbook: coding/graphs-clustering/#dbscan-from-scratch
# --------------------------------------------------------------------------------------


def eps_neighbourhoods(X: np.ndarray, eps: float) -> list[np.ndarray]:
    """For each row i of X (n, d), the indices j, ascending, with
    ||X[i] - X[j]|| <= eps (Euclidean; i itself included, a point at exactly eps
    included). Returns a list of n integer arrays."""
    raise NotImplementedError


def dbscan(X: np.ndarray, eps: float, min_samples: int) -> np.ndarray:
    """DBSCAN with scikit-learn's definitions: row i is a core point if at least
    min_samples rows, itself included, lie within distance eps (<=). Clusters are the
    connected components of core points, two core points being connected when they
    lie within eps of each other; they are numbered 0, 1, ... in the order of their
    first core point in X. A row that is not core but lies within eps of a core point
    (a border point) joins the lowest-numbered cluster it is within eps of; every
    other row is noise, -1. Returns integer labels (n,)."""
    raise NotImplementedError


def random_datasets():
    """(name, X, eps, min_samples): blobs with background noise, moons, uniform 3-D
    points, and integer points with duplicates, where distances tie with eps."""
    rng = np.random.default_rng(0)
    for seed in range(3):
        X, _ = make_blobs(300, centers=4, cluster_std=0.6, random_state=seed)
        X = np.vstack([X, rng.uniform(X.min(0), X.max(0), size=(40, 2))])
        for eps, m in [(0.3, 5), (0.5, 5), (0.8, 10)]:
            yield f"blobs {seed}", X, eps, m
        X, _ = make_moons(300, noise=0.08, random_state=seed)
        for eps, m in [(0.1, 4), (0.15, 8), (0.25, 5)]:
            yield f"moons {seed}", X, eps, m
    X = rng.uniform(size=(400, 3))
    for eps, m in [(0.1, 4), (0.15, 6), (0.2, 12)]:
        yield "uniform 3-D", X, eps, m
    X = rng.integers(0, 12, size=(300, 2)).astype(float)
    for eps, m in [(1.0, 5), (np.sqrt(2), 6), (2.0, 9)]:
        yield "integer grid", X, eps, m


def same_partition(a, b):
    """True if labellings a and b split the rows into the same groups."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_dbscan_worked_example():
    X = np.array([[0.0], [1.0], [2.0], [4.0], [6.0], [7.0], [8.0], [15.0]])
    labels = dbscan(X, eps=2.0, min_samples=4)
    assert labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, 1, -1])
    # the border point 4 touches the cores 2 and 6; reversed, 6's cluster comes first
    np.testing.assert_array_equal(
        dbscan(X[::-1], eps=2.0, min_samples=4), [-1, 0, 0, 0, 0, 1, 1, 1]
    )


def test_eps_neighbourhoods_match_sklearn_radius_neighbors():
    for _, X, eps, _ in random_datasets():
        ours = eps_neighbourhoods(X, eps)
        ref = NearestNeighbors(radius=eps).fit(X).radius_neighbors(X)[1]
        assert len(ours) == len(X)
        for i, (a, b) in enumerate(zip(ours, ref)):
            assert i in a
            np.testing.assert_array_equal(a, np.sort(b))


def test_dbscan_matches_sklearn_on_random_data():
    for name, X, eps, m in random_datasets():
        labels = dbscan(X, eps, m)
        ref = DBSCAN(eps=eps, min_samples=m).fit(X)
        core = np.zeros(len(X), dtype=bool)
        core[ref.core_sample_indices_] = True
        ours_core = np.array([len(nb) >= m for nb in eps_neighbourhoods(X, eps)])
        np.testing.assert_array_equal(ours_core, core, err_msg=name)
        np.testing.assert_array_equal(labels == -1, ref.labels_ == -1, err_msg=name)
        assert same_partition(labels[core], ref.labels_[core]), name
        # a border point's cluster must own a core point within eps of it
        within = cdist(X, X) <= eps
        for i in np.flatnonzero(~core & (labels != -1)):
            assert np.any(within[i] & core & (labels == labels[i])), name
        # numbering clusters by first core point and giving a border point the
        # lowest-numbered cluster is what scikit-learn's traversal does
        np.testing.assert_array_equal(labels, ref.labels_, err_msg=name)


def test_dbscan_core_partition_ignores_row_order():
    rng = np.random.default_rng(1)
    for name, X, eps, m in random_datasets():
        order = rng.permutation(len(X))
        labels, shuffled = dbscan(X, eps, m), dbscan(X[order], eps, m)
        core = np.array([len(nb) >= m for nb in eps_neighbourhoods(X, eps)])
        np.testing.assert_array_equal(shuffled == -1, labels[order] == -1)
        assert same_partition(shuffled[core[order]], labels[order][core[order]]), name


def test_dbscan_edge_cases():
    X, _ = make_blobs(200, centers=3, random_state=0)
    # eps below every pairwise distance: all noise
    assert np.all(dbscan(X, eps=1e-6, min_samples=2) == -1)
    # eps above the diameter: one cluster holding every row
    assert np.all(dbscan(X, eps=1e3, min_samples=5) == 0)
    # duplicates count: 5 copies of a point are a cluster at min_samples=5, 4 are not
    point = np.array([[3.0, 3.0]])
    far = np.array([[100.0, 100.0]])
    np.testing.assert_array_equal(
        dbscan(np.vstack([np.repeat(point, 5, 0), far]), 0.5, 5), [0] * 5 + [-1]
    )
    np.testing.assert_array_equal(
        dbscan(np.vstack([np.repeat(point, 4, 0), far]), 0.5, 5), [-1] * 5
    )
    # min_samples=1: every row is core; clusters are the components of the eps-graph
    labels = dbscan(X, eps=0.4, min_samples=1)
    assert np.all(labels >= 0)
    n, components = connected_components(csr_matrix(cdist(X, X) <= 0.4))
    assert labels.max() + 1 == n and same_partition(labels, components)
