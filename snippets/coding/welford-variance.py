# --8<-- [start:signature]
class RunningStats:
    """Mean and sample variance of a stream in one pass and O(1) memory, numerically
    stable (Welford's algorithm). update(x) adds one value; mean and variance (ddof=1,
    nan with fewer than two values) are read at any time; count is the number seen."""

    def __init__(self):
        raise NotImplementedError

    def update(self, x: float) -> None:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def variance(self) -> float:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
class RunningStats:
    def __init__(self):
        self.count, self._mean, self._m2 = 0, 0.0, 0.0

    def update(self, x: float) -> None:
        self.count += 1
        delta = x - self._mean
        self._mean += delta / self.count
        # sum of squared deviations, updated with the old and the new mean
        self._m2 += delta * (x - self._mean)

    @property
    def mean(self) -> float:
        return self._mean if self.count else float("nan")

    @property
    def variance(self) -> float:
        return self._m2 / (self.count - 1) if self.count > 1 else float("nan")


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest


def test_running_stats_worked_example():
    stats = RunningStats()
    for x in [2, 4, 4, 4, 5, 5, 7, 9]:
        stats.update(x)
    assert stats.count == 8
    assert stats.mean == pytest.approx(5.0)
    assert stats.variance == pytest.approx(32 / 7)


def test_running_stats_matches_numpy_with_a_huge_offset():
    rng = np.random.default_rng(0)
    x = 1e9 + rng.normal(size=10000)  # naive sum-of-squares formulas lose every digit
    stats = RunningStats()
    for value in x:
        stats.update(value)
    assert stats.mean == pytest.approx(np.mean(x), rel=1e-12)
    assert stats.variance == pytest.approx(np.var(x, ddof=1), rel=1e-6)


def test_running_stats_too_few_values():
    stats = RunningStats()
    assert math.isnan(stats.variance)
    stats.update(3.0)
    assert stats.mean == 3.0 and math.isnan(stats.variance)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_running_stats_worked_example,
    test_running_stats_matches_numpy_with_a_huge_offset,
    test_running_stats_too_few_values,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = 1e9 + np.random.default_rng(0).normal(size=10000)
stats = RunningStats()
for value in x:
    stats.update(value)
n = len(x)
naive = (np.sum(x**2) - np.sum(x) ** 2 / n) / (n - 1)  # E[x^2] - E[x]^2, in one pass
print(f"numpy two-pass variance {np.var(x, ddof=1):.6f}")
print(f"Welford one-pass        {stats.variance:.6f}")
# its exact value depends on rounding; only its size is reproducible
print(
    "naive one-pass is off by more than 10 (true value about 1):", abs(naive - 1) > 10
)
# --8<-- [end:check]
