import numpy as np
from scipy.stats import gaussian_kde
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity

# truth: two narrow modes far apart, 0.5 N(-2, 0.5^2) + 0.5 N(2, 0.5^2)
MEANS, SD = np.array([-2.0, 2.0]), 0.5
BANDWIDTHS = np.logspace(-1.5, 0, 16)
grid = np.linspace(-5, 5, 501)
dx = grid[1] - grid[0]
at_2 = np.argmin(np.abs(grid - 2.0))


def normal_pdf(x, mean, sd):
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


true_pdf = normal_pdf(grid[:, None], MEANS, SD).mean(axis=1)


def sample(rng, n):
    return rng.normal(rng.choice(MEANS, n), SD)


def log_kde(points, data, h):
    """Log of the Gaussian KDE, log(mean_i N(point; data_i, h^2)), computed stably."""
    a = -0.5 * ((points[:, None] - data[None, :]) / h) ** 2
    top = a.max(axis=1)
    log_mean = top + np.log(np.exp(a - top[:, None]).mean(axis=1))
    return log_mean - np.log(h * np.sqrt(2 * np.pi))


def cv_bandwidth(x):
    """Bandwidth with the largest 5-fold held-out log-likelihood."""
    folds = list(KFold(5).split(x))
    ll = [sum(log_kde(x[te], x[tr], h).sum() for tr, te in folds) for h in BANDWIDTHS]
    return BANDWIDTHS[np.argmax(ll)]


def n_modes(f):
    """Local maxima of a density evaluated on the grid."""
    return int(np.sum((f[1:-1] > f[:-2]) & (f[1:-1] > f[2:])))


def rules(x):
    n, sd = len(x), x.std(ddof=1)
    iqr = np.subtract(*np.percentile(x, [75, 25]))
    return {
        "Scott, sd n^-1/5": sd * n ** (-1 / 5),
        "Silverman, 1.06 sd n^-1/5": (4 / 3) ** (1 / 5) * sd * n ** (-1 / 5),
        "Silverman, 0.9 min(sd, IQR/1.34)": 0.9 * min(sd, iqr / 1.34) * n ** (-1 / 5),
    }


n, seeds = 500, 10
x = sample(np.random.default_rng(0), n)
search = GridSearchCV(KernelDensity(), {"bandwidth": BANDWIDTHS}, cv=5).fit(x[:, None])
print(
    f"CV bandwidth: GridSearchCV {search.best_params_['bandwidth']:.3f},"
    f" NumPy {cv_bandwidth(x):.3f}"
)
h_rule = rules(x)["Silverman, 1.06 sd n^-1/5"]
# SciPy's factor multiplies the data's standard deviation
h_scipy = gaussian_kde(x, bw_method="silverman").factor * x.std(ddof=1)
print(f"SciPy 'silverman' = 1.06 sd n^-1/5: {np.isclose(h_scipy, h_rule)}")
# scikit-learn's does not: it is the factor alone, meant for standardised data
h_sklearn = KernelDensity(bandwidth="silverman").fit(x[:, None]).bandwidth_
print(f"scikit-learn bandwidth='silverman': {h_sklearn:.3f} (the rule: {h_rule:.3f})")

names = [*rules(x), "5-fold CV likelihood", "too small, h = 0.04"]
stats = {name: [] for name in names}
for seed in range(seeds):
    rng = np.random.default_rng(seed)
    x, x_test = sample(rng, n), sample(rng, 1000)
    for name, h in zip(names, [*rules(x).values(), cv_bandwidth(x), 0.04]):
        f = np.exp(log_kde(grid, x, h))
        ise = np.sum((f - true_pdf) ** 2) * dx
        test_ll = log_kde(x_test, x, h).mean()
        stats[name].append([h, test_ll, ise, f[at_2], n_modes(f)])

print(
    f"n = {n}, mean of {seeds} samples; 2 true modes, true f(2) = {true_pdf[at_2]:.3f}"
)
print(f"{'bandwidth':<33}{'h':>6}{'test LL':>9}{'ISE':>8}{'f(2)':>7}  modes")
for name in names:
    s = np.array(stats[name])
    m = s.mean(axis=0)
    modes = s[:, 4].astype(int)
    print(
        f"{name:<33}{m[0]:6.3f}{m[1]:9.3f}{m[2]:8.4f}{m[3]:7.3f}"
        f"  {np.median(modes):.0f} ({modes.min()}-{modes.max()})"
    )
cv = np.array(stats["5-fold CV likelihood"])
by_rule = np.array([stats[name] for name in names[:3]])
wins = (cv[:, 1] > by_rule[:, :, 1].max(0)) & (cv[:, 2] < by_rule[:, :, 2].min(0))
print(f"CV beats all three rules on test LL and ISE in {wins.sum()} of {seeds} samples")

# boundary bias: Exponential(1) data, true f(0) = 1
at_0 = []
for seed in range(seeds):
    x = np.random.default_rng(seed).exponential(size=n)
    h = rules(x)["Silverman, 0.9 min(sd, IQR/1.34)"]
    at_0.append(np.exp(log_kde(np.zeros(1), x, h))[0])
# reflection, f(x) + f(-x) for x >= 0, puts back the mass smoothed below 0
print(
    f"Exponential(1), true f(0) = 1: KDE {np.mean(at_0):.3f},"
    f" reflected {2 * np.mean(at_0):.3f}"
)
