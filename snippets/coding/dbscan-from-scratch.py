# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def eps_neighbourhoods(X: np.ndarray, eps: float) -> list[np.ndarray]:
    X = np.asarray(X, dtype=float)
    neighbours = []
    # a block of rows at a time: O(block * n) memory, never the full n x n matrix
    block = 256
    for start in range(0, len(X), block):
        rows = X[start : start + block]
        # direct differences, not |x|^2 - 2 x.y + |y|^2, whose rounding can move a
        # point that lies exactly at eps to either side of it
        d2 = np.sum((rows[:, None, :] - X[None, :, :]) ** 2, axis=2)
        neighbours.extend(np.flatnonzero(row <= eps**2) for row in d2)
    return neighbours


def dbscan(X: np.ndarray, eps: float, min_samples: int) -> np.ndarray:
    neighbours = eps_neighbourhoods(X, eps)
    is_core = np.array([len(nb) >= min_samples for nb in neighbours], dtype=bool)
    labels = np.full(len(neighbours), -1)
    n_clusters = 0
    # start a cluster at each core point, in data order, that no cluster reached yet
    for seed in np.flatnonzero(is_core):
        if labels[seed] != -1:
            continue
        labels[seed] = n_clusters
        frontier = [seed]
        while frontier:
            nb = neighbours[frontier.pop()]
            # a labelled border point keeps the cluster that reached it first
            new = nb[labels[nb] == -1]
            labels[new] = n_clusters
            # only core points are expanded: border points end the search
            frontier.extend(new[is_core[new]])
        n_clusters += 1
    return labels


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs, make_moons
from sklearn.neighbors import NearestNeighbors


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


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import adjusted_rand_score

tests = [
    test_dbscan_worked_example,
    test_eps_neighbourhoods_match_sklearn_radius_neighbors,
    test_dbscan_matches_sklearn_on_random_data,
    test_dbscan_core_partition_ignores_row_order,
    test_dbscan_edge_cases,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[0.0], [1.0], [2.0], [4.0], [6.0], [7.0], [8.0], [15.0]])
print("worked example:", dbscan(X, 2.0, 4).tolist())
print("  rows reversed:", dbscan(X[::-1], 2.0, 4).tolist())

# border points within eps of core points of two different clusters
runs, ambiguous = 0, 0
for _, X, eps, m in random_datasets():
    labels = dbscan(X, eps, m)
    core = np.array([len(nb) >= m for nb in eps_neighbourhoods(X, eps)])
    within = cdist(X, X) <= eps
    runs += 1
    ambiguous += sum(
        len(set(labels[within[i] & core].tolist())) > 1 for i in np.flatnonzero(~core)
    )
print(f"{runs} test runs: {ambiguous} border points touch two clusters")


def k_distance(X, k):
    """Each row's distance to its k-th nearest row, itself counted: the row is core
    exactly when this is <= eps with min_samples = k."""
    d = np.sqrt(np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=2))
    return np.sort(np.partition(d, k - 1, axis=1)[:, k - 1])


def knee(sorted_values):
    """The point of the sorted curve farthest below the chord joining its ends."""
    x = np.linspace(0, 1, len(sorted_values))
    span = sorted_values[-1] - sorted_values[0]
    return sorted_values[np.argmax(x - (sorted_values - sorted_values[0]) / span)]


rng = np.random.default_rng(0)
X_moons, y_moons = make_moons(500, noise=0.06, random_state=0)
background = rng.uniform([-1.5, -1.0], [2.5, 1.5], size=(25, 2))
moons = np.vstack([X_moons, background]), np.r_[y_moons, np.full(25, -1)]
X_blobs = np.vstack(
    [
        rng.normal([0.0, 0.0], 0.25, size=(200, 2)),
        rng.normal([1.6, 0.0], 0.25, size=(200, 2)),
        rng.normal([4.0, 4.0], 1.2, size=(200, 2)),
        rng.uniform(-2.0, 8.0, size=(30, 2)),
    ]
)
blobs = X_blobs, np.r_[np.repeat([0, 1, 2], 200), np.full(30, -1)]

m = 5
same_as_sklearn = True
for title, (X, truth), k in [
    ("two moons + 25 background rows", moons, 2),
    ("two tight blobs + one sparse blob + 30 background rows", blobs, 3),
]:
    dist = k_distance(X, m)
    eps = knee(dist)
    q50, q90, q99 = np.quantile(dist, [0.5, 0.9, 0.99])
    print(f"{title} ({len(X)} rows), min_samples {m}")
    print(
        f"  {m}-distance: median {q50:.3f}, 90th pct {q90:.3f}, 99th {q99:.3f}; "
        f"knee {eps:.3f}"
    )
    print(f"  {'method':<22}{'clusters':>9}{'noise':>8}{'largest':>8}{'ARI':>8}")
    rows = [(f"DBSCAN eps {e:.3f}", e) for e in (eps / 3, eps, 3 * eps)]
    grid = np.round(np.arange(0.05, 1.51, 0.05), 2)
    scores = [adjusted_rand_score(truth, dbscan(X, e, m)) for e in grid]
    best = grid[int(np.argmax(scores))]
    rows.append((f"best on grid, eps {best:.2f}", best))
    results = []
    for label, e in rows:
        pred = dbscan(X, e, m)
        reference = DBSCAN(eps=e, min_samples=m).fit_predict(X)
        same_as_sklearn &= bool(np.array_equal(pred, reference))
        results.append((label, pred))
    results += [
        (f"k-means k={k}", KMeans(k, n_init=10, random_state=0).fit_predict(X)),
        ("HDBSCAN min size 20", HDBSCAN(min_cluster_size=20, copy=True).fit_predict(X)),
    ]
    for label, pred in results:
        sizes = np.bincount(pred[pred >= 0])
        noise, largest = np.mean(pred == -1), sizes.max() / len(X)
        ari = adjusted_rand_score(truth, pred)
        print(f"  {label:<22}{len(sizes):>9}{noise:>8.3f}{largest:>8.3f}{ari:>8.3f}")
# the blobs were the last data set: eps and best are still its knee and best eps
X, truth = blobs
shares = [
    f"eps {e:.3f} {np.mean(dbscan(X, e, m)[truth == 2] == -1):.3f}"
    for e in (eps / 3, best, eps)
]
print("share of the sparse blob called noise:", ", ".join(shares))
print(f"every DBSCAN run above gives scikit-learn's labels: {same_as_sklearn}")
# --8<-- [end:check]
