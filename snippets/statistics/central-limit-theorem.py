import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
reps = 10_000


def t_interval_misses(x, true_mean):
    """Share of 95% t-intervals (one per row of x) lying wholly below / above."""
    n = x.shape[1]
    m, se = x.mean(axis=1), x.std(axis=1, ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    return np.mean(m + half < true_mean), np.mean(m - half > true_mean)


print("distribution          n  coverage  interval below mu  above mu")
cases = [
    ("normal", lambda size: rng.normal(size=size), 0.0),
    ("exponential", lambda size: rng.exponential(size=size), 1.0),
    ("log-normal s=1.5", lambda size: rng.lognormal(0, 1.5, size=size), np.exp(1.125)),
    ("Pareto a=1.5", lambda size: rng.pareto(1.5, size=size) + 1, 3.0),
]
for name, draw, mu in cases:
    for n in [5, 30, 1000]:
        below, above = t_interval_misses(draw((reps, n)), mu)
        print(
            f"{name:<17} {n:>5} {1 - below - above:>9.3f} {below:>17.3f} {above:>9.3f}"
        )

# Cauchy: the mean of n draws is again standard Cauchy, so it never concentrates
print("spread (IQR) of the estimate over repeated samples of a Cauchy:")
for n in [10, 100, 1000]:
    x = rng.standard_cauchy((reps, n))
    mean_iqr = stats.iqr(x.mean(axis=1))
    median_iqr = stats.iqr(np.median(x, axis=1))
    print(f"  n = {n:>4}: sample mean {mean_iqr:.3f}, sample median {median_iqr:.3f}")
