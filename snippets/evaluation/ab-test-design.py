import math

import numpy as np
from scipy.stats import chi2_contingency, norm, ttest_ind

# 1) Sample size. Baseline conversion 10%; we want to detect a 5% relative lift (10% ->
# 10.5%) with a two-sided test at alpha = 0.05 and power 0.8.
p0, p1, alpha, power = 0.10, 0.105, 0.05, 0.80
z_a, z_b = norm.ppf(1 - alpha / 2), norm.ppf(power)
p_bar = (p0 + p1) / 2
n = math.ceil(
    (
        z_a * math.sqrt(2 * p_bar * (1 - p_bar))
        + z_b * math.sqrt(p0 * (1 - p0) + p1 * (1 - p1))
    )
    ** 2
    / (p1 - p0) ** 2
)
print(
    f"users per arm: {n}  (rule of thumb 16*p(1-p)/delta^2 = "
    f"{16 * p0 * (1 - p0) / (p1 - p0) ** 2:.0f})"
)


def z_test(conv_a, conv_b, n_a, n_b):
    """Two-proportion z-test with a pooled standard error; returns z and the two-sided
    p-value.
    """
    pa, pb, pool = conv_a / n_a, conv_b / n_b, (conv_a + conv_b) / (n_a + n_b)
    z = (pb - pa) / np.sqrt(pool * (1 - pool) * (1 / n_a + 1 / n_b))
    return z, 2 * norm.sf(np.abs(z))


# 2) Check the design by simulation: 4,000 experiments with the effect, 4,000 without.
rng = np.random.default_rng(0)
for label, true_b in [("with a real 5% lift", p1), ("A/A (no effect)", p0)]:
    _, p = z_test(rng.binomial(n, p0, 4000), rng.binomial(n, true_b, 4000), n, n)
    print(f"{label:<20}: share of experiments with p < 0.05 = {np.mean(p < alpha):.3f}")

# 3) Analyse one experiment at the user level: conversion and revenue per user.
conv_a, conv_b = rng.random(n) < p0, rng.random(n) < p1
rev_a = conv_a * rng.lognormal(3.0, 1.2, n)  # heavy-tailed revenue, zero for non-buyers
rev_b = conv_b * rng.lognormal(3.0, 1.2, n)
z, p = z_test(conv_a.sum(), conv_b.sum(), n, n)
table = [[conv_a.sum(), n - conv_a.sum()], [conv_b.sum(), n - conv_b.sum()]]
chi2_p = chi2_contingency(
    table, correction=False
).pvalue  # chi-square on the 2x2 table = z-test squared
print(
    f"conversion {conv_a.mean():.4f} -> {conv_b.mean():.4f}: z = {z:.2f}, p = {p:.4f} "
    f"(chi-square p = {chi2_p:.4f})"
)

diff = rev_b.mean() - rev_a.mean()
se = math.sqrt(rev_a.var(ddof=1) / n + rev_b.var(ddof=1) / n)
boot = np.array(
    [
        rev_b[rng.integers(0, n, n)].mean() - rev_a[rng.integers(0, n, n)].mean()
        for _ in range(2000)
    ]
)  # resample users within each arm, recompute the difference
lo, hi = np.percentile(boot, [2.5, 97.5])
print(
    f"revenue per user: {rev_a.mean():.3f} -> {rev_b.mean():.3f}, difference "
    f"{diff:+.3f}"
)
print(
    f"  Welch 95% CI [{diff - 1.96 * se:+.3f}, {diff + 1.96 * se:+.3f}], p = "
    f"{ttest_ind(rev_b, rev_a, equal_var=False).pvalue:.3f}"
)
print(f"  bootstrap 95% CI [{lo:+.3f}, {hi:+.3f}]")
