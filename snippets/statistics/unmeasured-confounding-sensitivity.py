import numpy as np
import statsmodels.api as sm
from scipy import stats

# Linear world, continuous treatment D: measured confounders X1, X2, X3 and an
# unmeasured U, independent of X and exactly as strong as X1 (same arrows).
A, B = 0.6, 0.3  # the arrows of X1 and U into D and Y; X2 -> D, X3 -> Y
N = 5_000


def simulate(rng, tau):
    x = rng.standard_normal((N, 3))
    u = rng.standard_normal(N)
    d = A * x[:, 0] + B * x[:, 1] + A * u + rng.standard_normal(N)
    y = tau * d + A * x[:, 0] + B * x[:, 2] + A * u + rng.standard_normal(N)
    # a negative-control outcome: same causes as y, measured before d, so d
    # cannot affect it (last month's spend)
    y_pre = A * x[:, 0] + B * x[:, 2] + A * u + rng.standard_normal(N)
    return x, u, d, y, y_pre


def ols(y, *columns):
    """OLS of y on an intercept and the columns (coefficient 1 is the first column)."""
    return sm.OLS(y, sm.add_constant(np.column_stack(columns))).fit()


def partial_r2(fit, j=1):
    """Cinelli-Hazlett: partial R2 of regressor j from its t-value, t^2 / (t^2 + df)."""
    t = fit.tvalues[j]
    return t**2 / (t**2 + fit.df_resid)


def robustness_value(fit, q=1.0, alpha=None):
    """Cinelli-Hazlett eqs 18-19: the equal partial R2 (with D and with Y) that
    would move the estimate by 100q% (alpha=None) or its 1-alpha CI to that value."""
    df = fit.df_resid
    f = q * abs(fit.tvalues[1]) / np.sqrt(df)
    if alpha is not None:
        f -= stats.t.ppf(1 - alpha / 2, df - 1) / np.sqrt(df - 1)
    return 0.0 if f < 0 else 0.5 * (np.sqrt(f**4 + 4 * f**2) - f**2)


def bias_bound(fit, r2dz, r2yz):
    """Estimate and 95% CI after removing the largest bias that a confounder with
    partial R2 r2dz (with D given X) and r2yz (with Y given D, X) can cause."""
    se, df = fit.bse[1], fit.df_resid
    bias = se * np.sqrt(df * r2yz * r2dz / (1 - r2dz))
    se_adj = se * np.sqrt((1 - r2yz) / (1 - r2dz) * df / (df - 1))
    est = fit.params[1] - bias
    half = stats.t.ppf(0.975, df - 1) * se_adj
    return est, est - half, est + half


def with_ci(est, low, high, digits=3):
    return f"{est:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


rows = {}
for tau in (0.0, 0.5):
    x, u, d, y, y_pre = simulate(np.random.default_rng(0), tau)
    short = ols(y, d, x)  # what the analyst can fit
    long = ols(y, d, x, u)  # the oracle, with U
    d_on_x = ols(d, x)
    r2d_u = partial_r2(ols(d, u, x))  # U with D, given X
    r2y_u = partial_r2(ols(y, u, d, x))  # U with Y, given D and X
    # benchmark: X1, the strongest measured confounder
    r2d_x1 = partial_r2(d_on_x, 1)  # X1 with D given X2, X3
    r2y_x1 = partial_r2(short, 2)  # X1 with Y given D, X2, X3
    # Cinelli and Hazlett's bound (their section 4.4, sensemakr's ovb_bounds) for a
    # U orthogonal to X and k times as strong as X1, with D and with Y
    k_d = k_y = 1.0
    r2dz = k_d * r2d_x1 / (1 - r2d_x1)
    r2zx = k_d * r2d_x1**2 / ((1 - k_d * r2d_x1) * (1 - r2d_x1))
    eta2 = ((np.sqrt(k_y) + np.sqrt(r2zx)) / np.sqrt(1 - r2zx)) ** 2
    r2yz = min(1.0, eta2 * r2y_x1 / (1 - r2y_x1))
    formal = bias_bound(short, r2dz, r2yz)
    informal = bias_bound(short, r2d_x1, r2y_x1)
    rv, rv_ci = robustness_value(short), robustness_value(short, alpha=0.05)
    at_rv = np.isclose(bias_bound(short, rv, rv)[0], 0)
    at_rv_ci = np.isclose(bias_bound(short, rv_ci, rv_ci)[1], 0)
    delta = ols(u, d, x).params[1]  # imbalance of U across D, given X
    ch_bias = short.params[1] - bias_bound(short, r2d_u, r2y_u)[0]
    rows[tau] = {
        "true effect": f"{tau:.3f}",
        "estimate ignoring X": f"{ols(y, d).params[1]:.3f}",
        "estimate adjusting for X (SE)": f"{short.params[1]:.3f} ({short.bse[1]:.3f})",
        "estimate adjusting for X and U": f"{long.params[1]:.3f}",
        "bias of the X-adjusted estimate": f"{short.params[1] - tau:.3f}",
        "  OVB, population: A*A/(A^2+1)": f"{A * A / (A**2 + 1):.3f}",
        "  gamma_U * delta = short - oracle": f"{long.params[-1] * delta:.3f}"
        f" {short.params[1] - long.params[1]:.3f}",
        "  Cinelli-Hazlett, from U's R2s": f"{ch_bias:.3f}",
        "negative-control outcome (truth 0)": f"{ols(y_pre, d, x).params[1]:.3f}",
        "partial R2 of D with Y, given X": f"{partial_r2(short):.3f}",
        "RV, RV for the 95% CI": f"{rv:.3f} {rv_ci:.3f}",
        # check: a confounder with both partial R2 at RV takes the estimate to 0,
        # at the CI's RV it takes the CI limit to 0
        "  at RV: estimate 0, CI limit 0": f"{at_rv} {at_rv_ci}",
        "U: partial R2 with D, with Y": f"{r2d_u:.3f} {r2y_u:.3f}",
        "X1: partial R2 with D, with Y": f"{r2d_x1:.3f} {r2y_x1:.3f}",
        "U as strong as X1 (bound): R2s": f"{r2dz:.3f} {r2yz:.3f}",
        "  adjusted estimate [95% CI]": with_ci(*formal),
        "informal benchmark [95% CI]": with_ci(*informal),
        "effect survives a U like X1? bound": str(formal[1] > 0),
        "  informal benchmark": str(informal[1] > 0),
    }

