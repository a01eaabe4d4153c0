# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


class UnionFind:
    def __init__(self, n: int):
        # Python lists: indexing a NumPy array one element at a time is slower
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            # path halving: point x at its grandparent, then jump there
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        # the smaller tree goes under the larger: no path grows beyond log2(n)
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        return True


def single_linkage(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    n = len(X)
    Z = np.empty((max(n - 1, 0), 4))
    if n < 2:
        return Z
    # condensed order, row by row, with direct differences as scipy's pdist does
    distances = np.concatenate(
        [np.sqrt(((X[i + 1 :] - X[i]) ** 2).sum(axis=1)) for i in range(n - 1)]
    )
    first, second = np.triu_indices(n, k=1)
    # stable: equal distances keep the condensed order, so the tie-break is fixed
    order = np.argsort(distances, kind="stable")
    sets = UnionFind(n)
    cluster_id = list(range(n))
    merges = 0
    for pair in order.tolist():
        root_i = sets.find(int(first[pair]))
        root_j = sets.find(int(second[pair]))
        if root_i == root_j:
            continue
        a, b = sorted((cluster_id[root_i], cluster_id[root_j]))
        sets.union(root_i, root_j)
        root = sets.find(root_i)
        cluster_id[root] = n + merges
        Z[merges] = a, b, distances[pair], sets.size[root]
        merges += 1
        # the tree is complete after n - 1 merges: skip the remaining pairs
        if merges == n - 1:
            break
    return Z


def cut(Z: np.ndarray, k: int) -> np.ndarray:
    n = len(Z) + 1
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in 1..{n}")
    sets = UnionFind(n)
    # one point of each cluster id: enough to replay a merge on the points
    member = list(range(n)) + [0] * (n - 1)
    for step, (a, b) in enumerate(Z[: n - k, :2].astype(int).tolist()):
        sets.union(member[a], member[b])
        member[n + step] = member[a]
    label_of_root: dict[int, int] = {}
    labels = [
        label_of_root.setdefault(sets.find(i), len(label_of_root)) for i in range(n)
    ]
    return np.array(labels)


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
from scipy.cluster.hierarchy import fcluster, is_monotonic, is_valid_linkage, linkage
from scipy.sparse import csgraph
from scipy.spatial.distance import cdist
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_blobs, make_moons


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


# --8<-- [end:tests]


# --8<-- [start:check]
import time

from sklearn.metrics import adjusted_rand_score

tests = [
    test_union_find_basics,
    test_union_find_long_chains,
    test_single_linkage_worked_example,
    test_single_linkage_matches_scipy,
    test_single_linkage_with_ties,
    test_cut_matches_fcluster_and_sklearn,
    test_merge_heights_are_the_minimum_spanning_tree,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

X = np.array([[0.0], [1.0], [3.0], [7.0], [8.0]])
Z = single_linkage(X)
print("worked example, points 0, 1, 3, 7, 8")
for t, (a, b, height, size) in enumerate(Z.tolist()):
    print(f"  row {t}: merge {a:.0f} and {b:.0f} at {height:.1f}, size {size:.0f}")
print(f"  cut(Z, 4) = {cut(Z, 4).tolist()}")
clusters = len(set(fcluster(linkage(X, "single"), 4, criterion="maxclust")))
print(f"  fcluster(Z, 4, 'maxclust'): {clusters} clusters")

# blobs rounded to one decimal, as measurements often are: some distances tie
X, _ = make_blobs(300, centers=4, random_state=1)
X = np.round(X, 1)
n = len(X)
Z, reference = single_linkage(X), linkage(X, "single")
print(f"ties: 300 blob points rounded to 0.1 ({n - len(np.unique(X, axis=0))} repeats)")
same_rows = np.all(reference == Z, axis=1).sum()
print(f"  heights equal SciPy's: {np.array_equal(Z[:, 2], reference[:, 2])}", end="")
print(f"; rows equal SciPy's: {same_rows} of {n - 1}")
ks = range(2, 31)
tied = [Z[n - k - 1, 2] == Z[n - k, 2] for k in ks]
fewer = [len(set(fcluster(reference, k, "maxclust").tolist())) < k for k in ks]
other = [
    not same_clustering(
        cut(Z, k), AgglomerativeClustering(k, linkage="single").fit_predict(X)
    )
    for k in ks
]
print(f"  k = 2..30: the cut falls between equal heights for {sum(tied)} values of k")
print(f"    fcluster 'maxclust' returns fewer than k clusters: {sum(fewer)}")
print(f"    scikit-learn's partition differs from cut(Z, k): {sum(other)}")
untied = [f or o for t, f, o in zip(tied, fewer, other) if not t]
print(f"    any difference where heights do not tie: {any(untied)}")
tree = csgraph.minimum_spanning_tree(cdist(X, X))
print(
    f"  csgraph MST weight {tree.sum():.2f} vs {Z[:, 2].sum():.2f}: "
    "a zero in a dense matrix is no edge"
)

# chaining: two blobs 6 apart, a line of bridge points between them
rng = np.random.default_rng(0)
blobs = np.vstack(
    [rng.normal([0.0, 0.0], 0.6, size=(100, 2)), rng.normal([6.0, 0.0], 0.6, (100, 2))]
)
truth = np.repeat([0, 1], 100)
print("chaining: two blobs of 100 points, centres 6 apart, sd 0.6; a bridge of")
print("  b points from x = 1.5 to 4.5; ARI on the blob points, 2 clusters")
print(f"  {'b':>3}{'single':>8}{'average':>8}{'ward':>8}{'largest':>9}{'k split':>9}")
for b in (0, 4, 8, 16, 32):
    bridge = np.column_stack([np.linspace(1.5, 4.5, b), rng.normal(0.0, 0.05, b)])
    X = np.vstack([blobs, bridge])
    scores = [
        adjusted_rand_score(truth, fcluster(linkage(X, m), 2, "maxclust")[:200])
        for m in ("single", "average", "ward")
    ]
    Z = single_linkage(X)
    largest = np.bincount(cut(Z, 2)).max() / len(X)
    # the smallest k at which no single-linkage cluster holds points of both blobs
    k = 2
    while set(cut(Z, k)[:100].tolist()) & set(cut(Z, k)[100:200].tolist()):
        k += 1
    row = "".join(f"{s:>8.3f}" for s in scores)
    print(f"  {b:>3}{row}{largest:>9.3f}{k:>9}")


def prim_tree(X):
    """Prim's algorithm on the dense graph: O(n^2) time, O(n) memory, each row's
    distances computed when the row joins the tree. Returns the n - 1 weights."""
    n = len(X)
    in_tree = np.zeros(n, dtype=bool)
    nearest = np.full(n, np.inf)
    weights = []
    current = 0
    for _ in range(n - 1):
        in_tree[current] = True
        nearest = np.minimum(nearest, np.sqrt(((X - X[current]) ** 2).sum(axis=1)))
        nearest[in_tree] = np.inf
        current = int(np.argmin(nearest))
        weights.append(nearest[current])
    return np.array(weights)


n = 3000
X = rng.normal(size=(n, 2))
pairs = n * (n - 1) // 2
start = time.thread_time()
distances = np.concatenate(
    [np.sqrt(((X[i + 1 :] - X[i]) ** 2).sum(axis=1)) for i in range(n - 1)]
)
order = np.argsort(distances, kind="stable")
sort_time = time.thread_time() - start
start = time.thread_time()
prim_weights = prim_tree(X)
prim_time = time.thread_time() - start
Z = single_linkage(X)
scanned = np.searchsorted(distances[order], Z[-1, 2], side="right")
print(f"cost at n = {n:,}: {pairs:,} pairs")
print(f"  Kruskal sorted them all; pairs up to its last merge: {scanned:,}")
print(
    f"  Prim's tree has the same weights: {np.allclose(np.sort(prim_weights), Z[:, 2])}"
)
print(
    f"  Prim at least 2x less CPU than computing and sorting the pairs: "
    f"{prim_time * 2 < sort_time}"
)
big = 100_000
print(
    f"  n = {big:,}: {big * (big - 1) // 2 * 8 / 1e9:.1f} GB of float64 distances "
    f"to sort; Prim's arrays {3 * big * 8 / 1e6:.1f} MB"
)
# --8<-- [end:check]
