# --8<-- [start:rank]
import numpy as np
from scipy import stats

rng = np.random.default_rng(0)

# covariance carries units, correlation does not
height_m = rng.normal(1.7, 0.1, 200)
weight = 60 * height_m + rng.normal(0, 6, 200)
cov_m = np.cov(height_m, weight)[0, 1]
cov_cm = np.cov(100 * height_m, weight)[0, 1]
r_m, r_cm = (
    stats.pearsonr(height_m, weight)[0],
    stats.pearsonr(100 * height_m, weight)[0],
)
print(f"covariance in m {cov_m:.3f}, in cm {cov_cm:.1f}; r {r_m:.3f} and {r_cm:.3f}")

# a monotonic but non-linear relation
x = rng.uniform(0, 5, 200)
y = np.exp(x) * rng.lognormal(0, 0.1, 200)
pearson, spearman = stats.pearsonr(x, y)[0], stats.spearmanr(x, y)[0]
kendall = stats.kendalltau(x, y)[0]
print(f"y = exp(x) * noise: Pearson {pearson:.3f}, Spearman {spearman:.3f}, ", end="")
print(f"Kendall {kendall:.3f}")
# Spearman is Pearson's r computed on the ranks
on_ranks = stats.pearsonr(stats.rankdata(x), stats.rankdata(y))[0]
print(f"Pearson on ranks = Spearman: {np.isclose(on_ranks, spearman)}")

# one outlier among 30 points
x = rng.normal(0, 1, 30)
y = x + rng.normal(0, 0.5, 30)
x_out, y_out = np.append(x, 6.0), np.append(y, -6.0)
for name, a, b in [("30 points", x, y), ("plus one at (6, -6)", x_out, y_out)]:
    r, rho = stats.pearsonr(a, b)[0], stats.spearmanr(a, b)[0]
    tau = stats.kendalltau(a, b)[0]
    print(f"{name:20} Pearson {r:+.3f}  Spearman {rho:+.3f}  Kendall {tau:+.3f}")
# --8<-- [end:rank]

# --8<-- [start:dependence]
import numpy as np
from scipy import stats
from sklearn.feature_selection import mutual_info_regression

rng = np.random.default_rng(1)


def distance_correlation(x, y):
    """Szekely, Rizzo and Bakirov (2007): 0 if and only if x and y are independent."""

    def centred(v):
        d = np.abs(v[:, None] - v[None, :])
        return d - d.mean(axis=0) - d.mean(axis=1)[:, None] + d.mean()

    A, B = centred(x), centred(y)
    return np.sqrt((A * B).mean() / np.sqrt((A * A).mean() * (B * B).mean()))


x = rng.uniform(-1, 1, 1000)
pairs = {
    "y = x^2 + noise": x**2 + rng.normal(0, 0.05, 1000),
    "y independent of x": rng.uniform(-1, 1, 1000),
}
print(f"{'n = 1000':20}{'Pearson':>8}{'Spearman':>9}{'dCor':>6}{'MI (nats)':>10}")
for name, y in pairs.items():
    mi = mutual_info_regression(x[:, None], y, random_state=0)[0]
    print(
        f"{name:20}{stats.pearsonr(x, y)[0]:+8.3f}{stats.spearmanr(x, y)[0]:+9.3f}"
        f"{distance_correlation(x, y):6.3f}{mi:10.3f}"
    )

# Anscombe's quartet (Anscombe 1973): same r, four different pictures
x123 = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
quartet = {
    "I (linear)": (
        x123,
        [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68],
    ),
    "II (curve)": (
        x123,
        [9.14, 8.14, 8.74, 8.77, 9.26, 8.1, 6.13, 3.1, 9.13, 7.26, 4.74],
    ),
    "III (outlier)": (
        x123,
        [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73],
    ),
    "IV (one x differs)": (
        [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8],
        [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.5, 5.56, 7.91, 6.89],
    ),
}
for name, (a, b) in quartet.items():
    slope, intercept = np.polyfit(a, b, 1)
    r, rho = stats.pearsonr(a, b)[0], stats.spearmanr(a, b)[0]
    print(
        f"Anscombe {name:19} r {r:.3f}  fit y = {intercept:.2f} + {slope:.3f} x  "
        f"Spearman {rho:.3f}"
    )

