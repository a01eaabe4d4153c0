import math
import warnings

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
d, tol = 200, 1e-6
Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
x0 = rng.normal(size=d)


def iterations(step, x0, max_iter=50_000):
    # steps until |x_t - x*| <= tol * |x_0 - x*|, with the minimiser x* = 0
    x_prev, x = x0, x0
    for t in range(1, max_iter + 1):
        x_prev, x = x, step(x, x_prev)
        if np.linalg.norm(x) <= tol * np.linalg.norm(x0):
            return t
    return None


def predicted(rate):
    return math.ceil(math.log(tol) / math.log(rate))


def lbfgs_iterations(f, grad, x0):
    # L-BFGS-B (memory 10): iterations until the tolerance is met
    errs = []
    minimize(
        f,
        x0,
        jac=grad,
        method="L-BFGS-B",
        callback=lambda xk: errs.append(np.linalg.norm(xk)),
        options={"maxiter": 10_000, "gtol": 1e-14, "ftol": 0.0},
    )
    return next(i + 1 for i, e in enumerate(errs) if e <= tol * np.linalg.norm(x0))


def compare(kappa):
    lam = np.linspace(1.0, kappa, d)
    H = (Q * lam) @ Q.T
    mu, L, rk = 1.0, float(kappa), math.sqrt(kappa)

    def grad(x):
        return H @ x

    # gradient descent with the best fixed step 2 / (L + mu)
    eta = 2 / (L + mu)
    gd = iterations(lambda x, xp: x - eta * grad(x), x0)
    # heavy ball (Polyak) with its optimal step and momentum
    alpha, beta = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((rk - 1) / (rk + 1)) ** 2
    hb = iterations(lambda x, xp: x - alpha * grad(x) + beta * (x - xp), x0)

    # Nesterov: step 1/L at the look-ahead point, momentum (rk - 1)/(rk + 1)
    def nesterov(x, xp):
        y = x + (rk - 1) / (rk + 1) * (x - xp)
        return y - grad(y) / L

    nes = iterations(nesterov, x0)
    # Newton: x - H^{-1} grad f(x)
    newton = iterations(lambda x, xp: x - np.linalg.solve(H, grad(x)), x0)
    lbfgs = lbfgs_iterations(lambda x: 0.5 * x @ H @ x, grad, x0)
    theory = [
        predicted(r)
        for r in [(kappa - 1) / (kappa + 1), (rk - 1) / (rk + 1), 1 - 1 / rk]
    ]
    return gd, theory[0], hb, theory[1], nes, theory[2], newton, lbfgs


print("quadratic f(x) = x'Hx/2, d = 200, eigenvalues spread evenly over [1, kappa]")
print(
    "iterations to |x - x*| <= 1e-6 |x0 - x*|; theory = ceil(ln 1e-6 / ln rate), with"
)
print("rate (k-1)/(k+1) for GD, (rk-1)/(rk+1) for heavy ball, 1-1/rk for Nesterov")
print("(k = kappa, rk = sqrt(kappa))")
print("kappa     GD  theory  heavy ball  theory  Nesterov  theory  Newton  L-BFGS-B")
for kappa in [10, 100, 1000]:
    gd, t_gd, hb, t_hb, nes, t_nes, newton, lbfgs = compare(kappa)
    print(
        f"{kappa:5d} {gd:6d} {t_gd:7d} {hb:11d} {t_hb:7d} {nes:9d} {t_nes:7d}"
        f" {newton:7d} {lbfgs:9d}"
    )

# Diagonal preconditioning (per-coordinate scaling) fixes only axis-aligned curvature.
lam = np.linspace(1.0, 1000.0, d)
for name, H in [("axis-aligned", np.diag(lam)), ("rotated", (Q * lam) @ Q.T)]:
    s = 1 / np.sqrt(np.diag(H))
    k_after = np.linalg.cond(s[:, None] * H * s[None, :])
    print(f"diagonal scaling, {name:12s} H: condition number 1000 -> {k_after:.1f}")

