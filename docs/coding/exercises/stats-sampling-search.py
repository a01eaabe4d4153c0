"""The ML coding round: Statistics, sampling and search. Practice file with 12 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scipy pytest
    pytest stats-sampling-search.py                 # every exercise
    pytest stats-sampling-search.py -k <function>   # one exercise, e.g. -k bootstrap_ci

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats


# --------------------------------------------------------------------------------------
# 1. How do you compute a bootstrap confidence interval?
# Handbook: coding/stats-sampling-search/#bootstrap-ci
# --------------------------------------------------------------------------------------


def bootstrap_ci(
    x: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    rng: np.random.Generator,
    n_boot: int = 5000,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval at level 1 - alpha for statistic(x):
    resample x with replacement n_boot times (same size as x), compute the statistic on
    each resample, and return the alpha/2 and 1 - alpha/2 quantiles of those values."""
    raise NotImplementedError


def test_bootstrap_ci_worked_example():
    x = np.arange(1.0, 11.0)  # mean 5.5
    low, high = bootstrap_ci(x, np.mean, np.random.default_rng(0), n_boot=10000)
    assert abs(low - 3.75) < 0.15 and abs(high - 7.25) < 0.15


def test_bootstrap_ci_matches_scipy_percentile_bootstrap():
    rng = np.random.default_rng(1)
    x = rng.exponential(size=200)
    for statistic in (np.mean, np.median):
        ours = bootstrap_ci(x, statistic, np.random.default_rng(2), n_boot=4000)
        ref = stats.bootstrap(
            (x,),
            statistic,
            n_resamples=4000,
            method="percentile",
            rng=np.random.default_rng(3),
        ).confidence_interval
        np.testing.assert_allclose(ours, (ref.low, ref.high), atol=0.03)


def test_bootstrap_ci_is_close_to_the_normal_interval_for_a_mean():
    rng = np.random.default_rng(4)
    x = rng.normal(loc=10.0, scale=2.0, size=400)
    low, high = bootstrap_ci(x, np.mean, np.random.default_rng(5), n_boot=4000)
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))
    np.testing.assert_allclose(
        [low, high], [x.mean() - half, x.mean() + half], atol=0.02
    )


# --------------------------------------------------------------------------------------
# 2. How do you run a two-proportion z-test for an A/B test?
# Handbook: coding/stats-sampling-search/#two-proportion-z-test
# --------------------------------------------------------------------------------------


def two_proportion_z_test(
    successes_a: int, n_a: int, successes_b: int, n_b: int
) -> tuple[float, float]:
    """Two-sided z-test that two conversion rates are equal, with the pooled standard
    error: z = (p_b - p_a) / sqrt(p (1 - p) (1 / n_a + 1 / n_b)), p the pooled rate.
    Returns (z, p_value). If the pooled rate is 0 or 1, returns (0.0, 1.0)."""
    raise NotImplementedError


def test_two_proportion_z_test_worked_example():
    z, p = two_proportion_z_test(200, 2000, 250, 2000)
    assert z == pytest.approx(2.5020, abs=1e-4)
    assert p == pytest.approx(0.01235, abs=1e-5)


def test_two_proportion_z_test_matches_the_chi_square_test():
    # without continuity correction, the 2x2 chi-square statistic is z squared
    rng = np.random.default_rng(0)
    for _ in range(20):
        n_a, n_b = rng.integers(50, 5000, size=2)
        s_a, s_b = rng.integers(1, n_a), rng.integers(1, n_b)
        z, p = two_proportion_z_test(s_a, n_a, s_b, n_b)
        table = [[s_a, n_a - s_a], [s_b, n_b - s_b]]
        chi2, p_ref, _, _ = stats.chi2_contingency(table, correction=False)
        assert z**2 == pytest.approx(chi2)
        assert p == pytest.approx(p_ref)
        assert np.sign(z) == np.sign(s_b / n_b - s_a / n_a)


def test_two_proportion_z_test_degenerate_rates():
    assert two_proportion_z_test(0, 100, 0, 100) == (0.0, 1.0)
    assert two_proportion_z_test(100, 100, 50, 50) == (0.0, 1.0)


# --------------------------------------------------------------------------------------
# 3. Implement a permutation test for the difference between two groups.
# Handbook: coding/stats-sampling-search/#permutation-test
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 4. How do you sample k items uniformly from a stream of unknown length?
# Handbook: coding/stats-sampling-search/#reservoir-sample-stream
# --------------------------------------------------------------------------------------


def reservoir_sample(stream: Iterable, k: int, rng: np.random.Generator) -> list:
    """A uniform random sample of k items from a stream of unknown length, in one pass
    and O(k) memory (Vitter's Algorithm R): every item ends up in the sample with
    probability k / n. If the stream has fewer than k items, return all of them."""
    raise NotImplementedError


def test_reservoir_sample_worked_example():
    assert reservoir_sample(range(5), 10, np.random.default_rng(0)) == [0, 1, 2, 3, 4]
    sample = reservoir_sample(range(1000), 5, np.random.default_rng(0))
    assert len(sample) == 5 and len(set(sample)) == 5


def test_reservoir_sample_is_uniform():
    rng = np.random.default_rng(1)
    counts = np.zeros(10)
    for _ in range(10000):
        for item in reservoir_sample(range(10), 3, rng):
            counts[item] += 1
    # each of the 10 items should be kept in 3/10 of the runs (sd 0.005 per item)
    np.testing.assert_allclose(counts / 10000, 0.3, atol=0.025)


