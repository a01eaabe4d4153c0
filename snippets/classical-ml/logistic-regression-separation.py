import warnings
from collections import Counter

import numpy as np
import statsmodels.api as sm
from scipy.optimize import linprog, minimize
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

# 8 Gaussian features, three of them informative; the true log-odds are finite
p = 8
beta = np.r_[-0.5, 2.5, -2.5, 2.5, np.zeros(p - 3)]


def draw(rng, n):
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p))])
    return X, (rng.random(n) < expit(X @ beta)).astype(float)


def separable(X, y):
    # separable <=> some w has (2y - 1) * Xw >= 1 on every row (a linear program)
    s = 2 * y - 1
    A, b = -s[:, None] * X, -np.ones(len(y))
    lp = linprog(np.zeros(X.shape[1]), A_ub=A, b_ub=b, bounds=(None, None))
    return lp.status == 0


rng = np.random.default_rng(0)
shares = {
    n: np.mean([separable(*draw(rng, n)) for _ in range(200)]) for n in (40, 80, 160)
}
print("share of 200 training sets that are separable:", end="")
print("".join(f"  n={n}: {share:.3f}" for n, share in shares.items()))
rng = np.random.default_rng(1)
X, y = draw(rng, 40)
X_new, y_new = draw(rng, 20_000)
s = 2 * y - 1
print(f"training set: n=40, {y.sum():.0f} events, separable: {separable(X, y)}")

# Hard-margin SVM, intercept counted as a weight: min |w|^2 / 2 with s * Xw >= 1
w_svm = minimize(
    lambda w: w @ w / 2,
    np.zeros(p + 1),
    jac=lambda w: w,
    constraints={"type": "ineq", "fun": lambda w: s * (X @ w) - 1},
    method="SLSQP",
    options={"ftol": 1e-12, "maxiter": 1000},
).x
norm_svm = np.linalg.norm(w_svm)
print(
    f"hard-margin SVM: |w| = {norm_svm:.3f}, smallest margin "
    f"{(s * (X @ w_svm)).min():.3f}, |w| ln 10 = {norm_svm * np.log(10):.2f}"
)


def scores(z):
    # On fresh rows: accuracy, exact log loss from the logit z,
    # ECE with 10 equal-width bins, calibration slope (1 = calibrated)
    prob = expit(z)
    log_loss = np.mean(np.logaddexp(0, -(2 * y_new - 1) * z))
    bins = np.minimum((prob * 10).astype(int), 9)
    ece = sum(
        np.mean(bins == k) * abs(prob[bins == k].mean() - y_new[bins == k].mean())
        for k in np.unique(bins)
    )
    slope = sm.Logit(y_new, sm.add_constant(z)).fit(disp=0).params[1]
    return f"{np.mean((z > 0) == y_new):9.3f}{log_loss:9.3f}{ece:7.3f}{slope:7.3f}"


# Gradient descent on the unpenalised mean log-loss, step 1 / smoothness constant
eta = 4 * len(y) / np.linalg.norm(X, 2) ** 2
w, t, last = np.zeros(p + 1), 0, np.nan
print("\ngradient descent, no penalty             on 20,000 fresh rows")
print(" steps    |w|  growth     loss  cos(SVM)  accuracy log loss    ECE  slope")
for steps in (10**2, 10**3, 10**4, 10**5):
    while t < steps:
        w += eta * X.T @ (s * expit(-s * (X @ w))) / len(y)
        t += 1
    loss = np.mean(np.logaddexp(0, -s * (X @ w)))
    norm = np.linalg.norm(w)
    cos = w @ w_svm / norm / norm_svm
    growth = "-" if np.isnan(last) else f"{norm - last:.2f}"
    print(f"{steps:6d}{norm:7.2f}{growth:>8}{loss:9.1e}{cos:8.4f} " + scores(X_new @ w))
    last = norm

# What the libraries do with the same data
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sk = LogisticRegression(C=np.inf).fit(X[:, 1:], y)
w_sk = np.r_[sk.intercept_, sk.coef_[0]]
print(
    f"\nscikit-learn C=inf: {sk.n_iter_[0]} lbfgs iterations, "
    f"{len(caught)} warnings, |w| = {np.linalg.norm(w_sk):.1f}"
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fit = sm.Logit(y, X).fit(disp=0)
kinds = Counter(type(c.message).__name__ for c in caught)
print("statsmodels Logit:", ", ".join(f"{k} x{v}" for k, v in kinds.items()))
print(
    f"  largest |coef| {np.abs(fit.params).max():.1f}, largest SE "
    f"{fit.bse.max():.0f}, smallest p-value {fit.pvalues.min():.3f}"
)


def firth(X, y, steps=200):
    # Fisher scoring on Firth's modified score X'(y - p + h (1/2 - p)) = 0,
    # h = diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2
    b = np.zeros(X.shape[1])
    for _ in range(steps):
        prob = expit(X @ b)
        weight = prob * (1 - prob)
        cov = np.linalg.inv(X.T @ (weight[:, None] * X))
        h = weight * np.einsum("ij,jk,ik->i", X, cov, X)
        score = X.T @ (y - prob + h * (0.5 - prob))
        b = b + cov @ score
        if np.abs(score).max() < 1e-10:
            return b
    raise RuntimeError("Firth iterations did not converge")


fits = {"GD, 100,000 steps": w, "scikit-learn C=inf": w_sk}
for C in (10.0, 1.0, 0.1):
    clf = LogisticRegression(C=C).fit(X[:, 1:], y)
    fits[f"L2, C={C}"] = np.r_[clf.intercept_, clf.coef_[0]]
clf = LogisticRegression(C=1.0, l1_ratio=1.0, solver="liblinear").fit(X[:, 1:], y)
fits["L1, C=1.0"] = np.r_[clf.intercept_, clf.coef_[0]]
fits["Firth"] = firth(X, y)
fits["true coefficients"] = beta
print("\nmodel                  |w|  accuracy log loss    ECE  slope")
for name, b in fits.items():
    print(f"{name:<19}{np.linalg.norm(b):7.2f} " + scores(X_new @ b))

# Quasi-complete separation: a binary feature whose level 1 is all events
g = np.r_[np.zeros(30), np.ones(10)]
y2 = np.r_[np.ones(9), np.zeros(21), np.ones(10)]
X2 = sm.add_constant(g)
print("\nlevel 0: 9 events in 30 rows, level 1: 10 events in 10 rows")
for method in ("newton", "bfgs", "lbfgs"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(y2, X2).fit(disp=0, method=method, maxiter=1000)
    names = ", ".join(type(c.message).__name__ for c in caught) or "none"
    print(
        f"  {method:<7} coef {fit.params[1]:6.2f}  SE {fit.bse[1]:9.1f}  "
        f"Wald p {fit.pvalues[1]:.3f}  warnings: {names}"
    )
print(f"  likelihood-ratio test p {fit.llr_pvalue:.6f}")
# Firth in a 2x2 table = logit of each cell's (events + 1/2) / (rows + 1)
b2 = firth(X2, y2)
closed = [np.log(9.5 / 21.5), np.log((10.5 / 0.5) / (9.5 / 21.5))]
print(
    f"  Firth coef {b2[1]:.3f}; closed form with 1/2 added to each cell "
    f"{closed[1]:.3f}; match: {np.allclose(b2, closed)}"
)
