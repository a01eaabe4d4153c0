"""The ML coding round: Sequences and dynamic programming. Practice file with 4 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest sequences-dynamic-programming.py                 # every exercise
    pytest sequences-dynamic-programming.py -k <function>   # one exercise, e.g. -k extend_with_blanks

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import functools
import heapq
import itertools
import math
import random
import warnings
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F


# --------------------------------------------------------------------------------------
# 1. Implement the CTC loss with the forward (alpha) recursion
# Handbook: coding/sequences-dynamic-programming/#ctc-loss-forward
# --------------------------------------------------------------------------------------


def extend_with_blanks(target: list[int], blank: int = 0) -> np.ndarray:
    """The extended label sequence y' of Graves et al. (2006): a blank before, between
    and after the U labels of target, length 2U + 1, as an integer array.
    extend_with_blanks([1, 1]) -> [0, 1, 0, 1, 0]; extend_with_blanks([]) -> [0]."""
    raise NotImplementedError


def ctc_log_alpha(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    """Forward variables in log space, shape (T, 2U + 1). A path through y' starts at
    y'[0] or y'[1] at frame 0 and, from one frame to the next, stays on its state s,
    moves to s + 1, or moves to s + 2 (skipping a blank) if y'[s + 2] is a label
    different from y'[s]. Entry [t, s] is the log of the total probability of the
    paths of frames 0..t that are at y'[s] at frame t, -inf if there are none.
    log_probs (T, V), T >= 1, are per-frame log-probabilities; target holds labels in
    0..V-1, none equal to blank."""
    raise NotImplementedError


def ctc_loss(log_probs: np.ndarray, target: list[int], blank: int = 0) -> float:
    """-log p(target | log_probs): minus the log of the total probability of the frame
    labellings that collapse to target (merge repeats, then drop blanks), what
    torch.nn.functional.ctc_loss returns with reduction="none". inf if no labelling
    of T frames collapses to target."""
    raise NotImplementedError


def ctc_log_beta(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    """Backward variables in log space, shape (T, 2U + 1): entry [t, s] is the log of
    the total probability of frames t+1..T-1 over the labellings that continue from
    y'[s] at frame t to the end of y' (frame t itself not counted). beta[T-1] is 0
    on the last two states (the last one only for an empty target), -inf elsewhere,
    so that logsumexp(alpha[t] + beta[t]) = -ctc_loss for every t."""
    raise NotImplementedError


def ctc_grad(log_probs: np.ndarray, target: list[int], blank: int = 0) -> np.ndarray:
    """Gradient of ctc_loss with respect to log_probs, shape (T, V), each entry
    treated as a free input: minus gamma[t, k], the posterior probability that frame
    t emits symbol k given that the labelling collapses to target. Every row sums to
    -1. Zeros if the target is infeasible."""
    raise NotImplementedError


def log_softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=1, keepdims=True))


def torch_ctc(log_probs, target, blank=0, zero_infinity=False):
    """torch.nn.functional.ctc_loss for one sequence, float64, reduction="none"."""
    lp = torch.tensor(log_probs, dtype=torch.float64)
    loss = F.ctc_loss(
        lp,
        torch.tensor(target, dtype=torch.long),
        torch.tensor(len(lp)),
        torch.tensor(len(target)),
        blank=blank,
        reduction="none",
        zero_infinity=zero_infinity,
    )
    return loss.item()


def collapse(path, blank=0):
    """CTC's many-to-one map: merge repeated symbols, then drop blanks."""
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in merged if k != blank)


def paths_by_target(T, V, blank=0):
    """Every labelling of T frames over V symbols, grouped by what it collapses to."""
    groups = {}
    for path in itertools.product(range(V), repeat=T):
        groups.setdefault(collapse(path, blank), []).append(path)
    return groups


def brute_force_nll(log_probs, paths):
    """-log of the summed probability of the given paths; log_probs a torch tensor,
    so autograd gives the exact gradient with respect to every entry."""
    idx = torch.tensor(paths)
    path_logp = log_probs[torch.arange(log_probs.shape[0]), idx].sum(dim=1)
    return -torch.logsumexp(path_logp, dim=0)