def test_reservoir_sample_reads_a_generator_once():
    reads = []

    def stream():
        for i in range(100):
            reads.append(i)
            yield i

    sample = reservoir_sample(stream(), 7, np.random.default_rng(2))
    assert reads == list(range(100))
    assert len(sample) == 7 and set(sample) <= set(range(100))


# --------------------------------------------------------------------------------------
# 5. Implement weighted random sampling: prefix sums with binary search, and the alias method.
# Handbook: coding/stats-sampling-search/#weighted-sampling-alias
# --------------------------------------------------------------------------------------


def validate_weights(weights: Sequence[float]) -> np.ndarray:
    """The weights as a 1-D float64 array. Raise ValueError with a message that names
    the problem: "empty" for no weights, "negative" for a weight below 0, "finite" for
    a NaN or an infinity, "all zero" when they sum to 0."""
    raise NotImplementedError


class PrefixSumSampler:
    """Draw index i with probability w[i] / sum(w): cumulative sums built once in O(n),
    then one uniform and a hand-written binary search per draw, O(log n).

    pick(u) maps a uniform u in [0, 1) to the first index i whose cumulative sum
    exceeds u * total (no bisect, no np.searchsorted); sample(rng) is
    pick(rng.random()). An index with weight 0 is never returned, for any u."""

    def __init__(self, weights: Sequence[float]):
        raise NotImplementedError

    def pick(self, u: float) -> int:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> int:
        raise NotImplementedError


class AliasSampler:
    """Vose's alias method: O(n) set-up, O(1) per draw.

    Set-up fills two tables of length n: self.prob (floats in [0, 1]) and self.alias
    (valid indices). sample(rng) draws a column j uniformly from range(n), then
    returns j with probability prob[j] and alias[j] otherwise, so index i is drawn
    with probability (prob[i] + sum of 1 - prob[j] over columns j with alias[j] == i)
    / n, which must equal w[i] / sum(w)."""

    def __init__(self, weights: Sequence[float]):
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> int:
        raise NotImplementedError


def alias_implied_probabilities(sampler) -> np.ndarray:
    """What the tables draw: column j gives prob[j] / n to j, the rest to alias[j]."""
    prob, alias = np.asarray(sampler.prob, float), np.asarray(sampler.alias)
    n = len(prob)
    assert prob.shape == alias.shape == (n,)
    assert ((prob >= 0) & (prob <= 1)).all() and ((alias >= 0) & (alias < n)).all()
    implied = prob / n
    np.add.at(implied, alias, (1 - prob) / n)
    return implied


def test_weighted_samplers_worked_example():
    prefix = PrefixSumSampler([1, 3, 0, 4])
    picks = [prefix.pick(u) for u in (0.0, 0.12, 0.125, 0.49, 0.5, 0.999)]
    assert picks == [0, 0, 1, 1, 3, 3]
    alias = AliasSampler([1, 3, 0, 4])
    expected = [0.125, 0.375, 0.0, 0.5]
    np.testing.assert_allclose(alias_implied_probabilities(alias), expected, atol=1e-12)


def test_alias_tables_imply_exactly_the_weights():
    rng = np.random.default_rng(0)
    cases = [
        [2.0, 2.0],
        [5, 1, 0, 3, 8, 2, 0.5, 4],
        rng.exponential(size=1000) * (rng.random(1000) > 0.1),  # 10% zeros
        rng.lognormal(sigma=4.0, size=1000),  # about 10 orders of magnitude
    ]
    for w in cases:
        w = np.asarray(w, dtype=float)
        implied = alias_implied_probabilities(AliasSampler(w))
        np.testing.assert_allclose(implied, w / w.sum(), rtol=0, atol=1e-12)


def test_weighted_samplers_pass_chi_square():
    w = np.array([5, 1, 0, 3, 8, 2, 0.5, 4])
    expected = 100_000 * w / w.sum()
    for seed, sampler in enumerate([PrefixSumSampler(w), AliasSampler(w)]):
        rng = np.random.default_rng(seed)
        draws = [sampler.sample(rng) for _ in range(100_000)]
        counts = np.bincount(draws, minlength=len(w))
        assert counts[w == 0].sum() == 0
        # a correct sampler fails this with probability 1e-3 for a given seed
        p = stats.chisquare(counts[w > 0], expected[w > 0]).pvalue
        assert p > 1e-3, (type(sampler).__name__, p)


def test_zero_weights_are_never_drawn():
    w = [0, 2, 0, 0, 1, 0]
    prefix = PrefixSumSampler(w)
    # u = 0 lands on the first positive weight; u just below 1 on the last one
    assert prefix.pick(0.0) == 1 and prefix.pick(np.nextafter(1.0, 0.0)) == 4
    assert alias_implied_probabilities(AliasSampler(w))[[0, 2, 3, 5]].max() == 0
    rng = np.random.default_rng(1)
    for sampler in (prefix, AliasSampler(w)):
        draws = {sampler.sample(rng) for _ in range(20_000)}
        assert draws == {1, 4}


def test_one_item_and_very_skewed_weights():
    rng = np.random.default_rng(2)
    for sampler in (PrefixSumSampler([7.0]), AliasSampler([7.0])):
        assert {sampler.sample(rng) for _ in range(100)} == {0}
    p_small = 1e-9 / (1 + 1e-9)
    prefix = PrefixSumSampler([1e-9, 1.0])
    assert prefix.pick(0.0) == 0 and prefix.pick(0.5 * p_small) == 0
    assert prefix.pick(2 * p_small) == 1
    implied = alias_implied_probabilities(AliasSampler([1e-9, 1.0]))
    assert implied[0] == pytest.approx(p_small, rel=1e-6)
    implied = alias_implied_probabilities(AliasSampler([1.0, 1e-9, 1.0]))
    assert implied[1] == pytest.approx(1e-9 / (2 + 1e-9), rel=1e-6)


