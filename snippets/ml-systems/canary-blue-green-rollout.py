import numpy as np
from scipy import stats


def two_proportion_z(err_base, n_base, err_canary, n_canary):
    """One-sided test of H0: canary error rate <= baseline error rate."""
    p_pool = (err_base + err_canary) / (n_base + n_canary)
    se = np.sqrt(p_pool * (1 - p_pool) * (1 / n_base + 1 / n_canary))
    z = (err_canary / n_canary - err_base / n_base) / se
    return z, stats.norm.sf(z)


def canary_decision(err_base, n_base, err_canary, n_canary, alpha=0.01, min_lift=0.002):
    z, p = two_proportion_z(err_base, n_base, err_canary, n_canary)
    lift = err_canary / n_canary - err_base / n_base
    # Roll back only for a difference that is both significant and large enough to
    # matter.
    return ("rollback" if p < alpha and lift > min_lift else "promote"), z, p


# z squared equals the chi-square statistic of the 2x2 table (no correction).
table = np.array([[20, 10_000 - 20], [38, 10_000 - 38]])
z, _ = two_proportion_z(20, 10_000, 38, 10_000)
chi2 = stats.chi2_contingency(table, correction=False)[0]
print(f"z^2 matches scipy chi-square: {np.isclose(z**2, chi2)}")

# One canary: 5% of traffic on the new version, compared with an equal-sized slice
# of the old version (the control), not with the whole fleet.
rng = np.random.default_rng(0)
n = 10_000
for label, p_canary in [
    ("healthy canary (0.5% errors)", 0.005),
    ("bad canary (1.0% errors)", 0.010),
]:
    decision, z, p = canary_decision(
        rng.binomial(n, 0.005), n, rng.binomial(n, p_canary), n
    )
    print(f"{label:30} z={z:5.2f} p={p:.4f} -> {decision}")

# The policy's error rates, measured over 2000 simulated canaries per scenario.
for label, p_canary in [
    ("healthy", 0.005),
    ("errors x1.5", 0.0075),
    ("errors x2", 0.010),
]:
    decisions = [
        canary_decision(rng.binomial(n, 0.005), n, rng.binomial(n, p_canary), n)[0]
        for _ in range(2000)
    ]
    print(
        f"{label:12} rolled back in {np.mean(np.array(decisions) == 'rollback'):.1%} "
        "of canaries"
    )


# Non-inferiority: promote only if the canary is shown to be at most `margin` worse,
# i.e. the upper one-sided 95% bound of (canary - control) error rate is below it.
# Here the margin is the 1.5x regression (0.25 points) we must not ship.
def non_inferior(err_base, n_base, err_canary, n_canary, margin=0.0025, alpha=0.05):
    p_b, p_c = err_base / n_base, err_canary / n_canary
    se = np.sqrt(p_b * (1 - p_b) / n_base + p_c * (1 - p_c) / n_canary)
    return p_c - p_b + stats.norm.ppf(1 - alpha) * se < margin


for label, p_canary in [
    ("healthy", 0.005),
    ("errors x1.5", 0.0075),
    ("errors x2", 0.010),
]:
    promoted = [
        non_inferior(rng.binomial(n, 0.005), n, rng.binomial(n, p_canary), n)
        for _ in range(2000)
    ]
    print(f"{label:12} promoted by the non-inferiority rule in {np.mean(promoted):.1%}")
