"""The ML coding round: Statistics, sampling and search. Practice file with 6 exercises.

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
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import cKDTree


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
# 4. Implement weighted random sampling: prefix sums with binary search, and the alias method.
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
# 5. How do you find the top-k most similar vectors with a heap?
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
# 6. Build a k-d tree and find the k nearest neighbours of a query exactly, with pruning
# Handbook: coding/stats-sampling-search/#kd-tree-nearest-neighbours
# --------------------------------------------------------------------------------------


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
