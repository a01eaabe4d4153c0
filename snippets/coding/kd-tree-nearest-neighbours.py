# --8<-- [start:signature]
import numpy as np


class KDTree:
    """An exact k-d tree over the rows of points, shape (n, d), Euclidean distance.

    Build: a node of more than leaf_size points splits them at the median of one
    coordinate (the one whose values spread widest, max - min) into two halves of
    floor(m / 2) and ceil(m / 2) points; a node of at most leaf_size points is a leaf.
    Duplicate points are allowed. Raise ValueError for no points or leaf_size < 1.

    query(q, k) returns the k rows nearest to q as (indices, distances), two arrays of
    length k, nearest first; among equal distances the smaller index comes first.
    Search depth first with branch and bound: visit the nearer child first, keep the
    best k so far in a max-heap, and skip a node when a lower bound on its distance to
    q (its splitting plane, or its bounding box) exceeds the current k-th distance.
    Raise ValueError unless 1 <= k <= n.

    self.distance_count: how many query-to-point distances all queries so far have
    computed (bounds on nodes are not counted)."""

    def __init__(self, points: np.ndarray, leaf_size: int = 16):
        raise NotImplementedError

    def query(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import heapq

import numpy as np


class KDTree:
    def __init__(self, points: np.ndarray, leaf_size: int = 16):
        X = np.asarray(points, dtype=np.float64)
        if X.ndim != 2 or len(X) == 0:
            raise ValueError("points must be a non-empty (n, d) array")
        if leaf_size < 1:
            raise ValueError("leaf_size must be at least 1")
        self.leaf_size = leaf_size
        self.distance_count = 0
        # node i: the rows order[start[i]:end[i]], their bounding box lo[i]..hi[i],
        # and its children (-1 for a leaf)
        self.order = np.arange(len(X))
        self.start, self.end, self.left, self.right = [], [], [], []
        lo, hi = [], []

        def build(s: int, e: int) -> int:
            node = len(self.start)
            self.start.append(s)
            self.end.append(e)
            self.left.append(-1)
            self.right.append(-1)
            box = X[self.order[s:e]]
            lo.append(box.min(axis=0))
            hi.append(box.max(axis=0))
            if e - s > leaf_size:
                # the widest coordinate; argpartition puts the smaller half first
                dim = int(np.argmax(hi[node] - lo[node]))
                mid = (s + e) // 2
                part = np.argpartition(box[:, dim], mid - s - 1)
                self.order[s:e] = self.order[s:e][part]
                self.left[node] = build(s, mid)
                self.right[node] = build(mid, e)
            return node

        build(0, len(X))
        self.lo, self.hi = np.array(lo), np.array(hi)
        # the points in tree order: a leaf's points are one contiguous block
        self.points = X[self.order]

    def box_bounds(self, nodes: list[int], q: np.ndarray) -> np.ndarray:
        """Squared distance from q to each node's bounding box (0 inside it)."""
        gap = np.maximum(self.lo[nodes] - q, q - self.hi[nodes])
        return (np.maximum(gap, 0.0) ** 2).sum(axis=1)

    def query(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(q, dtype=np.float64)
        if not 1 <= k <= len(self.points):
            raise ValueError(f"k must be between 1 and {len(self.points)}, got {k}")
        # the best k as (-squared distance, -index): heap[0] is the worst kept,
        # the farthest and, among equally far, the largest index
        best: list[tuple[float, int]] = []
        kth = np.inf
        stack = [(float(self.box_bounds([0], q)[0]), 0)]
        while stack:
            bound, node = stack.pop()
            # strictly greater: a point at exactly the k-th distance with a smaller
            # index must still get in
            if bound > kth:
                continue
            if self.left[node] < 0:
                s, e = self.start[node], self.end[node]
                d2 = ((self.points[s:e] - q) ** 2).sum(axis=1)
                self.distance_count += e - s
                rows = self.order[s:e]
                if len(best) == k:
                    # only points at most as far as the k-th can get in
                    keep = d2 <= kth
                    d2, rows = d2[keep], rows[keep]
                for dist, i in zip(d2.tolist(), rows.tolist()):
                    if len(best) < k:
                        heapq.heappush(best, (-dist, -i))
                    elif (-dist, -i) > best[0]:
                        heapq.heapreplace(best, (-dist, -i))
                if len(best) == k:
                    kth = -best[0][0]
                continue
            children = [self.left[node], self.right[node]]
            bounds = self.box_bounds(children, q).tolist()
            # push the far child first, so that the near one is searched first
            near = 0 if bounds[0] <= bounds[1] else 1
            for j in (1 - near, near):
                if bounds[j] <= kth:
                    stack.append((bounds[j], children[j]))
        ranked = sorted((-d, -i) for d, i in best)
        indices = np.array([i for _, i in ranked])
        distances = np.sqrt(np.array([d for d, _ in ranked]))
        return indices, distances


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy.spatial import cKDTree


def brute_force_knn(X: np.ndarray, q: np.ndarray, k: int):
    """The k nearest rows by a full scan: by distance, then by index."""
    d = np.sqrt(((X - q) ** 2).sum(axis=1))
    idx = np.lexsort((np.arange(len(X)), d))[:k]
    return idx, d[idx]


def test_kd_tree_worked_example():
    X = np.array([[2, 3], [5, 4], [9, 6], [4, 7], [8, 1], [7, 2], [1, 1], [6, 6]])
    tree = KDTree(X, leaf_size=2)
    idx, dist = tree.query([6, 3], k=3)
    # points 1 and 5 are both sqrt(2) away: the smaller index comes first
    assert idx.tolist() == [1, 5, 4]
    np.testing.assert_allclose(dist, [np.sqrt(2), np.sqrt(2), np.sqrt(8)])
    assert 3 <= tree.distance_count < len(X)


def test_kd_tree_equals_brute_force_and_scipy():
    rng = np.random.default_rng(0)
    for d in (1, 2, 3, 5, 8, 16):
        X = rng.normal(size=(1500, d))
        tree, reference = KDTree(X, leaf_size=8), cKDTree(X)
        for q in rng.normal(size=(10, d)):
            # k = 40 is more than a leaf holds
            for k in (1, 5, 40):
                idx, dist = tree.query(q, k)
                bf_idx, bf_dist = brute_force_knn(X, q, k)
                sp_dist, sp_idx = reference.query(q, k=[*range(1, k + 1)])
                assert idx.tolist() == bf_idx.tolist() == sp_idx.tolist(), (d, k)
                np.testing.assert_allclose(dist, bf_dist, rtol=1e-12)
                np.testing.assert_allclose(dist, sp_dist, rtol=1e-9)


def test_kd_tree_duplicates_and_ties():
    rng = np.random.default_rng(1)
    # integer points on a 4 x 4 x 4 grid: many duplicates and many equal distances,
    # all computed exactly, so the tie rule decides
    X = rng.integers(0, 4, size=(600, 3))
    tree = KDTree(X, leaf_size=4)
    for q in rng.integers(0, 4, size=(30, 3)):
        for k in (1, 7, 50):
            idx, dist = tree.query(q, k)
            bf_idx, bf_dist = brute_force_knn(X.astype(float), q, k)
            assert idx.tolist() == bf_idx.tolist()
            assert dist.tolist() == bf_dist.tolist()
    same = KDTree(np.ones((50, 2)), leaf_size=3)
    idx, dist = same.query([1.0, 2.0], k=7)
    assert idx.tolist() == list(range(7)) and dist.tolist() == [1.0] * 7


def test_kd_tree_k_equals_n_and_invalid_input():
    rng = np.random.default_rng(2)
    X = rng.random((300, 4))
    tree = KDTree(X, leaf_size=5)
    q = rng.random(4)
    before = tree.distance_count
    idx, dist = tree.query(q, k=300)
    # every point is measured, none twice
    assert tree.distance_count - before == 300
    assert sorted(idx.tolist()) == list(range(300))
    np.testing.assert_allclose(dist, brute_force_knn(X, q, 300)[1])
    one = KDTree([[3.0, 4.0]])
    assert one.query([0.0, 0.0], 1)[1].tolist() == [5.0]
    for k in (0, 301):
        with pytest.raises(ValueError):
            tree.query(q, k)
    with pytest.raises(ValueError):
        KDTree(np.empty((0, 3)))
    with pytest.raises(ValueError):
        KDTree(X, leaf_size=0)


def test_kd_tree_prunes_in_low_dimension():
    rng = np.random.default_rng(3)
    X = rng.random((4000, 2))
    tree = KDTree(X, leaf_size=8)
    counts = []
    for q in rng.random((50, 2)):
        before = tree.distance_count
        idx, _ = tree.query(q, k=5)
        assert idx.tolist() == brute_force_knn(X, q, 5)[0].tolist()
        counts.append(tree.distance_count - before)
    # a full scan measures 4,000 points; a pruned search a few leaves
    assert min(counts) >= 5 and np.mean(counts) < 0.05 * len(X)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_kd_tree_worked_example,
    test_kd_tree_equals_brute_force_and_scipy,
    test_kd_tree_duplicates_and_ties,
    test_kd_tree_k_equals_n_and_invalid_input,
    test_kd_tree_prunes_in_low_dimension,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[2, 3], [5, 4], [9, 6], [4, 7], [8, 1], [7, 2], [1, 1], [6, 6]])
