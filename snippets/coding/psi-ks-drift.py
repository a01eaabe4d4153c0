# --8<-- [start:signature]
import numpy as np


def psi_from_counts(
    expected_counts: np.ndarray, actual_counts: np.ndarray, alpha: float = 0.5
) -> float:
    """Population stability index of two histograms over the same B bins.

    Each histogram is smoothed by adding alpha to every count and normalised:
    e_b = (E_b + alpha) / (sum(E) + alpha * B), likewise a_b from actual_counts.
    PSI = sum_b (a_b - e_b) * ln(a_b / e_b). With alpha = 0, a bin that is empty on
    one side only gives inf, and a bin empty on both sides adds 0.
    """
    raise NotImplementedError


def psi(
    expected: np.ndarray, actual: np.ndarray, bins: int = 10, alpha: float = 0.5
) -> float:
    """PSI of the sample `actual` against the reference sample `expected`.

    Bin edges are the reference's empirical quantiles at 1/bins, ..., (bins-1)/bins,
    np.quantile(expected, q, method="inverted_cdf") (order statistics, never
    interpolated), with repeated edges dropped; the outer bins are open, so bins are
    (-inf, e_1], (e_1, e_2], ..., (e_last, +inf): right-closed, a value equal to an
    edge goes to the bin below it. Both samples are counted in these bins and passed
    to psi_from_counts with alpha.
    """
    raise NotImplementedError


def categorical_psi(expected, actual, alpha: float = 0.5) -> float:
    """PSI of two samples of category labels (strings or ints): one bin per category
    seen in either sample, a category new in `actual` included (its expected count
    is 0). Smoothing as in psi_from_counts."""
    raise NotImplementedError


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic D = max_x |F_a(x) - F_b(x)|, where
    F_a(x) is the share of a that is <= x. Exact: from the two sorted samples, with
    tied values (within or across samples) entering both CDFs together. O((n + m)
    log(n + m)); no loop over pairs, no grid."""
    raise NotImplementedError


def ks_pvalue(d: float, n: int, m: int) -> float:
    """Asymptotic two-sided p-value of D for samples of sizes n and m (Smirnov):
    P(K > lambda) with lambda = sqrt(n m / (n + m)) * d and K the Kolmogorov
    distribution, P(K > x) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2). Accurate to
    1e-12 for every lambda >= 0 (the alternating series converges slowly for small
    lambda: use the other form of the same function there)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter

import numpy as np


def psi_from_counts(
    expected_counts: np.ndarray, actual_counts: np.ndarray, alpha: float = 0.5
) -> float:
    e = np.asarray(expected_counts, dtype=float) + alpha
    a = np.asarray(actual_counts, dtype=float) + alpha
    e, a = e / e.sum(), a / a.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (a - e) * np.log(a / e)
    # 0 * log(0 / 0) is nan: a bin empty on both sides contributes nothing
    terms[(a == 0) & (e == 0)] = 0.0
    return float(terms.sum())


def psi(
    expected: np.ndarray, actual: np.ndarray, bins: int = 10, alpha: float = 0.5
) -> float:
    expected, actual = np.asarray(expected), np.asarray(actual)
    quantiles = np.arange(1, bins) / bins
    edges = np.unique(np.quantile(expected, quantiles, method="inverted_cdf"))
    # the number of edges strictly below x is the index of x's right-closed bin
    n_bins = len(edges) + 1
    e_bin = np.searchsorted(edges, expected, side="left")
    a_bin = np.searchsorted(edges, actual, side="left")
    return psi_from_counts(
        np.bincount(e_bin, minlength=n_bins),
        np.bincount(a_bin, minlength=n_bins),
        alpha,
    )


