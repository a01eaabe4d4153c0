from functools import partial

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import (
    GammaRegressor,
    PoissonRegressor,
    Ridge,
    TweedieRegressor,
)
from sklearn.metrics import d2_tweedie_score, mean_poisson_deviance, r2_score

rng = np.random.default_rng(0)
n = 40_000
# x1 drives claim frequency and claim size, x2 only frequency, x3 only size
x1, x2, x3 = rng.standard_normal(n), rng.binomial(1, 0.3, n), rng.uniform(-1, 1, n)
X = np.column_stack([x1, x2, x3])
# policy-years observed
expo = rng.uniform(0.1, 1.0, n)
freq = np.exp(-2.0 + 0.5 * x1 + 0.8 * x2)
sev = np.exp(7.0 + 0.3 * x1 - 0.5 * x3)
counts = rng.poisson(expo * freq)
# each claim is exponential with mean sev, so the sum of k claims is gamma(k, sev)
amount = np.where(counts > 0, rng.gamma(np.maximum(counts, 1), sev), 0.0)
claimed = counts > 0
tr = np.arange(n) < n // 2
te = ~tr
print(f"policies without a claim: {np.mean(~claimed):.3f}")


def glm(model, y, weight=expo, rows=tr):
    # scikit-learn has no offset: fit y / weight with sample_weight = weight
    model.fit(X[rows], y[rows] / weight[rows], sample_weight=weight[rows])
    return weight * model.predict(X)


def least_squares(y):
    XE, XL = np.column_stack([X, expo]), np.column_stack([X, np.log(expo)])
    on_y = Ridge(alpha=1.0).fit(XE[tr], y[tr]).predict(XE)
    on_log = Ridge(alpha=1.0).fit(XL[tr], np.log1p(y[tr])).predict(XL)
    # naive back-transform: exp(E[log(1 + y)]) - 1
    return {"Ridge on y": on_y, "Ridge on log1p(y)": np.expm1(on_log)}


def table(y, preds, metrics):
    head = "".join(f"{m:>9}" for m in metrics)
    print(f"{'model':<19}{head}{'total/observed: train':>23}{'test':>7}{'<0':>7}")
    for name, p in preds.items():
        cells = "".join(f"{f(y[te], p[te]):9.3f}" for f in metrics.values())
        ratio_tr, ratio_te = p[tr].sum() / y[tr].sum(), p[te].sum() / y[te].sum()
        print(f"{name:<19}{cells}{ratio_tr:23.3f}{ratio_te:7.3f}{np.mean(p < 0):7.3f}")


# 1. Claim counts: least squares, a Poisson GLM, a booster with Poisson loss
GLM = dict(alpha=0.0, solver="newton-cholesky", tol=1e-10)
count_preds = {
    **least_squares(counts),
    "PoissonRegressor": glm(PoissonRegressor(**GLM), counts),
    "GBM, Poisson loss": glm(
        HistGradientBoostingRegressor(loss="poisson", random_state=0), counts
    ),
    "true means": expo * freq,
}
print("\nclaim counts (negative predictions clipped to 0.001 for the deviance)")
table(
    counts,
    count_preds,
    {
        "deviance": lambda y, p: mean_poisson_deviance(y, np.clip(p, 1e-3, None)),
        "D2": lambda y, p: d2_tweedie_score(y, np.clip(p, 1e-3, None), power=1),
    },
)

# 2. Claim amounts, mostly exact zeros: one Tweedie GLM, or frequency x severity
gamma = GammaRegressor(**GLM)
# severity: average claim size on policies with claims, weighted by the claim count
glm(gamma, amount, weight=counts, rows=tr & claimed)
amount_preds = {
    **least_squares(amount),
    "Tweedie, p=1.5": glm(TweedieRegressor(power=1.5, link="log", **GLM), amount),
    "Poisson x Gamma": count_preds["PoissonRegressor"] * gamma.predict(X),
    "true means": expo * freq * sev,
}


def d2_tweedie(y, p):
    # the Tweedie deviance is undefined for a prediction <= 0
    return d2_tweedie_score(y, p, power=1.5) if np.all(p > 0) else np.nan


print("\nclaim amounts (D2 with Tweedie power 1.5; nan: some predictions <= 0)")
table(amount, amount_preds, {"R2": r2_score, "D2": d2_tweedie})

# 3. Is the training total reproduced? Unpenalised and scikit-learn's default alpha
print("\ntraining total / observed total         alpha=0  alpha=1 (default)")
for name, make, y, weight, rows in [
    ("Poisson counts, log link (canonical)", PoissonRegressor, counts, expo, tr),
    (
        "Tweedie amounts, p=1.5, log link",
        partial(TweedieRegressor, power=1.5),
        amount,
        expo,
        tr,
    ),
    ("Gamma severity, log link", GammaRegressor, amount, counts, tr & claimed),
]:
    ratios = []
    for a in (0.0, 1.0):
        fit = glm(make(alpha=a, solver="newton-cholesky", tol=1e-10), y, weight, rows)
        ratios.append(fit[rows].sum() / y[rows].sum())
    print(f"{name:<39}{ratios[0]:8.4f}{ratios[1]:9.4f}")
loose = glm(PoissonRegressor(alpha=0.0), counts)
print(
    f"Poisson, unpenalised, default tol=1e-4: {loose[tr].sum() / counts[tr].sum():.4f}"
)
