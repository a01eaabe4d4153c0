import numpy as np
from scipy.stats import norm
from sklearn.linear_model import (
    HuberRegressor,
    LinearRegression,
    QuantileRegressor,
    RANSACRegressor,
    TheilSenRegressor,
)

# True line y = 1 + 2x; n = 200 rows; 10% of the rows contaminated.
A, B, N, REPS = 1.0, 2.0, 200, 20
SCENARIOS = ["clean", "vertical", "bad leverage", "t(2) noise"]
# The "clean test": the noise-free line on the range where most x lie.
X_TEST = np.linspace(-2, 2, 401)[:, None]


def simulate(kind, rng):
    x = rng.normal(size=N)
    noise = rng.standard_t(2, N) if kind.startswith("t(") else rng.normal(size=N)
    y = A + B * x + noise
    k = N // 10
    bad = rng.choice(N, k, replace=False)
    if kind == "vertical":
        # Ordinary x, y shifted up by about 20.
        y[bad] += rng.normal(20, 2, k)
    elif kind == "bad leverage":
        # A cluster far out in x (near 6) whose y (near -5) is off the line.
        x[bad] = rng.normal(6, 0.5, k)
        y[bad] = rng.normal(-5, 1, k)
    return x[:, None], y, bad


def estimators(seed):
    return {
        "least squares": LinearRegression(),
        "Huber, eps 1.35": HuberRegressor(epsilon=1.35, alpha=0.0),
        "LAD (median)": QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs"),
        "Theil-Sen": TheilSenRegressor(max_subpopulation=2000, random_state=seed),
        "RANSAC, default": RANSACRegressor(random_state=seed),
        "RANSAC, thr 3": RANSACRegressor(residual_threshold=3.0, random_state=seed),
    }


def slope(model):
    return getattr(model, "estimator_", model).coef_[0]


errors = {}
for s, kind in enumerate(SCENARIOS):
    for rep in range(REPS):
        X, y, _ = simulate(kind, np.random.default_rng(100 * s + rep))
        for name, model in estimators(rep).items():
            model.fit(X, y)
            rmse = np.sqrt(
                np.mean((model.predict(X_TEST)[:, None] - A - B * X_TEST) ** 2)
            )
            errors.setdefault((name, kind), []).append((abs(slope(model) - B), rmse))

print(f"true line y = 1 + 2x, n = {N}, mean over {REPS} data sets per column")
print("|slope - 2| and RMSE against the noise-free line for x in [-2, 2]")
print(f"{'':16}" + "".join(f"{kind:>15}" for kind in SCENARIOS))
print(f"{'estimator':16}" + "   slope   RMSE" * len(SCENARIOS))
for name in estimators(0):
    cells = [np.mean(errors[(name, kind)], axis=0) for kind in SCENARIOS]
    print(f"{name:16}" + "".join(f"{e:8.3f}{r:7.3f}" for e, r in cells))

# Diagnostics on one bad-leverage data set: leverage, Cook's distance, masking.
X, y, bad = simulate("bad leverage", np.random.default_rng(7))
is_bad = np.zeros(N, bool)
is_bad[bad] = True
D = np.c_[np.ones(N), X]
beta = np.linalg.lstsq(D, y, rcond=None)[0]
hat = np.einsum("ij,ji->i", D, np.linalg.solve(D.T @ D, D.T))
resid = y - D @ beta
s2 = resid @ resid / (N - 2)
cook = resid**2 / (2 * s2) * hat / (1 - hat) ** 2
std_resid = resid / np.sqrt(s2 * (1 - hat))
drop_one = [
    np.linalg.lstsq(np.delete(D, i, 0), np.delete(y, i), rcond=None)[0][1]
    for i in range(N)
]
drop_all = np.linalg.lstsq(D[~is_bad], y[~is_bad], rcond=None)[0][1]
ts = TheilSenRegressor(max_subpopulation=2000, random_state=0).fit(X, y)
r_ts = y - ts.predict(X)
robust_z = r_ts / (1.4826 * np.median(np.abs(r_ts)))


