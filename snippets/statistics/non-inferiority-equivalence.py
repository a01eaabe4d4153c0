import numpy as np
from scipy import stats
from statsmodels.stats.proportion import (
    test_proportions_2indep,
    tost_proportions_2indep,
)

# Guardrail: conversion rate 10%; the change (treatment T) must not cost more than
# delta = 0.5 percentage points against control C. Higher is better.
p0, delta, alpha, power = 0.10, 0.005, 0.05, 0.8
z_a, z_b = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
z_b2 = stats.norm.ppf(1 - (1 - power) / 2)
var = p0 * (1 - p0)


def n_per_arm(z_power, true_diff=0.0):
    """(z_{1-alpha} + z_power)^2 * 2 sigma^2 / (delta + true_diff)^2, rounded up."""
    return int(np.ceil((z_a + z_power) ** 2 * 2 * var / (delta + true_diff) ** 2))


n_ni = n_per_arm(z_b)
n_ni_better = n_per_arm(z_b, true_diff=delta / 2)
n_eq = n_per_arm(z_b2)
print(f"guardrail: conversion {p0:.1%}, margin {delta * 100:.2f} points, alpha {alpha}")
print(f"n per arm for power {power}:")
print(f"  non-inferiority, true difference 0        {n_ni:>7,}")
print(f"  non-inferiority, true difference +delta/2 {n_ni_better:>7,}")
print(f"  equivalence (TOST), true difference 0     {n_eq:>7,}")


def simulate(n, diff, reps, rng, k=1):
    """Conversions of `reps` A/B tests (k guardrails each) with n users per arm."""
    c = rng.binomial(n, p0, size=(reps, k))
    t = rng.binomial(n, p0 + diff, size=(reps, k))
    return t, c


def decide(t, c, n):
    """Pass/fail verdicts on each A/B test of a higher-is-better guardrail."""
    pt, pc = t / n, c / n
    d = pt - pc
    se = np.sqrt(pt * (1 - pt) / n + pc * (1 - pc) / n)
    # Naive: pass unless a two-sided 5% test of "no difference" says T is worse
    naive = ~(d / se < -stats.norm.ppf(1 - alpha / 2))
    # Non-inferiority: H0 d <= -delta; pass if the one-sided 95% lower bound > -delta
    ni = d - z_a * se > -delta
    # TOST: both one-sided tests at alpha reject (H0 d <= -delta and H0 d >= delta)
    tost = ((d + delta) / se > z_a) & ((d - delta) / se < -z_a)
    # The same TOST read off the 90% (1 - 2 alpha) two-sided interval
    ci90 = (d - z_a * se > -delta) & (d + z_a * se < delta)
    # The lower end of a two-sided 95% interval: a one-sided 2.5% test
    ci95 = d - stats.norm.ppf(1 - alpha / 2) * se > -delta
    return naive, ni, tost, ci90, ci95


rng = np.random.default_rng(0)
reps = 20_000
scenarios = {
    "0 (no change)": 0.0,
    "-0.50 (harm = margin)": -delta,
    "-0.25 (half the margin)": -delta / 2,
    "+0.25 (improvement)": delta / 2,
}
print(f"\nshare of {reps:,} simulated A/B tests that pass the change")
print("n per arm  true difference (points)  naive  non-inferiority   TOST")
same_as_ci = True
for n in [5_000, n_ni]:
    for name, diff in scenarios.items():
        t, c = simulate(n, diff, reps, rng)
        naive, ni, tost, ci90, ci95 = decide(t, c, n)
        same_as_ci &= bool(np.array_equal(tost, ci90))
        print(
            f"{n:>9,}  {name:<24}  {naive.mean():.3f}  "
            f"{ni.mean():>15.3f}  {tost.mean():.3f}"
        )
for n in [5_000, n_ni]:
    half = z_a * np.sqrt(2 * var / n)
    print(f"90% interval half-width at n = {n:,}: {half * 100:.2f} points")
print(f"TOST = 90% interval inside (-delta, +delta) in every test: {same_as_ci}")

# Power at the formula's sample sizes
_, ni, _, _, _ = decide(*simulate(n_ni_better, delta / 2, reps, rng), n_ni_better)
print(f"non-inferiority power at n = {n_ni_better:,}, true +delta/2: {ni.mean():.3f}")
_, _, tost, _, _ = decide(*simulate(n_eq, 0.0, reps, rng), n_eq)
print(f"TOST power at n = {n_eq:,}, true difference 0: {tost.mean():.3f}")

# Two-sided 95% interval used for a "5%" non-inferiority test, at the margin
*_, ci95 = decide(*simulate(n_ni, -delta, reps, rng), n_ni)
print(f"at the margin, lower end of a two-sided 95% CI passes: {ci95.mean():.3f}")

# Check the from-scratch decisions against statsmodels on 300 tests
t, c = simulate(n_ni, -delta / 2, 300, rng)
_, ni, tost, _, _ = decide(t, c, n_ni)
kw = dict(method="wald", compare="diff", correction=False)
ni_sm = [
    test_proportions_2indep(
        a, n_ni, b, n_ni, value=-delta, alternative="larger", **kw
    ).pvalue
    < alpha
    for a, b in zip(t[:, 0], c[:, 0])
]
tost_sm = [
    tost_proportions_2indep(a, n_ni, b, n_ni, -delta, delta, **kw).pvalue < alpha
    for a, b in zip(t[:, 0], c[:, 0])
]
match = np.array_equal(ni[:, 0], ni_sm) and np.array_equal(tost[:, 0], tost_sm)
print(f"decisions match statsmodels on 300 tests: {match}")

# Five independent guardrails, each with n_ni users per arm
k = 5
t, c = simulate(n_ni, 0.0, reps, rng, k=k)
naive, ni, *_ = decide(t, c, n_ni)
blocked = 1 - naive.all(axis=1).mean()
print(f"\n{k} guardrails, no true harm: naive rule blocks the change {blocked:.3f}")
print(f"{k} guardrails, no true harm: all pass non-inferiority {ni.all(1).mean():.3f}")
diffs = np.array([-delta, 0, 0, 0, 0])
t = rng.binomial(n_ni, p0 + diffs, size=(reps, k))
c = rng.binomial(n_ni, p0, size=(reps, k))
_, ni, *_ = decide(t, c, n_ni)
print(f"{k} guardrails, one harmed at its margin: all pass {ni.all(1).mean():.3f}")
