# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def mean_difference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The default statistic: mean(x) - mean(y) along the last axis, so that it takes
    one split (1-D arrays) or a batch of splits (one per row) alike."""
    return x.mean(axis=-1) - y.mean(axis=-1)


def permutation_test(
    x: np.ndarray,
    y: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], np.ndarray] = mean_difference,
    alternative: str = "two-sided",
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
    max_exact: int = 20_000,
) -> tuple[float, float]:
    """Two-sample permutation test of H0: x and y come from one distribution.

    Returns (observed statistic(x, y), p-value). The null distribution is the statistic
    over relabellings of the pooled data into groups of len(x) and len(y): all
    comb(n, len(x)) of them when that is at most max_exact (exact p = share of splits,
    the observed one included, at least as extreme), otherwise n_resamples random
    permutations drawn in batches, with p = (b + 1) / (n_resamples + 1), b the number
    at least as extreme. "greater": statistic >= observed; "less": <= observed;
    "two-sided": min(1, 2 * min(p_greater, p_less)). Statistic values equal to the
    observed one up to rounding count as ties. statistic works along the last axis."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import itertools
import math
from collections.abc import Callable, Iterator

import numpy as np


def mean_difference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return x.mean(axis=-1) - y.mean(axis=-1)


def relabellings(
    n: int, n_x: int, exact: bool, n_resamples: int, rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """Batches of index rows: the first n_x indices of a row form x, the rest y."""
    rows = max(1, 2**20 // n)  # about 8 MB of indices per batch
    if exact:
        splits = itertools.combinations(range(n), n_x)
        while True:
            flat = itertools.chain.from_iterable(itertools.islice(splits, rows))
            chosen = np.fromiter(flat, dtype=np.intp).reshape(-1, n_x)
            if len(chosen) == 0:
                return
            in_x = np.zeros((len(chosen), n), dtype=bool)
            np.put_along_axis(in_x, chosen, True, axis=1)
            # a stable sort of "not in x" lists x's positions first, then y's
            yield np.argsort(~in_x, axis=1, kind="stable")
    else:
        for start in range(0, n_resamples, rows):
            size = min(rows, n_resamples - start)
            yield rng.permuted(np.tile(np.arange(n), (size, 1)), axis=1)


def permutation_test(
    x: np.ndarray,
    y: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], np.ndarray] = mean_difference,
    alternative: str = "two-sided",
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
    max_exact: int = 20_000,
) -> tuple[float, float]:
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be two-sided, greater or less: {alternative}"
        )
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    pooled, n_x = np.concatenate([x, y]), len(x)
    observed = float(statistic(x, y))
    exact = math.comb(len(pooled), n_x) <= max_exact
    batches = relabellings(
        len(pooled), n_x, exact, n_resamples, np.random.default_rng(rng)
    )
    null = np.concatenate(
        [statistic(pooled[idx[:, :n_x]], pooled[idx[:, n_x:]]) for idx in batches]
    )
    # 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1 in floating point: count near-equal as ties
    tol = 1e-9 * max(abs(observed), np.abs(null).max())
    # the observed split is among the enumerated ones, not among the random ones
    extra = 0 if exact else 1
    p_greater = (np.sum(null >= observed - tol) + extra) / (len(null) + extra)
    p_less = (np.sum(null <= observed + tol) + extra) / (len(null) + extra)
    if alternative == "greater":
        return observed, float(p_greater)
    if alternative == "less":
        return observed, float(p_less)
    return observed, float(min(1.0, 2 * min(p_greater, p_less)))


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats


def scipy_mean_difference(a, b, axis):
    return a.mean(axis=axis) - b.mean(axis=axis)


def test_permutation_test_worked_example():
    # 20 splits of 1..6 into 3 + 3; x's sum is 7, and only {1, 2, 3} has a lower sum
    x, y = [1.0, 2.0, 4.0], [3.0, 5.0, 6.0]
    for seed in (0, 1):
        t, p = permutation_test(x, y, alternative="less", rng=seed)
        assert t == pytest.approx(-7 / 3) and p == pytest.approx(2 / 20)
    assert permutation_test(x, y, alternative="greater")[1] == pytest.approx(19 / 20)
    assert permutation_test(x, y)[1] == pytest.approx(4 / 20)