# restriction of range: the same relation, seen only among the top 10% of x
x = rng.normal(size=100_000)
y = 0.7 * x + np.sqrt(1 - 0.7**2) * rng.normal(size=100_000)
top = x > np.quantile(x, 0.9)
print(
    f"restriction of range: r = {stats.pearsonr(x, y)[0]:.3f} overall, "
    f"{stats.pearsonr(x[top], y[top])[0]:.3f} in the top 10% of x"
)
# --8<-- [end:dependence]

# --8<-- [start:trends]
import numpy as np

rng = np.random.default_rng(2)
# 1,000 pairs of independent random walks, 500 steps each
steps = rng.normal(size=(2, 1000, 500))
walks = steps.cumsum(axis=2)


def row_corr(a, b):
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


print(f"{'1,000 pairs':22}{'share |r| > 0.5':>16}{'p < 0.05':>10}{'median |r|':>12}")
for name, (a, b) in [("levels (random walks)", walks), ("differences (steps)", steps)]:
    r = row_corr(a, b)
    # the usual test, which assumes 500 independent points: |r| > 1.96 / sqrt(n)
    naive = np.mean(np.abs(r) > 1.96 / np.sqrt(500))
    print(
        f"{name:22}{np.mean(np.abs(r) > 0.5):16.3f}{naive:10.3f}"
        f"{np.median(np.abs(r)):12.3f}"
    )
# --8<-- [end:trends]

# --8<-- [start:inference]
import numpy as np
from scipy import stats

rng = np.random.default_rng(3)
cov = [[1, 0.6], [0.6, 1]]
x, y = rng.multivariate_normal([0, 0], cov, size=40).T
res = stats.pearsonr(x, y)
# Fisher's z: atanh(r) is close to normal with standard error 1 / sqrt(n - 3)
z, se, q = np.arctanh(res.statistic), 1 / np.sqrt(len(x) - 3), stats.norm.ppf(0.975)
low, high = np.tanh(z - q * se), np.tanh(z + q * se)
ci = res.confidence_interval()
print(f"n = 40: r = {res.statistic:.3f}, p = {res.pvalue:.1e}, ", end="")
print(f"95% CI [{low:.3f}, {high:.3f}]")
print(f"matches pearsonr(...).confidence_interval(): {np.allclose([low, high], ci)}")

# coverage at rho = 0.8, n = 15: Fisher's interval and a naive r +- 1.96 se(r)
draws = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=(10_000, 15))
a = draws[..., 0] - draws[..., 0].mean(axis=1, keepdims=True)
b = draws[..., 1] - draws[..., 1].mean(axis=1, keepdims=True)
r = (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
half = q / np.sqrt(15 - 3)
low, high = np.tanh(np.arctanh(r) - half), np.tanh(np.arctanh(r) + half)
fisher = np.mean((low <= 0.8) & (high >= 0.8))
naive = np.mean(np.abs(r - 0.8) <= q * (1 - r**2) / np.sqrt(15))
print(f"coverage at rho = 0.8, n = 15: Fisher z {fisher:.3f}, naive {naive:.3f}")

# a reference method and a new device that reads 10% high, measured on 100 patients
truth = rng.normal(120, 15, 100)
reference = truth + rng.normal(0, 3, 100)
device = 1.1 * truth + rng.normal(0, 3, 100)
diff = device - reference
bias, sd = diff.mean(), diff.std(ddof=1)
print(f"Pearson r = {stats.pearsonr(reference, device)[0]:.3f}")
print(f"Bland-Altman: mean difference {bias:+.1f}, 95% limits of agreement ", end="")
print(f"[{bias - 1.96 * sd:+.1f}, {bias + 1.96 * sd:+.1f}]")
# the difference grows with the level: a proportional bias, hidden by r
slope = stats.linregress((device + reference) / 2, diff).slope
print(f"slope of difference on mean: {slope:.3f}")
# --8<-- [end:inference]
