import itertools
import random

import numpy as np
from scipy import stats


def reservoir_sample(stream, k, rng):
    """Algorithm R: a uniform sample of k items from a stream of unknown length."""
    reservoir = []
    for i, item in enumerate(stream):
        if i < k:
            reservoir.append(item)
        else:
            # item i (0-based) is kept with probability k / (i + 1)
            j = rng.randrange(i + 1)
            if j < k:
                reservoir[j] = item
    return reservoir


def naive_sample(stream, k, rng):
    """A plausible bug: replace a random slot with a fixed probability 1/2."""
    reservoir = []
    for i, item in enumerate(stream):
        if i < k:
            reservoir.append(item)
        elif rng.random() < 0.5:
            reservoir[rng.randrange(k)] = item
    return reservoir


n, k, runs = 8, 3, 56_000
subsets = {s: i for i, s in enumerate(itertools.combinations(range(n), k))}
for name, sampler in [
    ("Algorithm R", reservoir_sample),
    ("replace w.p. 1/2", naive_sample),
]:
    rng = random.Random(0)
    item_counts = np.zeros(n)
    subset_counts = np.zeros(len(subsets))
    for _ in range(runs):
        sample = sampler(range(n), k, rng)
        item_counts[sample] += 1
        subset_counts[subsets[tuple(sorted(sample))]] += 1
    # each of the 56 possible subsets should appear equally often: a chi-square test
    p_subset = stats.chisquare(subset_counts).pvalue
    kept = item_counts / runs
    print(
        f"{name:<17} P(item kept) from {kept.min():.3f} to {kept.max():.3f} "
        f"(k/n = {k / n:.3f}); uniform over {len(subsets)} subsets: p = {p_subset:.3f}"
    )
