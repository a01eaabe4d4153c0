import warnings

import numpy as np
from scipy import integrate, optimize, stats
from scipy.spatial.distance import cdist

# anderson_ksamp interpolates its p-value from a table and warns when it is capped at
# 0.25 or floored at 0.001; both are far from the 0.05 used here
warnings.filterwarnings("ignore", message="p-value (capped|floored)")
# on heavily tied data ks_2samp's exact p-value sometimes fails and it falls back to
# the asymptotic one with a warning
warnings.filterwarnings("ignore", message="ks_2samp: Exact calculation unsuccessful")

rng = np.random.default_rng(0)
N_PER_SAMPLE, REPS, ALPHA = 200, 2000, 0.05
reference = stats.Normal()
StudentT = stats.make_distribution(stats.t)


def shifted(mu):
    return stats.Normal(mu=mu, sigma=1.0)


def scaled(sigma):
    return stats.Normal(mu=0.0, sigma=sigma)


def heavy_tailed(df):
    # Student t rescaled to variance 1: same mean, median and variance as N(0, 1)
    return StudentT(df=df) * np.sqrt((df - 2) / df)


def bimodal(a):
    # two bumps at -a and +a: mean 0, median 0, variance a^2 + (1 - a^2) = 1
    bump = np.sqrt(1 - a**2)
    return stats.Mixture(
        [stats.Normal(mu=-a, sigma=bump), stats.Normal(mu=a, sigma=bump)],
        weights=[0.5, 0.5],
    )


def hellinger_sq(dist):
    # H^2 = 1 - integral of sqrt(p q): the yardstick that matches the difficulty
    def root_of_product(x):
        return np.sqrt(reference.pdf(x) * dist.pdf(x))

    return 1 - integrate.quad(root_of_product, -np.inf, np.inf, limit=200)[0]


# Every alternative is as far from N(0, 1) in Hellinger distance as a 0.4 sd shift
target = hellinger_sq(shifted(0.4))
alternatives = {"shift: N(mu, 1)": (shifted, 0.4)}
for name, family, bracket in [
    ("scale: N(0, sigma^2)", scaled, (1.01, 3.0)),
    ("tails: t(df), var 1", heavy_tailed, (2.2, 100.0)),
    ("bimodal: +-a, var 1", bimodal, (0.3, 0.99)),
]:
    param = optimize.brentq(
        lambda p, family=family: hellinger_sq(family(p)) - target, *bracket, xtol=1e-8
    )
    alternatives[name] = (family, param)

grid = np.linspace(-10, 10, 20001)
print(f"n = {N_PER_SAMPLE} per sample, {REPS:,} data sets per row, x ~ N(0, 1)")
print(f"every alternative at Hellinger H^2 = {target:.4f} from N(0, 1)")
print("share of p <= 0.05     param  max|F-G|  Welch t     MW     KS    CvM     AD")
rows = [("same: N(0, 1)", None, None)] + [
    (name, family, param) for name, (family, param) in alternatives.items()
]
for name, family, param in rows:
    y_dist = reference if family is None else family(param)
    x = reference.sample((REPS, N_PER_SAMPLE), rng=rng)
    y = y_dist.sample((REPS, N_PER_SAMPLE), rng=rng)
    p_values = {
        "Welch t": stats.ttest_ind(x, y, axis=1, equal_var=False).pvalue,
        "MW": stats.mannwhitneyu(x, y, axis=1).pvalue,
        "KS": stats.ks_2samp(x, y, axis=1).pvalue,
        "CvM": stats.cramervonmises_2samp(x, y, axis=1).pvalue,
        "AD": np.array(
            [
                stats.anderson_ksamp([a, b], variant="midrank").pvalue
                for a, b in zip(x, y)
            ]
        ),
    }
    gap = np.abs(reference.cdf(grid) - y_dist.cdf(grid)).max()
    shown = "-" if param is None else f"{param:.3f}"
    rates = "".join(f"{np.mean(p <= ALPHA):7.3f}" for p in p_values.values())
    print(f"{name:<21}{shown:>6}{gap:10.3f} {rates}")