def test_invalid_weights_raise_value_error():
    bad = {
        "negative": [1.0, -0.5, 2.0],
        "finite": [1.0, float("nan")],
        "all zero": [0.0, 0.0, 0.0],
        "empty": [],
    }
    for message, w in bad.items():
        for cls in (PrefixSumSampler, AliasSampler):
            with pytest.raises(ValueError, match=message):
                cls(w)
    with pytest.raises(ValueError, match="finite"):
        AliasSampler([1.0, float("inf")])


# --------------------------------------------------------------------------------------
# 6. How do you find the top-k most similar vectors with a heap?
# Handbook: coding/stats-sampling-search/#cosine-top-k-heap
# --------------------------------------------------------------------------------------


def cosine_top_k(
    query: np.ndarray, items: Iterable[tuple[str, np.ndarray]], k: int
) -> list[tuple[str, float]]:
    """The k items most cosine-similar to query, from a stream of (id, vector) pairs
    read once, keeping O(k) items in memory (a min-heap). A zero vector has
    similarity 0. Returns (id, similarity) pairs, most similar first (all items if
    fewer than k)."""
    raise NotImplementedError


def test_cosine_top_k_worked_example():
    items = [
        ("a", np.array([1.0, 0.0])),
        ("b", np.array([0.0, 1.0])),
        ("c", np.array([1.0, 1.0])),
        ("d", np.array([-1.0, 0.0])),
    ]
    result = cosine_top_k(np.array([1.0, 0.0]), items, k=2)
    assert [item_id for item_id, _ in result] == ["a", "c"]
    assert [s for _, s in result] == pytest.approx([1.0, 1 / np.sqrt(2)])


def test_cosine_top_k_matches_brute_force_on_a_stream():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2000, 16))
    query = rng.normal(size=16)
    sims = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))
    best = np.argsort(-sims)[:10]
    stream = ((f"id{i}", v) for i, v in enumerate(vectors))  # a generator, read once
    result = cosine_top_k(query, stream, k=10)
    assert [item_id for item_id, _ in result] == [f"id{i}" for i in best]
    np.testing.assert_allclose([s for _, s in result], sims[best])


def test_cosine_top_k_fewer_items_than_k_and_zero_vectors():
    items = [("zero", np.zeros(3)), ("x", np.array([1.0, 2.0, 3.0]))]
    result = cosine_top_k(np.array([1.0, 2.0, 3.0]), items, k=5)
    assert [item_id for item_id, _ in result] == ["x", "zero"]
    assert result[1][1] == 0.0


# --------------------------------------------------------------------------------------
# 7. Implement MinHash and locality-sensitive hashing to find near-duplicate documents.
# Handbook: coding/stats-sampling-search/#minhash-lsh
# --------------------------------------------------------------------------------------


