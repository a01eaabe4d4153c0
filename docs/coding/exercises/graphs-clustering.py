"""The ML coding round: Graphs and clustering from scratch. Practice file with 5 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scipy scikit-learn networkx pytest
    pytest graphs-clustering.py                 # every exercise
    pytest graphs-clustering.py -k <function>   # one exercise, e.g. -k eps_neighbourhoods

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import functools
import math
import warnings

import networkx as nx
import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, is_monotonic, is_valid_linkage, linkage
from scipy.sparse import csgraph
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.csgraph import connected_components, laplacian
from scipy.spatial.distance import cdist
from sklearn.cluster import AgglomerativeClustering
from sklearn.cluster import DBSCAN
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.neighbors import NearestNeighbors
from sklearn.neighbors import kneighbors_graph


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


# --------------------------------------------------------------------------------------
# 2. Implement PageRank by power iteration
# Handbook: coding/graphs-clustering/#pagerank-power-iteration
# --------------------------------------------------------------------------------------


def pagerank(
    edges: np.ndarray,
    n: int,
    damping: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 1000,
    personalization: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """PageRank of the directed graph on nodes 0..n-1 whose links are the rows
    (source, target) of edges (m, 2), by power iteration. A link listed twice counts
    once; a self-loop (i, i) is a link like any other, so a node whose only link is
    a self-loop is not dangling. A dangling node (no out-links) spreads its mass
    uniformly over all n nodes. With probability 1 - damping the walk teleports to
    a node drawn from personalization (n non-negative weights, normalised to sum to
    1; uniform if None). Start from the teleport distribution and stop at the first
    iteration whose L1 change ||x_new - x||_1 is below tol; raise RuntimeError if
    max_iter iterations do not get there. Returns (ranks (n,) summing to 1,
    number of iterations)."""
    raise NotImplementedError


def random_digraph_edges(rng, n, dangling_share=0.2, mean_out_degree=4.0, loops=True):
    """An edge list on n nodes, shuffled: a share of the nodes has no out-links,
    targets favour low-numbered nodes (a few hubs), about 5% of edges are listed
    twice and, with loops=True, n // 20 self-loops sit on random nodes, so some
    nodes have a self-loop as their only link."""
    has_links = np.flatnonzero(rng.random(n) >= dangling_share)
    out_degrees = rng.poisson(mean_out_degree - 1, len(has_links)) + 1
    source = np.repeat(has_links, out_degrees)
    popularity = 1.0 / np.arange(1, n + 1)
    target = rng.choice(n, size=len(source), p=popularity / popularity.sum())
    edges = np.column_stack([source, target])
    repeats = edges[rng.choice(len(edges), size=len(edges) // 20)]
    edges = np.vstack([edges, repeats])
    if loops:
        looped = rng.choice(n, size=n // 20, replace=False)
        edges = np.vstack([edges, np.column_stack([looped, looped])])
    return rng.permutation(edges)


def random_graph_cases():
    """(name, edges, n): random graphs with dangling nodes, self-loops, duplicates,
    and nodes with no links at all."""
    rng = np.random.default_rng(0)
    for n, share in [(30, 0.1), (120, 0.3), (300, 0.05), (300, 0.6)]:
        yield f"n={n}, dangling share {share}", random_digraph_edges(rng, n, share), n


def networkx_pagerank(edges, n, damping, personalization=None, multi=False):
    """networkx's PageRank with every node added, so isolated nodes count. On a
    DiGraph a duplicate edge collapses to one; on a MultiDiGraph (multi=True) it
    counts twice. Dangling mass is spread uniformly, as in pagerank: networkx's
    default sends it along the personalisation vector instead. Its tol is per
    node, so 1e-14 is tight."""
    graph = nx.MultiDiGraph() if multi else nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(map(tuple, np.asarray(edges).tolist()))
    options = {}
    if personalization is not None:
        options = {
            "personalization": dict(enumerate(personalization)),
            "dangling": dict.fromkeys(range(n), 1.0),
        }
    ranks = nx.pagerank(graph, alpha=damping, tol=1e-14, max_iter=100_000, **options)
    return np.array([ranks[i] for i in range(n)])


def google_transition_dense(edges, n):
    """Row-stochastic P as a dense matrix: P[i, j] = 1/out_degree(i) for a link
    i -> j, and a uniform row 1/n for a dangling node."""
    adjacency = np.zeros((n, n))
    edges = np.asarray(edges).reshape(-1, 2)
    adjacency[edges[:, 0], edges[:, 1]] = 1.0
    out_degree = adjacency.sum(axis=1, keepdims=True)
    return np.where(out_degree > 0, adjacency / np.maximum(out_degree, 1), 1.0 / n)


def pagerank_dense_solve(edges, n, damping, personalization=None):
    """The stationary vector from (I - d P^T) x = (1 - d) v, P with the dangling fix."""
    v = np.full(n, 1.0 / n) if personalization is None else np.asarray(personalization)
    v = v / v.sum()
    P = google_transition_dense(edges, n)
    return np.linalg.solve(np.eye(n) - damping * P.T, (1 - damping) * v)


def test_pagerank_worked_example():
    edges = [(0, 1), (1, 2), (2, 0), (2, 0), (2, 2)]
    ranks, _ = pagerank(edges, 4, damping=0.5)
    np.testing.assert_allclose(ranks, np.array([18, 20, 28, 11]) / 77, atol=1e-10)
    # three dangling nodes out of three: every rank is 1/3
    ranks, iterations = pagerank(np.empty((0, 2), dtype=int), 3)
    np.testing.assert_allclose(ranks, [1 / 3] * 3, atol=1e-15)
    assert iterations == 1


def test_pagerank_matches_networkx():
    for name, edges, n in random_graph_cases():
        for damping in (0.5, 0.85, 0.95):
            ranks, _ = pagerank(edges, n, damping=damping, tol=1e-13, max_iter=10_000)
            expected = networkx_pagerank(edges, n, damping)
            np.testing.assert_allclose(
                ranks, expected, rtol=0, atol=1e-10, err_msg=name
            )


def test_pagerank_matches_closed_form():
    for name, edges, n in random_graph_cases():
        ranks, _ = pagerank(edges, n, damping=0.85, tol=1e-13)
        solved = pagerank_dense_solve(edges, n, 0.85)
        np.testing.assert_allclose(ranks, solved, rtol=0, atol=1e-11, err_msg=name)
        # the same vector is the leading eigenvector of the Google matrix
        google = 0.85 * google_transition_dense(edges, n).T + 0.15 / n
        values, vectors = np.linalg.eig(google)
        leading = vectors[:, np.argmax(values.real)].real
        np.testing.assert_allclose(ranks, leading / leading.sum(), atol=1e-10)
        assert np.isclose(values.real.max(), 1.0, atol=1e-10)


def test_pagerank_is_a_probability_vector():
    rng = np.random.default_rng(1)
    for share in (0.0, 0.5, 0.9, 1.0):
        n = 200
        edges = random_digraph_edges(rng, n, share, loops=False)
        for damping in (0.0, 0.5, 0.85, 0.99):
            ranks, _ = pagerank(edges, n, damping=damping, max_iter=5000)
            assert ranks.shape == (n,)
            assert abs(ranks.sum() - 1) < 1e-12
            # every node keeps at least its teleport share
            assert ranks.min() >= (1 - damping) / n - 1e-15
    # a complete graph, self-loops included, is uniform; so is a single node
    complete = np.array([(i, j) for i in range(5) for j in range(5)])
    np.testing.assert_allclose(pagerank(complete, 5)[0], [0.2] * 5, atol=1e-15)
    np.testing.assert_allclose(pagerank([(0, 0)], 1)[0], [1.0])
    # duplicates and edge order do not matter; a missing self-loop does
    edges = random_digraph_edges(rng, 100, 0.2)
    ranks, _ = pagerank(edges, 100)
    once = np.unique(edges, axis=0)
    np.testing.assert_allclose(pagerank(once[::-1], 100)[0], ranks, atol=1e-15)
    no_loops = once[once[:, 0] != once[:, 1]]
    assert np.abs(pagerank(no_loops, 100)[0] - ranks).sum() > 1e-3


def test_personalised_pagerank():
    rng = np.random.default_rng(2)
    for name, edges, n in random_graph_cases():
        weights = np.zeros(n)
        weights[rng.choice(n, size=3, replace=False)] = [1.0, 2.0, 5.0]
        ranks, _ = pagerank(edges, n, tol=1e-13, personalization=weights)
        expected = networkx_pagerank(edges, n, 0.85, personalization=weights)
        np.testing.assert_allclose(ranks, expected, atol=1e-10, err_msg=name)
        solved = pagerank_dense_solve(edges, n, 0.85, weights)
        np.testing.assert_allclose(ranks, solved, atol=1e-11, err_msg=name)
        # the walk restarts at a seed with probability (1 - d) * its weight
        assert np.all(ranks >= 0.15 * weights / weights.sum() - 1e-15)
        # uniform weights, at any scale, are plain PageRank
        uniform, _ = pagerank(edges, n, tol=1e-13, personalization=np.full(n, 7.0))
        np.testing.assert_allclose(
            uniform, pagerank(edges, n, tol=1e-13)[0], atol=1e-15
        )
    with pytest.raises(ValueError):
        pagerank([(0, 1)], 2, personalization=np.zeros(2))


def test_iterations_within_damping_bound():
    rng = np.random.default_rng(3)
    n = 150
    edges = random_digraph_edges(rng, n, 0.2)
    for damping in (0.5, 0.85, 0.95):
        solved = pagerank_dense_solve(edges, n, damping)
        for tol in (1e-4, 1e-8, 1e-12):
            ranks, iterations = pagerank(edges, n, damping=damping, tol=tol)
            # the L1 change shrinks by at least d per iteration and starts at <= 2d
            assert iterations <= math.floor(math.log(tol / 2) / math.log(damping)) + 1
            # a change below tol leaves an error of at most tol * d / (1 - d)
            error = np.abs(ranks - solved).sum()
            assert error <= tol * damping / (1 - damping) + 1e-12
    # on a directed cycle, personalised on one node, the change is exactly 2 d^k
    cycle = np.column_stack([np.arange(n), (np.arange(n) + 1) % n])
    for damping, tol in [(0.5, 1e-6), (0.85, 1e-10), (0.9, 1e-8)]:
        _, iterations = pagerank(
            cycle, n, damping=damping, tol=tol, personalization=np.eye(n)[7]
        )
        assert iterations == math.floor(math.log(tol / 2) / math.log(damping)) + 1
    with pytest.raises(RuntimeError):
        pagerank(edges, n, damping=0.85, tol=1e-10, max_iter=20)


# --------------------------------------------------------------------------------------
# 3. Implement single-linkage clustering with union-find
# Handbook: coding/graphs-clustering/#single-linkage-union-find
# --------------------------------------------------------------------------------------


class UnionFind:
    """Disjoint sets over the elements 0..n-1. parent[x] is x's parent (a root is
    its own parent) and size[r] the number of elements in the set whose root is r.
    find shortens the path it walks (path compression or path halving) and union
    hangs the smaller set's root under the larger one's (union by size; by rank
    passes the tests too), so m operations cost O(m alpha(n)) in total."""

    def __init__(self, n: int):
        raise NotImplementedError

    def find(self, x: int) -> int:
        """The root of x's set, found without recursion."""
        raise NotImplementedError

    def union(self, a: int, b: int) -> bool:
        """Merge the sets of a and b; False if they already were one set."""
        raise NotImplementedError