# Logistic regression, one feature in other units: income in dollars, not standardised.
n = 1_000
Z = rng.normal(size=(n, 5))
logit = Z @ np.array([1.0, -1.0, 0.5, 0.5, 1.5]) - 0.5
y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
X_raw = Z.copy()
X_raw[:, 4] = 50_000 + 15_000 * Z[:, 4]
X_std = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)
lam = 1 / n  # the same penalty as scikit-learn's LogisticRegression(C=1.0)


def make_problem(X):
    A = np.column_stack([X, np.ones(n)])
    pen = np.r_[np.full(X.shape[1], lam), 0.0]  # the intercept is not penalised

    def f(w):
        z = A @ w
        return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * np.sum(pen * w**2)

    def grad(w):
        p = expit(A @ w)
        return A.T @ (p - y) / n + pen * w

    def hess(w):
        p = expit(A @ w)
        return (A.T * (p * (1 - p))) @ A / n + np.diag(pen)

    return A, f, grad, hess


def lbfgs_run(f, grad, w0, options):
    vals = []
    res = minimize(
        f,
        w0,
        jac=grad,
        method="L-BFGS-B",
        callback=lambda w: vals.append(f(w)),
        options=options,
    )
    return vals, res


def fit_counts(X):
    A, f, grad, hess = make_problem(X)
    w0 = np.zeros(A.shape[1])
    # Newton's method, run to convergence, also gives the optimum f*
    newton_f, w = [], w0.copy()
    for _ in range(30):
        w = w - np.linalg.solve(hess(w), grad(w))
        newton_f.append(f(w))
    f_star = min(newton_f)
    newton = next(i + 1 for i, v in enumerate(newton_f) if v - f_star <= 1e-6)
    cond = np.linalg.cond(hess(w))
    # gradient descent with step 1/L, L = a bound on the largest Hessian eigenvalue
    L = np.linalg.eigvalsh(A.T @ A / (4 * n)).max() + lam
    w, gd = w0.copy(), "> 20,000"
    for t in range(1, 20_001):
        w = w - grad(w) / L
        if f(w) - f_star <= 1e-6:
            gd = f"{t:,}"
            break
    # L-BFGS-B run with tight tolerances, counting iterations to the same target
    vals, _ = lbfgs_run(f, grad, w0, {"gtol": 1e-12, "ftol": 0.0, "maxiter": 10_000})
    lb = next(i + 1 for i, v in enumerate(vals) if v - f_star <= 1e-6)
    # L-BFGS-B with SciPy's default stopping rule
    _, res = lbfgs_run(f, grad, w0, {})
    # scikit-learn's default solver (lbfgs, max_iter=100)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = LogisticRegression().fit(X, y)
    warned = any(issubclass(c.category, ConvergenceWarning) for c in caught)
    sk_gap = f(np.r_[clf.coef_[0], clf.intercept_]) - f_star
    return dict(
        cond=cond,
        gd=gd,
        lbfgs=lb,
        newton=newton,
        scipy_nit=res.nit,
        scipy_gap=res.fun - f_star,
        sk_nit=clf.n_iter_[0],
        sk_warned=warned,
        sk_gap=sk_gap,
    )


def decade(gap):
    # the power of ten around the gap: the digits vary with the CPU's BLAS kernels
    low = math.floor(math.log10(gap))
    return f"1e{low:+03d}..1e{low + 1:+03d}"


def count(n):
    # beyond 100, the raw problem's exact count varies with the CPU's BLAS kernels
    return "> 100" if n > 100 else str(n)


print("\nlogistic regression, n = 1,000, C = 1; iterations to f - f* <= 1e-6")
print("features      Hessian cond.  GD (step 1/L)  L-BFGS-B  Newton")
rows = {name: fit_counts(X) for name, X in [("raw", X_raw), ("standardised", X_std)]}
for name, r in rows.items():
    print(
        f"{name:12s} {r['cond']:14.3g} {r['gd']:>14s} {count(r['lbfgs']):>9s}"
        f" {r['newton']:7d}"
    )
print("where each stops by default  iterations  f - f*          ConvergenceWarning")
for name, r in rows.items():
    print(f"SciPy L-BFGS-B, {name:12s} {r['scipy_nit']:10d}  {decade(r['scipy_gap'])}")
    print(
        f"scikit-learn,   {name:12s} {r['sk_nit']:10d}  {decade(r['sk_gap'])}"
        f"  {r['sk_warned']}"
    )
