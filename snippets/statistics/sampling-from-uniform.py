import math

import numpy as np
from scipy import stats

# Every sampler below turns draws of U ~ Uniform[0, 1) into the target distribution;
# each is checked with a KS test against the target's CDF and its first two moments.
rng = np.random.default_rng(0)
n = 100_000


def uniform(size):
    return rng.random(size)


def exponential(lam, size):
    """Inverse transform: F(x) = 1 - exp(-lam x), so X = -ln(1 - U) / lam."""
    return -np.log1p(-uniform(size)) / lam


def box_muller(size):
    """Two uniforms -> a uniform angle and a radius with R^2 ~ Exp(1/2)."""
    r = np.sqrt(-2 * np.log1p(-uniform(size // 2)))
    theta = 2 * np.pi * uniform(size // 2)
    return np.concatenate([r * np.cos(theta), r * np.sin(theta)])


def sum_of_12(size):
    """Irwin-Hall: mean 6 and variance 12 / 12 = 1, but |X| <= 6 always."""
    return uniform((size, 12)).sum(axis=1) - 6


def beta_by_rejection(a, b, size):
    """Uniform envelope g = 1 on [0, 1], M = max f (at the mode); accept x if
    U * M <= f(x). Proposes a fixed batch and keeps the first `size` accepted."""
    target = stats.beta(a, b)
    m = target.pdf((a - 1) / (a + b - 2))
    x = uniform(int(1.2 * m * size))
    accepted = uniform(x.size) * m <= target.pdf(x)
    return x[accepted][:size], accepted.mean(), 1 / m


def irwin_hall_cdf(x):
    """CDF of (sum of 12 uniforms) - 6: P(S <= s) = sum_k (-1)^k C(12, k)
    (s - k)_+^12 / 12!, evaluated at s = 6 - |x| <= 6 and mirrored."""
    k = np.arange(7)
    coef = (-1.0) ** k * np.array([math.comb(12, i) for i in k]) / math.factorial(12)
    s = np.clip(6 - np.abs(np.asarray(x))[..., None] - k, 0, None)
    lower = (coef * s**12).sum(axis=-1)
    return np.where(np.asarray(x) < 0, lower, 1 - lower)


def report(name, x, target, cdf=None):
    ks = stats.kstest(x, cdf or target.cdf)
    print(
        f"{name:<30}{x.mean():7.3f}{target.mean():7.3f}{x.var():7.3f}"
        f"{target.var():7.3f}{ks.statistic:7.3f}{ks.pvalue:8.3f}"
    )


print(f"{n:,} draws per sampler, KS test against the target CDF")
print(
    f"{'sampler':<30}{'mean':>7}{'target':>7}{'var':>7}{'target':>7}{'KS D':>7}{'p':>8}"
)
report("(1) Exp(2) by inverse CDF", exponential(2.0, n), stats.expon(scale=0.5))
z = box_muller(n)
report("(2) N(0,1) by Box-Muller", z, stats.norm())
report("    N(0,1) by NumPy (ziggurat)", rng.standard_normal(n), stats.norm())
s12 = sum_of_12(n)
report("(3) N(0,1) by sum of 12 U - 6", s12, stats.norm())
irwin_hall = stats.irwinhall(12, loc=-6)
report("    same draws vs Irwin-Hall", s12, irwin_hall, irwin_hall_cdf)
beta, rate, one_over_m = beta_by_rejection(2, 5, n)
report("(4) Beta(2,5) by rejection", beta, stats.beta(2, 5))

# (5) correlated normal: x = mu + L z with L L^T = Sigma (Cholesky), z from Box-Muller
mu, sigma = np.array([1.0, -2.0]), np.array([[2.0, 1.2], [1.2, 1.0]])
chol = np.linalg.cholesky(sigma)
x = mu + z.reshape(2, -1).T @ chol.T
report("(5) x1 of N(mu, S) by Cholesky", x[:, 0], stats.norm(1.0, np.sqrt(2.0)))
# the joint shape: the squared Mahalanobis distance of N(mu, S) is chi2 with 2 df
d2 = (np.linalg.solve(chol, (x - mu).T) ** 2).sum(axis=0)
report("    Mahalanobis d^2 vs chi2(2)", d2, stats.chi2(2))

pair_corr = np.corrcoef(z.reshape(2, -1))[0, 1]
print(f"\nBox-Muller: corr(R cos, R sin) over the pairs = {pair_corr:.3f}")
print(f"rejection: measured acceptance {rate:.3f}, 1/M = {one_over_m:.3f}")
cov = np.cov(x.T)
print(f"Cholesky: var, cov, var = {cov[0, 0]:.3f}, {cov[0, 1]:.3f}, {cov[1, 1]:.3f}")
print("          Sigma      =  2,     1.2,   1")

# tails: 100,000 draws put only about 6 normal draws beyond 4 sigma, so count over
# 1,000,000 draws (in chunks) and compare with the exact tail probabilities
big = 1_000_000
bm = np.concatenate([box_muller(n) for _ in range(big // n)])
s12 = np.concatenate([sum_of_12(n) for _ in range(big // n)])
print(f"\nP(|x| > t): measured on {big:,} draws, and exact")
print(f"{'t':>3}{'Box-Muller':>12}{'sum of 12':>12}{'normal':>12}{'sum of 12':>12}")
for t in [3, 4, 5, 6]:
    print(
        f"{t:3d}{(np.abs(bm) > t).mean():12.2e}{(np.abs(s12) > t).mean():12.2e}"
        f"{2 * stats.norm.sf(t):12.2e}{2 * irwin_hall_cdf(-t):12.2e}"
    )
grid = np.linspace(-6, 6, 12_001)
# the from-scratch CDF agrees with SciPy's (slow) irwinhall on a coarse grid
assert np.allclose(irwin_hall_cdf(grid[::100]), irwin_hall.cdf(grid[::100]))
gap = np.abs(irwin_hall_cdf(grid) - stats.norm.cdf(grid))
print(
    f"max |CDF gap| sum of 12 vs normal: {gap.max():.4f} at |x| = "
    f"{abs(grid[gap.argmax()]):.2f}\nKS critical D (5%) at n = {n:,}: "
    f"{stats.kstwo.ppf(0.95, n):.4f}"
)

# rejection in d dimensions: target N(0, I_d), envelope N(0, 1.1^2 I_d), M = 1.1^d;
# accept with probability f / (M g) = exp(-|x|^2 (1 - 1 / 1.1^2) / 2)
print(f"\nrejection, N(0, I_d) from N(0, 1.1^2 I_d): accepted of {n:,} proposals")
for d in [1, 10, 100, 1000]:
    r2 = (rng.normal(0, 1.1, (n, d)) ** 2).sum(axis=1) if d <= 100 else None
    accepted = (
        "-" if r2 is None else (uniform(n) <= np.exp(-r2 * 0.5 * (1 - 1.1**-2))).sum()
    )
    print(f"  d = {d:<5} accepted {accepted:>6}, expected n/M = {n * 1.1**-d:.3g}")