def categorical_psi(expected, actual, alpha: float = 0.5) -> float:
    e_counts, a_counts = Counter(expected), Counter(actual)
    # sorted: a fixed summation order, so the result does not depend on hashing
    categories = sorted(e_counts.keys() | a_counts.keys())
    return psi_from_counts(
        [e_counts[c] for c in categories], [a_counts[c] for c in categories], alpha
    )


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.sort(a), np.sort(b)
    n, m = len(a), len(b)
    # both CDFs can only jump at a sample value; side="right" counts every copy of
    # a tied value, so ties enter both CDFs at once
    values = np.concatenate([a, b])
    below_a = np.searchsorted(a, values, side="right")
    below_b = np.searchsorted(b, values, side="right")
    # |i/n - j/m| = |i m - j n| / (n m): integers, one rounding at the end
    return float(np.max(np.abs(below_a * m - below_b * n)) / (n * m))


def ks_pvalue(d: float, n: int, m: int) -> float:
    lam = np.sqrt(n * m / (n + m)) * d
    if lam <= 0:
        return 1.0
    k = np.arange(1, 101)
    if lam < 1.0:
        # Jacobi's theta form of the same CDF: fast where the alternating one is slow
        cdf = (
            np.sqrt(2 * np.pi)
            / lam
            * np.exp(-((2 * k - 1) ** 2) * np.pi**2 / (8 * lam**2)).sum()
        )
        return float(np.clip(1.0 - cdf, 0.0, 1.0))
    terms = (-1.0) ** (k - 1) * np.exp(-2.0 * k**2 * lam**2)
    return float(np.clip(2.0 * terms.sum(), 0.0, 1.0))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy import stats

# reference 1..100 in 4 bins: edges 25, 50, 75; actual counts per bin 1, 2, 1, 6
WORKED_REFERENCE = np.arange(1, 101)
WORKED_ACTUAL = np.array([5, 30, 50, 70, 80, 85, 90, 95, 99, 150])


def ks_numerator(d, n, m):
    """D * n * m: an integer for any two samples, so D can be compared exactly."""
    return round(d * n * m)


def test_psi_worked_example():
    # alpha = 0: proportions 0.1, 0.2, 0.1, 0.6 against 0.25 each
    expected = 2 * 0.15 * np.log(2.5) + 0.05 * np.log(1.25) + 0.35 * np.log(2.4)
    assert psi(WORKED_REFERENCE, WORKED_ACTUAL, bins=4, alpha=0) == pytest.approx(
        expected
    )
    # alpha = 0.5: counts 1.5, 2.5, 1.5, 6.5 of 12 against 25.5 of 102 each
    a, e = np.array([1.5, 2.5, 1.5, 6.5]) / 12, np.full(4, 0.25)
    assert psi(WORKED_REFERENCE, WORKED_ACTUAL, bins=4) == pytest.approx(
        np.sum((a - e) * np.log(a / e))
    )


def test_psi_of_a_sample_against_itself_is_zero():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=5_000)
    assert psi(x, x) == 0.0
    assert psi(x, rng.permutation(x)) == 0.0
    # heavily tied data: repeated edges are dropped, and still nothing moves
    counts = rng.poisson(0.7, size=5_000)
    assert psi(counts, counts, bins=20) == 0.0
    assert psi_from_counts([5, 0, 3], [5, 0, 3], alpha=0) == 0.0


def test_psi_is_the_symmetrised_kl_divergence():
    rng = np.random.default_rng(1)
    for _ in range(20):
        c1, c2 = rng.integers(0, 50, size=(2, 8))
        p = (c1 + 0.5) / (c1 + 0.5).sum()
        q = (c2 + 0.5) / (c2 + 0.5).sum()
        value = psi_from_counts(c1, c2)
        # PSI = KL(q || p) + KL(p || q): Jeffreys' divergence, symmetric and >= 0
        assert value == pytest.approx(stats.entropy(q, p) + stats.entropy(p, q))
        assert value == pytest.approx(psi_from_counts(c2, c1))
        assert value >= 0


def test_psi_bins_on_reference_quantiles_with_ties():
    rng = np.random.default_rng(2)
    # 60% zeros: the quantile edges at 0.1 ... 0.6 are all 0 and collapse into one
    reference = np.where(rng.random(10_000) < 0.6, 0, rng.integers(1, 41, 10_000))
    actual = np.where(rng.random(2_000) < 0.7, 0, rng.integers(1, 41, 2_000))
    edges = np.unique(
        np.quantile(reference, np.arange(1, 10) / 10, method="inverted_cdf")
    )
    # right-closed bins: every zero lands in (-inf, 0]
    e_counts = np.bincount(np.searchsorted(edges, reference), minlength=len(edges) + 1)
    a_counts = np.bincount(np.searchsorted(edges, actual), minlength=len(edges) + 1)
    assert e_counts[0] == np.sum(reference == 0)
    assert psi(reference, actual) == pytest.approx(psi_from_counts(e_counts, a_counts))


