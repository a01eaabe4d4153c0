import numpy as np
import statsmodels.api as sm
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(1)
n = 20_000
dose = rng.normal(size=n)  # continuous, standardised
treated = rng.integers(0, 2, n)  # binary
true = np.array([-1.0, 0.8, 1.2])  # intercept, dose, treated: log-odds units
X = np.column_stack([dose, treated])
y = rng.random(n) < expit(true[0] + X @ true[1:])

fit = sm.Logit(y.astype(float), sm.add_constant(X)).fit(disp=0)
lo, hi = fit.conf_int().T
print("true       ", true)
print("estimated  ", np.round(fit.params, 3))
print("95% CI low ", np.round(lo, 3))
print("95% CI high", np.round(hi, 3))
print(f"odds ratio for treated: exp({fit.params[2]:.3f}) = {np.exp(fit.params[2]):.2f}")

# The odds ratio is the same everywhere; the change in probability is not.
print(f"{'dose':>5}{'P(untreated)':>14}{'P(treated)':>12}{'diff':>7}{'odds ratio':>12}")
for d in [-3.0, -1.0, 0.0, 1.0, 3.0]:
    p0, p1 = fit.predict([[1, d, 0], [1, d, 1]])
    odds_ratio = (p1 / (1 - p1)) / (p0 / (1 - p0))
    print(f"{d:5.1f}{p0:14.3f}{p1:12.3f}{p1 - p0:7.3f}{odds_ratio:12.2f}")
print(f"slope of P in dose is at most b/4 = {fit.params[1] / 4:.3f} (where P = 0.5)")

# scikit-learn's default is L2-penalised (C=1): coefficients shrink on small data.
small = slice(0, 100)
for C in [np.inf, 1.0, 0.1]:
    clf = LogisticRegression(C=C).fit(X[small], y[small])
    print(f"scikit-learn, n=100, C={C:<4}: coefficients {np.round(clf.coef_[0], 3)}")
