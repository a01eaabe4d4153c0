import numpy as np
from scipy import stats

rng = np.random.default_rng(0)

# Binomial: clicks in 20 impressions, each a Bernoulli(0.1) trial
clicks = (rng.random((200_000, 20)) < 0.1).sum(axis=1)
b = stats.binom(20, 0.1)
print(
    f"binomial    mean {clicks.mean():.3f} var {clicks.var():.3f}  "
    f"theory {b.mean():.3f} {b.var():.3f}"
)

# Poisson: many independent rare chances (10,000 users, each 0.0003 per minute)
events = rng.binomial(10_000, 0.0003, size=200_000)
k = np.arange(15)
gap = np.abs(stats.binom.pmf(k, 10_000, 0.0003) - stats.poisson.pmf(k, 3)).max()
print(
    f"Poisson     mean {events.mean():.3f} var {events.var():.3f}  "
    f"theory 3.000 3.000 (largest pmf gap to binomial {gap:.1e})"
)

# Exponential: gaps between events of a Poisson process (rate 3 per unit time)
times = np.sort(rng.uniform(0, 100_000, size=300_000))
gaps = np.diff(times)
tail = gaps[gaps > 0.5] - 0.5
print(
    f"exponential mean gap {gaps.mean():.3f} (theory 1/3 = {1 / 3:.3f}); "
    f"memoryless: mean extra wait after 0.5 = {tail.mean():.3f}"
)

# Geometric: trials up to and including the first success, p = 0.2
first = rng.geometric(0.2, size=200_000)
more = first[first > 5] - 5
print(
    f"geometric   mean {first.mean():.3f} (theory 1/p = 5); "
    f"P(X > 8 | X > 5) = {np.mean(more > 3):.3f} vs P(X > 3) = {0.8**3:.3f}"
)

# Normal: a sum of many small independent effects (here 50 uniforms)
s = rng.uniform(-1, 1, size=(100_000, 50)).sum(axis=1)
print(
    f"normal      skew {stats.skew(s):+.3f} excess kurtosis {stats.kurtosis(s):+.3f}"
    f"  (theory 0, 0)"
)

# Log-normal: a product of many positive factors (50 growth rates of +-10%)
w = np.prod(rng.uniform(0.9, 1.1, size=(100_000, 50)), axis=1)
s2 = np.log(w).var()
theory = (np.exp(s2) + 2) * np.sqrt(np.exp(s2) - 1)
print(
    f"log-normal  skew {stats.skew(w):+.3f} (theory {theory:+.3f}), "
    f"skew of its log {stats.skew(np.log(w)):+.3f}"
)

# Heavy tails: share of the total held by the largest 1% of a sample of 100,000
for name, x in [
    ("normal |x|", np.abs(rng.normal(size=100_000))),
    ("exponential", rng.exponential(size=100_000)),
    ("log-normal s=1", rng.lognormal(0, 1, size=100_000)),
    ("Pareto a=1.16", rng.pareto(1.16, size=100_000) + 1),
]:
    top = np.sort(x)[-1000:].sum() / x.sum()
    print(f"top 1% share of the sum, {name:<15} {top:.3f}")
