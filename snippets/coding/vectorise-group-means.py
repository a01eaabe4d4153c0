# --8<-- [start:signature]
import numpy as np


def group_means(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The mean of `values` (n,) within each group, without a Python loop.

    `groups` (n,) holds integers in [0, n_groups). Returns an (n_groups,) float array; a
    group with no members gets NaN. It must return what this loop returns:

        sums, counts = np.zeros(n_groups), np.zeros(n_groups)
        for v, g in zip(values, groups):
            sums[g] += v
            counts[g] += 1
        return sums / counts  # 0 / 0 gives nan
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def group_means(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    # bincount adds each weight into the bin of its group: a scatter-add in C
    sums = np.bincount(groups, weights=values, minlength=n_groups)
    counts = np.bincount(groups, minlength=n_groups)
    with np.errstate(invalid="ignore"):
        return sums / counts


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def loop_group_means(values, groups, n_groups):
    sums, counts = np.zeros(n_groups), np.zeros(n_groups)
    for v, g in zip(values, groups):
        sums[g] += v
        counts[g] += 1
    with np.errstate(invalid="ignore"):
        return sums / counts


def test_group_means_worked_example():
    values = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    groups = np.array([0, 2, 0, 2, 0])
    np.testing.assert_allclose(
        group_means(values, groups, 4), [14 / 3, np.nan, 3.0, np.nan], rtol=1e-12
    )


def test_group_means_matches_the_loop():
    rng = np.random.default_rng(0)
    values = rng.normal(size=1000)
    groups = rng.integers(0, 30, size=1000)
    np.testing.assert_allclose(
        group_means(values, groups, 35), loop_group_means(values, groups, 35), rtol=1e-9
    )


def test_group_means_repeated_indices_all_count():
    # sums[groups] += values would add only one value per group
    values = np.ones(6)
    groups = np.array([1, 1, 1, 1, 0, 0])
    np.testing.assert_allclose(
        group_means(values * np.arange(6), groups, 2), [4.5, 1.5]
    )


# --8<-- [end:tests]


# --8<-- [start:check]
import sys
import time

tests = [
    test_group_means_worked_example,
    test_group_means_matches_the_loop,
    test_group_means_repeated_indices_all_count,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(group_means(np.array([1.0, 2.0, 3.0, 4.0, 10.0]), np.array([0, 2, 0, 2, 0]), 4))

rng = np.random.default_rng(0)
values, groups = rng.normal(size=100_000), rng.integers(0, 100, size=100_000)


def best_time(fn, rounds=5):
    """Fastest of a few runs: other processes only ever add time, so the minimum is the
    estimate a busy machine disturbs least."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


loop_time, slow = best_time(lambda: loop_group_means(values, groups, 100))
fast_time, fast = best_time(lambda: group_means(values, groups, 100))
print(f"loop {loop_time:.4f} s, bincount {fast_time:.5f} s", file=sys.stderr)
print("same result:", np.allclose(slow, fast))
print("vectorised is at least 10x faster:", loop_time > 10 * fast_time)
# --8<-- [end:check]