def single_linkage(X: np.ndarray) -> np.ndarray:
    """Single-linkage clustering of the rows of X (n, d) under Euclidean distance,
    by Kruskal's algorithm: sort the n(n-1)/2 pairs (i, j), i < j, by distance,
    equal distances in the order (0, 1), (0, 2), ..., (1, 2), ... (SciPy's
    condensed order), and merge the two clusters of every pair that joins two.
    Returns SciPy's linkage matrix (n - 1, 4): row t is [a, b, distance, size of
    the merged cluster] with a < b, where ids 0..n-1 are the points and the
    cluster that row t forms is numbered n + t."""
    raise NotImplementedError


def cut(Z: np.ndarray, k: int) -> np.ndarray:
    """Integer labels (n,) of the k clusters left after the first n - k merges of
    the linkage matrix Z, numbered 0..k-1 in the order of their first row."""
    raise NotImplementedError


def tree_depths(parent):
    """Each element's number of steps up to its root."""
    parent = np.asarray(parent)
    node = np.arange(len(parent))
    depth = np.zeros(len(parent), dtype=int)
    while True:
        up = parent[node]
        if np.all(up == node):
            return depth
        depth += up != node
        node = up


def linkage_datasets():
    """(name, X) with continuous coordinates, so that no two distances tie and the
    minimum spanning tree is unique: blobs, moons, uniform 5-D points, 1-D points."""
    rng = np.random.default_rng(0)
    yield "two points", rng.normal(size=(2, 3))
    for seed in range(3):
        yield f"blobs {seed}", make_blobs(300, centers=4, random_state=seed)[0]
        yield f"moons {seed}", make_moons(200, noise=0.05, random_state=seed)[0]
    yield "uniform 5-D", rng.uniform(size=(150, 5))
    yield "1-D", rng.exponential(size=(80, 1))


