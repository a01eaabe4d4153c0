# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def dtw_accumulate(cost: np.ndarray, window: int | None = None) -> np.ndarray:
    cost = np.asarray(cost, dtype=float)
    n, m = cost.shape
    # a row and a column of inf in front: the first row and column need no case
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        lo, hi = 1, m
        if window is not None:
            # the band |i - j| <= window; the cells outside it stay inf
            lo, hi = max(1, i - window), min(m, i + window)
        for j in range(lo, hi + 1):
            best = min(acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1])
            acc[i, j] = cost[i - 1, j - 1] + best
    return acc[1:, 1:]


def dtw_path(acc: np.ndarray) -> list[tuple[int, int]]:
    if not np.isfinite(acc[-1, -1]):
        return []
    i, j = acc.shape[0] - 1, acc.shape[1] - 1
    path = [(i, j)]
    while (i, j) != (0, 0):
        # min keeps the first of equal values: the diagonal wins ties
        steps = [(i - 1, j - 1), (i - 1, j), (i, j - 1)]
        i, j = min((s for s in steps if min(s) >= 0), key=lambda s: acc[s])
        path.append((i, j))
    return path[::-1]


def dtw(
    x: np.ndarray, y: np.ndarray, window: int | None = None
) -> tuple[float, list[tuple[int, int]]]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    # a univariate series is a series of 1-dimensional points
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
    acc = dtw_accumulate(cost, window)
    return float(np.sqrt(acc[-1, -1])), dtw_path(acc)