def random_cases():
    """(log_probs, target, blank): random lengths, repeated labels, infeasible ones."""
    rng = np.random.default_rng(0)
    for T, V in [(1, 2), (2, 3), (5, 3), (8, 2), (12, 5), (30, 4), (60, 30), (100, 8)]:
        for _ in range(6):
            log_probs = log_softmax(2.0 * rng.normal(size=(T, V)))
            U = int(rng.integers(0, T + 2))
            # half the targets use two labels only, so repeats are common
            high = V if rng.random() < 0.5 else min(V, 3)
            yield log_probs, rng.integers(1, high, size=U).tolist(), 0
    # the blank as the last symbol instead of the first
    for T, V in [(6, 4), (25, 6)]:
        log_probs = log_softmax(rng.normal(size=(T, V)))
        yield log_probs, rng.integers(0, V - 1, size=T // 3).tolist(), V - 1


def min_frames(target):
    """U labels plus one blank between each pair of equal neighbours."""
    return len(target) + sum(a == b for a, b in zip(target, target[1:]))


def test_ctc_worked_example():
    np.testing.assert_array_equal(extend_with_blanks([1, 2]), [0, 1, 0, 2, 0])
    assert extend_with_blanks([1, 1]).dtype.kind == "i"
    np.testing.assert_array_equal(extend_with_blanks([]), [0])
    # 3 frames, every symbol 1/3: alpha[t] * 3^(t+1) counts partial paths
    log_probs = np.full((3, 3), np.log(1 / 3))
    counts = np.exp(ctc_log_alpha(log_probs, [1, 2])) * 3.0 ** np.arange(1, 4)[:, None]
    np.testing.assert_allclose(
        counts, [[1, 1, 0, 0, 0], [1, 2, 1, 1, 0], [1, 3, 3, 4, 1]]
    )
    counts = np.exp(ctc_log_alpha(log_probs, [1, 1])) * 3.0 ** np.arange(1, 4)[:, None]
    np.testing.assert_allclose(
        counts, [[1, 1, 0, 0, 0], [1, 2, 1, 0, 0], [1, 3, 3, 1, 0]]
    )
    # p = paths / 27: 5 for "ab", 1 for "aa" (a_a), 1 for "" (___), 0 for "aab"
    for target, n_paths in [([1, 2], 5), ([1, 1], 1), ([], 1), ([1], 6)]:
        assert math.isclose(ctc_loss(log_probs, target), math.log(27 / n_paths))
    assert ctc_loss(log_probs, [1, 1, 2]) == math.inf


def test_ctc_matches_torch_on_random_inputs():
    n_infeasible = 0
    for log_probs, target, blank in random_cases():
        ours, ref = (
            ctc_loss(log_probs, target, blank),
            torch_ctc(log_probs, target, blank),
        )
        if math.isinf(ref):
            n_infeasible += 1
            assert ours == math.inf and len(log_probs) < min_frames(target)
        else:
            assert math.isclose(ours, ref, rel_tol=1e-10), (ours, ref)
    assert n_infeasible > 0
    # a long input: in probability space p underflows to 0 after a few hundred frames
    rng = np.random.default_rng(1)
    log_probs = log_softmax(rng.normal(size=(1000, 30)))
    target = rng.integers(1, 30, size=200).tolist()
    ours, ref = ctc_loss(log_probs, target), torch_ctc(log_probs, target)
    assert math.isclose(ours, ref, rel_tol=1e-10) and ours > 745


def test_ctc_matches_brute_force_over_all_alignments():
    rng = np.random.default_rng(2)
    for T, V in [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (4, 4)]:
        log_probs = log_softmax(rng.normal(size=(T, V)))
        groups = paths_by_target(T, V)
        # every target of up to T labels: those no path reaches must give inf
        for U in range(T + 1):
            for target in itertools.product(range(1, V), repeat=U):
                ours = ctc_loss(log_probs, list(target))
                if target not in groups:
                    assert ours == math.inf, target
                    continue
                ref = brute_force_nll(torch.tensor(log_probs), groups[target]).item()
                assert math.isclose(ours, ref, rel_tol=1e-12, abs_tol=1e-12), target


def test_ctc_edge_cases():
    rng = np.random.default_rng(3)
    log_probs = log_softmax(rng.normal(size=(7, 4)))
    # an empty target: the only path is all blanks
    ours = ctc_loss(log_probs, [])
    assert math.isclose(ours, -log_probs[:, 0].sum(), rel_tol=1e-12)
    assert math.isclose(ours, torch_ctc(log_probs, []), rel_tol=1e-12)
    # "aa" needs 3 frames, "ab" 2
    assert ctc_loss(log_probs[:2], [1, 1]) == math.inf
    assert math.isfinite(ctc_loss(log_probs[:2], [1, 2]))
    assert math.isfinite(ctc_loss(log_probs[:3], [1, 1]))
    # the minimum feasible length has one path: the labels, a blank between repeats
    target = [1, 1, 2, 3, 3, 3]
    T = min_frames(target)
    log_probs = log_softmax(rng.normal(size=(T, 4)))
    path = [1, 0, 1, 2, 3, 0, 3, 0, 3]
    ours = ctc_loss(log_probs, target)
    assert math.isclose(ours, -log_probs[np.arange(T), path].sum(), rel_tol=1e-12)
    assert math.isclose(ours, torch_ctc(log_probs, target), rel_tol=1e-12)
    # one frame fewer: infeasible; torch gives inf, or 0 with zero_infinity=True
    assert ctc_loss(log_probs[:-1], target) == math.inf
    assert torch_ctc(log_probs[:-1], target) == math.inf
    assert torch_ctc(log_probs[:-1], target, zero_infinity=True) == 0.0
    # all log-probabilities 0: every path weighs 1 and p counts the alignments,
    # C(T + U - r, 2U) with r the number of equal neighbours in the target
    for target in ([1, 2], [1, 1], [1, 2, 1], [2, 2, 2], [1, 1, 2, 2, 1], [3]):
        U, r = len(target), min_frames(target) - len(target)
        for T in range(1, 12):
            n = math.comb(T + U - r, 2 * U) if U + r <= T else 0
            p = math.exp(-ctc_loss(np.zeros((T, 4)), target))
            assert math.isclose(p, n, rel_tol=1e-12), (target, T)


def test_ctc_alpha_and_beta_agree():
    for log_probs, target, blank in random_cases():
        alpha = ctc_log_alpha(log_probs, target, blank)
        beta = ctc_log_beta(log_probs, target, blank)
        S = 2 * len(target) + 1
        assert alpha.shape == beta.shape == (len(log_probs), S)
        assert np.all(np.isneginf(alpha[0, 2:])) and np.all(beta[-1, -2:] == 0)
        loss = ctc_loss(log_probs, target, blank)
        if math.isinf(loss):
            continue
        # every complete path is somewhere at every frame
        total = np.logaddexp.reduce(alpha + beta, axis=1)
        np.testing.assert_allclose(total, -loss, rtol=1e-10)


def test_ctc_grad_matches_autograd_of_the_brute_force_sum():
    rng = np.random.default_rng(4)
    for T, V in [(3, 3), (5, 3), (6, 3), (4, 4)]:
        groups = paths_by_target(T, V)
        # log-probabilities that do not sum to 1: the gradient is still -gamma
        log_probs = rng.normal(size=(T, V))
        for target in [(1,), (1, 2), (1, 1), (2, 1, 2), ()]:
            if target not in groups:
                continue
            leaf = torch.tensor(log_probs, requires_grad=True)
            brute_force_nll(leaf, groups[target]).backward()
            ours = ctc_grad(log_probs, list(target))
            np.testing.assert_allclose(ours, leaf.grad.numpy(), atol=1e-12)
            np.testing.assert_allclose(ours.sum(axis=1), -1.0, atol=1e-12)


def test_ctc_grad_matches_torch_through_log_softmax():
    rng = np.random.default_rng(5)
    sizes = [(5, 3, 2), (20, 6, 8), (50, 10, 20), (40, 3, 25), (80, 30, 30)]
    cases = [(T, V, rng.integers(1, V, size=U).tolist()) for T, V, U in sizes]
    # "aaa" in 5 frames (the minimum) and in 4 (infeasible)
    cases += [(5, 3, [1, 1, 1]), (4, 3, [1, 1, 1])]
    for T, V, target in cases:
        logits = rng.normal(size=(T, V))
        x = torch.tensor(logits, requires_grad=True)
        loss = F.ctc_loss(
            x.log_softmax(dim=1),
            torch.tensor(target),
            torch.tensor(T),
            torch.tensor(len(target)),
            reduction="none",
            zero_infinity=True,
        )
        loss.backward()
        g = ctc_grad(log_softmax(logits), target)
        # the chain rule through log_softmax: d/dx = g - softmax(x) * sum_k g
        probs = np.exp(log_softmax(logits))
        ours = g - probs * g.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(ours, x.grad.numpy(), atol=1e-10)
        if min_frames(target) > T:
            # zero_infinity=True: loss 0 and gradient 0, like ours
            assert loss.item() == 0.0 and np.all(g == 0)
        else:
            # the familiar form: softmax minus the posterior
            np.testing.assert_allclose(ours, probs + g, atol=1e-12)


# --------------------------------------------------------------------------------------
# 2. Implement dynamic time warping: the cost table, the warping path and a Sakoe-Chiba band
# Handbook: coding/sequences-dynamic-programming/#dtw-alignment
# --------------------------------------------------------------------------------------


def dtw_accumulate(cost: np.ndarray, window: int | None = None) -> np.ndarray:
    """Accumulated cost D of dynamic time warping, shape (n, m), from a local cost
    matrix cost (n, m), cost[i, j] = c(x_i, y_j). D[0, 0] = cost[0, 0] and
    D[i, j] = cost[i, j] + min(D[i-1, j], D[i, j-1], D[i-1, j-1]), the terms with a
    negative index left out, so D[i, j] is the cheapest monotone path from (0, 0) to
    (i, j). window=r is the Sakoe-Chiba band: cells with |i - j| > r are inf and no
    path enters them. window=None: no band."""
    raise NotImplementedError


def dtw_path(acc: np.ndarray) -> list[tuple[int, int]]:
    """An optimal warping path read back from an accumulated cost matrix: the cells
    (i, j) from (0, 0) to (n-1, m-1), each step (1, 0), (0, 1) or (1, 1). Backtrack
    from (n-1, m-1) to the cheapest predecessor, on ties the diagonal (i-1, j-1)
    first, then (i-1, j), then (i, j-1). [] if acc[-1, -1] is inf."""
    raise NotImplementedError


def dtw(
    x: np.ndarray, y: np.ndarray, window: int | None = None
) -> tuple[float, list[tuple[int, int]]]:
    """DTW between series x (n,) or (n, d) and y (m,) or (m, d): the local cost is
    the squared Euclidean distance ||x_i - y_j||^2, the distance is the square root
    of D[n-1, m-1] (so that with window=0 and n == m it is the Euclidean distance
    ||x - y||), and the path is dtw_path(D). (inf, []) if no path fits the band."""
    raise NotImplementedError


def soft_dtw(cost: np.ndarray, gamma: float = 1.0) -> float:
    """Soft-DTW of Cuturi and Blondel (2017): the DTW recursion on cost (n, m) with
    min replaced by the soft minimum -gamma * log(sum(exp(-a / gamma))), which is
    -gamma * log of the sum over all warping paths of exp(-path cost / gamma)."""
    raise NotImplementedError


@functools.cache
def warping_paths(n, m):
    """Every monotone path from (0, 0) to (n-1, m-1) with steps (1, 0), (0, 1) and
    (1, 1): a Delannoy number of them (321 for 5 x 5)."""
    if (n, m) == (1, 1):
        return (((0, 0),),)
    paths = []
    for a, b in ((n - 1, m - 1), (n - 1, m), (n, m - 1)):
        if a >= 1 and b >= 1:
            paths += [p + ((n - 1, m - 1),) for p in warping_paths(a, b)]
    return tuple(paths)


def path_cost(cost, path):
    return sum(cost[i, j] for i, j in path)


def in_band(path, window):
    return window is None or all(abs(i - j) <= window for i, j in path)


def brute_force_dtw(cost, window=None):
    """The cheapest path by enumeration: inf if no path fits the band."""
    n, m = cost.shape
    costs = [path_cost(cost, p) for p in warping_paths(n, m) if in_band(p, window)]
    return min(costs, default=math.inf)


def is_warping_path(path, n, m):
    steps = {(b[0] - a[0], b[1] - a[1]) for a, b in zip(path, path[1:])}
    ends = path[0] == (0, 0) and path[-1] == (n - 1, m - 1)
    return ends and steps <= {(1, 0), (0, 1), (1, 1)}


def sq_cost(x, y):
    """The local cost matrix of dtw for univariate x and y."""
    return (np.asarray(x, float)[:, None] - np.asarray(y, float)[None, :]) ** 2


def cbf(rng, label, length=128):
    """A Cylinder-Bell-Funnel series: noise, plus on a random interval [a, b) a
    plateau (0), a rising ramp (1) or a falling ramp (2) of height 6 + N(0, 1); the
    classic sizes at length 128: a from 16 to 32, b - a from 32 to 96."""
    a = int(rng.integers(length // 8, length // 4 + 1))
    b = a + int(rng.integers(length // 4, 3 * length // 4 + 1))
    t = np.arange(length)
    inside = (t >= a) & (t < b)
    shape = [np.ones(length), (t - a) / (b - a), (b - t) / (b - a)][label]
    return (6 + rng.normal()) * inside * shape + rng.normal(size=length)


def cbf_dataset(rng, per_class, length):
    labels = np.repeat(np.arange(3), per_class)
    return np.array([cbf(rng, k, length) for k in labels]), labels


def test_dtw_worked_example():
    x, y = [0, 0, 1, 2, 1], [0, 1, 2, 1, 0]
    acc = dtw_accumulate(sq_cost(x, y))
    expected = [
        [0, 1, 5, 6, 6],
        [0, 1, 5, 6, 6],
        [1, 0, 1, 1, 2],
        [5, 1, 0, 1, 5],
        [6, 1, 1, 0, 1],
    ]
    np.testing.assert_array_equal(acc, expected)
    assert dtw_path(acc) == [(0, 0), (1, 0), (2, 1), (3, 2), (4, 3), (4, 4)]
    distance, path = dtw(x, y)
    assert distance == 1.0 and path == dtw_path(acc)
    # window 0 on equal lengths: the diagonal only, the Euclidean distance
    assert dtw(x, y, window=0) == (2.0, [(i, i) for i in range(5)])
    # window 0 cannot reach the last cell of a 5 x 4 matrix
    assert dtw(x, y[:4], window=0) == (math.inf, [])
    # window 1 can, and x is y[:4] = [0, 1, 2, 1] with its first sample repeated
    assert dtw(x, y[:4], window=1)[0] == 0.0


def test_dtw_matches_brute_force():
    rng = np.random.default_rng(0)
    for n in range(1, 6):
        for m in range(1, 6):
            cost = rng.exponential(size=(n, m))
            # every cell is the cheapest path to it, found by enumeration
            acc = dtw_accumulate(cost)
            for i in range(n):
                for j in range(m):
                    ref = brute_force_dtw(cost[: i + 1, : j + 1])
                    assert math.isclose(acc[i, j], ref, rel_tol=1e-12)
            for window in (None, 0, 1, 2, 3):
                acc = dtw_accumulate(cost, window)
                ref = brute_force_dtw(cost, window)
                path = dtw_path(acc)
                if ref == math.inf:
                    assert acc[-1, -1] == math.inf and path == []
                    assert abs(n - m) > window
                    continue
                assert math.isclose(acc[-1, -1], ref, rel_tol=1e-12)
                assert is_warping_path(path, n, m) and in_band(path, window)
                assert math.isclose(path_cost(cost, path), ref, rel_tol=1e-12)
    # multivariate series, through dtw: the cost is the squared distance of points
    for n, m, d in [(4, 5, 2), (5, 3, 3), (1, 4, 2)]:
        x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d))
        cost = ((x[:, None] - y[None]) ** 2).sum(axis=2)
        distance, path = dtw(x, y)
        assert math.isclose(distance**2, brute_force_dtw(cost), rel_tol=1e-12)
        assert is_warping_path(path, n, m)


def test_soft_dtw_matches_brute_force():
    rng = np.random.default_rng(1)
    for n, m in [(1, 1), (1, 4), (3, 3), (4, 5), (5, 5)]:
        cost = rng.exponential(size=(n, m))
        totals = np.array([path_cost(cost, p) for p in warping_paths(n, m)])
        hard = dtw_accumulate(cost)[-1, -1]
        for gamma in (0.01, 0.1, 1.0, 10.0):
            ref = -gamma * np.logaddexp.reduce(-totals / gamma)
            ours = soft_dtw(cost, gamma)
            assert math.isclose(ours, ref, rel_tol=1e-10, abs_tol=1e-12)
            # between min - gamma * log(number of paths) and min
            assert hard - gamma * math.log(len(totals)) - 1e-12 <= ours <= hard + 1e-12
        assert math.isclose(soft_dtw(cost, 1e-4), hard, abs_tol=1e-3)


def test_dtw_properties():
    rng = np.random.default_rng(2)
    for _ in range(20):
        n, m = rng.integers(1, 12, size=2)
        x, y = rng.normal(size=n), rng.normal(size=m)
        d_xy, path_xy = dtw(x, y)
        d_yx, path_yx = dtw(y, x)
        # symmetric, and the path is the transposed path (no ties in random data)
        assert math.isclose(d_xy, d_yx, rel_tol=1e-12)
        assert path_yx == [(j, i) for i, j in path_xy]
        # zero on itself, along the diagonal
        distance, path = dtw(x, x)
        assert math.isclose(distance, 0, abs_tol=1e-6)
        assert path == [(i, i) for i in range(n)]
        # a copy that repeats samples is at distance 0: not a metric
        stretched = np.repeat(x, rng.integers(1, 4, size=n))
        assert math.isclose(dtw(x, stretched)[0], 0, abs_tol=1e-6)
        # repeating samples of x never makes it closer to y
        assert dtw(stretched, y)[0] >= d_xy - 1e-9
        # a 1-D series is a series of 1-dimensional points; d equal channels
        # multiply every cost by d
        assert math.isclose(dtw(x[:, None], y[:, None])[0], d_xy, rel_tol=1e-9)
        assert math.isclose(dtw(np.c_[x, x, x], np.c_[y, y, y])[0], 3**0.5 * d_xy)
        # on equal lengths: never above the Euclidean distance, equal with window 0
        z = rng.normal(size=n)
        euclidean = np.linalg.norm(x - z)
        assert dtw(x, z)[0] <= euclidean + 1e-9
        assert math.isclose(dtw(x, z, window=0)[0], euclidean, rel_tol=1e-9)


def test_dtw_band():
    rng = np.random.default_rng(3)
    for _ in range(20):
        n, m = rng.integers(1, 15, size=2)
        cost = rng.exponential(size=(n, m))
        full = dtw_accumulate(cost)
        # a band as wide as the matrix is no band
        np.testing.assert_array_equal(dtw_accumulate(cost, max(n, m) - 1), full)
        previous = math.inf
        for window in range(max(n, m)):
            acc = dtw_accumulate(cost, window)
            i, j = np.indices((n, m))
            assert np.all(np.isinf(acc[np.abs(i - j) > window]))
            # narrower bands allow fewer paths: never cheaper
            assert acc[-1, -1] >= full[-1, -1] and acc[-1, -1] <= previous
            assert (acc[-1, -1] == math.inf) == (window < abs(n - m))
            previous = acc[-1, -1]
    # a pattern 6 samples late: a band of 2 cannot absorb the shift, 6 can
    t = np.arange(60)
    x = np.exp(-0.5 * ((t - 25) / 3.0) ** 2)
    y = np.exp(-0.5 * ((t - 31) / 3.0) ** 2)
    full, wide, narrow = dtw(x, y)[0], dtw(x, y, 6)[0], dtw(x, y, 2)[0]
    assert full < 1e-6 and math.isclose(wide, full) and narrow > 1.0


def test_dtw_beats_euclidean_on_shifted_signals():
    t = np.arange(100)
    x = np.exp(-0.5 * ((t - 40) / 4.0) ** 2)
    for shift in (5, 10, 20):
        y = np.exp(-0.5 * ((t - 40 - shift) / 4.0) ** 2)
        euclidean = np.linalg.norm(x - y)
        distance, path = dtw(x, y)
        assert distance < 0.01 * euclidean and euclidean > 1.0
        # the peak of x is matched to the peak of y
        assert (40, 40 + shift) in path


def test_dtw_nearest_neighbour_classification():
    rng = np.random.default_rng(4)
    train, train_labels = cbf_dataset(rng, per_class=4, length=48)
    test, test_labels = cbf_dataset(rng, per_class=10, length=48)
    correct = {"euclidean": 0, "dtw": 0}
    for series, label in zip(test, test_labels):
        euclidean = [np.linalg.norm(series - s) for s in train]
        warped = [dtw(series, s)[0] for s in train]
        correct["euclidean"] += train_labels[np.argmin(euclidean)] == label
        correct["dtw"] += train_labels[np.argmin(warped)] == label
    assert correct["dtw"] > correct["euclidean"] and correct["dtw"] >= 27


# --------------------------------------------------------------------------------------
# 3. Implement the edit (Levenshtein) distance with its alignment, and score a transcript with WER
# Handbook: coding/sequences-dynamic-programming/#edit-distance-alignment
# --------------------------------------------------------------------------------------


def edit_table(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> np.ndarray:
    """The full edit-distance table, shape (len(a) + 1, len(b) + 1), float: D[i, j]
    is the cheapest way to turn a[:i] into b[:j]. D[i, 0] = i * del_cost, D[0, j] =
    j * ins_cost and D[i, j] = min(D[i-1, j-1] + (0 if a[i-1] == b[j-1] else
    sub_cost), D[i-1, j] + del_cost, D[i, j-1] + ins_cost). a and b are strings
    (characters) or lists of tokens (words). The distance is D[-1, -1]."""
    raise NotImplementedError


def edit_alignment(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> list[tuple[str, int | None, int | None]]:
    """An optimal alignment of a to b, in order, as operations (op, i, j): ("match",
    i, j) and ("substitute", i, j) pair a[i] with b[j], ("delete", i, None) drops
    a[i], ("insert", None, j) adds b[j]. Backtrack from the last cell of edit_table;
    when several moves reach a cell at its cost, take the diagonal (match or
    substitute) first, then the deletion (up), then the insertion (left)."""
    raise NotImplementedError


def edit_distance_two_rows(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> float:
    """The distance edit_table(a, b, ...)[-1, -1] keeping only two rows of the table,
    each as long as the shorter of a and b: O(min(m, n)) memory."""
    raise NotImplementedError


def wer(reference: list[str], hypothesis: list[str]) -> tuple[float, int, int, int]:
    """Word error rate (S + D + I) / N of a hypothesis against a reference, both
    lists of words, N = len(reference), with the counts of substitutions, deletions
    and insertions read off edit_alignment with unit costs: (wer, S, D, I).
    ValueError if the reference is empty."""
    raise NotImplementedError


def edit_graph_distances(source, alphabet, max_len, sub, ins, dele):
    """Dijkstra over strings: the cheapest sequence of single edits (substitute,
    insert or delete one character, at its cost) from source to every string of
    at most max_len characters over alphabet. The definition, not the table."""
    best = {source: 0}
    heap = [(0, source)]
    while heap:
        cost, s = heapq.heappop(heap)
        if cost > best[s]:
            continue
        moves = [(s[:k] + s[k + 1 :], dele) for k in range(len(s))]
        moves += [
            (s[:k] + c + s[k + 1 :], sub) for k in range(len(s)) for c in alphabet
        ]
        if len(s) < max_len:
            moves += [
                (s[:k] + c + s[k:], ins) for k in range(len(s) + 1) for c in alphabet
            ]
        for t, step in moves:
            if t != s and cost + step < best.get(t, math.inf):
                best[t] = cost + step
                heapq.heappush(heap, (cost + step, t))
    return best


def apply_alignment(a, b, ops):
    """Rebuild b from a with the operations, checking that they consume a and b in
    order, once each, and that a match pairs equal tokens."""
    out, next_i, next_j = [], 0, 0
    for op, i, j in ops:
        if op in ("match", "substitute", "delete"):
            assert i == next_i
            next_i += 1
        if op in ("match", "substitute", "insert"):
            assert j == next_j
            next_j += 1
        if op == "match":
            assert a[i] == b[j]
            out.append(a[i])
        elif op == "substitute":
            assert a[i] != b[j]
            out.append(b[j])
        elif op == "insert":
            out.append(b[j])
        else:
            assert op == "delete"
    assert next_i == len(a)
    return out


def alignment_cost(a, b, ops, sub=1.0, ins=1.0, dele=1.0):
    price = {"match": 0.0, "substitute": sub, "insert": ins, "delete": dele}
    return sum(price[op] for op, _, _ in ops)


def random_string(rng, alphabet, max_len):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))


def test_edit_worked_example():
    table = edit_table("kitten", "sitting")
    assert table.shape == (7, 8) and table[-1, -1] == 3
    # the last row: "kitten" against every prefix of "sitting"
    assert table[-1].tolist() == [6, 6, 5, 4, 3, 3, 2, 3]
    ops = edit_alignment("kitten", "sitting")
    assert [op for op, _, _ in ops] == [
        "substitute",
        "match",
        "match",
        "match",
        "substitute",
        "match",
        "insert",
    ]
    assert ops[0] == ("substitute", 0, 0) and ops[-1] == ("insert", None, 6)
    # empty and identical sequences
    assert edit_table("", "")[-1, -1] == 0 and edit_alignment("", "") == []
    assert edit_table("", "abc")[-1, -1] == 3 and edit_table("abc", "")[-1, -1] == 3
    assert edit_alignment("", "ab") == [("insert", None, 0), ("insert", None, 1)]
    assert edit_alignment("ab", "") == [("delete", 0, None), ("delete", 1, None)]
    assert edit_table("same", "same")[-1, -1] == 0
    assert edit_alignment("same", "same") == [("match", k, k) for k in range(4)]
    # costs: a substitution dearer than a deletion plus an insertion is never used
    assert edit_table("a", "b", sub_cost=3)[-1, -1] == 2
    # read backwards from the last cell, the deletion comes first
    assert edit_alignment("a", "b", sub_cost=3) == [
        ("insert", None, 0),
        ("delete", 0, None),
    ]
    assert edit_table("ab", "b", del_cost=5, ins_cost=2)[-1, -1] == 5
    # the tie-breaking rule: "ab" -> "ba" costs 2 as two substitutions, or as a
    # deletion and an insertion; the diagonal wins
    assert [op for op, _, _ in edit_alignment("ab", "ba")] == ["substitute"] * 2
    # tokens: lists of words work like strings of characters
    words = ["the", "cat", "sat"], ["a", "cat", "sat", "down"]
    assert edit_table(*words)[-1, -1] == 2


def test_edit_matches_the_definition():
    rng = random.Random(0)
    alphabet, max_len = "abc", 4
    strings = [
        "".join(p)
        for n in range(max_len + 1)
        for p in itertools.product(alphabet, repeat=n)
    ]
    for sub, ins, dele in [(1, 1, 1), (2, 1, 1), (1, 2, 1), (1, 1, 3), (3, 1, 1)]:
        for source in rng.sample(strings, 6) + [""]:
            graph = edit_graph_distances(source, alphabet, max_len + 1, sub, ins, dele)
            for target in strings:
                table = edit_table(source, target, sub, ins, dele)
                assert table[-1, -1] == graph[target], (source, target)
                # every cell is the distance between two prefixes
                for j in range(len(target) + 1):
                    assert table[-1, j] == graph[target[:j]]


def test_edit_two_rows_equals_full_table():
    rng = random.Random(1)
    costs = [(1, 1, 1), (2, 1, 1), (1, 3, 1), (1, 1, 3), (0.5, 0.7, 1.3)]
    for _ in range(200):
        a = random_string(rng, "abcd", 9)
        b = random_string(rng, "abcd", 9)
        sub, ins, dele = rng.choice(costs)
        full = edit_table(a, b, sub, ins, dele)[-1, -1]
        two = edit_distance_two_rows(a, b, sub, ins, dele)
        assert math.isclose(two, full, rel_tol=1e-12, abs_tol=1e-12), (a, b)
    # words, and a long pair
    a = [rng.choice(["to", "be", "or", "not"]) for _ in range(120)]
    b = [rng.choice(["to", "be", "or", "not", "and"]) for _ in range(90)]
    assert edit_distance_two_rows(a, b) == edit_table(a, b)[-1, -1]
    assert edit_distance_two_rows(b, a, 1, 2, 3) == edit_table(b, a, 1, 2, 3)[-1, -1]


def test_edit_alignment_is_optimal_and_valid():
    rng = random.Random(2)
    for _ in range(300):
        a = random_string(rng, "abc", 8)
        b = random_string(rng, "abc", 8)
        sub, ins, dele = rng.choice([(1, 1, 1), (2, 1, 1), (1, 2, 3), (1.5, 1, 1)])
        ops = edit_alignment(a, b, sub, ins, dele)
        distance = edit_table(a, b, sub, ins, dele)[-1, -1]
        # the operations cost the distance and turn a into b
        cost = alignment_cost(a, b, ops, sub, ins, dele)
        assert math.isclose(cost, distance, abs_tol=1e-9)
        assert "".join(apply_alignment(a, b, ops)) == b
        # a match is never replaced by a substitution or a deletion plus insertion
        n_match = sum(op == "match" for op, _, _ in ops)
        assert n_match <= min(len(a), len(b))


def test_wer():
    ref = ["the", "cat", "sat", "on", "the", "mat"]
    # one substitution (cat -> hat), one deletion (on), one insertion (today)
    hyp = ["the", "hat", "sat", "the", "mat", "today"]
    rate, s, d, i = wer(ref, hyp)
    assert (s, d, i) == (1, 1, 1) and math.isclose(rate, 3 / 6)
    assert wer(ref, ref) == (0.0, 0, 0, 0)
    # WER counts against the reference length: insertions push it above 1
    rate, s, d, i = wer(["yes"], ["yes", "yes", "yes", "thank", "you"])
    assert (s, d, i) == (0, 0, 4) and rate == 4.0
    # an empty hypothesis deletes every reference word: WER 1
    assert wer(ref, []) == (1.0, 0, 6, 0)
    try:
        wer([], ["anything"])
        raise AssertionError("an empty reference must raise ValueError")
    except ValueError:
        pass
    # S + D + I is the unit-cost distance, and the counts add up
    rng = random.Random(3)
    words = ["a", "b", "c", "d"]
    for _ in range(200):
        r = [rng.choice(words) for _ in range(rng.randint(1, 8))]
        h = [rng.choice(words) for _ in range(rng.randint(0, 8))]
        rate, s, d, i = wer(r, h)
        assert s + d + i == edit_table(r, h)[-1, -1]
        assert math.isclose(rate, (s + d + i) / len(r))
        # N - D + I words come out
        assert len(r) - d + i == len(h)


def test_edit_distance_is_a_metric():
    rng = random.Random(4)
    for _ in range(300):
        a, b, c = (random_string(rng, "abc", 7) for _ in range(3))
        ab, bc, ac = (edit_table(x, y)[-1, -1] for x, y in ((a, b), (b, c), (a, c)))
        assert ac <= ab + bc
        assert ab == edit_table(b, a)[-1, -1]
        assert (ab == 0) == (a == b)
        # never more than the longer length, never less than the length gap
        assert abs(len(a) - len(b)) <= ab <= max(len(a), len(b))
        # with costs: the triangle inequality still holds, and swapping a and b
        # swaps the insertion and deletion costs
        ab2, bc2, ac2 = (
            edit_table(x, y, 1.5, 1, 2)[-1, -1] for x, y in ((a, b), (b, c), (a, c))
        )
        assert ac2 <= ab2 + bc2 + 1e-12
        assert ab2 == edit_table(b, a, 1.5, 2, 1)[-1, -1]


# --------------------------------------------------------------------------------------
# 4. Implement the forward algorithm, Viterbi decoding and posterior marginals for an HMM in log space
# Handbook: coding/sequences-dynamic-programming/#hmm-forward-viterbi
# --------------------------------------------------------------------------------------


def hmm_forward(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    """Forward algorithm in log space for an HMM with K states and M symbols.
    log_pi (K,): log P(z_0 = k); log_A (K, K): log P(z_t = j | z_{t-1} = i) in row i,
    column j; log_B (K, M): log P(x_t = m | z_t = k); obs (T,): symbols in 0..M-1.
    Returns log alpha (T, K), alpha[t, k] = log P(x_0..x_t, z_t = k), and the
    log-likelihood log P(x_0..x_{T-1}). Entries may be -inf (probability 0)."""
    raise NotImplementedError


def hmm_backward(log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray) -> np.ndarray:
    """log beta (T, K), beta[t, k] = log P(x_{t+1}..x_{T-1} | z_t = k), and
    beta[T-1] = 0."""
    raise NotImplementedError


def hmm_posteriors(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> np.ndarray:
    """Posterior state marginals (T, K), P(z_t = k | x_0..x_{T-1}), as probabilities:
    each row sums to 1. ValueError if the sequence has probability 0."""
    raise NotImplementedError


def hmm_viterbi(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    """The most likely state path (T,) of integers and its joint log-probability
    log P(x, z). Ties go to the lowest state index. If every path has probability 0
    the log-probability is -inf (and the path is arbitrary)."""
    raise NotImplementedError


def safe_log(p):
    """log of probabilities, log 0 = -inf without a warning."""
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(p, dtype=float))


def casino():
    """The occasionally dishonest casino (Durbin et al., 1998): state 0 fair, state 1
    loaded (a six half of the time); symbols 0..5 are the faces 1..6."""
    pi = np.array([0.5, 0.5])
    A = np.array([[0.95, 0.05], [0.10, 0.90]])
    B = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])
    return pi, A, B


def three_dice():
    """A fair die (0) and two loaded ones, towards 6 (1) and towards 1 (2); the
    dealer goes back to the fair die before taking the other loaded one, so
    A[1, 2] = A[2, 1] = 0."""
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.80, 0.10, 0.10], [0.10, 0.90, 0.0], [0.10, 0.0, 0.90]])
    B = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5], [0.5] + [0.1] * 5])
    return pi, A, B