def test_permutation_test_matches_scipy_exact_and_monte_carlo():
    rng = np.random.default_rng(0)
    for n_x, n_y in [(4, 5), (6, 6), (3, 9), (2, 7)]:
        x, y = rng.lognormal(size=n_x), rng.lognormal(size=n_y) + 0.5
        for alternative in ("two-sided", "greater", "less"):
            t, p = permutation_test(x, y, alternative=alternative)
            ref = stats.permutation_test(
                (x, y),
                scipy_mean_difference,
                n_resamples=np.inf,
                alternative=alternative,
                vectorized=True,
            )
            assert t == pytest.approx(ref.statistic)
            assert p == pytest.approx(ref.pvalue, rel=1e-12)
    # comb(70, 30) splits: both draw 10,000 random permutations. A one-sided p is a
    # share q of 10,000 draws, so two estimates differ with a standard error of
    # sqrt(2 q (1 - q) / 10,000); a two-sided p is twice a one-sided share
    x, y = rng.lognormal(size=30), rng.lognormal(size=40) + 1.3
    for alternative in ("two-sided", "greater", "less"):
        _, p = permutation_test(x, y, alternative=alternative, rng=1)
        ref = stats.permutation_test(
            (x, y),
            scipy_mean_difference,
            n_resamples=10_000,
            alternative=alternative,
            vectorized=True,
            rng=2,
        )
        k = 2 if alternative == "two-sided" else 1
        q = ref.pvalue / k
        assert abs(p - ref.pvalue) < 4 * k * np.sqrt(2 * q * (1 - q) / 10_000)


def test_permutation_test_p_value_is_never_zero():
    # no random relabelling is as extreme as the observed one, yet p = 1 / (m + 1)
    x, y = np.arange(30.0) + 100, np.arange(30.0)
    _, greater = permutation_test(x, y, alternative="greater", n_resamples=999, rng=0)
    _, two_sided = permutation_test(x, y, n_resamples=999, rng=0)
    assert greater == pytest.approx(1 / 1000)
    assert two_sided == pytest.approx(2 / 1000)


def test_permutation_test_keeps_its_level_under_the_null():
    # 2,000 null datasets from one skewed distribution; 199 permutations make
    # p <= 0.05 happen with probability exactly 0.05 (0.025 * 200 is an integer)
    rng = np.random.default_rng(3)
    pvalues = [
        permutation_test(
            rng.exponential(size=7), rng.exponential(size=13), n_resamples=199, rng=rng
        )[1]
        for _ in range(2000)
    ]
    rate = np.mean(np.array(pvalues) <= 0.05)
    # four binomial standard errors: sqrt(0.05 * 0.95 / 2000) = 0.0049
    assert abs(rate - 0.05) < 4 * 0.0049


def test_permutation_test_one_sided_and_two_sided():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=5), rng.normal(size=5) + 0.8
    # equal sizes: swapping the groups negates the statistic, so the null distribution
    # is symmetric and the two-sided p is the share of |statistic| >= |observed|
    _, two = permutation_test(x, y)
    _, greater = permutation_test(x, y, alternative="greater")
    _, less = permutation_test(x, y, alternative="less")
    _, abs_greater = permutation_test(
        x,
        y,
        statistic=lambda a, b: np.abs(mean_difference(a, b)),
        alternative="greater",
    )
    assert two == pytest.approx(2 * min(greater, less))
    assert two == pytest.approx(abs_greater)
    # only the observed split ties with itself: 252 splits
    assert greater + less == pytest.approx(1 + 1 / 252)
    # Monte Carlo, same random relabellings: each one-sided p counts the observed once
    x, y = rng.normal(size=20), rng.normal(size=20)
    _, greater = permutation_test(x, y, alternative="greater", n_resamples=999, rng=5)
    _, less = permutation_test(x, y, alternative="less", n_resamples=999, rng=5)
    assert greater + less == pytest.approx(1001 / 1000)