print(f"n = {N:,}; X1, X2, X3 measured; U unmeasured and as strong as X1")
print(f"{'linear model, effect of D on Y':35}{'no effect':>22}{'effect 0.5':>22}")
for (key, a), b in zip(rows[0.0].items(), rows[0.5].values()):
    print(f"{key:35}{a:>22}{b:>22}")


# Binary outcome: binary D, a binary measured confounder X and a binary U, equally
# strong; the outcome risk is multiplicative, so the risk ratio is the same in
# every stratum and marginally
N_BIN, RR_X, RR_U, BASE = 20_000, 2.5, 2.5, 0.06


def e_value(rr):
    """VanderWeele and Ding (2017): RR + sqrt(RR (RR - 1)), after flipping RR < 1."""
    rr = max(rr, 1 / rr)
    return rr + np.sqrt(rr * (rr - 1))


def p_treated(xb, ub):
    return 1 / (1 + np.exp(-(-1.0 + xb + ub)))


def rr_fit(y, *columns):
    """Modified Poisson regression: log link, robust (HC0) standard errors."""
    design = sm.add_constant(np.column_stack(columns))
    fit = sm.GLM(y, design, family=sm.families.Poisson()).fit(cov_type="HC0")
    b, se = fit.params[1], fit.bse[1]
    return np.exp([b, b - 1.96 * se, b + 1.96 * se])


# U's strength on the risk-ratio scale, from the known model: the largest ratio of
# U's prevalence between treated and untreated within a stratum of X (Ding and
# VanderWeele's RR_EU), and its risk ratio on the outcome
rr_eu = 0.0
for xb in (0, 1):
    p1 = {ub: p_treated(xb, ub) for ub in (0, 1)}
    u_treated = 0.5 * p1[1] / (0.5 * p1[1] + 0.5 * p1[0])
    u_untreated = 0.5 * (1 - p1[1]) / (0.5 * (1 - p1[1]) + 0.5 * (1 - p1[0]))
    ratios = (u_treated / u_untreated, (1 - u_untreated) / (1 - u_treated))
    rr_eu = max(rr_eu, *ratios)
bias_factor = rr_eu * RR_U / (rr_eu + RR_U - 1)

rows = {}
for rr_true in (1.0, 2.0):
    rng = np.random.default_rng(1)
    xb = (rng.random(N_BIN) < 0.5).astype(float)
    ub = (rng.random(N_BIN) < 0.5).astype(float)
    db = (rng.random(N_BIN) < p_treated(xb, ub)).astype(float)
    risk = BASE * rr_true**db * RR_X**xb * RR_U**ub
    yb = (rng.random(N_BIN) < risk).astype(float)
    est, low, high = rr_fit(yb, db, xb)
    oracle = rr_fit(yb, db, xb, ub)[0]
    rows[rr_true] = {
        "true risk ratio": f"{rr_true:.2f}",
        "RR adjusted for X [95% CI]": with_ci(est, low, high, 2),
        "RR adjusted for X and U (oracle)": f"{oracle:.2f}",
        # the CI limit closest to 1; a CI that contains 1 has E-value 1
        "E-value: estimate, CI limit": f"{e_value(est):.2f} {e_value(max(low, 1)):.2f}",
        "U: RR with D, RR with Y": f"{rr_eu:.2f} {RR_U:.2f}",
        "U's bias factor B (a bound)": f"{bias_factor:.2f}",
        "actual bias: RR / oracle RR": f"{est / oracle:.2f}",
        "RR / B, CI limit / B": f"{est / bias_factor:.2f} {low / bias_factor:.2f}",
    }

print(f"\nbinary outcome, n = {N_BIN:,}; X measured, U unmeasured, equally strong")
print(f"{'risk ratios':35}{'no effect':>22}{'RR 2':>22}")
for (key, a), b in zip(rows[1.0].items(), rows[2.0].values()):
    print(f"{key:35}{a:>22}{b:>22}")