def hmm_sample(rng, pi, A, B, T):
    """A state path and its observations, drawn from the model."""
    u = rng.random((T, 2))
    K, M = B.shape
    z = np.empty(T, dtype=int)
    x = np.empty(T, dtype=int)
    for t in range(T):
        start = pi if t == 0 else A[z[t - 1]]
        z[t] = min(np.searchsorted(np.cumsum(start), u[t, 0], side="right"), K - 1)
        x[t] = min(np.searchsorted(np.cumsum(B[z[t]]), u[t, 1], side="right"), M - 1)
    return z, x


def random_hmm(rng, K, M):
    """Random log parameters, every row drawn from a flat Dirichlet."""
    return (
        np.log(rng.dirichlet(np.ones(K))),
        np.log(rng.dirichlet(np.ones(K), size=K)),
        np.log(rng.dirichlet(np.ones(M), size=K)),
    )


def path_log_prob(log_pi, log_A, log_B, obs, path):
    """log P(x, z) of one state path: the quantity every recursion sums or maximises."""
    total = log_pi[path[0]] + log_B[path[0], obs[0]]
    for t in range(1, len(obs)):
        total += log_A[path[t - 1], path[t]] + log_B[path[t], obs[t]]
    return total


def brute_force(log_pi, log_A, log_B, obs):
    """Every one of the K^T state paths: (paths, their joint log-probabilities)."""
    K = len(log_pi)
    paths = np.array(list(itertools.product(range(K), repeat=len(obs))))
    scores = np.array([path_log_prob(log_pi, log_A, log_B, obs, p) for p in paths])
    return paths, scores


