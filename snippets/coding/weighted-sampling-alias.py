# --8<-- [start:signature]
from collections.abc import Sequence

import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Sequence

import numpy as np


def validate_weights(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty 1-D sequence")
    if not np.isfinite(w).all():
        i = int(np.flatnonzero(~np.isfinite(w))[0])
        raise ValueError(f"weights must be finite; weight {i} is {w[i]}")
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"weights must be non-negative; weight {i} is {w[i]}")
    if not (w > 0).any():
        raise ValueError("weights are all zero: there is nothing to sample")
    # divide by the largest weight: the sum of n values <= 1 cannot overflow
    return w / w.max()


class PrefixSumSampler:
    def __init__(self, weights: Sequence[float]):
        w = validate_weights(weights)
        self.cumulative = np.cumsum(w).tolist()
        self.total = self.cumulative[-1]

    def pick(self, u: float) -> int:
        target = u * self.total  # below total, since u < 1
        lo, hi = 0, len(self.cumulative) - 1
        # first i with cumulative[i] > target; strictly greater, so a zero weight
        # (cumulative[i] == cumulative[i - 1]) is never chosen, not even for u = 0
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cumulative[mid] > target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def sample(self, rng: np.random.Generator) -> int:
        return self.pick(rng.random())


class AliasSampler:
    def __init__(self, weights: Sequence[float]):
        w = validate_weights(weights)
        n = len(w)
        # scaled so that the average column holds exactly 1
        scaled = (w * (n / w.sum())).tolist()
        self.prob = [1.0] * n
        self.alias = list(range(n))
        small = [i for i, p in enumerate(scaled) if p < 1.0]
        large = [i for i, p in enumerate(scaled) if p >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            # column s keeps its own mass and is topped up by g
            self.prob[s], self.alias[s] = scaled[s], g
            # g gave away 1 - scaled[s] of its mass
            scaled[g] = (scaled[g] + scaled[s]) - 1.0
            (small if scaled[g] < 1.0 else large).append(g)
        # whatever is left is 1 up to rounding: those columns stay full
        # (prob 1.0, alias itself), as initialised

    def sample(self, rng: np.random.Generator) -> int:
        j = int(rng.integers(len(self.prob)))
        return j if rng.random() < self.prob[j] else self.alias[j]


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy import stats


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


# --8<-- [end:tests]


# --8<-- [start:check]
import math

tests = [
    test_weighted_samplers_worked_example,
    test_alias_tables_imply_exactly_the_weights,
    test_weighted_samplers_pass_chi_square,
    test_zero_weights_are_never_drawn,
    test_one_item_and_very_skewed_weights,
    test_invalid_weights_raise_value_error,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")


class CountingList(list):
    """A list that counts how often it is indexed: one read, one comparison."""

    reads = 0

    def __getitem__(self, i):
        self.reads += 1
        return super().__getitem__(i)


# Zipf weights 1/k, the shape of word frequencies (a negative-sampling table)
draws = 20_000
print("per draw, Zipf weights 1/k:")
print("       n  log2 n  binary-search compares  alias compares  alias-table reads")
for n in (10, 1_000, 100_000):
    w = 1.0 / np.arange(1, n + 1)
    prefix, alias = PrefixSumSampler(w), AliasSampler(w)
    prefix.cumulative = CountingList(prefix.cumulative)
    alias.prob, alias.alias = CountingList(alias.prob), CountingList(alias.alias)
    rng = np.random.default_rng(3)
    for _ in range(draws):
        prefix.sample(rng)
        alias.sample(rng)
    print(
        f"{n:8,d}  {math.log2(n):6.2f}  {prefix.cumulative.reads / draws:22.2f}"
        f"  {alias.prob.reads / draws:14.2f}  {alias.alias.reads / draws:17.2f}"
    )

# NumPy's Generator.choice(p=...): the same indices as cumsum + searchsorted("right")
p = 1.0 / np.arange(1, 1001)
p /= p.sum()
ours = np.cumsum(p)
ours /= ours[-1]
ours = ours.searchsorted(np.random.default_rng(4).random(10_000), side="right")
numpy_choice = np.random.default_rng(4).choice(1000, size=10_000, p=p)
print(
    "NumPy choice(p=...) equals cumsum + searchsorted on the same uniforms:",
    bool((ours == numpy_choice).all()),
)
# --8<-- [end:check]
