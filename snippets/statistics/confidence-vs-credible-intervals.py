# --8<-- [start:coverage]
import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
# What "95%" means: over repeated samples, 95% of the intervals contain mu
mu, sd, n, reps = 10.0, 2.0, 15, 100_000
x = rng.normal(mu, sd, size=(reps, n))
m, se = x.mean(axis=1), x.std(axis=1, ddof=1) / np.sqrt(n)
half = stats.t.ppf(0.975, n - 1) * se
print(
    f"t-interval, n=15: {np.mean(np.abs(m - mu) <= half):.3f} of "
    f"{reps:,} intervals contain mu"
)
print(
    f"first interval [{m[0] - half[0]:.2f}, {m[0] + half[0]:.2f}] "
    f"contains mu: {abs(m[0] - mu) <= half[0]}"
)
# --8<-- [end:coverage]

# --8<-- [start:binomial]
import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

rng = np.random.default_rng(1)
# A rare event: n = 30 trials, true rate p = 0.05. Coverage of four 95% intervals
n, p = 30, 0.05
k = np.arange(n + 1)
pmf = stats.binom.pmf(k, n, p)
draws = rng.binomial(n, p, size=100_000)
grid = np.linspace(0.01, 0.99, 99)
pmf_grid = stats.binom.pmf(k[None, :], n, grid[:, None])
print("method              at p=0.05: exact  simulated   mean over p in [0.01, 0.99]")
for method, label in [
    ("normal", "Wald (normal)"),
    ("wilson", "Wilson"),
    ("beta", "Clopper-Pearson"),
    ("jeffreys", "Jeffreys (Bayes)"),
]:
    lo, hi = proportion_confint(k, n, alpha=0.05, method=method)
    inside = (lo <= p) & (p <= hi)
    inside_grid = (lo[None, :] <= grid[:, None]) & (grid[:, None] <= hi[None, :])
    mean_cov = (pmf_grid * inside_grid).sum(axis=1).mean()
    print(
        f"{label:<19} {pmf[inside].sum():>16.3f} {inside[draws].mean():>10.3f} "
        f"{mean_cov:>29.3f}"
    )

# Jeffreys = the central 95% credible interval under a Beta(1/2, 1/2) prior
lo, hi = proportion_confint(k, n, alpha=0.05, method="jeffreys")
post = stats.beta(k + 0.5, n - k + 0.5)
print(
    f"Jeffreys matches Beta posterior quantiles: "
    f"{np.allclose(lo, post.ppf(0.025)) and np.allclose(hi, post.ppf(0.975))}"
)
# --8<-- [end:binomial]

# --8<-- [start:prior]
import numpy as np
from scipy import stats

rng = np.random.default_rng(2)
# A credible interval is calibrated over the prior, not for each fixed p.
# Prior Beta(2, 38) (mean 0.05); data x ~ Binomial(30, p)
a, b, n, reps = 2, 38, 30, 100_000
k = np.arange(n + 1)
p_true = rng.beta(a, b, size=reps)
x = rng.binomial(n, p_true)
lo, hi = stats.beta.ppf([[0.025], [0.975]], a + x, b + n - x)
print(
    f"p drawn from the prior: credible interval contains p "
    f"{np.mean((lo <= p_true) & (p_true <= hi)):.3f}"
)
for p in [0.05, 0.15, 0.30]:
    lo, hi = stats.beta.ppf([[0.025], [0.975]], a + k, b + n - k)
    inside = (lo <= p) & (p <= hi)
    print(
        f"p fixed at {p:.2f}:        credible interval contains p "
        f"{stats.binom.pmf(k, n, p)[inside].sum():.3f}"
    )
# --8<-- [end:prior]