def forward_probability_space(pi, A, B, obs, rescale=False):
    """The textbook forward pass on probabilities; with rescale=True alpha is
    normalised at every step and the logs of the scale factors are summed (Rabiner)."""
    alpha = pi * B[:, obs[0]]
    log_scale = 0.0
    for t in range(len(obs)):
        if t:
            alpha = (alpha @ A) * B[:, obs[t]]
        if rescale:
            c = alpha.sum()
            alpha = alpha / c
            log_scale += math.log(c)
    return log_scale if rescale else safe_log(alpha.sum())


def test_hmm_worked_example():
    pi, A, B = casino()
    obs = np.array([5, 0, 5])
    alpha, loglik = hmm_forward(np.log(pi), np.log(A), np.log(B), obs)
    # by hand: alpha_0 = (0.5/6, 0.5*0.5), then sum over the previous state
    a0 = np.array([0.5 / 6, 0.25])
    a1 = (a0 @ A) * B[:, 0]
    a2 = (a1 @ A) * B[:, 5]
    np.testing.assert_allclose(np.exp(alpha), [a0, a1, a2], rtol=1e-12)
    assert math.isclose(loglik, math.log(a2.sum()), rel_tol=1e-12)
    path, logp = hmm_viterbi(np.log(pi), np.log(A), np.log(B), obs)
    # LLL: 0.5 * 0.5 * 0.9 * 0.1 * 0.9 * 0.5 = 0.010125, the best of the 8 paths
    assert path.tolist() == [1, 1, 1] and math.isclose(logp, math.log(0.010125))
    post = hmm_posteriors(np.log(pi), np.log(A), np.log(B), obs)
    beta = np.exp(hmm_backward(np.log(A), np.log(B), obs))
    np.testing.assert_allclose(beta[-1], [1, 1])
    np.testing.assert_allclose(beta[1], A @ B[:, 5], rtol=1e-12)
    np.testing.assert_allclose(post[1], a1 * beta[1] / a2.sum(), rtol=1e-12)


