import numpy as np
import statsmodels.api as sm
from scipy import stats

rng = np.random.default_rng(2013)

# Each user has a session rate lam ~ Gamma(5, 2): mean 10 sessions per two weeks,
# variance 20. X = sessions in the two weeks before the test, Y = sessions in the
# two-week test; both Poisson(lam), so corr(X, Y) = 20 / (20 + 10) = 2/3.
SHAPE, SCALE, LIFT = 5.0, 2.0, 0.045
# the treatment multiplies every user's rate by 1.045: +0.45 sessions on average
TRUE = LIFT * SHAPE * SCALE
RHO = SCALE / (SCALE + 1)
T = np.array([0.0, 1.0])[None, :, None]
Z975 = stats.norm.ppf(0.975)


def simulate(n_exp, n_arm, new_share=0.0, with_z=False):
    """Arrays (experiment, arm, user), arm 0 control; new users have x = nan."""
    lam = rng.gamma(SHAPE, SCALE, (n_exp, 2, n_arm))
    x = rng.poisson(lam).astype(float)
    if new_share:
        # new users: no pre-period, and less active (mean rate 6, not 10)
        new = rng.random(lam.shape) < new_share
        lam = np.where(new, lam * 0.6, lam)
        x[new] = np.nan
    y = rng.poisson(lam * (1 + LIFT * T))
    # searches during the test: as correlated with Y as X is, but measured after
    # assignment, so the treatment raises them too
    z = rng.poisson(lam * (1 + LIFT * T)) if with_z else None
    return x, y, z


def centre(a, axes):
    return a - a.mean(axes, keepdims=True)


def diff_in_means(y):
    """Estimate and standard error of mean(treatment) - mean(control)."""
    m, v = y.mean(-1), y.var(-1, ddof=1)
    return m[:, 1] - m[:, 0], np.sqrt(v.sum(-1) / y.shape[-1])


def cuped(x, y, per_arm=False):
    """Y - theta (X - mean X), theta = cov(X, Y) / var(X); mean X over both arms."""
    axes = -1 if per_arm else (1, 2)
    xc, yc = centre(x, axes), centre(y, axes)
    theta = (xc * yc).sum(axes, keepdims=True) / (xc**2).sum(axes, keepdims=True)
    return diff_in_means(y - theta * centre(x, (1, 2)))


def adjust(y, covs):
    """Regression adjustment on several covariates, one pooled theta vector."""
    c = np.stack([centre(v, (1, 2)) for v in covs], -1)
    cc = np.einsum("eaui,eauj->eij", c, c)
    cy = np.einsum("eaui,eau->ei", c, centre(y, (1, 2)))
    theta = np.linalg.solve(cc, cy[..., None])[..., 0]
    return diff_in_means(y - np.einsum("eaui,ei->eau", c, theta))


