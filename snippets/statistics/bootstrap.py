# --8<-- [start:scratch]
import numpy as np
from scipy import stats


def bootstrap_ci(x, stat, n_resamples, rng, level=0.95):
    """Percentile and BCa intervals (Efron 1987), vectorised over resamples."""
    n = len(x)
    theta_hat = stat(x)
    theta_b = stat(x[rng.integers(0, n, (n_resamples, n))], axis=-1)
    alpha = (1 - level) / 2
    percentile = np.quantile(theta_b, [alpha, 1 - alpha])
    # bias correction z0: how far the bootstrap median sits from theta_hat
    share_below = np.sum(theta_b < theta_hat) + np.sum(theta_b <= theta_hat)
    z0 = stats.norm.ppf(share_below / (2 * n_resamples))
    # acceleration a: skewness of the jackknife (leave-one-out) estimates
    jack = stat(np.tile(x, (n, 1))[~np.eye(n, dtype=bool)].reshape(n, n - 1), axis=-1)
    u = jack.mean() - jack
    a = np.sum(u**3) / (6 * np.sum(u**2) ** 1.5)
    z = stats.norm.ppf([alpha, 1 - alpha])
    adjusted = stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    bca = np.quantile(theta_b, adjusted)
    return percentile, bca


rng = np.random.default_rng(0)
x = rng.lognormal(0, 1, size=25)
perc, bca = bootstrap_ci(x, np.mean, 2000, np.random.default_rng(1))
for method, mine in [("percentile", perc), ("BCa", bca)]:
    ref = stats.bootstrap(
        (x,), np.mean, n_resamples=2000, method=method, rng=np.random.default_rng(1)
    ).confidence_interval
    print(
        f"{method:<10} [{mine[0]:.3f}, {mine[1]:.3f}]  "
        f"matches scipy.stats.bootstrap: {np.allclose(mine, [ref.low, ref.high])}"
    )
# --8<-- [end:scratch]

# --8<-- [start:coverage]
import numpy as np
from scipy import stats

# Coverage of 95% intervals for the variance of normal data (true variance 1):
# 1,000 datasets per n, bootstrapped all at once by scipy (1,000 resamples each),
# against the exact chi-square interval
rng = np.random.default_rng(2)


def var(a, axis=-1):
    return np.var(a, axis=axis, ddof=1)


print("n    percentile  BCa    exact chi-square")
for n in [10, 30, 100]:
    x = rng.normal(size=(1000, n))
    bca = stats.bootstrap((x,), var, n_resamples=1000, batch=100, axis=-1, rng=rng)
    # the same bootstrap distribution, read with the percentile method
    perc = stats.bootstrap(
        (x,),
        var,
        n_resamples=0,
        bootstrap_result=bca,
        axis=-1,
        method="percentile",
        rng=rng,
    )
    exact = (n - 1) * var(x)[:, None] / stats.chi2.ppf([0.975, 0.025], n - 1)
    cover = [
        np.mean((r.confidence_interval.low <= 1) & (r.confidence_interval.high >= 1))
        for r in (perc, bca)
    ]
    cover.append(np.mean((exact[:, 0] <= 1) & (exact[:, 1] >= 1)))
    print(f"{n:<4} {cover[0]:>10.3f} {cover[1]:>6.3f} {cover[2]:>8.3f}")
# --8<-- [end:coverage]

# --8<-- [start:maximum]
import numpy as np

# Where the bootstrap fails: the maximum of Uniform(0, theta), theta = 1, n = 50
rng = np.random.default_rng(3)
n, reps = 50, 2000
x = rng.uniform(0, 1, size=n)
boot_max = x[rng.integers(0, n, (10_000, n))].max(axis=1)
print(
    f"share of bootstrap maxima equal to the sample maximum: "
    f"{np.mean(boot_max == x.max()):.3f} (1 - (1 - 1/n)^n = {1 - (1 - 1 / n) ** n:.3f})"
)
hits = np.zeros(3)
for _ in range(reps):
    x = rng.uniform(0, 1, size=n)
    m = x.max()
    b = x[rng.integers(0, n, (1000, n))].max(axis=1)
    q_lo, q_hi = np.quantile(b, [0.025, 0.975])
    hits[0] += q_lo <= 1 <= q_hi
    hits[1] += 2 * m - q_hi <= 1 <= 2 * m - q_lo
    # exact interval from P(max <= t) = t^n: [m, m / 0.05^(1/n)]
    hits[2] += m <= 1 <= m / 0.05 ** (1 / n)
print(
    f"coverage for theta: percentile {hits[0] / reps:.3f}, "
    f"basic {hits[1] / reps:.3f}, exact pivot {hits[2] / reps:.3f}"
)
# --8<-- [end:maximum]