def test_hmm_matches_brute_force():
    rng = np.random.default_rng(0)
    for K, M, T in itertools.product((1, 2, 3, 4), (2, 5), (1, 2, 3, 4, 5)):
        log_pi, log_A, log_B = random_hmm(rng, K, M)
        obs = rng.integers(M, size=T)
        paths, scores = brute_force(log_pi, log_A, log_B, obs)
        alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
        # the sum over all paths is the forward pass
        assert math.isclose(loglik, np.logaddexp.reduce(scores), rel_tol=1e-12)
        for k in range(K):
            ends = np.logaddexp.reduce(scores[paths[:, -1] == k])
            assert math.isclose(alpha[-1, k], ends, rel_tol=1e-12)
        # the best path is Viterbi's, and its score is its own joint log-probability
        path, logp = hmm_viterbi(log_pi, log_A, log_B, obs)
        assert path.tolist() == paths[scores.argmax()].tolist()
        assert math.isclose(logp, scores.max(), rel_tol=1e-12)
        own = path_log_prob(log_pi, log_A, log_B, obs, path)
        assert math.isclose(logp, own, rel_tol=1e-12)
        # marginals: the share of the total probability of the paths through k at t
        weights = np.exp(scores - loglik)
        post = hmm_posteriors(log_pi, log_A, log_B, obs)
        for t in range(T):
            for k in range(K):
                ref = weights[paths[:, t] == k].sum()
                assert math.isclose(post[t, k], ref, rel_tol=1e-9, abs_tol=1e-12)


