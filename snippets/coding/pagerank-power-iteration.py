# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np
from scipy.sparse import csr_array


def pagerank(
    edges: np.ndarray,
    n: int,
    damping: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 1000,
    personalization: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if edges.size and (edges.min() < 0 or edges.max() >= n):
        raise ValueError("edge endpoints must lie in 0..n-1")
    # a link counts once: scipy would otherwise add duplicates up into a weight of 2
    edges = np.unique(edges, axis=0)
    source, target = edges[:, 0], edges[:, 1]
    out_degree = np.bincount(source, minlength=n)
    # column-stochastic: column i holds 1/out_degree(i) at each target of i, so that
    # (transition @ x)[j] is the mass flowing into j; a dangling column is all zero
    transition = csr_array(
        (1.0 / out_degree[source], (target, source)), shape=(n, n), dtype=float
    )
    dangling = out_degree == 0
    if personalization is None:
        teleport = np.full(n, 1.0 / n)
    else:
        teleport = np.asarray(personalization, dtype=float)
        if teleport.shape != (n,) or teleport.min() < 0 or teleport.sum() == 0:
            raise ValueError("personalization must be n non-negative, not all zero")
        teleport = teleport / teleport.sum()
    ranks = teleport.copy()
    for iteration in range(1, max_iter + 1):
        # the mass on dangling nodes is spread over all n nodes, not lost
        spread = ranks[dangling].sum() / n
        new = damping * (transition @ ranks + spread) + (1 - damping) * teleport
        change = np.abs(new - ranks).sum()
        ranks = new
        if change < tol:
            return ranks, iteration
    raise RuntimeError(f"no convergence to L1 change {tol} in {max_iter} iterations")


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import networkx as nx
import numpy as np
import pytest


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_pagerank_worked_example,
    test_pagerank_matches_networkx,
    test_pagerank_matches_closed_form,
    test_pagerank_is_a_probability_vector,
    test_personalised_pagerank,
    test_iterations_within_damping_bound,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

edges = np.array([(0, 1), (1, 2), (2, 0), (2, 0), (2, 2)])
ranks, iterations = pagerank(edges, 4, damping=0.5)
print(
    f"worked example, d = 0.5: {np.round(ranks, 4).tolist()} in {iterations} iterations"
)
multi = networkx_pagerank(edges, 4, 0.5, multi=True)
print(f"  2 -> 0 counted twice (MultiDiGraph): {np.round(multi, 4).tolist()}")
# the classic bug: dangling mass dropped instead of spread
leaky = np.full(4, 0.25)
transition = google_transition_dense(edges, 4)
transition[3] = 0.0
for _ in range(200):
    leaky = 0.5 * transition.T @ leaky + 0.5 / 4
print(f"  dangling mass dropped: ranks sum to {leaky.sum():.4f}")

rng = np.random.default_rng(0)
n = 1000
graph = random_digraph_edges(rng, n, 0.2, loops=False)
looped = rng.choice(n, size=50, replace=False)
graph_loops = np.vstack([graph, np.column_stack([looped, looped])])
out_links = [set(graph_loops[graph_loops[:, 0] == i, 1].tolist()) for i in looped]
only_loop = sum(links == {i} for i, links in zip(looped.tolist(), out_links))
cycle = np.column_stack([np.arange(n), (np.arange(n) + 1) % n])
seed_only = np.eye(n)[500]
tol = 1e-10
print(f"iterations to an L1 change below {tol:g}, n = {n}")
print("  bound = floor(log(tol / 2) / log(d)) + 1")
print(f"  random: 20% dangling; + loops: 50 self-loops, {only_loop} nodes' only link")
print("  cycle: a directed cycle, personalised on one node")
print(f"  {'d':>4}{'log(tol)/log(d)':>16}{'bound':>7}", end="")
print(f"{'random':>8}{'+ loops':>9}{'cycle':>7}")
within_bound = True
for damping in (0.5, 0.85, 0.99):
    counts = []
    for edges, teleport in [(graph, None), (graph_loops, None), (cycle, seed_only)]:
        ranks, iterations = pagerank(
            edges, n, damping, tol, max_iter=5000, personalization=teleport
        )
        exact = pagerank_dense_solve(edges, n, damping, teleport)
        error = np.abs(ranks - exact).sum()
        within_bound &= bool(error <= tol * damping / (1 - damping) + 1e-12)
        counts.append(iterations)
    ratio = math.log(tol) / math.log(damping)
    bound = math.floor(math.log(tol / 2) / math.log(damping)) + 1
    print(f"  {damping:>4.2f}{ratio:>16.1f}{bound:>7}", end="")
    print(f"{counts[0]:>8}{counts[1]:>9}{counts[2]:>7}")
print(f"  L1 error to the dense solve <= tol * d / (1 - d) in all: {within_bound}")
moduli = [
    np.sort(np.abs(np.linalg.eigvals(google_transition_dense(edges, n))))[::-1]
    for edges in (graph, graph_loops)
]
ones = np.sum(moduli[1] > 1 - 1e-9)
print(
    f"  second |eigenvalue| of P: random {moduli[0][1]:.3f}, + loops "
    f"{moduli[1][1]:.3f} ({ones} equal to 1)"
)

# four communities of 60 nodes: links mostly inside, two hubs per community
communities = np.repeat(np.arange(4), 60)
n = len(communities)
same = communities[:, None] == communities[None, :]
links = rng.random((n, n)) < np.where(same, 0.08, 0.005)
hubs = np.flatnonzero(np.tile(np.arange(60), 4) < 2)
links[:, hubs] |= same[:, hubs] & (rng.random((n, len(hubs))) < 0.5)
# 20 nodes lose their out-links: dangling
links[rng.choice(n, size=20, replace=False)] = False
graph = np.argwhere(links)
seed = 155
weights = np.zeros(n)
weights[seed] = 1.0
plain, _ = pagerank(graph, n)
personal, _ = pagerank(graph, n, personalization=weights)
print(f"top 5 of {n} nodes in 4 communities; personalised on node {seed}")
print(f"  {'':>4}{'PageRank':>21}{'personalised':>24}")
for place, (i, j) in enumerate(zip(np.argsort(-plain)[:5], np.argsort(-personal)[:5])):
    left = f"node {i:>3} (c{communities[i]}) {plain[i]:.4f}"
    right = f"node {j:>3} (c{communities[j]}) {personal[j]:.4f}"
    print(f"  {place + 1:>4}{left:>21}{right:>24}")
home = communities == communities[seed]
print(
    f"  mass in community c{communities[seed]}, node {seed}'s: "
    f"{plain[home].sum():.3f} -> {personal[home].sum():.3f}"
)
graph_nx = nx.DiGraph()
graph_nx.add_nodes_from(range(n))
graph_nx.add_edges_from(graph.tolist())
nx_default = nx.pagerank(
    graph_nx, personalization={seed: 1.0}, tol=1e-14, max_iter=10_000
)
nx_default = np.array([nx_default[i] for i in range(n)])
print(
    f"  networkx's default (dangling mass to the seed): seed "
    f"{personal[seed]:.4f} -> {nx_default[seed]:.4f}, L1 change "
    f"{np.abs(nx_default - personal).sum():.3f}"
)
# --8<-- [end:check]