def same_clustering(a, b):
    """True if labellings a and b split the rows into the same groups."""
    a, b = np.asarray(a).tolist(), np.asarray(b).tolist()
    return len(set(zip(a, b))) == len(set(a)) == len(set(b))


def test_union_find_basics():
    sets = UnionFind(6)
    assert [sets.find(x) for x in range(6)] == list(range(6))
    assert sets.union(0, 1) and sets.union(2, 3)
    # the same set, and an element with itself: nothing to merge
    assert not sets.union(1, 0)
    assert not sets.union(4, 4)
    assert sets.union(3, 1)
    assert sets.find(0) == sets.find(2) != sets.find(4)
    assert sets.size[sets.find(3)] == 4 and sets.size[sets.find(5)] == 1
    # the larger set's root stays the root, whichever argument comes first
    root = sets.find(0)
    assert sets.union(5, 2) and sets.find(5) == root and sets.size[root] == 5


def test_union_find_long_chains():
    n = 100_000
    forward = [(i, i + 1) for i in range(n - 1)]
    backward = [(i + 1, i) for i in reversed(range(n - 1))]
    for pairs in (forward, backward):
        sets = UnionFind(n)
        assert all(sets.union(a, b) for a, b in pairs)
        # by size or rank, no element ends deeper than log2(n), whatever the order
        assert tree_depths(sets.parent).max() <= math.log2(n)
        root = sets.find(0)
        assert sets.size[root] == n and sets.find(n - 1) == root
    # merging equal sets, root with root, level by level builds depth log2(n)
    n = 1024
    sets = UnionFind(n)
    for _ in range(10):
        roots = np.flatnonzero(np.asarray(sets.parent) == np.arange(n)).tolist()
        for a, b in zip(roots[0::2], roots[1::2]):
            sets.union(a, b)
    depth = tree_depths(sets.parent)
    assert depth.max() <= 10
    deepest = int(np.argmax(depth))
    assert sets.size[sets.find(deepest)] == n
    # the find shortened its path: halving leaves ceil(d / 2), compression 1
    assert tree_depths(sets.parent)[deepest] <= (depth[deepest] + 1) // 2


