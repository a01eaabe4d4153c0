import numpy as np
from scipy import stats


def kish_ess(w):
    """Kish's effective sample size (sum w)^2 / sum w^2, per row; 0 if all w = 0."""
    total, square = w.sum(axis=-1), (w**2).sum(axis=-1)
    return np.divide(total**2, square, out=np.zeros_like(total), where=square > 0)


def khat(log_w):
    """PSIS k-hat: generalised Pareto shape of the largest importance ratios,
    Zhang-Stephens estimate with PSIS's weak prior (Vehtari et al. 2024)."""
    tail = int(np.ceil(min(0.2 * len(log_w), 3 * np.sqrt(len(log_w)))))
    log_w = np.sort(log_w - log_w.max())
    x = np.exp(log_w[-tail:]) - np.exp(log_w[-tail - 1])
    grid = 30 + int(np.sqrt(tail))
    b = 1 - np.sqrt(grid / (np.arange(1, grid + 1) - 0.5))
    b = b / (3 * x[int(tail / 4 + 0.5) - 1]) + 1 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    log_lik = tail * (np.log(-b / k) - k - 1)
    post = np.exp(log_lik - log_lik.max())
    k = np.log1p(-(post @ b / post.sum()) * x).mean()
    return (tail * k + 10 * 0.5) / (tail + 10)


rng = np.random.default_rng(0)

# (1) A rare event: P(X > 4) for X ~ N(0, 1); n draws per estimate, 200 runs
t, n, runs = 4.0, 10_000, 200
exact = stats.norm.sf(t)
optimal = stats.truncnorm(t, np.inf)


def draw(q):
    """Draws from q and log w = log p - log q, p = N(0, 1)."""
    if q == "optimal":
        # q* = p f / P(X > t), N(0, 1) truncated to x > t: its density needs P itself
        x = stats.norm.isf(rng.random((runs, n)) * exact)
        return x, stats.norm.logpdf(x) - optimal.logpdf(x)
    mu, s = q
    x = rng.normal(mu, s, (runs, n))
    return x, -(x**2) / 2 + (x - mu) ** 2 / (2 * s**2) + np.log(s)


def theory(q):
    """Relative sd of one plain-IS estimate: sqrt((E_q[f w^2] / P^2 - 1) / n)."""
    if q == "optimal":
        return 0.0
    mu, s = q
    if s**2 < 0.5:
        # f p^2 / q grows like exp(x^2 (1 / (2 s^2) - 1)): E_q[f w^2] is infinite
        return np.inf
    # for q = N(mu, 1): E_q[f w^2] = exp(mu^2) P(Z > t + mu)
    assert s == 1.0
    second = np.exp(mu**2) * stats.norm.sf(t + mu)
    return np.sqrt((second / exact**2 - 1) / n)


print(f"P(X > 4) = {exact:.3e}; {n:,} draws per estimate, {runs} runs")
head = ["mean", "median", "max", "RMSE", "theory", "ESS w", "ESS f*w", "k-hat"]
print(f"{'estimate / exact':<24}" + "".join(f"{h:>8}" for h in head))
methods = [
    ("plain Monte Carlo", (0.0, 1.0), False),
    ("IS, q = N(4, 1)", (4.0, 1.0), False),
    ("self-normalised, same q", (4.0, 1.0), True),
    ("IS, q = N(4, 0.1^2)", (4.0, 0.1), False),
    ("IS, q* = p f / P", "optimal", False),
]
for name, q, self_normalised in methods:
    x, log_w = draw(q)
    w, f = np.exp(log_w), x > t
    est = (w * f).sum(axis=1) / (w.sum(axis=1) if self_normalised else n)
    ratio = est / exact
    rmse = np.sqrt(((ratio - 1) ** 2).mean())
    # k-hat of the terms the estimate averages: w if self-normalised, else f w;
    # undefined when every weight is the same (plain Monte Carlo, q*)
    if np.ptp(log_w) < 1e-6:
        k = "-"
    else:
        terms = log_w if self_normalised else np.where(f, log_w, -np.inf)
        k = f"{np.median([khat(row) for row in terms]):.2f}"
    print(
        f"{name:<24}{ratio.mean():8.3f}{np.median(ratio):8.3f}{ratio.max():8.3f}"
        f"{rmse:8.3f}{'-' if self_normalised else f'{theory(q):.3f}':>8}"
        f"{np.median(kish_ess(w)):8.0f}{np.median(kish_ess(w * f)):8.0f}{k:>8}"
    )

# (2) Weight degeneracy: target N(0, I_d), proposal N(0, s^2 I_d). In theory
# E_q[w^2] = (s^2 / sqrt(2 s^2 - 1))^d, so ESS -> n / E_q[w^2] shrinks
# geometrically with d; the normaliser Z = E_q[w] is 1 in every dimension.
n, runs, scales = 10_000, 10, [1.2, 0.8]
print(f"\nN(0, I_d) from N(0, s^2 I_d): {n:,} draws, median of {runs} runs")
print(f"{'':>5}" + "".join(f"{f's = {s}':>32}" for s in scales))
cols = ["ESS", "theory", "Z-hat", "k-hat"]
print(f"{'d':>5}" + 2 * "".join(f"{c:>8}" for c in cols))
for d in [1, 10, 30, 100, 300]:
    line = f"{d:5d}"
    for s in scales:
        results = []
        for _ in range(runs):
            square = (rng.normal(0, s, (n, d)) ** 2).sum(axis=1)
            log_w = -square / 2 + square / (2 * s**2) + d * np.log(s)
            w = np.exp(log_w)
            results.append([kish_ess(w), w.mean(), khat(log_w)])
        ess, z_hat, k = np.median(results, axis=0)
        second = (s**2 / np.sqrt(2 * s**2 - 1)) ** d
        line += f"{ess:8.0f}{n / second:8.0f}{z_hat:8.3f}{k:8.2f}"
    print(line)
# the true tail shape of w: for s < 1, log w = (1 - s^2) chi2_d / 2 + const, so
# P(w > u) falls like u^(-1 / (1 - s^2)): k = 1 - s^2 in every dimension
print(f"true k of w: 1 - s^2 = {1 - 0.8**2:.2f} at s = 0.8; at s = 1.2, w <= s^d")