# a Mersenne prime: hash values are in [0, p), and a * x + b < 2**63 fits in int64
MINHASH_PRIME = (1 << 31) - 1


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity |A & B| / |A | B| of two non-empty sets."""
    return len(a & b) / len(a | b)


def shingles(text: str, k: int = 3) -> set[str]:
    """The set of word k-grams of text: lowercase it, split it into words (runs of
    letters, digits and underscores; punctuation dropped), join each run of k
    consecutive words with one space. A text of fewer than k words (but at least
    one) is one shingle; a text with no words has none."""
    raise NotImplementedError


def minhash_signatures(
    shingle_sets: list[set[str]], num_perm: int = 128, seed: int = 0
) -> np.ndarray:
    """A (len(shingle_sets), num_perm) int64 matrix: entry [d, i] is the minimum of
    h_i(x) = (a_i * x + b_i) mod MINHASH_PRIME over the ids x of document d's shingles.

    Each shingle's id is a stable integer in [0, MINHASH_PRIME): the same for the same
    string in every process and on every machine (not Python's hash()). With
    p = MINHASH_PRIME, the a_i in [1, p) and b_i in [0, p) are drawn once from
    np.random.default_rng(seed), so the same seed gives the same hash functions and
    comparable signatures. Compute each document's row for all num_perm functions at
    once (no loop over i). Raise ValueError for an empty set."""
    raise NotImplementedError


def lsh_candidates(
    signatures: np.ndarray, bands: int, rows: int
) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of documents whose signatures agree exactly on all `rows`
    values of at least one of `bands` bands (band t is columns t * rows to
    (t + 1) * rows - 1). Raise ValueError unless bands * rows == signatures.shape[1]."""
    raise NotImplementedError


def sets_with_jaccard(common: int, own: int, name: str) -> tuple[set, set]:
    """Two sets of `common` shared and `own` private strings each: Jaccard
    common / (common + 2 * own). `name` keeps different pairs' strings apart."""
    shared = {f"{name} shared {i}" for i in range(common)}
    left = {f"{name} left {i}" for i in range(own)}
    right = {f"{name} right {i}" for i in range(own)}
    return shared | left, shared | right


def planted_corpus(n_docs: int = 1000, n_planted: int = 150, seed: int = 0):
    """Documents of 40 to 120 words from a random vocabulary of 5,000 words; the last
    n_planted copy an earlier document with 1 to 15 of its words replaced. Returns
    the texts and the planted pairs (original, copy)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(5000)]
    n_base = n_docs - n_planted
    words = [list(rng.choice(vocab, rng.integers(40, 121))) for _ in range(n_base)]
    planted = []
    for original in rng.choice(n_base, n_planted, replace=False):
        copy = list(words[original])
        edits = rng.integers(1, 16)
        for position in rng.choice(len(copy), edits, replace=False):
            copy[position] = vocab[rng.integers(len(vocab))]
        planted.append((int(original), len(words)))
        words.append(copy)
    return [" ".join(w) for w in words], planted


def pairs_above(sets: list[set], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair with exact Jaccard >= threshold > 0, with its Jaccard. Such a pair
    shares a shingle, so an inverted index (shingle -> documents) lists it."""
    postings = defaultdict(list)
    for d, shingle_set in enumerate(sets):
        for s in shingle_set:
            postings[s].append(d)
    sharing = {
        pair for docs in postings.values() for pair in itertools.combinations(docs, 2)
    }
    found = {(i, j): jaccard(sets[i], sets[j]) for i, j in sharing}
    return {pair: j for pair, j in found.items() if j >= threshold}


def test_minhash_worked_example():
    a = shingles("The cat sat on the mat.", k=2)
    b = shingles("the cat sat, on a MAT", k=2)
    assert a == {"the cat", "cat sat", "sat on", "on the", "the mat"}
    assert b == {"the cat", "cat sat", "sat on", "on a", "a mat"}
    assert jaccard(a, b) == pytest.approx(3 / 7)
    assert shingles("Hello, world!", k=3) == {"hello world"}
    assert shingles(" ... ", k=3) == set()
    sig = minhash_signatures([a, b], num_perm=128, seed=0)
    assert sig.shape == (2, 128) and np.issubdtype(sig.dtype, np.integer)
    assert ((sig >= 0) & (sig < MINHASH_PRIME)).all()
    # the same seed gives the same hash functions, whatever the order of the set
    again = minhash_signatures([set(sorted(b)), set(sorted(a, reverse=True))], 128, 0)
    assert (again == sig[::-1]).all()
    agreement = np.mean(sig[0] == sig[1])
    assert abs(agreement - 3 / 7) < 4 * np.sqrt(3 / 7 * 4 / 7 / 128)
    with pytest.raises(ValueError):
        minhash_signatures([a, set()])


def test_minhash_estimates_jaccard_within_standard_errors():
    for common, own in [(20, 40), (50, 25), (80, 10)]:
        a, b = sets_with_jaccard(common, own, "pair")
        j = jaccard(a, b)  # 0.2, 0.5, 0.8
        # one seed, 256 functions: within four standard errors of the exact value
        sig = minhash_signatures([a, b], num_perm=256, seed=7)
        assert abs(np.mean(sig[0] == sig[1]) - j) < 4 * np.sqrt(j * (1 - j) / 256)
        # 100 seeds: the mean is j (unbiased) and the spread is sqrt(j (1 - j) / k)
        for num_perm in (16, 64, 256):
            estimates = []
            for seed in range(100):
                sig = minhash_signatures([a, b], num_perm, seed)
                estimates.append(np.mean(sig[0] == sig[1]))
            se = np.sqrt(j * (1 - j) / num_perm)
            assert abs(np.mean(estimates) - j) < 4 * se / np.sqrt(100)
            assert 0.7 * se < np.std(estimates, ddof=1) < 1.3 * se


def test_lsh_candidates_bands_by_hand():
    signatures = np.array(
        [
            [1, 2, 3, 4],
            [1, 2, 9, 9],  # band 0 equals document 0's
            [0, 2, 3, 4],  # band 1 equals document 0's
            [3, 4, 1, 2],  # document 0's bands, swapped: no band matches
            [1, 9, 9, 4],  # one value in each band: not enough
        ]
    )
    assert lsh_candidates(signatures, bands=2, rows=2) == {(0, 1), (0, 2)}
    assert lsh_candidates(signatures, bands=1, rows=4) == set()
    pairs = lsh_candidates(signatures, bands=4, rows=1)
    assert (0, 1) in pairs and (0, 4) in pairs and (0, 3) not in pairs
    with pytest.raises(ValueError):
        lsh_candidates(signatures, bands=3, rows=1)


def test_lsh_identical_documents_always_collide():
    texts, _ = planted_corpus(n_docs=200, n_planted=0, seed=1)
    texts += [texts[5], texts[17].upper(), texts[17].replace(" ", ", ")]
    sig = minhash_signatures([shingles(t) for t in texts], num_perm=64, seed=3)
    assert (sig[5] == sig[200]).all() and (sig[17] == sig[201]).all()
    for bands, rows in [(64, 1), (16, 4), (4, 16), (1, 64)]:
        pairs = lsh_candidates(sig, bands, rows)
        assert {(5, 200), (17, 201), (17, 202), (201, 202)} <= pairs


def test_lsh_candidate_rate_follows_the_s_curve():
    bands, rows, m = 20, 5, 400
    for common, own in [(18, 21), (30, 15), (42, 9)]:
        sets = []
        for p in range(m):
            sets += sets_with_jaccard(common, own, f"{common} {p}")
        s = common / (common + 2 * own)  # 0.3, 0.5, 0.7
        sig = minhash_signatures(sets, num_perm=bands * rows, seed=common)
        pairs = lsh_candidates(sig, bands, rows)
        # pairs (2p, 2p + 1) share shingles; all other pairs share none
        assert all(i % 2 == 0 and j == i + 1 for i, j in pairs)
        expected = 1 - (1 - s**rows) ** bands  # 0.047, 0.470, 0.975
        rate = len(pairs) / m
        assert abs(rate - expected) < 4 * np.sqrt(expected * (1 - expected) / m)


def test_lsh_finds_planted_near_duplicates():
    texts, planted = planted_corpus()
    sets = [shingles(t) for t in texts]
    truth = pairs_above(sets, 0.5)
    planted_near = {pair for pair in planted if pair in truth}
    assert len(planted_near) >= 50
    sig = minhash_signatures(sets, num_perm=128, seed=0)
    candidates = lsh_candidates(sig, bands=32, rows=4)
    n = len(texts)
    assert len(candidates) < 0.001 * n * (n - 1) / 2
    verified = {(i, j) for i, j in candidates if jaccard(sets[i], sets[j]) >= 0.5}
    # verification removes every false positive; LSH can only miss pairs
    assert verified <= set(truth)
    assert len(verified & planted_near) >= 0.9 * len(planted_near)


# --------------------------------------------------------------------------------------
# 8. How do you implement matrix factorisation with alternating least squares?
# Handbook: coding/stats-sampling-search/#als-matrix-factorization
# --------------------------------------------------------------------------------------


def als(
    R: np.ndarray,
    mask: np.ndarray,
    rank: int,
    reg: float,
    n_iters: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Matrix factorisation R ~ U @ V.T by alternating least squares on observed
    entries.

    R (m, n) ratings, mask (m, n) True where observed. Minimises
    L = sum over observed (i, j) of (R[i, j] - U[i] @ V[j]) ** 2
        + reg * (|U|^2 + |V|^2).
    Start from small random U (m, rank) and V (n, rank); each iteration solves exactly
    for every row of U with V fixed, then for every row of V with U fixed. Returns
    (U, V, losses), losses[t] = L after iteration t.
    """
    raise NotImplementedError


def low_rank_problem(seed, m=40, n=30, rank=2, observed=0.5):
    rng = np.random.default_rng(seed)
    R = rng.normal(size=(m, rank)) @ rng.normal(size=(rank, n))
    mask = rng.random((m, n)) < observed
    return R, mask


def test_als_worked_example():
    R = np.outer([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0])  # rank 1; R[3, 2] = 12
    mask = np.ones_like(R, dtype=bool)
    mask[3, 2] = False  # hide one entry
    U, V, _ = als(R, mask, rank=1, reg=1e-3, n_iters=200, rng=np.random.default_rng(0))
    assert abs(U[3] @ V[2] - 12.0) < 0.1


def test_als_loss_never_increases_and_v_is_optimal():
    R, mask = low_rank_problem(1)
    U, V, losses = als(
        R, mask, rank=2, reg=0.1, n_iters=20, rng=np.random.default_rng(0)
    )
    assert len(losses) == 20
    assert np.all(np.diff(losses) <= 1e-9 * losses[0])
    # after the last V step, the gradient of L with respect to V is zero
    residual = np.where(mask, R - U @ V.T, 0.0)
    grad_V = -2 * residual.T @ U + 2 * 0.1 * V
    np.testing.assert_allclose(grad_V, 0.0, atol=1e-8)


def test_als_recovers_hidden_entries_of_a_low_rank_matrix():
    R, mask = low_rank_problem(2)
    U, V, _ = als(R, mask, rank=2, reg=1e-3, n_iters=100, rng=np.random.default_rng(0))
    rmse = np.sqrt(np.mean((U @ V.T - R)[~mask] ** 2))
    assert rmse < 0.05


# --------------------------------------------------------------------------------------
# 9. How do you implement tabular Q-learning on a grid world?
# Handbook: coding/stats-sampling-search/#q-learning-grid
# --------------------------------------------------------------------------------------


MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]  # actions 0..3: up, down, left, right


def q_update(
    Q: np.ndarray,
    s: int,
    a: int,
    r: float,
    s_next: int,
    done: bool,
    alpha: float,
    gamma: float,
) -> None:
    """One Q-learning update, in place: Q[s, a] += alpha * (target - Q[s, a]), where
    target = r if done else r + gamma * max(Q[s_next])."""
    raise NotImplementedError


def q_learning_grid(
    n_rows: int,
    n_cols: int,
    goal: tuple[int, int],
    episodes: int,
    rng: np.random.Generator,
    alpha: float = 0.5,
    gamma: float = 0.9,
    epsilon: float = 0.2,
    max_steps: int = 100,
) -> np.ndarray:
    """Tabular Q-learning on a grid. State r * n_cols + c; every episode starts at
    (0, 0); actions move as in MOVES, and a move off the grid leaves the agent where it
    is. Every step gives reward -1; reaching the goal ends the episode. Behaviour is
    epsilon-greedy (a random action with probability epsilon, else argmax Q). Q starts
    at zeros. Returns Q of shape (n_rows * n_cols, 4)."""
    raise NotImplementedError


def greedy_path_length(Q, n_rows, n_cols, goal, limit=50):
    r, c = 0, 0
    for step in range(1, limit + 1):
        dr, dc = [(-1, 0), (1, 0), (0, -1), (0, 1)][int(np.argmax(Q[r * n_cols + c]))]
        r, c = min(max(r + dr, 0), n_rows - 1), min(max(c + dc, 0), n_cols - 1)
        if (r, c) == goal:
            return step
    return None  # the greedy policy never arrives


def test_q_learning_worked_example():
    Q = np.zeros((2, 4))
    Q[1] = [0.0, -2.0, 1.0, 0.5]
    q_update(Q, 0, 3, -1.0, 1, False, alpha=0.5, gamma=0.9)
    assert Q[0, 3] == pytest.approx(0.5 * (-1.0 + 0.9 * 1.0))
    q_update(Q, 0, 2, -1.0, 1, True, alpha=0.5, gamma=0.9)  # terminal: no bootstrap
    assert Q[0, 2] == pytest.approx(-0.5)


def test_q_learning_grid_learns_a_shortest_path():
    Q = q_learning_grid(4, 5, (3, 4), episodes=300, rng=np.random.default_rng(0))
    assert Q.shape == (20, 4)
    assert greedy_path_length(Q, 4, 5, (3, 4)) == 7  # 3 down and 4 right, in some order


def test_q_learning_grid_start_value_is_the_optimal_return():
    # the optimal return from the start is -(1 + 0.9 + ... + 0.9^6) for 7 steps
    Q = q_learning_grid(4, 5, (3, 4), episodes=300, rng=np.random.default_rng(1))
    optimal = -sum(0.9**t for t in range(7))
    assert Q[0].max() == pytest.approx(optimal, abs=0.05)


# --------------------------------------------------------------------------------------
# 10. Implement ε-greedy, UCB1 and Thompson sampling for a Bernoulli bandit, and compare their regret.
# Handbook: coding/stats-sampling-search/#bandit-algorithms
# --------------------------------------------------------------------------------------


class EpsilonGreedy:
    """With probability epsilon, play an arm drawn uniformly from all n_arms (the
    greedy one included); otherwise the arm with the highest empirical mean, where an
    arm never played counts as best, so every arm is tried early. Ties go to the
    lowest index. self.counts[a]: plays of arm a; self.means[a]: its mean reward."""

    def __init__(self, n_arms: int, epsilon: float = 0.1):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class UCB1:
    """Auer, Cesa-Bianchi and Fischer (2002). index() returns, for every arm,
    means[a] + sqrt(2 ln t / counts[a]), with t the number of plays so far (all
    arms), and inf for an arm never played. select(rng) plays the arm with the
    largest index, the lowest index among ties, so each arm is played once first, in
    order; it uses no randomness (rng is accepted for the common interface)."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def index(self) -> np.ndarray:
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class ThompsonSampling:
    """Bernoulli Thompson sampling with a Beta(1, 1) prior on every arm. self.alpha[a]
    is 1 + successes of arm a, self.beta[a] is 1 + failures (rewards are 0 or 1).
    select(rng) draws one mean per arm from its Beta posterior and plays the largest."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


def run(policy, probs, horizon: int, rng: np.random.Generator) -> np.ndarray:
    """Play `horizon` rounds against Bernoulli arms with success probabilities `probs`:
    arm = policy.select(rng), reward 1 with probability probs[arm] (drawn with rng),
    else 0, then policy.update(arm, reward). Return the cumulative pseudo-regret after
    every round, shape (horizon,): regret[t - 1] = t * max(probs) - (sum of
    probs[arm] over the first t rounds); it uses the means, not the noisy rewards."""
    raise NotImplementedError


def bandit_policies(n_arms):
    return {
        "epsilon-greedy": EpsilonGreedy(n_arms, epsilon=0.1),
        "UCB1": UCB1(n_arms),
        "Thompson": ThompsonSampling(n_arms),
    }


def test_bandit_worked_example():
    ucb = UCB1(2)
    for arm, reward in [(0, 1), (1, 0), (0, 1), (0, 0)]:
        ucb.update(arm, reward)
    # t = 4 plays; arm 0: mean 2/3 from 3 plays, arm 1: mean 0 from 1 play
    expected = [2 / 3 + math.sqrt(2 * math.log(4) / 3), math.sqrt(2 * math.log(4))]
    assert ucb.index() == pytest.approx(expected)
    assert ucb.index() == pytest.approx([1.62802, 1.66511], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 1  # the arm with mean 0 wins
    ucb.update(1, 0)
    assert ucb.index() == pytest.approx([1.70251, 1.26864], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 0
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    assert ts.alpha == pytest.approx([3, 1])
    assert ts.beta == pytest.approx([2, 2])


def test_bandit_selection_probabilities():
    # Thompson, posteriors Beta(3, 2) and Beta(1, 2): P(arm 0) = P(X > Y) = 0.8
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    rng = np.random.default_rng(1)
    share = np.mean([ts.select(rng) == 0 for _ in range(20_000)])
    assert share == pytest.approx(0.8, abs=0.015)  # 5 standard errors
    # epsilon-greedy: the greedy arm with probability 1 - 0.3 + 0.3 / 3 = 0.8
    eg = EpsilonGreedy(3, epsilon=0.3)
    for arm, reward in [(0, 0), (1, 1), (2, 0), (1, 0)]:
        eg.update(arm, reward)
    assert list(eg.counts) == [1, 2, 1]
    assert eg.means == pytest.approx([0.0, 0.5, 0.0])
    rng = np.random.default_rng(2)
    picks = np.bincount([eg.select(rng) for _ in range(20_000)], minlength=3)
    assert picks / 20_000 == pytest.approx([0.1, 0.8, 0.1], abs=0.015)


def test_bandit_ucb1_plays_every_arm_once_and_breaks_ties_by_index():
    ucb = UCB1(4)
    assert np.all(np.isinf(ucb.index()))
    first = []
    for reward in [1, 0, 1, 0]:
        first.append(ucb.select(np.random.default_rng(len(first))))
        ucb.update(first[-1], reward)
    assert first == [0, 1, 2, 3]
    # arms 0 and 2 now tie (mean 1, one play each): the lower index, whatever the rng
    assert ucb.index()[0] == ucb.index()[2]
    picks = {ucb.select(np.random.default_rng(seed)) for seed in range(5)}
    assert picks == {0}
    # selecting changes nothing: only update does
    assert list(ucb.counts) == [1, 1, 1, 1]


def test_bandit_thompson_posterior_counts_successes_and_failures():
    ts = ThompsonSampling(3)
    assert ts.alpha == pytest.approx([1, 1, 1])
    assert ts.beta == pytest.approx([1, 1, 1])
    rng = np.random.default_rng(3)
    arms = rng.integers(3, size=200)
    rewards = (rng.random(200) < 0.4).astype(float)
    for arm, reward in zip(arms, rewards):
        ts.update(int(arm), reward)
    successes = np.bincount(arms, weights=rewards, minlength=3)
    failures = np.bincount(arms, weights=1 - rewards, minlength=3)
    assert ts.alpha == pytest.approx(1 + successes)
    assert ts.beta == pytest.approx(1 + failures)
    # through run(): every round adds exactly one observation
    ts = ThompsonSampling(3)
    run(ts, [0.2, 0.5, 0.7], 500, np.random.default_rng(4))
    assert np.sum(ts.alpha + ts.beta - 2) == pytest.approx(500)


def test_bandit_run_returns_the_pseudo_regret():
    class AlwaysArmOne:
        def __init__(self):
            self.rewards = []

        def select(self, rng):
            return 1

        def update(self, arm, reward):
            self.rewards.append(reward)

    policy = AlwaysArmOne()
    regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(5))
    assert regret.shape == (10_000,)
    # the gap 0.4 per round, exactly: no reward noise in the pseudo-regret
    assert regret == pytest.approx(0.4 * np.arange(1, 10_001))
    assert set(policy.rewards) == {0.0, 1.0}
    assert np.mean(policy.rewards) == pytest.approx(0.3, abs=0.025)  # 5 s.e.


def test_bandit_policies_beat_uniform_random_play():
    # 2 arms, gap 0.4: playing uniformly at random costs 0.2 per round, 2,000 in all
    for name, policy in bandit_policies(2).items():
        regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(6))
        assert regret[-1] < 0.25 * 2_000, name


def test_bandit_regret_growth_sublinear_or_linear():
    # 3 runs each; regret summed over the runs at T = 1,000 and at 10T = 10,000
    probs, seeds = [0.7, 0.3], range(10, 13)
    for name in ["UCB1", "Thompson"]:
        curves = [
            run(bandit_policies(2)[name], probs, 10_000, np.random.default_rng(s))
            for s in seeds
        ]
        at_t = sum(c[999] for c in curves)
        at_10t = sum(c[-1] for c in curves)
        assert at_10t < 4 * at_t, name  # linear growth would give about 10 times
    # fixed epsilon: after the start, regret per round ~ epsilon * (mean gap of all
    # arms) = 0.1 * 0.2 = 0.02, for ever
    curves = [
        run(EpsilonGreedy(2, 0.1), probs, 10_000, np.random.default_rng(s))
        for s in seeds
    ]
    per_round = np.mean([(c[-1] - c[999]) / 9_000 for c in curves])
    assert per_round == pytest.approx(0.02, rel=0.2)


# --------------------------------------------------------------------------------------
# 11. Compute generalised advantage estimates (GAE) for a batch of rollouts with episode ends.
# Handbook: coding/stats-sampling-search/#gae-advantages
# --------------------------------------------------------------------------------------


def gae_advantages(
    rewards: np.ndarray,
    values: np.ndarray,
    terminated: np.ndarray,
    truncated: np.ndarray,
    last_values: np.ndarray,
    final_values: np.ndarray,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Generalised advantage estimates for a rollout of T steps in N parallel envs.

    rewards, values, terminated, truncated, final_values: shape (T, N). values[t] is
    V(s_t), the value of the observation at which action t was taken; rewards[t],
    terminated[t] and truncated[t] are what step t returned. An env that ends an
    episode at step t resets, so values[t + 1] belongs to its next episode.
    final_values[t]: V of the true final observation of an episode cut by a time
    limit at step t, read only where truncated[t] (other entries may be anything,
    even nan). last_values (N,): V of the observation after step T - 1.

    The value after step t is 0 if terminated[t] (also when truncated[t]), else
    final_values[t] if truncated[t], else values[t + 1] (last_values for t = T - 1).
    delta_t = rewards[t] + gamma * (value after step t) - values[t]
    A_t = delta_t + gamma * lam * A_{t+1}, the sum stopping after a step that ended
    an episode (terminated or truncated) and after step T - 1.
    Returns (advantages, returns), both (T, N), with returns = advantages + values.
    """
    raise NotImplementedError


def gae_random_batch(rng, n_steps=12, n_envs=5):
    """Random rollout arrays with terminations and truncations, as keyword arguments."""
    terminated = rng.random((n_steps, n_envs)) < 0.15
    truncated = (rng.random((n_steps, n_envs)) < 0.1) & ~terminated
    return {
        "rewards": rng.normal(size=(n_steps, n_envs)),
        "values": rng.normal(size=(n_steps, n_envs)),
        "terminated": terminated,
        "truncated": truncated,
        "last_values": rng.normal(size=n_envs),
        "final_values": rng.normal(size=(n_steps, n_envs)),
    }


def gae_naive_sum(batch, gamma, lam):
    """The definition, O(T^2) per env: A_t = sum over l of (gamma lam)^l delta_{t+l},
    up to the end of t's episode segment."""
    r, v = batch["rewards"], batch["values"]
    term, trunc = batch["terminated"], batch["truncated"]
    n_steps, n_envs = r.shape
    adv = np.zeros((n_steps, n_envs))
    for n in range(n_envs):
        for t in range(n_steps):
            for k in range(t, n_steps):
                if term[k, n]:
                    after = 0.0
                elif trunc[k, n]:
                    after = batch["final_values"][k, n]
                elif k == n_steps - 1:
                    after = batch["last_values"][n]
                else:
                    after = v[k + 1, n]
                delta = r[k, n] + gamma * after - v[k, n]
                adv[t, n] += (gamma * lam) ** (k - t) * delta
                if term[k, n] or trunc[k, n]:
                    break
    return adv


def test_gae_worked_example():
    ones = np.ones((3, 3))
    terminated = np.zeros((3, 3), bool)
    truncated = np.zeros((3, 3), bool)
    terminated[1, 1] = True  # env 1: the episode ends at step 1
    truncated[1, 2] = True  # env 2: a time limit cuts it at step 1
    final_values = np.full((3, 3), np.nan)
    final_values[1, 2] = 3.0
    adv, ret = gae_advantages(
        ones, ones, terminated, truncated, np.ones(3), final_values, gamma=0.5, lam=0.5
    )
    expected = [[0.65625, 0.5, 0.875], [0.625, 0.0, 1.5], [0.5, 0.5, 0.5]]
    np.testing.assert_allclose(adv, expected)
    np.testing.assert_allclose(ret, adv + 1.0)


def test_gae_lambda_zero_is_the_td_residual():
    batch = gae_random_batch(np.random.default_rng(0))
    adv, ret = gae_advantages(**batch, gamma=0.9, lam=0.0)
    after = np.vstack([batch["values"][1:], batch["last_values"]])
    after = np.where(batch["truncated"], batch["final_values"], after)
    after = np.where(batch["terminated"], 0.0, after)
    delta = batch["rewards"] + 0.9 * after - batch["values"]
    np.testing.assert_allclose(adv, delta, atol=1e-12)
    np.testing.assert_allclose(ret, adv + batch["values"], atol=1e-12)


def test_gae_lambda_one_is_the_monte_carlo_return_minus_v():
    # only terminations, and every env terminates at the last step: no bootstrap
    batch = gae_random_batch(np.random.default_rng(1))
    batch["truncated"][:] = False
    batch["terminated"][-1] = True
    gamma = 0.9
    adv, ret = gae_advantages(**batch, gamma=gamma, lam=1.0)
    r, term = batch["rewards"], batch["terminated"]
    mc = np.zeros_like(r)
    for n in range(r.shape[1]):
        for t in range(r.shape[0]):
            k = t
            while True:
                mc[t, n] += gamma ** (k - t) * r[k, n]
                if term[k, n]:
                    break
                k += 1
    np.testing.assert_allclose(adv, mc - batch["values"], atol=1e-12)
    np.testing.assert_allclose(ret, mc, atol=1e-12)


def test_gae_matches_the_naive_sum():
    for seed, (gamma, lam) in enumerate([(0.9, 0.7), (0.99, 0.95), (0.5, 1.0)]):
        batch = gae_random_batch(np.random.default_rng(10 + seed), 15, 6)
        adv, _ = gae_advantages(**batch, gamma=gamma, lam=lam)
        np.testing.assert_allclose(adv, gae_naive_sum(batch, gamma, lam), atol=1e-12)


def test_gae_no_leakage_across_episode_ends():
    rng = np.random.default_rng(2)
    batch = gae_random_batch(rng, 10, 3)
    batch["terminated"][:] = False
    batch["truncated"][:] = False
    batch["terminated"][4, 0] = True  # env 0: terminal state at step 4
    batch["truncated"][4, 1] = True  # env 1: time limit at step 4
    adv, _ = gae_advantages(**batch, gamma=0.9, lam=0.95)
    # whatever happens after the ends (next episodes, the bootstrap value) is irrelevant
    changed = {k: v.copy() for k, v in batch.items()}
    changed["rewards"][5:] += 10.0
    changed["values"][5:] -= 10.0
    changed["last_values"] += 10.0
    adv_changed, _ = gae_advantages(**changed, gamma=0.9, lam=0.95)
    np.testing.assert_allclose(adv_changed[:5, :2], adv[:5, :2], atol=1e-12)
    # and each env alone gives its column of the batch
    for n in range(3):
        alone, _ = gae_advantages(
            **{k: v[..., n : n + 1] for k, v in batch.items()}, gamma=0.9, lam=0.95
        )
        np.testing.assert_allclose(alone[:, 0], adv[:, n], atol=1e-12)


def test_gae_truncation_bootstraps_from_the_final_observation():
    # reward 1 per step forever, cut by a time limit at step 2: with the exact
    # critic V = 1 / (1 - gamma) = 10 everywhere, every advantage is 0 at any lambda
    gamma, n_steps = 0.9, 6
    rewards = np.ones((n_steps, 1))
    values = np.full((n_steps, 1), 10.0)
    terminated = np.zeros((n_steps, 1), bool)
    truncated = np.zeros((n_steps, 1), bool)
    truncated[2, 0] = True
    final_values = np.full((n_steps, 1), np.nan)
    final_values[2, 0] = 10.0
    last = np.array([10.0])
    for lam in (0.0, 0.95, 1.0):
        adv, ret = gae_advantages(
            rewards, values, terminated, truncated, last, final_values, gamma, lam
        )
        np.testing.assert_allclose(adv, 0.0, atol=1e-12)
        np.testing.assert_allclose(ret, 10.0, atol=1e-12)
    # the next row is the next episode's first observation: it must not be used
    values[3, 0] = -5.0
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(0.0, abs=1e-12)
    # both flags set: the state is terminal, so nothing is bootstrapped
    terminated[2, 0] = True
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(1.0 - 10.0)


# --------------------------------------------------------------------------------------
# 12. How do you compute a running mean and variance in one pass?
# Handbook: coding/stats-sampling-search/#welford-variance
# --------------------------------------------------------------------------------------


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