idx, dist = KDTree(X, leaf_size=2).query([6, 3], k=3)
print("worked example:", idx.tolist(), np.round(dist, 3).tolist())


def manifold(rng, n, d, intrinsic):
    """n points on a curved surface of the given intrinsic dimension, in d dims:
    uniform latent coordinates through one fixed random smooth map."""
    u = rng.random((n, intrinsic))
    A = np.random.default_rng(99).normal(size=(intrinsic, d)) * 3.0
    phase = np.random.default_rng(98).random(d) * 2 * np.pi
    return np.sin(u @ A + phase)


# the share of the n points whose distance a query computes (k = 10), by dimension
n, k, n_queries = 20_000, 10, 10
print(f"n = {n:,}, k = {k}, leaf size 16, {n_queries} queries from the same data")
print("share of the n points measured per query:")
print("   d  uniform cube  2-d manifold  4-d manifold  8-d manifold")
rng = np.random.default_rng(4)
exact = True
for d in (2, 4, 8, 16, 32, 64):
    row = f"{d:4d}"
    for intrinsic in (None, 2, 4, 8):
        if intrinsic is not None and intrinsic > d:
            row += f"  {'-':>12}"
            continue
        if intrinsic is None:
            Z = rng.random((n + n_queries, d))
        else:
            Z = manifold(rng, n + n_queries, d, intrinsic)
        X, Q = Z[:n], Z[n:]
        tree = KDTree(X)
        for q in Q:
            idx, _ = tree.query(q, k)
            exact &= idx.tolist() == brute_force_knn(X, q, k)[0].tolist()
        row += f"  {tree.distance_count / (n_queries * n):12.3f}"
    print(row)
print("every query equals brute force:", exact)
# --8<-- [end:check]
