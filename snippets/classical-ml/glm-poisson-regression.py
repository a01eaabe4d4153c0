import numpy as np
import statsmodels.api as sm
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, PoissonRegressor
from sklearn.metrics import mean_poisson_deviance

rng = np.random.default_rng(0)
# log(rate per unit of exposure) = -1 + 0.5 x1 + 0.7 x2
BETA = np.array([-1.0, 0.5, 0.7])


def simulate(n, gamma_shape=None):
    """Counts with exposure; gamma_shape adds rate heterogeneity (negative binomial)."""
    x1 = rng.standard_normal(n)
    x2 = rng.binomial(1, 0.4, n)
    # e.g. policy-years or days observed
    exposure = rng.uniform(0.2, 2.0, n)
    mu = exposure * np.exp(BETA[0] + BETA[1] * x1 + BETA[2] * x2)
    if gamma_shape is not None:
        # multiply by a gamma with mean 1: same mean, extra variance
        mu = mu * rng.gamma(gamma_shape, 1 / gamma_shape, n)
    return np.column_stack([x1, x2]), exposure, mu, rng.poisson(mu)


X, expo, mu, y = simulate(20_000)
tr, te = slice(0, 10_000), slice(10_000, None)
X_lin = np.column_stack([X, expo])
X_log = np.column_stack([X, np.log(expo)])
fits = {}
ols = LinearRegression().fit(X_lin[tr], y[tr])
fits["OLS on y"] = (None, ols.predict(X_lin[te]))
logged = LinearRegression().fit(X_log[tr], np.log1p(y[tr]))
# naive back-transform: exp(E[log(y + 1)]) - 1
fits["OLS on log(y+1)"] = (logged.coef_[:2], np.expm1(logged.predict(X_log[te])))
# sklearn has no offset: fit the rate y / exposure, weighted by exposure
pois = PoissonRegressor(alpha=0).fit(X[tr], y[tr] / expo[tr], sample_weight=expo[tr])
fits["Poisson GLM"] = (pois.coef_, expo[te] * pois.predict(X[te]))
gbm = HistGradientBoostingRegressor(loss="poisson", random_state=0)
gbm.fit(X[tr], y[tr] / expo[tr], sample_weight=expo[tr])
fits["GBM, Poisson loss"] = (None, expo[te] * gbm.predict(X[te]))

# the rows with the 10% highest true means
top = mu[te] > np.quantile(mu[te], 0.9)
rr = np.exp(BETA[1:])
print(f"true rate ratios: x1 {rr[0]:.3f}, x2 {rr[1]:.3f}")
print(
    f"{'model':<18}{'RR x1':>6}{'RR x2':>6}{'mean/true':>10}{'top 10%':>8}"
    f"{'<0':>6}{'deviance':>9}"
)
for name, (coef, pred) in fits.items():
    ratios = (
        "     -     -"
        if coef is None
        else f"{np.exp(coef[0]):6.3f}{np.exp(coef[1]):6.3f}"
    )
    # the deviance needs positive predictions: negatives clipped to 0.001
    dev = mean_poisson_deviance(y[te], np.clip(pred, 1e-3, None))
    print(
        f"{name:<18}{ratios}{pred.mean() / mu[te].mean():10.3f}"
        f"{pred[top].mean() / mu[te][top].mean():8.3f}{np.mean(pred < 0):6.3f}"
        f"{dev:9.3f}"
    )
print(f"{'true means':<42}{mean_poisson_deviance(y[te], mu[te]):21.3f}")

# statsmodels: the same fit with an explicit offset, plus intervals and a check
glm = sm.GLM(
    y[tr], sm.add_constant(X[tr]), family=sm.families.Poisson(), offset=np.log(expo[tr])
).fit()
print(
    "statsmodels with offset = scikit-learn:",
    np.allclose(glm.params[1:], pois.coef_, atol=1e-4),
)
low, high = np.exp(glm.conf_int()[2])
print(f"rate ratio of x2: {np.exp(glm.params[2]):.3f} (95% CI {low:.3f} to {high:.3f})")
print(f"Poisson data: Pearson chi2 / dof = {glm.pearson_chi2 / glm.df_resid:.2f}")

# overdispersion: the same means times gamma(1, 1) noise, 200 samples of 2,000 rows
b1, se, dispersion = [], [], []
for _ in range(200):
    X, expo, mu, y = simulate(2_000, gamma_shape=1.0)
    fit = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Poisson(), offset=np.log(expo)
    ).fit(cov_type="HC0")
    b1.append(fit.params[1])
    phi = fit.pearson_chi2 / fit.df_resid
    # Poisson SE (assumes variance = mean), quasi-Poisson, robust sandwich
    naive = np.sqrt(fit.normalized_cov_params[1, 1])
    se.append([naive, naive * np.sqrt(phi), fit.bse[1]])
    dispersion.append(phi)
b1, se = np.array(b1), np.array(se)
print(f"overdispersed data: Pearson chi2 / dof = {np.mean(dispersion):.2f}")
print(
    f"x1 coefficient: mean {b1.mean():.3f} (true 0.5),"
    f" spread across samples {b1.std():.4f}"
)
for j, name in enumerate(["Poisson", "quasi-Poisson", "sandwich (HC0)"]):
    cover = np.mean(np.abs(b1 - 0.5) < 1.96 * se[:, j])
    print(f"  {name:<15} mean SE {se[:, j].mean():.4f}, 95% CI covers 0.5: {cover:.2f}")