def test_hmm_posteriors_are_distributions():
    rng = np.random.default_rng(1)
    for _ in range(20):
        K, M, T = rng.integers(1, 6), rng.integers(2, 8), rng.integers(1, 60)
        log_pi, log_A, log_B = random_hmm(rng, K, M)
        obs = rng.integers(M, size=T)
        alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
        beta = hmm_backward(log_A, log_B, obs)
        assert alpha.shape == beta.shape == (T, K)
        # alpha_t + beta_t gives the likelihood at every t
        np.testing.assert_allclose(
            np.logaddexp.reduce(alpha + beta, axis=1), loglik, rtol=1e-10
        )
        post = hmm_posteriors(log_pi, log_A, log_B, obs)
        assert post.shape == (T, K) and np.all(post >= 0) and np.all(post <= 1 + 1e-12)
        np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-10)
        # the Viterbi path is one of the paths: never more likely than all of them
        assert hmm_viterbi(log_pi, log_A, log_B, obs)[1] <= loglik + 1e-9


def test_hmm_zero_probabilities():
    # a left-to-right model: 0 -> 1 -> 2, no way back, and state 2 never emits 0
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    B = np.array([[0.8, 0.2], [0.4, 0.6], [0.0, 1.0]])
    log_pi, log_A, log_B = safe_log(pi), safe_log(A), safe_log(B)
    rng = np.random.default_rng(2)
    with warnings.catch_warnings():
        # any RuntimeWarning (log of 0, inf - inf) fails the test
        warnings.simplefilter("error")
        for T in range(1, 7):
            for obs in itertools.product((0, 1), repeat=T):
                obs = np.array(obs)
                paths, scores = brute_force(log_pi, log_A, log_B, obs)
                alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
                path, logp = hmm_viterbi(log_pi, log_A, log_B, obs)
                assert not np.isnan(alpha).any() and not math.isnan(logp)
                assert not np.isnan(hmm_backward(log_A, log_B, obs)).any()
                assert math.isclose(loglik, np.logaddexp.reduce(scores), rel_tol=1e-12)
                assert logp == scores.max() or math.isclose(logp, scores.max())
                post = hmm_posteriors(log_pi, log_A, log_B, obs)
                assert not np.isnan(post).any()
                np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-12)
                # never a forbidden move; an impossible state has posterior exactly 0
                assert np.all(np.diff(path) >= 0) and np.all(np.diff(path) <= 1)
                assert post[0, 1] == post[0, 2] == 0.0
                assert np.all(post[obs == 0, 2] == 0.0)
        # a sequence no path can produce: 0 after the model has been forced into 2
        pi2 = np.array([0.0, 0.0, 1.0])
        obs = np.array([1, 1, 0])
        assert hmm_forward(safe_log(pi2), log_A, log_B, obs)[1] == -np.inf
        assert hmm_viterbi(safe_log(pi2), log_A, log_B, obs)[1] == -np.inf
        try:
            hmm_posteriors(safe_log(pi2), log_A, log_B, obs)
        except ValueError:
            pass
        else:
            raise AssertionError("posteriors of a probability-0 sequence")
        # the three-dice model: Viterbi never takes the forbidden move 1 <-> 2
        pi, A, B = three_dice()
        for _ in range(5):
            _, obs = hmm_sample(rng, pi, A, B, 200)
            path, logp = hmm_viterbi(safe_log(pi), safe_log(A), safe_log(B), obs)
            assert np.isfinite(logp) and np.all(A[path[:-1], path[1:]] > 0)