def exact_p_values_with_fractions(x, y):
    """P(T >= t), P(T <= t) over all splits, in exact rational arithmetic."""
    pooled = [Fraction(str(v)) for v in [*x, *y]]
    n, k = len(pooled), len(x)

    def diff(xs):
        return sum(xs) / k - (sum(pooled) - sum(xs)) / (n - k)

    t = diff(pooled[:k])
    null = [
        diff([pooled[i] for i in idx]) for idx in itertools.combinations(range(n), k)
    ]
    return (
        sum(s >= t for s in null) / len(null),
        sum(s <= t for s in null) / len(null),
    )


def test_permutation_test_handles_ties():
    cases = [
        ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]),  # observed 0, up to rounding
        ([0.1, 0.2, 0.3, 0.3], [0.3, 0.2, 0.1, 0.1, 0.2]),
        ([0.1, 0.7, 0.3, 0.3], [0.3, 0.2, 0.1, 0.7, 0.2]),
    ]
    for x, y in cases:
        greater, less = exact_p_values_with_fractions(x, y)
        assert permutation_test(x, y, alternative="greater")[1] == pytest.approx(
            greater
        )
        assert permutation_test(x, y, alternative="less")[1] == pytest.approx(less)
        two_sided = min(1.0, 2 * min(greater, less))
        assert permutation_test(x, y)[1] == pytest.approx(two_sided)
    # identical groups: no evidence at all
    assert permutation_test([2.0, 2.0, 2.0], [2.0, 2.0])[1] == 1.0


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_permutation_test_worked_example,
    test_permutation_test_matches_scipy_exact_and_monte_carlo,
    test_permutation_test_p_value_is_never_zero,
    test_permutation_test_keeps_its_level_under_the_null,
    test_permutation_test_one_sided_and_two_sided,
    test_permutation_test_handles_ties,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
t, p = permutation_test([1.0, 2.0, 4.0], [3.0, 5.0, 6.0])
print(
    f"1, 2, 4 vs 3, 5, 6: difference {t:.3f}, two-sided p = {p:.2f} (exact, 20 splits)"
)
# ties: mean(x) - mean(y) is 0 in exact arithmetic, but not in floating point
x, y = [0.1, 0.2, 0.3], [0.3, 0.2, 0.1]
t, p = permutation_test(x, y, alternative="greater")
exact_greater = float(exact_p_values_with_fractions(x, y)[0])
ref = stats.permutation_test(
    (x, y), scipy_mean_difference, n_resamples=np.inf, alternative="greater"
)
print(f"0.1, 0.2, 0.3 vs 0.3, 0.2, 0.1: difference in floating point {t:.1e}")
print(
    f"  P(T >= t): exact {exact_greater:.3f}, this solution {p:.3f}, "
    f"scipy {ref.pvalue:.3f}"
)
# type-I error and power at alpha = 0.05 on log-normal samples, against Welch's t-test
rng = np.random.default_rng(6)
reps = 2000


def rejection_rates(x, y):
    """Share of rows (datasets) with p <= 0.05, for Welch and the permutation test."""
    welch = stats.ttest_ind(x, y, axis=1, equal_var=False).pvalue
    perm = [permutation_test(a, b, n_resamples=399, rng=rng)[1] for a, b in zip(x, y)]
    return np.mean(welch <= 0.05), np.mean(np.array(perm) <= 0.05)


print(f"{'share of p <= 0.05 over 2,000 datasets':<47} Welch  permutation")
for n_x, n_y in [(6, 6), (5, 20)]:
    for shift in (0.0, 1.0):
        x = rng.lognormal(size=(reps, n_x)) + shift
        y = rng.lognormal(size=(reps, n_y))
        name = f"log-normal, {n_x} vs {n_y}, " + ("H0 true" if shift == 0 else "x + 1")
        welch, perm = rejection_rates(x, y)
        print(f"{name:<47} {welch:5.3f} {perm:12.3f}")
# equal means, unequal spread: the permutation test's null (one distribution) is false
x, y = rng.normal(0, 2, size=(reps, 5)), rng.normal(0, 1, size=(reps, 20))
name = "normal, equal means, sd 2 (n = 5) vs 1 (n = 20)"
welch, perm = rejection_rates(x, y)
print(f"{name:<47} {welch:5.3f} {perm:12.3f}")
# --8<-- [end:check]
