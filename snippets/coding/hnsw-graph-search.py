# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import heapq
import math

import numpy as np


def hnsw_level(u: float, M: int) -> int:
    return math.floor(-math.log(u) / math.log(M))


def select_neighbours(
    base: np.ndarray, candidates: np.ndarray, M: int, heuristic: bool = True
) -> np.ndarray:
    candidates = np.asarray(candidates, dtype=float)
    to_base = np.sum((candidates - base) ** 2, axis=1)
    order = np.argsort(to_base, kind="stable")
    if not heuristic:
        return order[:M]
    # all candidate-to-candidate distances at once (m is at most ef_construction)
    between = np.sum((candidates[:, None, :] - candidates[None, :, :]) ** 2, axis=2)
    kept: list[int] = []
    for e in order.tolist():
        if len(kept) == M:
            break
        # drop e if a kept neighbour already covers its direction: e is closer to it
        # than to base (squared distances compare like distances)
        if all(between[e, r] >= to_base[e] for r in kept):
            kept.append(e)
    return np.array(kept, dtype=np.int64)


class HNSW:
    def __init__(
        self,
        X: np.ndarray,
        M: int = 8,
        ef_construction: int = 40,
        heuristic: bool = True,
        layered: bool = True,
        seed: int = 0,
    ):
        self.X = np.asarray(X, dtype=float)
        self.M, self.ef_construction, self.heuristic = M, ef_construction, heuristic
        rng = np.random.default_rng(seed)
        n = len(self.X)
        if layered:
            self.levels = np.array(
                [hnsw_level(1.0 - rng.random(), M) for _ in range(n)]
            )
        else:
            self.levels = np.zeros(n, dtype=np.int64)
        self.links: list[dict[int, np.ndarray]] = []
        self.entry, self.top = -1, -1
        self.distance_count = 0
        for i in range(n):
            self._insert(i)

    def _distances(self, q: np.ndarray, ids) -> np.ndarray:
        """Squared distances from q to the rows ids, counted."""
        self.distance_count += len(ids)
        diff = self.X[ids] - q
        return (diff * diff).sum(axis=1)

    def _search_layer(self, q, entries, ef, layer):
        """Best-first search on one layer from entries, a list of (squared distance,
        id). Returns the ef nearest found as (squared distance, id), nearest first."""
        links = self.links[layer]
        visited = np.zeros(len(self.X), dtype=bool)
        visited[[j for _, j in entries]] = True
        candidates = list(entries)  # min-heap: nearest unexpanded first
        heapq.heapify(candidates)
        found = [(-d, j) for d, j in entries]  # max-heap: farthest kept on top
        heapq.heapify(found)
        while len(found) > ef:
            heapq.heappop(found)
        farthest = -found[0][0]
        while candidates:
            d, c = heapq.heappop(candidates)
            # every candidate left is at least this far: none can enter the ef kept
            if d > farthest:
                break
            nb = links[c]
            nb = nb[~visited[nb]]
            if nb.size == 0:
                continue
            visited[nb] = True
            for dist, j in zip(self._distances(q, nb).tolist(), nb.tolist()):
                if dist < farthest or len(found) < ef:
                    heapq.heappush(candidates, (dist, j))
                    if len(found) < ef:
                        heapq.heappush(found, (-dist, j))
                    else:
                        heapq.heapreplace(found, (-dist, j))
                    farthest = -found[0][0]
        return sorted((-d, j) for d, j in found)

    def _insert(self, i: int) -> None:
        x, level = self.X[i], int(self.levels[i])
        while len(self.links) <= level:
            self.links.append({})
        for layer in range(level + 1):
            self.links[layer][i] = np.empty(0, dtype=np.int64)
        if self.entry < 0:
            self.entry, self.top = i, level
            return
        W = [(float(self._distances(x, [self.entry])[0]), self.entry)]
        # above the new point's level: greedy descent, one nearest point per layer
        for layer in range(self.top, level, -1):
            W = self._search_layer(x, W, 1, layer)
        for layer in range(min(level, self.top), -1, -1):
            W = self._search_layer(x, W, self.ef_construction, layer)
            ids = np.array([j for _, j in W])
            chosen = ids[select_neighbours(x, self.X[ids], self.M, self.heuristic)]
            self.links[layer][i] = chosen
            cap = 2 * self.M if layer == 0 else self.M
            # links both ways; a neighbour over its cap re-selects among its links
            for e in chosen.tolist():
                nb = np.append(self.links[layer][e], i)
                if len(nb) > cap:
                    nb = nb[
                        select_neighbours(self.X[e], self.X[nb], cap, self.heuristic)
                    ]
                self.links[layer][e] = nb
        if level > self.top:
            self.entry, self.top = i, level

    def search(
        self, query: np.ndarray, k: int, ef: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if k > ef:
            raise ValueError(f"k = {k} > ef = {ef}: the search keeps only ef points")
        q = np.asarray(query, dtype=float)
        W = [(float(self._distances(q, [self.entry])[0]), self.entry)]
        for layer in range(self.top, 0, -1):
            W = self._search_layer(q, W, 1, layer)
        W = self._search_layer(q, W, ef, 0)[:k]
        ids = np.array([j for _, j in W], dtype=np.int64)
        return ids, np.sqrt([d for d, _ in W])


# --8<-- [end:solution]


# --8<-- [start:tests]
import functools
import math

import numpy as np
import pytest


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_hnsw_worked_example,
    test_hnsw_level_distribution,
    test_select_neighbours_rules,
    test_hnsw_graph_structure,
    test_hnsw_recall_floor_and_sorted_distances,
    test_hnsw_recall_rises_with_ef,
    test_hnsw_k_at_most_ef,
    test_hnsw_finds_stored_points,
    test_hnsw_distance_count_far_below_n,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(
    "levels for u = 1, 0.5, 0.1, 0.01 (M 8):",
    [hnsw_level(u, 8) for u in (1, 0.5, 0.1, 0.01)],
)
cands = np.array([[1.1, 0.2], [0.0, -2.0], [1.0, 0.0], [1.2, -0.2]])
for rule in (False, True):
    picked = select_neighbours(np.zeros(2), cands, 3, heuristic=rule)
    print(f"  {'heuristic' if rule else 'closest M'}: {cands[picked].tolist()}")


def reachable_share(index):
    """Share of the points reachable from the entry point along layer-0 links."""
    seen, stack = {index.entry}, [index.entry]
    while stack:
        for j in index.links[0][stack.pop()].tolist():
            if j not in seen:
                seen.add(j)
                stack.append(j)
    return len(seen) / len(index.X)


def sweep(index, queries, truth, efs):
    """Per ef: recall@10 of every query, and distances computed per query."""
    rows = []
    for ef in efs:
        before = index.distance_count
        recalls = [
            recall_at_k(index.search(q, 10, ef)[0], t) for q, t in zip(queries, truth)
        ]
        rows.append((np.array(recalls), (index.distance_count - before) / len(queries)))
    return rows


n, d, efs = 2000, 32, (10, 20, 50, 100)
P, labels = clustered_points(n + 200, d, 20, 0.5, seed=0)
X, queries, labels = P[:n], P[n:], labels[:n]
truth = exact_top_k(X, queries, 10)
graphs = {
    "NSW closest M": HNSW(X, heuristic=False, layered=False),
    "NSW heuristic": HNSW(X, heuristic=True, layered=False),
    "HNSW heuristic": HNSW(X, heuristic=True, layered=True),
}
print(
    f"{n} points, {d} dims, 20 clusters; 200 held-out queries; M 8, ef_construction 40"
)
print("recall@10 / distances per query")
print(f"{'ef':>4}" + "".join(f"{name:>20}" for name in graphs))
results = {name: sweep(g, queries, truth, efs) for name, g in graphs.items()}
for row, ef in enumerate(efs):
    cells = [f"{r[row][0].mean():.3f} / {r[row][1]:>4.0f}" for r in results.values()]
    print(f"{ef:>4}" + "".join(f"{c:>20}" for c in cells))
print("layer 0: links per point; links between clusters; points with such a link")
for name, g in graphs.items():
    links = g.links[0].items()
    between = [int(np.sum(labels[nb] != labels[i])) for i, nb in links]
    degree = sum(len(nb) for _, nb in links) / n
    print(f"  {name}: {degree:.2f}; {sum(between)}; {np.count_nonzero(between)}")
print("share of points reachable from the entry point on layer 0:")
print(
    "  " + ", ".join(f"{name} {reachable_share(g):.3f}" for name, g in graphs.items())
)
print("stored points found as their own nearest neighbour (ef 10), of 200:")
# every 10th stored point as a query: its exact match is at distance 0
own = {
    name: sum(g.search(X[i], 1, 10)[0][0] == i for i in range(0, n, n // 200))
    for name, g in graphs.items()
}
print("  " + ", ".join(f"{name} {v}" for name, v in own.items()))
hnsw = results["HNSW heuristic"]
drops = [int(np.sum(b[0] < a[0])) for a, b in zip(hnsw, hnsw[1:])]
print(f"HNSW queries whose recall@10 fell as ef rose 10->20->50->100: {drops}")
counts = np.bincount(graphs["HNSW heuristic"].levels).tolist()
expected = [round(n * (1 - 1 / 8) * 8.0**-lv) for lv in range(len(counts))]
print(f"HNSW points per top layer: {counts}; n (1 - 1/M) M^-l: {expected}")

P = np.random.default_rng(1).normal(size=(n + 200, d))
X, queries = P[:n], P[n:]
truth = exact_top_k(X, queries, 10)
print(f"one Gaussian, no clusters ({n} points, {d} dims), NSW, recall@10 / distances:")
for heuristic in (False, True):
    rows = sweep(HNSW(X, heuristic=heuristic, layered=False), queries, truth, (20, 50))
    cells = ", ".join(
        f"ef {ef} {r.mean():.3f} / {c:.0f}" for ef, (r, c) in zip((20, 50), rows)
    )
    print(f"  {'heuristic' if heuristic else 'closest M'}: {cells}")
# --8<-- [end:check]
