# --8<-- [start:exact]
import itertools

import numpy as np
from scipy import stats

# A permutation test from scratch: under H0 (the two samples are exchangeable) every
# split of the pooled data into groups of the same sizes is equally likely
rng = np.random.default_rng(0)
x, y = rng.exponential(size=6), rng.exponential(size=6) + 1.0
pooled = np.r_[x, y]
observed = abs(x.mean() - y.mean())
diffs = []
for idx in itertools.combinations(range(12), 6):
    mask = np.zeros(12, bool)
    mask[list(idx)] = True
    diffs.append(abs(pooled[mask].mean() - pooled[~mask].mean()))
p_exact = np.mean(np.array(diffs) >= observed - 1e-12)
ref = stats.permutation_test(
    (x, y),
    lambda a, b, axis: np.abs(a.mean(axis=axis) - b.mean(axis=axis)),
    n_resamples=np.inf,
    alternative="greater",
    vectorized=True,
)
print(
    f"exact permutation p over all 924 splits: {p_exact:.4f}; "
    f"scipy.stats.permutation_test agrees: {np.isclose(p_exact, ref.pvalue)}"
)
# --8<-- [end:exact]

# --8<-- [start:simulation]
import numpy as np
from scipy import stats

rng = np.random.default_rng(1)
reps, n_perm = 2000, 299


def rejection_rates(x, y):
    """Share of rows with p <= 0.05 for four tests; x, y are (reps, n) arrays."""
    student = stats.ttest_ind(x, y, axis=1).pvalue
    welch = stats.ttest_ind(x, y, axis=1, equal_var=False).pvalue
    mwu = stats.mannwhitneyu(x, y, axis=1, method="asymptotic").pvalue
    # permutation test of the difference in means, all rows at once
    pooled, n1 = np.concatenate([x, y], axis=1), x.shape[1]
    observed = np.abs(x.mean(axis=1) - y.mean(axis=1))
    count = np.ones(len(x))
    for _ in range(n_perm):
        shuffled = rng.permuted(pooled, axis=1)
        diff = shuffled[:, :n1].mean(axis=1) - shuffled[:, n1:].mean(axis=1)
        count += np.abs(diff) >= observed
    perm = count / (n_perm + 1)
    return [np.mean(p <= 0.05) for p in (student, welch, perm, mwu)]


def lognormal(size):
    return rng.lognormal(0, 1.5, size=size)


scenarios = [
    (
        "H0 true: both normal",
        lambda: (rng.normal(size=(reps, 20)), rng.normal(size=(reps, 20))),
    ),
    (
        "H0 true: both log-normal",
        lambda: (lognormal((reps, 20)), lognormal((reps, 20))),
    ),
    (
        "shift +0.7: normal",
        lambda: (rng.normal(size=(reps, 20)) + 0.7, rng.normal(size=(reps, 20))),
    ),
    (
        "shift +0.7: log-normal",
        lambda: (lognormal((reps, 20)) + 0.7, lognormal((reps, 20))),
    ),
    (
        "equal means, shapes differ",
        lambda: (rng.exponential(size=(reps, 50)), rng.normal(1, 0.3, size=(reps, 50))),
    ),
    (
        "equal means, sd 3 (n=10) vs 1 (n=40)",
        lambda: (rng.normal(0, 3, size=(reps, 10)), rng.normal(0, 1, size=(reps, 40))),
    ),
]
print(f"{'share of p <= 0.05':<38} Student  Welch  permutation  Mann-Whitney")
for name, draw in scenarios:
    s, w, p, m = rejection_rates(*draw())
    print(f"{name:<38} {s:>7.3f} {w:>6.3f} {p:>12.3f} {m:>13.3f}")
# --8<-- [end:simulation]