def count(flag):
    n_bad = is_bad.sum()
    return f"bad {flag[is_bad].sum()}/{n_bad}, good {flag[~is_bad].sum()}/{N - n_bad}"


print()
print(f"one bad-leverage data set: least-squares slope {beta[1]:.3f}")
largest_change = np.max(np.abs(np.array(drop_one) - beta[1]))
print(f"largest slope change from deleting one point: {largest_change:.3f}")
print(f"slope after deleting all {is_bad.sum()} bad points: {drop_all:.3f}")
print("flagged by hat value > 2p/n:             ", count(hat > 4 / N))
print("flagged by |standardised residual| > 2.5:", count(np.abs(std_resid) > 2.5))
print("flagged by Cook's distance > 4/n:        ", count(cook > 4 / N))
print("flagged by Cook's distance > 1:          ", count(cook > 1))
print("flagged by Theil-Sen residual > 3 MADs:  ", count(np.abs(robust_z) > 3))


# Huber's 95%: efficiency at Gaussian errors of a threshold of k noise sd's.
def huber_efficiency(k):
    inside = 2 * norm.cdf(k) - 1
    e_psi2 = inside - 2 * k * norm.pdf(k) + 2 * k**2 * norm.sf(k)
    return inside**2 / e_psi2


rng = np.random.default_rng(1)
x = rng.normal(size=(20_000, 1))
y = A + B * x[:, 0] + rng.normal(size=20_000)
print()
print(
    f"Huber threshold 1.35 noise sd: Gaussian efficiency {huber_efficiency(1.35):.3f}"
)
print("HuberRegressor on N(0, 1) noise")
print("epsilon  scale_  threshold (sd)  efficiency  share in outliers_")
for epsilon in [1.35, 1.6]:
    huber = HuberRegressor(epsilon=epsilon, alpha=0.0).fit(x, y)
    k = epsilon * huber.scale_
    print(
        f"{epsilon:7.2f}  {huber.scale_:6.3f}  {k:14.3f}  {huber_efficiency(k):10.3f}"
        f"  {huber.outliers_.mean():18.3f}"
    )

# RANSAC: trials needed so that, with probability p, one sample has no outlier.
eps, size, p = 0.5, 2, 0.99
needed = np.log(1 - p) / np.log(1 - (1 - eps) ** size)
print()
print(f"RANSAC: {eps:.0%} outliers, samples of s = {size} points, p = {p}")
print(
    f"trials log(1 - p) / log(1 - (1 - eps)^s) = {needed:.2f} -> {int(np.ceil(needed))}"
)
print("trials  formula  clean sample drawn  line found (|slope - 2| < 0.25)")
sampler = np.random.default_rng(2)
for trials in [1, 5, int(np.ceil(needed))]:
    # Two distinct rows per trial, as RANSAC draws them; rows >= N * eps are inliers.
    first = sampler.integers(0, N, (20_000, trials))
    second = sampler.integers(0, N - 1, (20_000, trials))
    second += second >= first
    clean = ((first >= N * eps) & (second >= N * eps)).any(axis=1).mean()
    found = []
    for seed in range(200):
        rng = np.random.default_rng(10_000 + seed)
        x = rng.uniform(-3, 3, N)
        y = A + B * x + rng.normal(size=N)
        # Outliers are the first half of the rows: y scattered anywhere in [-25, 25].
        y[: int(N * eps)] = rng.uniform(-25, 25, int(N * eps))
        ransac = RANSACRegressor(
            residual_threshold=3.0,
            max_trials=trials,
            stop_probability=1.0,
            random_state=seed,
        ).fit(x[:, None], y)
        found.append(abs(slope(ransac) - B) < 0.25)
    formula = 1 - (1 - (1 - eps) ** size) ** trials
    print(f"{trials:6d}  {formula:7.3f}  {clean:18.3f}  {np.mean(found):31.3f}")
