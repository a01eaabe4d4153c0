# --8<-- [start:solve]
import numpy as np
from scipy import stats
from statsmodels.stats.power import TTestIndPower

# Two-sample t-test, effect size d = 0.5 (Cohen's d), alpha = 0.05, power 0.8
d, alpha, target = 0.5, 0.05, 0.8
z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(target)
n_formula = 2 * (z_a + z_b) ** 2 / d**2
n_solver = TTestIndPower().solve_power(effect_size=d, alpha=alpha, power=target)
print(f"n per group: normal formula {n_formula:.1f}, statsmodels {n_solver:.1f}")


def power_exact(n, d, alpha=0.05):
    """Power of the two-sided two-sample t-test from the noncentral t distribution."""
    df, nc = 2 * n - 2, d * np.sqrt(n / 2)
    t_crit = stats.t.ppf(1 - alpha / 2, df)
    return stats.nct.sf(t_crit, df, nc) + stats.nct.cdf(-t_crit, df, nc)


rng = np.random.default_rng(0)
print("n per group  formula  noncentral t  statsmodels  simulated")
for n in [20, 40, 64, 100]:
    approx = stats.norm.cdf(d * np.sqrt(n / 2) - z_a)
    sm = TTestIndPower().power(effect_size=d, nobs1=n, alpha=alpha)
    a, b = rng.normal(size=(2, 20_000, n))
    sim = np.mean(stats.ttest_ind(a + d, b, axis=1).pvalue < alpha)
    print(f"{n:>11} {approx:>8.3f} {power_exact(n, d):>13.3f} {sm:>12.3f} {sim:>10.3f}")
print(
    f"noncentral t matches statsmodels: "
    f"{np.allclose(power_exact(64, d), TTestIndPower().power(d, 64, alpha))}"
)
# --8<-- [end:solve]

# --8<-- [start:exaggeration]
import numpy as np
from scipy import stats
from statsmodels.stats.power import TTestIndPower

d, alpha = 0.5, 0.05
# Underpowered studies exaggerate: the estimated effect among significant results
rng = np.random.default_rng(1)
for n in [20, 64, 200]:
    a, b = rng.normal(size=(2, 20_000, n))
    a += d
    res = stats.ttest_ind(a, b, axis=1)
    est = (a.mean(axis=1) - b.mean(axis=1)) / np.sqrt(
        (a.var(axis=1, ddof=1) + b.var(axis=1, ddof=1)) / 2
    )
    sig = res.pvalue < alpha
    print(
        f"n = {n:>3}: power {sig.mean():.3f}, mean estimated d when significant "
        f"{est[sig].mean():.3f} (true {d})"
    )

# "Observed power" after the fact is just the p-value in other units
n = 64
d_obs = stats.t.ppf(1 - alpha / 2, 2 * n - 2) * np.sqrt(2 / n)
print(
    f"a result with p exactly 0.05 has observed power "
    f"{TTestIndPower().power(d_obs, n, alpha):.3f}"
)
# --8<-- [end:exaggeration]