def test_psi_and_ks_are_invariant_to_increasing_transforms():
    rng = np.random.default_rng(3)
    reference = rng.standard_normal(10_000)
    for actual in (rng.normal(0.2, 1.0, 3_000), rng.normal(0.0, 1.5, 500)):
        for transform in (np.exp, lambda x: x**3 + 2 * x, lambda x: np.arctan(4 * x)):
            assert psi(transform(reference), transform(actual)) == psi(
                reference, actual
            )
            assert ks_statistic(transform(reference), transform(actual)) == (
                ks_statistic(reference, actual)
            )


def test_psi_empty_bins():
    rng = np.random.default_rng(4)
    reference = rng.standard_normal(10_000)
    top_decile = np.quantile(reference, 0.9, method="inverted_cdf")
    # batches that never reach the reference's top decile: one empty bin
    batches = {}
    for n in (100, 1_000, 100_000):
        x = rng.standard_normal(3 * n)
        batches[n] = x[x <= top_decile][:n]
    assert psi(reference, batches[1_000], alpha=0) == np.inf
    smoothed = [psi(reference, batches[n]) for n in (100, 1_000, 100_000)]
    assert all(np.isfinite(smoothed))
    # the same empty bin is stronger evidence in a larger batch
    assert smoothed[0] < smoothed[1] < smoothed[2]
    # a constant batch: one full bin, nine empty ones, still finite
    assert np.isfinite(psi(reference, np.zeros(50)))
    assert psi_from_counts([0, 4], [0, 6], alpha=0) == 0.0


def test_categorical_psi():
    reference = ["card"] * 60 + ["transfer"] * 30 + ["cash"] * 10
    assert categorical_psi(reference, reference[::-1]) == 0.0
    current = ["card"] * 50 + ["transfer"] * 30 + ["cash"] * 10 + ["crypto"] * 10
    # a category unseen in the reference gets a bin of its own, expected count 0
    assert categorical_psi(reference, current) == pytest.approx(
        psi_from_counts([60, 30, 10, 0], [50, 30, 10, 10])
    )
    assert categorical_psi(reference, current, alpha=0) == np.inf
    # integer labels, any order
    assert categorical_psi([1, 1, 2, 3], [3, 2, 1, 1, 1]) == pytest.approx(
        psi_from_counts([2, 1, 1], [3, 1, 1])
    )


def test_ks_statistic_matches_scipy_with_ties():
    # a's two 2s and b's 2 enter together: D = |3/4 - 1/5| = 0.55 at x = 2
    assert ks_statistic(np.array([1, 2, 2, 3]), np.array([2, 3, 3, 4, 5])) == (
        pytest.approx(0.55)
    )
    rng = np.random.default_rng(5)
    for trial in range(30):
        n, m = rng.integers(1, 400, size=2)
        a = rng.normal(0.0, 1.0, n)
        b = rng.normal(0.3 * rng.random(), 1.0 + rng.random(), m)
        if trial % 2:
            # rounded to one decimal: many ties, within and across samples
            a, b = np.round(a, 1), np.round(b, 1)
        d, expected = ks_statistic(a, b), stats.ks_2samp(a, b).statistic
        assert ks_numerator(d, n, m) == ks_numerator(expected, n, m)
        assert d == pytest.approx(expected, abs=1e-12)
    x = rng.random(50)
    assert ks_statistic(x, x) == 0.0
    assert ks_statistic(x, x + 2.0) == 1.0