# Ties: ratings 1-5. The permutation null of KS, drawn as multivariate hypergeometric
# counts: shuffling the pooled labels only changes how many of each rating x receives
N_PERM, TIE_REPS = 999, 1000
print(f"\nratings 1-5, {TIE_REPS:,} data sets per row, {N_PERM} shuffles for KS perm.")
print("share of p <= 0.05     ks_2samp  KS perm.  AD midrank  AD right     MW")
probs_x = np.array([0.10, 0.15, 0.30, 0.30, 0.15])
for name, probs_y in [
    ("same distribution", probs_x),
    ("5% move from 4 to 5", probs_x + [0, 0, 0, -0.05, 0.05]),
]:
    rejections = np.zeros(5)
    for _ in range(TIE_REPS):
        x = rng.choice(np.arange(1, 6), N_PER_SAMPLE, p=probs_x)
        y = rng.choice(np.arange(1, 6), N_PER_SAMPLE, p=probs_y)
        pooled = np.bincount(np.r_[x, y], minlength=6)[1:]
        x_counts = rng.multivariate_hypergeometric(pooled, N_PER_SAMPLE, size=N_PERM)
        x_counts = np.vstack([np.bincount(x, minlength=6)[1:], x_counts])
        # with equal sample sizes, n * D is an integer: compare exactly
        gaps = np.abs(2 * x_counts.cumsum(axis=1) - pooled.cumsum()).max(axis=1)
        p_values = [
            stats.ks_2samp(x, y).pvalue,
            np.mean(gaps >= gaps[0]),
            stats.anderson_ksamp([x, y], variant="midrank").pvalue,
            stats.anderson_ksamp([x, y], variant="right").pvalue,
            stats.mannwhitneyu(x, y).pvalue,
        ]
        rejections += np.array(p_values) <= ALPHA
    widths = [9, 10, 12, 10, 7]
    rates = "".join(f"{r:>{w}.3f}" for r, w in zip(rejections / TIE_REPS, widths))
    print(f"{name:<21}{rates}")


# 2-D: the same N(0, 1) marginals, correlation 0 in x and 0.6 in y
def correlated(rho, size):
    z = rng.normal(size=(size, 2))
    return np.column_stack([z[:, 0], rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]])


def energy_from_distances(dist, ix, iy):
    # 2 E|X - Y| - E|X - X'| - E|Y - Y'| (V-statistic)
    return (
        2 * dist[np.ix_(ix, iy)].mean()
        - dist[np.ix_(ix, ix)].mean()
        - dist[np.ix_(iy, iy)].mean()
    )


def split_weights(n, n_perm):
    # column 0: the observed split (1/n on x, -1/n on y); the others: shuffles
    observed = np.r_[np.full(n, 1 / n), np.full(n, -1 / n)]
    weights = np.tile(observed[:, None], (1, n_perm + 1))
    weights[:, 1:] = rng.permuted(weights[:, 1:], axis=0)
    return weights


def mmd_squared(kernel, weights):
    # V-statistic MMD^2 = w'Kw for each column w; K = -distance gives energy distance
    return np.einsum("ib,ib->b", weights, kernel @ weights)


def two_d_p_values(x, y, n_perm=199):
    pooled = np.vstack([x, y])
    dist = cdist(pooled, pooled)
    bandwidth = np.median(dist[np.triu_indices(len(pooled), 1)])
    rbf = np.exp(-(dist**2) / (2 * bandwidth**2))
    weights = split_weights(len(x), n_perm)
    p_values = {
        "KS x2 (Bonf.)": min(
            1.0, 2 * min(stats.ks_2samp(x[:, j], y[:, j]).pvalue for j in range(2))
        )
    }
    for name, kernel in [("energy", -dist), ("MMD", rbf)]:
        statistic = mmd_squared(kernel, weights)
        p_values[name] = np.mean(statistic >= statistic[0])
    return p_values


n = N_PER_SAMPLE
x, y = correlated(0.0, n), correlated(0.6, n)
pooled = np.vstack([x, y])
dist = cdist(pooled, pooled)
ix, iy = np.arange(n), np.arange(n, 2 * n)
one = stats.permutation_test(
    (ix, iy),
    lambda a, b: energy_from_distances(dist, a, b),
    n_resamples=999,
    alternative="greater",
    rng=rng,
)
as_mmd = mmd_squared(-dist, split_weights(n, 0))[0]
one_d = cdist(pooled[:, :1], pooled[:, :1])
scipy_1d = stats.energy_distance(x[:, 0], y[:, 0]) ** 2
print("\n2-D: N(0, 1) marginals in both; correlation 0 in x, 0.6 in y")
print(
    f"energy statistic as MMD^2 with K = -distance: {np.isclose(as_mmd, one.statistic)}"
)
print(
    "1-D energy statistic equals scipy energy_distance^2: "
    f"{np.isclose(energy_from_distances(one_d, ix, iy), scipy_1d)}"
)
shown = ", ".join(f"{k} {p:.3f}" for k, p in two_d_p_values(x, y).items())
print(f"one data set, p: {shown}")
print(
    f"the same data set, energy with scipy.stats.permutation_test: p = {one.pvalue:.3f}"
)
print("share of p <= 0.05, 200 data sets, 199 shuffles   KS x2 (Bonf.)  energy    MMD")
for name, rho_y in [("correlation 0 in both", 0.0), ("correlation 0 vs 0.6", 0.6)]:
    rejections = np.zeros(3)
    for _ in range(200):
        p_values = two_d_p_values(correlated(0.0, n), correlated(rho_y, n))
        rejections += np.array(list(p_values.values())) <= ALPHA
    rates = "".join(f"{r:>{w}.3f}" for r, w in zip(rejections / 200, [17, 8, 7]))
    print(f"{name:<32}{rates}")