def soft_dtw(cost: np.ndarray, gamma: float = 1.0) -> float:
    cost = np.asarray(cost, dtype=float)
    n, m = cost.shape
    r = np.full((n + 1, m + 1), np.inf)
    r[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = np.array([r[i - 1, j - 1], r[i - 1, j], r[i, j - 1]])
            # soft minimum in log space; exp(-inf) = 0 drops the missing cells
            r[i, j] = cost[i - 1, j - 1] - gamma * np.logaddexp.reduce(-prev / gamma)
    return float(r[n, m])


# --8<-- [end:solution]


# --8<-- [start:tests]
import functools
import math

import numpy as np


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_dtw_worked_example,
    test_dtw_matches_brute_force,
    test_soft_dtw_matches_brute_force,
    test_dtw_properties,
    test_dtw_band,
    test_dtw_beats_euclidean_on_shifted_signals,
    test_dtw_nearest_neighbour_classification,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

x, y = np.array([0, 0, 1, 2, 1]), np.array([0, 1, 2, 1, 0])
acc = dtw_accumulate(sq_cost(x, y))
print(f"worked example: x = {x.tolist()}, y = {y.tolist()}, cost (x_i - y_j)^2")
print("  D, a row per sample of x:")
for row in acc.astype(int).tolist():
    print(f"    {row}")
print(f"  path: {' '.join(f'({i},{j})' for i, j in dtw_path(acc))}")
print(
    f"  DTW {dtw(x, y)[0]:.3f}, Euclidean {np.linalg.norm(x - y):.3f}, "
    f"DTW with window 0 {dtw(x, y, 0)[0]:.3f}"
)
print(
    f"  x against y[:4] = {y[:4].tolist()}: window 0 {dtw(x, y[:4], 0)[0]}, "
    f"window 1 {dtw(x, y[:4], 1)[0]:.3f}"
)


def delannoy(a, b):
    """Monotone paths with steps (1, 0), (0, 1), (1, 1) across an (a+1) x (b+1) grid."""
    return sum(math.comb(a, k) * math.comb(b, k) * 2**k for k in range(min(a, b) + 1))


print("warping paths against cells of the table, for two series of n samples")
print("     n   warping paths   cells  window n/10  cells in the band")
for n in (5, 10, 50, 128):
    r = round(n / 10)
    band = sum(min(n, i + r + 1) - max(0, i - r) for i in range(n))
    paths = float(delannoy(n - 1, n - 1))
    print(f"{n:>6} {paths:>15.3g} {n * n:>7} {r:>12} {band:>18}")


def dtw_pairs(xs, ys, window=None):
    """dtw(xs[b], ys[b])[0] for a batch of pairs of equal-length univariate series,
    one anti-diagonal i + j = k at a time: its cells need only the two before it."""
    n, m = xs.shape[1], ys.shape[1]
    cost = (xs[:, :, None] - ys[:, None, :]) ** 2
    acc = np.full((len(xs), n + 1, m + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for k in range(2, n + m + 1):
        i = np.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        if window is not None:
            i, j = i[np.abs(i - j) <= window], j[np.abs(i - j) <= window]
        diag, up, left = acc[:, i - 1, j - 1], acc[:, i - 1, j], acc[:, i, j - 1]
        acc[:, i, j] = cost[:, i - 1, j - 1] + np.minimum(np.minimum(diag, up), left)
    return np.sqrt(acc[:, n, m])


t = np.arange(100)
bump = np.exp(-0.5 * ((t - 40) / 4.0) ** 2)
print("a bump of width 4 samples (100 samples) and the same bump shifted")
print("shift  Euclidean     DTW  DTW window 5")
for shift in (0, 3, 5, 10, 20):
    moved = np.exp(-0.5 * ((t - 40 - shift) / 4.0) ** 2)
    full, banded = dtw(bump, moved)[0], dtw(bump, moved, 5)[0]
    print(
        f"{shift:>5} {np.linalg.norm(bump - moved):>10.3f} {full:>7.3f} {banded:>13.3f}"
    )


def lb_keogh(query, candidate, window):
    """A lower bound of dtw(query, candidate, window) for equal lengths (Keogh and
    Ratanamahatana, 2005): distance from query to the candidate's band envelope."""
    pad = np.pad(candidate, window, mode="edge")
    runs = np.lib.stride_tricks.sliding_window_view(pad, 2 * window + 1)
    upper, lower = runs.max(axis=1), runs.min(axis=1)
    over = np.clip(query - upper, 0, None) + np.clip(lower - query, 0, None)
    return np.sqrt((over**2).sum())


rng = np.random.default_rng(10)
train, train_labels = cbf_dataset(rng, per_class=10, length=128)
test, test_labels = cbf_dataset(rng, per_class=50, length=128)


def one_nn_distances(queries, references, window):
    """DTW from every query to every reference, shape (queries, references)."""
    xs = np.repeat(queries, len(references), axis=0)
    ys = np.tile(references, (len(queries), 1))
    batches = [
        dtw_pairs(xs[s : s + 100], ys[s : s + 100], window)
        for s in range(0, len(xs), 100)
    ]
    return np.concatenate(batches).reshape(len(queries), len(references))


print(
    f"1-NN on Cylinder-Bell-Funnel series of 128 samples, {len(train)} training "
    f"and {len(test)} test series"
)
euclidean = np.linalg.norm(test[:, None] - train[None], axis=2)
accuracy = np.mean(train_labels[euclidean.argmin(axis=1)] == test_labels)
print(f"  Euclidean distance: test accuracy {accuracy:.3f}")
print("window  band  leave-one-out on train  test accuracy")
tables = {}
for window in (0, 3, 6, 13, 26, 51, None):
    inner = one_nn_distances(train, train, window)
    np.fill_diagonal(inner, np.inf)
    loo = np.mean(train_labels[inner.argmin(axis=1)] == train_labels)
    tables[window] = one_nn_distances(test, train, window)
    accuracy = np.mean(train_labels[tables[window].argmin(axis=1)] == test_labels)
    share = "100%" if window is None else f"{window / 128:.0%}"
    print(f"{str(window):>6} {share:>5} {loo:>23.3f} {accuracy:>14.3f}")
same = [
    math.isclose(dtw(test[k], train[k], w)[0], tables[w][k, k])
    for w in (6, None)
    for k in range(3)
]
print(f"  (the anti-diagonal batch gives the values of dtw: {all(same)})")
window = 13
lower = np.array([[lb_keogh(q, c, window) for c in train] for q in test])
banded = tables[window]
computed, agree = 0, 0
for k in range(len(test)):
    best, best_label = np.inf, -1
    for c in np.argsort(lower[k]):
        if lower[k, c] >= best:
            break
        computed += 1
        if banded[k, c] < best:
            best, best_label = banded[k, c], train_labels[c]
    agree += best_label == train_labels[banded[k].argmin()]
print(
    f"LB_Keogh <= DTW (window {window}) on all {lower.size} pairs: "
    f"{bool(np.all(lower <= banded + 1e-12))}"
)
print(
    f"  1-NN search in LB_Keogh order: DTW on {computed} of {lower.size} pairs "
    f"({computed / lower.size:.1%}), same predictions: {agree == len(test)}"
)

from transformers.models.whisper.generation_whisper import _dynamic_time_warping

rng = np.random.default_rng(11)
n_same = 0
for _ in range(50):
    cost = rng.normal(size=(20, 100))
    rows, cols = _dynamic_time_warping(cost)
    n_same += list(zip(rows.tolist(), cols.tolist())) == dtw_path(dtw_accumulate(cost))
print(f"Whisper's DTW in transformers, 50 random 20 x 100 costs: same path in {n_same}")

cost = sq_cost(x, y)
soft = " ".join(f"{soft_dtw(cost, g):.3f}" for g in (0.01, 0.1, 1.0, 10.0))
print(f"soft-DTW of the worked example, gamma 0.01 0.1 1 10: {soft} (DTW^2 = 1)")
print(f"  soft-DTW of x with itself, gamma 1: {soft_dtw(sq_cost(x, x), 1.0):.3f}")
a, b, c = [0.0], [1.0, 2.0], [2.0, 2.0, 2.0]
ab, bc, ac = dtw(a, b)[0], dtw(b, c)[0], dtw(a, c)[0]
print(f"not a metric: DTW([0], [2, 2, 2]) = {ac:.3f}")
print(f"  > DTW([0], [1, 2]) + DTW([1, 2], [2, 2, 2]) = {ab:.3f} + {bc:.3f}")
# --8<-- [end:check]