def test_ks_pvalue_is_smirnovs_limit():
    for lam in np.linspace(0.05, 6.0, 120):
        # n = m = 2: sqrt(n m / (n + m)) = 1, so lambda = d
        assert ks_pvalue(lam, 2, 2) == pytest.approx(
            stats.kstwobign.sf(lam), rel=1e-9, abs=1e-12
        )
    assert ks_pvalue(0.0, 10, 10) == 1.0
    rng = np.random.default_rng(6)
    for n, m, shift in [
        (1_000, 10_000, 0.1),
        (2_000, 3_000, 0.05),
        (5_000, 5_000, 0.1),
    ]:
        a, b = rng.standard_normal(n), rng.normal(shift, 1.0, m)
        result = stats.ks_2samp(a, b, method="exact")
        # the limit is within a few percent of the exact p-value at these sizes
        assert ks_pvalue(result.statistic, n, m) == pytest.approx(
            result.pvalue, rel=0.1
        )


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_psi_worked_example,
    test_psi_of_a_sample_against_itself_is_zero,
    test_psi_is_the_symmetrised_kl_divergence,
    test_psi_bins_on_reference_quantiles_with_ties,
    test_psi_and_ks_are_invariant_to_increasing_transforms,
    test_psi_empty_bins,
    test_categorical_psi,
    test_ks_statistic_matches_scipy_with_ties,
    test_ks_pvalue_is_smirnovs_limit,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
worked = psi(WORKED_REFERENCE, WORKED_ACTUAL, bins=4)
print(f"worked example: PSI {worked:.3f} (alpha 0.5)")

# one reference of 10,000 draws; by the invariance any continuous feature behaves
# the same once expressed in the reference's quantiles
rng = np.random.default_rng(7)
reference = rng.standard_normal(10_000)
shifts = {"none": (0.0, 1.0), "mean +0.1 sd": (0.1, 1.0), "sd x 1.5": (0.0, 1.5)}
print("reference n = 10,000, 10 decile bins, one batch per row")
print(f"{'shift':<14}{'batch n':>9}{'PSI':>8}{'KS D':>8}{'KS p':>10}")
for name, (mean, sd) in shifts.items():
    for n in (100, 1_000, 100_000):
        batch = rng.normal(mean, sd, n)
        d = ks_statistic(reference, batch)
        p = ks_pvalue(d, len(reference), n)
        print(f"{name:<14}{n:>9,}{psi(reference, batch):>8.3f}{d:>8.3f}{p:>10.1e}")

# no shift at all, 200 batches per size: what the rule of thumb and the test say
print("no shift, 200 batches per size")
print(
    f"{'batch n':>9}{'mean PSI':>10}{'predicted':>11}{'PSI > 0.1':>11}"
    f"{'PSI > 0.25':>12}{'KS p < 0.05':>13}"
)
for n in (100, 1_000, 100_000):
    psis, alarms = [], []
    for _ in range(200):
        batch = rng.standard_normal(n)
        psis.append(psi(reference, batch))
        alarms.append(ks_pvalue(ks_statistic(reference, batch), 10_000, n) < 0.05)
    psis = np.array(psis)
    # second-order expansion: PSI ~ chi-square(B - 1) * (1/n + 1/N) under no shift
    predicted = 9 * (1 / n + 1 / 10_000)
    print(
        f"{n:>9,}{psis.mean():>10.4f}{predicted:>11.4f}{np.mean(psis > 0.1):>11.2f}"
        f"{np.mean(psis > 0.25):>12.2f}{np.mean(alarms):>13.2f}"
    )

# the batches above share one reference, and so its sampling error: with batches
# ten times its size, whether KS alarms depends mostly on which reference was drawn
rates = []
for _ in range(20):
    other_reference = rng.standard_normal(10_000)
    alarms = []
    for _ in range(10):
        d = ks_statistic(other_reference, rng.standard_normal(100_000))
        alarms.append(ks_pvalue(d, 10_000, 100_000) < 0.05)
    rates.append(np.mean(alarms))
print("no shift, n = 100,000, 20 other references x 10 batches each:")
print(
    f"  KS p < 0.05 in {np.mean(rates):.2f} of batches; "
    f"{sum(r == 0 for r in rates)} references never alarm, "
    f"the worst in {max(rates):.1f} of its batches"
)
# --8<-- [end:check]