# 1) 3,000 experiments, 1,000 users per arm, every user with two weeks of history
N_EXP, N_ARM = 3000, 1000
names = {
    "raw": "difference in means",
    "cuped": "CUPED, pooled theta",
    "lin": "CUPED, per-arm (Lin)",
    "bad": "in-test covariate",
}
res = {k: [] for k in names}
for _ in range(N_EXP // 500):
    x, y, z = simulate(500, N_ARM, with_z=True)
    res["raw"].append(diff_in_means(y))
    res["cuped"].append(cuped(x, y))
    res["lin"].append(cuped(x, y, per_arm=True))
    res["bad"].append(cuped(z, y))
res = {k: [np.concatenate(p) for p in zip(*v)] for k, v in res.items()}
rho = np.corrcoef(x.ravel(), y.ravel())[0, 1]
print(f"corr(pre-period X, in-test Y) = {rho:.3f}; design rho = 2/3")
print(f"1 - rho^2 = {1 - RHO**2:.3f}, sqrt(1 - rho^2) = {np.sqrt(1 - RHO**2):.3f}")
print(f"{N_EXP:,} experiments, {N_ARM:,} users per arm, true effect +{TRUE:.3f}")
print("method               mean est.  SD est.  mean SE  coverage  power")
for k, name in names.items():
    est, se = res[k]
    cover = np.mean(np.abs(est - TRUE) < Z975 * se)
    power = np.mean(np.abs(est) > Z975 * se)
    print(
        f"{name:<21}{est.mean():>9.3f}{est.std():>9.3f}{se.mean():>9.3f}"
        f"{cover:>10.3f}{power:>7.3f}"
    )
se_ratio = res["cuped"][1].mean() / res["raw"][1].mean()
var_ratio = res["cuped"][0].var() / res["raw"][0].var()
print(f"CUPED / raw: SE {se_ratio:.3f}, variance of the estimates {var_ratio:.3f}")

# 2) CUPED with n (1 - rho^2) users per arm against the raw test with n
n_small = round(N_ARM * (1 - RHO**2))
x, y, _ = simulate(2000, n_small)
est, se = cuped(x, y)
raw_power = np.mean(np.abs(res["raw"][0]) > Z975 * res["raw"][1])
print(
    f"power: raw, {N_ARM:,} users per arm {raw_power:.3f}; "
    f"CUPED, {n_small:,} per arm {np.mean(np.abs(est) > Z975 * se):.3f}"
)
# users per arm for 80% power: 2 (z_0.975 + z_0.8)^2 sd^2 / effect^2
k80 = 2 * (Z975 + stats.norm.ppf(0.8)) ** 2 / TRUE**2
n80 = {k: k80 * N_ARM / 2 * res[k][1].mean() ** 2 for k in ["raw", "cuped"]}
print(
    f"users per arm for 80% power: raw {n80['raw']:,.0f}, "
    f"CUPED {n80['cuped']:,.0f} (ratio {n80['cuped'] / n80['raw']:.3f})"
)

# 3) One experiment: CUPED as OLS of Y on T and the centred X (statsmodels)
print(f"one experiment, {n_small} users per arm:")
x1, y1 = x[0].ravel(), y[0].ravel()
t1 = np.repeat([0.0, 1.0], n_small)
xc = x1 - x1.mean()
ones = np.ones_like(t1)
ols = sm.OLS(y1, np.column_stack([ones, t1, xc])).fit()
lin = sm.OLS(y1, np.column_stack([ones, t1, xc, t1 * xc])).fit(cov_type="HC2")
# the OLS slope of Y on X: the covariance after removing each arm's mean
xw, yw = centre(x[0], -1), centre(y[0], -1)
theta_w = (xw * yw).sum() / (xw**2).sum()
est_w = diff_in_means(y[:1] - theta_w * centre(x[:1], (1, 2)))[0][0]
est_lin, se_lin = cuped(x[:1], y[:1], per_arm=True)
gap = abs(cuped(x[:1], y[:1])[0][0] - est_w)
for label, value in [
    ("OLS Y ~ T + Xc", f"{ols.params[1]:.6f}"),
    ("CUPED, theta = that OLS slope", f"{est_w:.6f}"),
    ("  equal to 1e-10", abs(ols.params[1] - est_w) < 1e-10),
    ("CUPED, theta ignoring T", f"differs by {gap:.1e}"),
    ("OLS Y ~ T * Xc (Lin)", f"{lin.params[1]:.6f}"),
    ("CUPED, per-arm theta", f"{est_lin[0]:.6f}"),
    ("  equal to 1e-10", abs(lin.params[1] - est_lin[0]) < 1e-10),
    ("SE, OLS HC2 sandwich", f"{lin.bse[1]:.4f}"),
    ("SE, per-arm CUPED formula", f"{se_lin[0]:.4f}"),
]:
    print(f"  {label:<30}{value}")

# 4) 30% new users without a pre-period: fill X = 0, with or without an indicator
x, y, _ = simulate(1000, N_ARM, new_share=0.3)
new = np.isnan(x).astype(float)
fill = np.nan_to_num(x, nan=0.0)
raw_var = (diff_in_means(y)[1] ** 2).mean()
true_new = LIFT * SHAPE * SCALE * (0.7 + 0.3 * 0.6)
print(f"30% new users, true effect +{true_new:.3f}: mean estimate, variance / raw")
for name, (est, se) in [
    ("raw", diff_in_means(y)),
    ("CUPED, X = 0 for new users", cuped(fill, y)),
    ("CUPED, X = 0 plus is-new flag", adjust(y, [fill, new])),
]:
    print(f"  {name:<31}{est.mean():+.3f}  {(se**2).mean() / raw_var:.3f}")