def test_single_linkage_worked_example():
    X = np.array([[0.0], [1.0], [3.0], [7.0], [8.0]])
    Z = single_linkage(X)
    expected = [[0, 1, 1, 2], [3, 4, 1, 2], [2, 5, 2, 3], [6, 7, 4, 5]]
    np.testing.assert_array_equal(Z, expected)
    assert cut(Z, 2).tolist() == [0, 0, 0, 1, 1]
    # two merges at distance 1: the tie-break decides which one comes first
    assert cut(Z, 4).tolist() == [0, 0, 1, 2, 3]
    assert cut(Z, 5).tolist() == [0, 1, 2, 3, 4]
    assert cut(Z, 1).tolist() == [0] * 5
    assert single_linkage(X[:1]).shape == (0, 4)


def test_single_linkage_matches_scipy():
    for name, X in linkage_datasets():
        Z = single_linkage(X)
        reference = linkage(X, method="single")
        assert Z.shape == (len(X) - 1, 4), name
        assert is_valid_linkage(Z) and is_monotonic(Z), name
        np.testing.assert_allclose(
            Z[:, 2], np.sort(reference[:, 2]), rtol=1e-12, atol=0, err_msg=name
        )
        # without ties the tree is unique, and so is the whole merge list
        np.testing.assert_array_equal(
            Z[:, [0, 1, 3]], reference[:, [0, 1, 3]], err_msg=name
        )


def test_single_linkage_with_ties():
    rng = np.random.default_rng(1)
    # integer points with duplicates: many equal distances, some of them zero
    for side, n in [(6, 80), (15, 150), (40, 150)]:
        X = rng.integers(0, side, size=(n, 2)).astype(float)
        Z = single_linkage(X)
        reference = linkage(X, method="single")
        # every minimum spanning tree has the same weights: the heights agree
        np.testing.assert_allclose(Z[:, 2], np.sort(reference[:, 2]), rtol=1e-12)
        within = cdist(X, X)
        # at every height, the clusters are the components of the graph d <= t
        for t in np.unique(Z[:, 2]):
            k = n - np.count_nonzero(Z[:, 2] <= t)
            labels = cut(Z, k)
            graph = (within <= t).astype(float)
            _, components = csgraph.connected_components(graph, directed=False)
            assert same_clustering(labels, components)
            distance_cut = fcluster(reference, t, criterion="distance")
            assert same_clustering(labels, distance_cut)


def test_cut_matches_fcluster_and_sklearn():
    for name, X in linkage_datasets():
        Z = single_linkage(X)
        reference = linkage(X, method="single")
        for k in range(1, min(len(X), 12) + 1):
            labels = cut(Z, k)
            assert labels.dtype.kind == "i", name
            first_rows = [labels.tolist().index(c) for c in range(k)]
            assert first_rows == sorted(first_rows), name
            maxclust = fcluster(reference, k, criterion="maxclust")
            assert same_clustering(labels, maxclust), (name, k)
            model = AgglomerativeClustering(n_clusters=k, linkage="single")
            assert same_clustering(labels, model.fit_predict(X)), (name, k)


