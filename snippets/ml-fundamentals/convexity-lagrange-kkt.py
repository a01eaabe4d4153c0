from functools import partial

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.linear_model import Ridge
from sklearn.svm import SVC

rng = np.random.default_rng(0)

# 1) Second-order test: Hessian eigenvalues at random parameter vectors
n, d = 200, 3
X = rng.normal(size=(n, d))
y = (X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=n) > 0).astype(float)
X2, hidden = X[:, :2], 3
n_net = 4 * hidden + 1


def squares_loss(w):
    return np.mean((X @ w - y) ** 2) / 2


def squares_grad(w):
    return X.T @ (X @ w - y) / n


def logistic_loss(w, lam=0.0):
    z = X @ w
    return np.mean(np.logaddexp(0, z) - y * z) + lam / 2 * w @ w


def logistic_grad(w, lam=0.0):
    return X.T @ (expit(X @ w) - y) / n + lam * w


def net_forward(theta):
    W1 = theta[: 2 * hidden].reshape(hidden, 2)
    b1, w2 = theta[2 * hidden : 3 * hidden], theta[3 * hidden : 4 * hidden]
    a = np.tanh(X2 @ W1.T + b1)
    return a, w2, a @ w2 + theta[-1]


def net_loss(theta):
    z = net_forward(theta)[2]
    return np.mean(np.logaddexp(0, z) - y * z)


def net_grad(theta):
    a, w2, z = net_forward(theta)
    dz = (expit(z) - y) / n
    da = np.outer(dz, w2) * (1 - a**2)
    return np.concatenate([(da.T @ X2).ravel(), da.sum(0), a.T @ dz, [dz.sum()]])


def hessian(grad, theta, eps=1e-5):
    # central differences of the exact gradient, symmetrised
    cols = [
        (grad(theta + e) - grad(theta - e)) / (2 * eps)
        for e in eps * np.eye(len(theta))
    ]
    H = np.array(cols).T
    return (H + H.T) / 2


losses = [
    ("least squares (linear)", squares_loss, squares_grad, d),
    ("logistic regression", logistic_loss, logistic_grad, d),
    ("logistic + (0.1/2)|w|^2", partial(logistic_loss, lam=0.1),
     partial(logistic_grad, lam=0.1), d),
    ("2-layer tanh net, 3 hidden", net_loss, net_grad, n_net),
]  # fmt: skip
print("1) Hessian at 300 random parameter vectors, entries ~ N(0, 2^2)")
print("loss                        params  min eig  share eig<-1e-6  midpoint fails")
for name, loss, grad, k in losses:
    min_eigs, midpoint_fails = [], 0
    for _ in range(300):
        a, b = rng.normal(scale=2.0, size=(2, k))
        min_eigs.append(np.linalg.eigvalsh(hessian(grad, a))[0])
        midpoint_fails += loss((a + b) / 2) > (loss(a) + loss(b)) / 2 + 1e-12
    min_eigs = np.array(min_eigs)
    share_negative = np.mean(min_eigs < -1e-6)
    print(
        f"{name:27s} {k:6d} {min_eigs.min():8.3f} {share_negative:16.3f} "
        f"{midpoint_fails / 300:15.3f}"
    )
w = rng.normal(size=d)
p = expit(X @ w)
closed_form = (X.T * (p * (1 - p))) @ X / n
same = np.allclose(hessian(logistic_grad, w), closed_form, atol=1e-8)
print(f"logistic: finite differences = X'diag(p(1-p))X/n: {same}")

# 2) Soft-margin linear SVM: the dual solved with SLSQP, then every KKT condition
m, C, tol = 20, 1.0, 1e-6
Xs = np.vstack([rng.normal(-1.0, 1.0, (m, 2)), rng.normal(1.0, 1.0, (m, 2))])
ys = np.r_[-np.ones(m), np.ones(m)]
G = (ys[:, None] * Xs) @ (ys[:, None] * Xs).T
dual = minimize(
    lambda a: 0.5 * a @ G @ a - a.sum(),
    np.zeros(2 * m),
    jac=lambda a: G @ a - 1,
    method="SLSQP",
    bounds=[(0, C)] * (2 * m),
    constraints=[{"type": "eq", "fun": lambda a: a @ ys, "jac": lambda a: ys}],
    options={"ftol": 1e-14, "maxiter": 1000},
)
alpha = dual.x
on_margin = (alpha > tol) & (alpha < C - tol)
w_dual = (alpha * ys) @ Xs
b_dual = np.mean(ys[on_margin] - Xs[on_margin] @ w_dual)

svc = SVC(kernel="linear", C=C, tol=1e-10).fit(Xs, ys)
alpha_svc = np.zeros(2 * m)
# dual_coef_ holds y_i * alpha_i for the support vectors
alpha_svc[svc.support_] = svc.dual_coef_[0] * ys[svc.support_]
w_svc, b_svc = svc.coef_[0], svc.intercept_[0]
print(f"\n2) soft-margin linear SVM, {2 * m} points in 2-D, C = {C}, dual by SLSQP")
print(
    "agrees with SVC(kernel='linear') to 1e-6: "
    f"alpha {np.allclose(alpha, alpha_svc, atol=1e-6)}, "
    f"w {np.allclose(w_dual, w_svc, atol=1e-6)}, b {abs(b_dual - b_svc) < 1e-6}, "
    f"support set {set(np.flatnonzero(alpha > tol)) == set(svc.support_)}"
)