def test_hmm_long_sequence_does_not_underflow():
    pi, A, B = casino()
    rng = np.random.default_rng(3)
    _, obs = hmm_sample(rng, pi, A, B, 3000)
    # on probabilities the likelihood underflows to 0 (log -inf) ...
    assert forward_probability_space(pi, A, B, obs) == -np.inf
    # ... in log space it is finite and equals the rescaled forward pass
    alpha, loglik = hmm_forward(np.log(pi), np.log(A), np.log(B), obs)
    assert np.isfinite(alpha).all() and loglik < -745
    ref = forward_probability_space(pi, A, B, obs, rescale=True)
    assert math.isclose(loglik, ref, rel_tol=1e-10)
    post = hmm_posteriors(np.log(pi), np.log(A), np.log(B), obs)
    assert np.isfinite(post).all()
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-10)
    path, logp = hmm_viterbi(np.log(pi), np.log(A), np.log(B), obs)
    own = path_log_prob(np.log(pi), np.log(A), np.log(B), obs, path)
    assert np.isfinite(logp) and math.isclose(logp, own, rel_tol=1e-10)


def test_hmm_decodes_the_casino():
    pi, A, B = casino()
    log_pi, log_A, log_B = np.log(pi), np.log(A), np.log(B)
    rng = np.random.default_rng(4)
    for _ in range(5):
        z, x = hmm_sample(rng, pi, A, B, 400)
        path, logp = hmm_viterbi(log_pi, log_A, log_B, x)
        # no path beats Viterbi's, the true one included
        assert logp >= path_log_prob(log_pi, log_A, log_B, x, z) - 1e-9
        post = hmm_posteriors(log_pi, log_A, log_B, x)
        # better than guessing "fair" everywhere
        assert np.mean(path == z) > max(np.mean(z == 0), 0.75)
        assert np.mean(post.argmax(axis=1) == z) > max(np.mean(z == 0), 0.75)