def test_merge_heights_are_the_minimum_spanning_tree():
    for name, X in linkage_datasets():
        Z = single_linkage(X)
        tree = csgraph.minimum_spanning_tree(cdist(X, X))
        np.testing.assert_allclose(Z[:, 2], np.sort(tree.data), rtol=1e-12)
        assert math.isclose(Z[:, 2].sum(), tree.sum(), rel_tol=1e-12), name


# --------------------------------------------------------------------------------------
# 4. Implement spectral clustering
# Handbook: coding/graphs-clustering/#spectral-clustering-from-scratch
# --------------------------------------------------------------------------------------


def knn_affinity(X: np.ndarray, n_neighbors: int) -> np.ndarray:
    """Dense (n, n) affinity of the k-nearest-neighbour graph of the rows of X, as
    scikit-learn's affinity="nearest_neighbors" builds it: A[i, j] = 1 if j is i
    itself or one of the n_neighbors - 1 other rows nearest to X[i] (Euclidean; equal
    distances broken by the lower index), else 0. Returns 0.5 * (A + A.T): 1 where
    both rows chose each other, 0.5 where one did, ones on the diagonal."""
    raise NotImplementedError


def rbf_affinity(X: np.ndarray, gamma: float) -> np.ndarray:
    """Dense (n, n) Gaussian affinity W[i, j] = exp(-gamma * ||X[i] - X[j]||^2)."""
    raise NotImplementedError


def normalized_laplacian(W: np.ndarray) -> np.ndarray:
    """L_sym = I - D^-1/2 W D^-1/2 of a symmetric affinity W (n, n), entries >= 0.
    The diagonal of W is ignored (a self-loop cuts nothing): the degrees are
    d_i = sum over j != i of W[i, j]. A vertex of degree 0 gets a row and a column
    of zeros, so it is a component of its own. This is what
    scipy.sparse.csgraph.laplacian(W, normed=True) returns."""
    raise NotImplementedError