# the primal point from SVC and the multipliers from SLSQP satisfy KKT together:
# for a convex problem that certifies both as optimal
margin = ys * (Xs @ w_svc + b_svc)
print("alpha (tol 1e-6)  points  y*f min  y*f max  misclassified  KKT implies")
groups = [
    ("alpha = 0", alpha <= tol, "y*f >= 1"),
    ("0 < alpha < C", on_margin, "y*f = 1"),
    ("alpha = C", alpha >= C - tol, "y*f <= 1"),
]
for name, mask, implied in groups:
    lo, hi, wrong = margin[mask].min(), margin[mask].max(), np.sum(margin[mask] < 0)
    print(f"{name:16s} {mask.sum():7d} {lo:8.3f} {hi:8.3f} {wrong:14d}  {implied}")
dual_value = alpha.sum() - 0.5 * alpha @ G @ alpha


def kkt_violations(w, b):
    margin = ys * (Xs @ w + b)
    # the smallest slack that is feasible for this (w, b)
    xi = np.maximum(0.0, 1 - margin)
    primal_value = 0.5 * w @ w + C * xi.sum()
    violations = {
        "stationarity in w: |w - sum a_i y_i x_i|": np.abs(w - w_dual).max(),
        "stationarity in b: |sum a_i y_i|": abs(alpha @ ys),
        "primal feasibility: y*f + xi - 1 >= 0": max(0.0, -(margin + xi - 1).min()),
        "dual feasibility: 0 <= alpha <= C": max(0.0, -alpha.min(), alpha.max() - C),
        "compl. slackness: alpha_i (y*f + xi - 1)": np.abs(alpha * (margin + xi - 1)),
        "compl. slackness: (C - alpha_i) xi_i": np.abs((C - alpha) * xi),
        "duality gap: primal - dual": primal_value - dual_value,
    }
    return {name: np.max(v) < 1e-6 for name, v in violations.items()}, primal_value


(ok_svc, primal_svc), (ok_shrunk, primal_shrunk) = (
    kkt_violations(w_svc, b_svc),
    kkt_violations(0.9 * w_svc, b_svc),
)
print("KKT condition, violation < 1e-6 at:          SVC's (w, b)  (0.9 w, b)")
for name in ok_svc:
    print(f"{name:44s} {str(ok_svc[name]):>12s} {str(ok_shrunk[name]):>11s}")
print(
    f"dual objective {dual_value:.4f}; primal objective {primal_svc:.4f} at SVC's "
    f"(w, b), {primal_shrunk:.4f} at (0.9 w, b)"
)

# 3) Ridge, penalised vs constrained. Convention (scikit-learn's Ridge):
# penalised |y - Xw|^2 + lam |w|^2; constrained |y - Xw|^2 s.t. |w|^2 <= t^2
n, k = 50, 5
X = rng.normal(size=(n, k))
X[:, 1] = X[:, 0] + 0.3 * rng.normal(size=n)
y = X @ np.array([2.0, -1.0, 0.5, 0.0, 1.0]) + rng.normal(size=n)
w_ols = np.linalg.lstsq(X, y, rcond=None)[0]


def constrained_fit(t, squared):
    if squared:
        con = {"type": "ineq", "fun": lambda w: t**2 - w @ w, "jac": lambda w: -2 * w}
    else:
        con = {
            "type": "ineq",
            "fun": lambda w: t - np.linalg.norm(w),
            "jac": lambda w: -w / np.linalg.norm(w),
        }
    return minimize(
        lambda w: np.sum((y - X @ w) ** 2),
        np.full(k, 0.1),
        jac=lambda w: -2 * X.T @ (y - X @ w),
        method="SLSQP",
        constraints=[con],
        options={"ftol": 1e-14, "maxiter": 500},
    )


print(f"\n3) ridge on {n} rows, {k} features (two correlated), no intercept")
print("lambda        t = |w_ridge|  same w  nu (|w|^2<=t^2)  mu (|w|<=t)  2*lambda*t")
for lam in [0.0, 0.1, 1.0, 10.0, 100.0]:
    if lam == 0.0:
        # a budget looser than the unconstrained solution: the constraint is inactive
        w_ridge, t = w_ols, 1.5 * np.linalg.norm(w_ols)
    else:
        w_ridge = Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_
        t = np.linalg.norm(w_ridge)
    fit_sq, fit_norm = constrained_fit(t, True), constrained_fit(t, False)
    same_w = np.allclose(fit_sq.x, w_ridge, atol=1e-6) and np.allclose(
        fit_norm.x, w_ridge, atol=1e-6
    )
    label = "0 (t=1.5|ols|)" if lam == 0.0 else f"{lam:g}"
    print(
        f"{label:14s} {t:12.3f}  {str(same_w):6s} {fit_sq.multipliers[0]:15.3f} "
        f"{fit_norm.multipliers[0]:12.3f} {2 * lam * t:11.3f}"
    )