def laplacian_embedding(W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Ng, Jordan and Weiss's embedding: the k smallest eigenvalues of
    normalized_laplacian(W), ascending, and the (n, k) matrix of their orthonormal
    eigenvectors (np.linalg.eigh) with each row scaled to length 1 (a row of zeros
    stays zero). Returns (eigenvalues (k,), rows (n, k))."""
    raise NotImplementedError


def spectral_clustering(W: np.ndarray, k: int, random_state: int = 0) -> np.ndarray:
    """Spectral clustering of the vertices of W into k clusters: k-means on the rows
    of laplacian_embedding(W, k), with scikit-learn's
    KMeans(k, n_init=10, random_state=random_state). Returns integer labels (n,),
    the clusters numbered 0, 1, ... in the order of their first row."""
    raise NotImplementedError


def spectral_cases():
    """(name, X, W, k, truth): easy data sets and graphs that suit them."""
    X, y = make_blobs(300, centers=[(0, 0), (8, 0), (4, 7)], random_state=0)
    yield "3 blobs, 10-NN", X, knn_affinity(X, 10), 3, y
    yield "3 blobs, RBF gamma 0.5", X, rbf_affinity(X, 0.5), 3, y
    X, y = make_moons(400, noise=0.06, random_state=0)
    yield "two moons, 10-NN", X, knn_affinity(X, 10), 2, y
    X, y = make_circles(400, factor=0.5, noise=0.08, random_state=0)
    yield "two circles, 10-NN", X, knn_affinity(X, 10), 2, y
    yield "two circles, RBF gamma 100", X, rbf_affinity(X, 100.0), 2, y


def n_zero_eigenvalues(W, tol=1e-9):
    values, _ = laplacian_embedding(W, len(W))
    return int(np.sum(values < tol))


def test_spectral_worked_example():
    W = np.zeros((6, 6))
    for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]:
        W[a, b] = W[b, a] = 1.0
    # two triangles, no link: eigenvalue 0 twice, then 3/2 (a triangle's)
    values, _ = laplacian_embedding(W, 6)
    np.testing.assert_allclose(values, [0, 0, 1.5, 1.5, 1.5, 1.5], atol=1e-12)
    # whatever basis eigh picks for eigenvalue 0, the normalised rows are one unit
    # vector per triangle, orthogonal to the other triangle's
    _, U = laplacian_embedding(W, 2)
    G = U @ U.T
    np.testing.assert_allclose(G, np.kron(np.eye(2), np.ones((3, 3))), atol=1e-12)
    # a weak link 2-3: one eigenvalue stays 0, the other becomes small
    W[2, 3] = W[3, 2] = 0.1
    values, _ = laplacian_embedding(W, 2)
    assert abs(values[0]) < 1e-12 and 0.03 < values[1] < 0.033
    labels = spectral_clustering(W, 2)
    assert labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(spectral_clustering(W[::-1, ::-1], 2), labels)


def test_affinities_match_sklearn():
    for seed in range(3):
        X, _ = make_blobs(150, centers=3, n_features=seed + 2, random_state=seed)
        for n_neighbors in (1, 5, 10):
            # what SpectralClustering(affinity="nearest_neighbors") builds
            A = kneighbors_graph(X, n_neighbors, include_self=True)
            expected = (0.5 * (A + A.T)).toarray()
            np.testing.assert_array_equal(knn_affinity(X, n_neighbors), expected)
        for gamma in (0.01, 0.5, 3.0):
            np.testing.assert_allclose(
                rbf_affinity(X, gamma), rbf_kernel(X, gamma=gamma), rtol=1e-10
            )


def test_laplacian_matches_scipy():
    rng = np.random.default_rng(0)
    for n in (5, 40, 120):
        W = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
        W = W + W.T
        # self-loops on some vertices, and vertex 0 isolated but for its self-loop
        W[0, :] = W[:, 0] = 0.0
        W[np.diag_indices(n)] = rng.random(n)
        L = normalized_laplacian(W)
        np.testing.assert_allclose(L, laplacian(W, normed=True), atol=1e-12)
        np.testing.assert_allclose(L, L.T, atol=0)
        values = np.linalg.eigvalsh(L)
        # normalised: every eigenvalue in [0, 2]
        assert values.min() > -1e-10 and values.max() < 2 + 1e-10
    assert np.all(normalized_laplacian(np.zeros((3, 3))) == 0)


def test_zero_eigenvalues_count_components():
    X, _ = make_blobs(300, centers=5, cluster_std=0.5, random_state=1)
    graphs = [knn_affinity(X, m) for m in (2, 3, 4, 6, 10)]
    graphs += [rbf_affinity(X, g) * (rbf_affinity(X, g) > 1e-3) for g in (2.0, 20.0)]
    for W in graphs:
        n_parts, parts = connected_components(W, directed=False)
        assert n_zero_eigenvalues(W) == n_parts
        # the rows for eigenvalue 0 are one unit vector per component, the components'
        # vectors orthogonal: the embedding is the components' indicator matrix, rotated
        _, U = laplacian_embedding(W, n_parts)
        same = parts[:, None] == parts[None, :]
        np.testing.assert_allclose(U @ U.T, same.astype(float), atol=1e-8)


def test_matches_sklearn_spectral_clustering():
    for name, _, W, k, _ in spectral_cases():
        ours = spectral_clustering(W, k)
        with warnings.catch_warnings():
            # some of the k-NN graphs fall into the k clusters: not fully connected
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            model = SpectralClustering(k, affinity="precomputed", random_state=0)
            ref = model.fit_predict(W)
        assert adjusted_rand_score(ref, ours) == 1.0, name


def test_solves_what_kmeans_cannot():
    for name, X, W, k, truth in spectral_cases():
        if name.startswith(("two moons", "two circles")):
            km = KMeans(k, n_init=10, random_state=0).fit_predict(X)
            assert adjusted_rand_score(truth, km) < 0.5, name
            assert adjusted_rand_score(truth, spectral_clustering(W, k)) == 1.0, name


def test_spectral_edge_cases():
    rng = np.random.default_rng(2)
    # a disconnected graph, k = its number of components: the components exactly,
    # here 4 of them, of 5 to 60 vertices, degrees unequal, and one isolated vertex
    sizes = [60, 5, 30, 1]
    W = np.zeros((96, 96))
    start = 0
    for size in sizes:
        block = rng.random((size, size)) + 0.1
        W[start : start + size, start : start + size] = block + block.T
        start += size
    order = rng.permutation(96)
    W = W[order][:, order]
    truth = np.repeat(np.arange(4), sizes)[order]
    assert n_zero_eigenvalues(W) == 4
    assert adjusted_rand_score(truth, spectral_clustering(W, 4)) == 1.0
    # k = 1: one cluster
    assert np.all(spectral_clustering(W, 1) == 0)
    # duplicates, Gaussian affinity: equal rows of W give equal rows of the embedding
    X, _ = make_moons(200, noise=0.05, random_state=0)
    X = np.vstack([X, X[:20]])
    _, U = laplacian_embedding(rbf_affinity(X, 30.0), 2)
    np.testing.assert_allclose(U[200:], U[:20], atol=1e-8)
    labels = spectral_clustering(rbf_affinity(X, 30.0), 2)
    np.testing.assert_array_equal(labels[200:], labels[:20])
    # duplicates, k-NN graph: n_neighbors copies of a point choose only each other,
    # so the copies of a far-away point become a component of their own
    W = knn_affinity(X, 10)
    outlier = np.repeat([[5.0, 5.0]], 10, axis=0)
    W_dup = knn_affinity(np.vstack([X, outlier]), 10)
    assert n_zero_eigenvalues(W_dup) == n_zero_eigenvalues(W) + 1
    W_nine = knn_affinity(np.vstack([X, outlier[:9]]), 10)
    assert n_zero_eigenvalues(W_nine) == n_zero_eigenvalues(W)


# --------------------------------------------------------------------------------------
# 5. Implement approximate nearest-neighbour search on a proximity graph, then HNSW
# Handbook: coding/graphs-clustering/#hnsw-graph-search
# --------------------------------------------------------------------------------------


def hnsw_level(u: float, M: int) -> int:
    """The top layer of a new point, floor(-ln(u) * mL) with mL = 1 / ln(M), for u
    drawn uniformly from (0, 1]. A point reaches layer l with probability M**-l."""
    raise NotImplementedError


def select_neighbours(
    base: np.ndarray, candidates: np.ndarray, M: int, heuristic: bool = True
) -> np.ndarray:
    """Which of the candidates (m, d) the point base (d,) links to: positions into
    candidates, nearest to base first, at most M of them (Euclidean distance).
    heuristic=False: the M nearest. heuristic=True: Malkov and Yashunin's rule
    (Algorithm 4, without its two options): scan the candidates nearest first and keep
    one unless it is closer to a candidate already kept than to base; stop at M kept,
    so fewer than M may come back."""
    raise NotImplementedError


class HNSW:
    """A proximity graph on the rows of X (n, d), built by inserting them one at a
    time in row order; Euclidean distance.

    M: links a new point makes on each of its layers; a point keeps at most 2 * M
    links on layer 0 and M above (when one more would exceed that, its links are
    re-selected with select_neighbours). ef_construction: the candidate list of the
    search that finds a new point's neighbours. heuristic: how links are selected.
    layered=False: every point on layer 0 only, entry point row 0 (a navigable
    small world, NSW). layered=True: levels from hnsw_level(1 - rng.random(), M) with
    rng = np.random.default_rng(seed), one draw per row in row order; the entry point
    is the first point to reach the highest layer so far.

    Attributes: levels (n,) the top layer of each point; links, one dict per layer
    mapping a point on that layer to an integer array of its out-links; entry, the
    entry point; distance_count, how many query-to-point distances every search
    so far (while building and in search) has computed."""

    def __init__(
        self,
        X: np.ndarray,
        M: int = 8,
        ef_construction: int = 40,
        heuristic: bool = True,
        layered: bool = True,
        seed: int = 0,
    ):
        raise NotImplementedError

    def search(
        self, query: np.ndarray, k: int, ef: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The approximate k nearest rows to query: greedy descent with ef = 1 on the
        layers above 0, then best-first search on layer 0 with a min-heap of
        candidates and a max-heap of the ef nearest found, stopping when the nearest
        candidate is farther than the farthest kept. Raises ValueError if k > ef.
        Returns (ids (k,), distances (k,)), nearest first."""
        raise NotImplementedError


def clustered_points(n, d, n_clusters, spread, seed):
    """n points around n_clusters Gaussian centres (standard normal in d dims), each
    point at its centre plus spread times standard normal noise; and their clusters."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, d))
    labels = rng.integers(n_clusters, size=n)
    return centres[labels] + spread * rng.normal(size=(n, d)), labels


def exact_top_k(X, queries, k):
    """Brute force: the ids of the k nearest rows of X to each query, nearest first."""
    return np.array([np.argsort(np.sum((X - q) ** 2, axis=1))[:k] for q in queries])


def recall_at_k(found, truth):
    return len(set(found.tolist()) & set(truth.tolist())) / len(truth)


@functools.cache
def hnsw_test_case():
    """1,000 stored points in 16 clusters (16 dims), 100 held-out queries, an HNSW."""
    P, _ = clustered_points(1100, 16, 16, 0.5, seed=1)
    X, queries = P[:1000], P[1000:]
    return X, queries, exact_top_k(X, queries, 10), HNSW(X, M=8, ef_construction=40)


def test_hnsw_worked_example():
    assert [hnsw_level(u, 8) for u in (1.0, 0.5, 0.1, 0.01)] == [0, 0, 1, 2]
    base = np.zeros(2)
    candidates = np.array([[1.1, 0.2], [0.0, -2.0], [1.0, 0.0], [1.2, -0.2]])
    assert select_neighbours(base, candidates, 3, heuristic=False).tolist() == [2, 0, 3]
    # [1.1, 0.2] and [1.2, -0.2] are closer to [1, 0] than to base: dropped
    assert select_neighbours(base, candidates, 3, heuristic=True).tolist() == [2, 1]
    assert select_neighbours(base, candidates, 1, heuristic=True).tolist() == [2]


def test_hnsw_level_distribution():
    rng = np.random.default_rng(0)
    for M in (4, 16):
        levels = np.array([hnsw_level(1.0 - rng.random(), M) for _ in range(40_000)])
        assert levels.min() == 0
        for layer in (1, 2):
            # P(level >= l) = M**-l
            assert np.mean(levels >= layer) == pytest.approx(M**-layer, rel=0.1)
    assert hnsw_level(math.exp(-2 * math.log(5)), 5) == 2


def test_select_neighbours_rules():
    rng = np.random.default_rng(2)
    for _ in range(30):
        d = int(rng.integers(2, 9))
        base, candidates = rng.normal(size=d), rng.normal(size=(25, d))
        candidates[:8] = candidates[0] + 0.1 * rng.normal(size=(8, d))
        to_base = np.linalg.norm(candidates - base, axis=1)
        for M in (1, 4, 8):
            closest = select_neighbours(base, candidates, M, heuristic=False)
            np.testing.assert_array_equal(closest, np.argsort(to_base)[:M])
            kept = select_neighbours(base, candidates, M, heuristic=True).tolist()
            assert 1 <= len(kept) <= M and kept[0] == np.argmin(to_base)
            assert np.all(np.diff(to_base[kept]) > 0)
            # the greedy scan, checked: a candidate before the scan stopped is kept
            # exactly when no nearer kept candidate is closer to it than base is
            scanned = np.argsort(to_base)
            if len(kept) == M:
                scanned = scanned[: list(scanned).index(kept[-1]) + 1]
            for e in scanned:
                earlier = [r for r in kept if to_base[r] < to_base[e]]
                gaps = np.linalg.norm(candidates[earlier] - candidates[e], axis=1)
                assert (e in kept) == bool(np.all(gaps >= to_base[e]))


def test_hnsw_graph_structure():
    X, _, _, index = hnsw_test_case()
    assert len(index.links) == index.levels.max() + 1 >= 2
    assert index.levels[index.entry] == index.levels.max()
    for layer, links in enumerate(index.links):
        assert sorted(links) == np.flatnonzero(index.levels >= layer).tolist()
        cap = 16 if layer == 0 else 8
        for i, nb in links.items():
            assert len(nb) <= cap and i not in nb and len(set(nb.tolist())) == len(nb)
            assert np.all(index.levels[nb] >= layer)
    flat = HNSW(X[:300], M=8, layered=False)
    assert len(flat.links) == 1 and flat.entry == 0 and np.all(flat.levels == 0)


def test_hnsw_recall_floor_and_sorted_distances():
    X, queries, truth, index = hnsw_test_case()
    recalls = []
    for q, t in zip(queries, truth):
        ids, dist = index.search(q, 10, 50)
        assert len(ids) == 10 and len(set(ids.tolist())) == 10
        assert np.all(np.diff(dist) >= 0)
        np.testing.assert_allclose(dist, np.linalg.norm(X[ids] - q, axis=1), rtol=1e-12)
        recalls.append(recall_at_k(ids, t))
    assert np.mean(recalls) >= 0.95


def test_hnsw_recall_rises_with_ef():
    _, queries, truth, index = hnsw_test_case()
    means = []
    for ef in (10, 20, 50, 100):
        found = [index.search(q, 10, ef)[0] for q in queries]
        means.append(np.mean([recall_at_k(f, t) for f, t in zip(found, truth)]))
    assert all(a <= b for a, b in zip(means, means[1:])) and means[-1] > means[0]


def test_hnsw_k_at_most_ef():
    _, queries, _, index = hnsw_test_case()
    with pytest.raises(ValueError):
        index.search(queries[0], 10, 5)
    assert len(index.search(queries[0], 10, 10)[0]) == 10


def test_hnsw_finds_stored_points():
    X, _, _, index = hnsw_test_case()
    for i in range(0, 1000, 10):
        ids, dist = index.search(X[i], 1, 10)
        assert ids.tolist() == [i] and dist[0] == 0


def test_hnsw_distance_count_far_below_n():
    X, queries, _, index = hnsw_test_case()
    before = index.distance_count
    for q in queries:
        index.search(q, 10, 50)
    per_query = (index.distance_count - before) / len(queries)
    assert 50 <= per_query < len(X) / 4
