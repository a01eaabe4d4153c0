# --8<-- [start:signature]
import numpy as np


def soft_threshold(z: np.ndarray | float, t: float) -> np.ndarray | float:
    """S(z, t) = sign(z) * max(|z| - t, 0), elementwise."""
    raise NotImplementedError


def lasso_cd(
    X: np.ndarray,
    y: np.ndarray,
    alpha: float,
    w_init: np.ndarray | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, float, int]:
    """Lasso with an intercept by cyclic coordinate descent, scikit-learn's objective

        (1 / (2n)) * ||y - X @ w - b||^2 + alpha * ||w||_1     (b is not penalised).

    Start from w_init (zeros if None), update w_0, ..., w_{d-1} in order in each sweep,
    and stop after the first sweep whose largest weight change is at most
    tol * max_j |w_j| (or every weight is 0) and whose duality gap is at most
    tol * ||y - mean(y)||^2 / n; at most max_iter sweeps.
    Returns (w, b, number of sweeps run).
    """
    raise NotImplementedError


def lasso_path(
    X: np.ndarray,
    y: np.ndarray,
    n_alphas: int = 30,
    eps: float = 1e-3,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lasso on n_alphas values of alpha, geometric from alpha_max (the smallest
    alpha whose solution is all zeros) down to eps * alpha_max, each fit started from
    the previous one's weights (a warm start).
    Returns (alphas, coefs of shape (n_alphas, d), sweeps of shape (n_alphas,)).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def soft_threshold(z: np.ndarray | float, t: float) -> np.ndarray | float:
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def lasso_duality_gap(Xc, yc, w, alpha):
    """Primal minus dual objective; >= 0, and 0 only at the solution (centred data)."""
    n = len(yc)
    r = yc - Xc @ w
    # the dual point is the residual, shrunk until every |x_j^T theta| / n <= alpha
    top = np.max(np.abs(Xc.T @ r)) / n
    s = 1.0 if top <= alpha else alpha / top
    primal = r @ r / (2 * n) + alpha * np.abs(w).sum()
    dual = (s * (r @ yc) - 0.5 * s**2 * (r @ r)) / n
    return primal - dual


def lasso_cd(
    X: np.ndarray,
    y: np.ndarray,
    alpha: float,
    w_init: np.ndarray | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, float, int]:
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    # centring removes the intercept from the problem; columns stored contiguously
    Xc, yc = np.asfortranarray(X - x_mean), y - y_mean
    col_sq = (Xc**2).sum(axis=0) / n
    w = np.zeros(d) if w_init is None else np.array(w_init, dtype=float)
    r = yc - Xc @ w
    gap_tol = tol * (yc @ yc) / n
    sweeps = 0
    while sweeps < max_iter:
        sweeps += 1
        max_change = max_w = 0.0
        for j in range(d):
            if col_sq[j] == 0.0:
                continue
            old = w[j]
            # correlation of x_j with the partial residual (feature j left out)
            rho = Xc[:, j] @ r / n + col_sq[j] * old
            w[j] = soft_threshold(rho, alpha) / col_sq[j]
            if w[j] != old:
                r -= (w[j] - old) * Xc[:, j]
            max_change = max(max_change, abs(w[j] - old))
            max_w = max(max_w, abs(w[j]))
        # scikit-learn's rule: small steps first, then the duality gap certifies
        small_steps = max_change <= tol * max_w or max_w == 0.0
        if small_steps and lasso_duality_gap(Xc, yc, w, alpha) <= gap_tol:
            break
    return w, float(y_mean - x_mean @ w), sweeps


def lasso_path(
    X: np.ndarray,
    y: np.ndarray,
    n_alphas: int = 30,
    eps: float = 1e-3,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, d = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    # w = 0 is optimal iff |x_j^T y / n| <= alpha for every j (KKT at w = 0)
    alpha_max = np.max(np.abs(Xc.T @ yc)) / n
    alphas = np.geomspace(alpha_max, eps * alpha_max, n_alphas)
    coefs, sweeps = np.zeros((n_alphas, d)), np.zeros(n_alphas, dtype=int)
    w = np.zeros(d)
    for i, alpha in enumerate(alphas):
        w, _, sweeps[i] = lasso_cd(X, y, alpha, w_init=w, tol=tol, max_iter=max_iter)
        coefs[i] = w
    return alphas, coefs, sweeps


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.linear_model import Lasso


def correlated_regression(n, d, seed, rho=0.6):
    """Rows with corr(x_i, x_j) = rho ** |i - j|, and y from 4 true weights + noise."""
    rng = np.random.default_rng(seed)
    cov = rho ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    X = rng.normal(size=(n, d)) @ np.linalg.cholesky(cov).T
    w_true = np.zeros(d)
    w_true[[0, 4, 9, 14]] = [2.0, -1.5, 1.0, 0.5]
    y = 3.0 + X @ w_true + rng.normal(size=n)
    return X, y, w_true


def test_lasso_worked_example():
    X = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    y = np.array([4.0, 2.0, 0.0, -2.0])
    assert soft_threshold(2.0, 0.5) == 1.5 and soft_threshold(-0.3, 0.5) == 0.0
    w, b, _ = lasso_cd(X, y, alpha=0.5)
    np.testing.assert_allclose(w, [1.5, 0.5], atol=1e-12)
    assert b == pytest.approx(1.0)
    w, b, _ = lasso_cd(X, y, alpha=1.5)
    np.testing.assert_allclose(w, [0.5, 0.0], atol=1e-12)


def test_lasso_cd_matches_sklearn():
    X, y, _ = correlated_regression(120, 15, seed=0)
    for alpha in (0.01, 0.05, 0.2, 0.5):
        w, b, _ = lasso_cd(X, y, alpha, tol=1e-6, max_iter=5000)
        ref = Lasso(alpha=alpha, fit_intercept=True, tol=1e-6, max_iter=5000).fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, atol=1e-4)
        assert b == pytest.approx(ref.intercept_, abs=1e-4)


def test_lasso_all_zero_from_alpha_max():
    X, y, _ = correlated_regression(80, 15, seed=1)
    alpha_max = np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean()))) / len(y)
    for alpha in (alpha_max, 2 * alpha_max):
        w, b, _ = lasso_cd(X, y, alpha)
        assert np.all(w == 0) and b == pytest.approx(y.mean())
    w, _, _ = lasso_cd(X, y, 0.99 * alpha_max)
    assert np.count_nonzero(w) == 1
    alphas, coefs, _ = lasso_path(X, y, n_alphas=5)
    assert alphas[0] == pytest.approx(alpha_max) and np.all(coefs[0] == 0)


def test_lasso_small_alpha_approaches_least_squares():
    X, y, _ = correlated_regression(200, 15, seed=2)
    w, b, _ = lasso_cd(X, y, alpha=1e-7, tol=1e-10, max_iter=10_000)
    exact, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y)
    np.testing.assert_allclose(np.append(w, b), exact, atol=1e-5)


def test_lasso_kkt_conditions_hold():
    X, y, _ = correlated_regression(100, 15, seed=3)
    alpha = 0.1
    w, b, _ = lasso_cd(X, y, alpha, tol=1e-10, max_iter=10_000)
    grad = X.T @ (y - X @ w - b) / len(y)
    zero = w == 0
    assert zero.any() and (~zero).any()
    assert np.all(np.abs(grad[zero]) <= alpha + 1e-8)
    np.testing.assert_allclose(grad[~zero], alpha * np.sign(w[~zero]), atol=1e-8)


def test_lasso_selection_depends_on_units():
    X, y, _ = correlated_regression(100, 20, seed=4)
    X_km = X.copy()
    # feature 0 recorded in km instead of m: same information, 1000x smaller numbers
    X_km[:, 0] /= 1000.0
    alpha = 0.1
    raw = [np.flatnonzero(lasso_cd(A, y, alpha)[0]) for A in (X, X_km)]
    assert 0 in raw[0] and 0 not in raw[1]
    std = [(A - A.mean(axis=0)) / A.std(axis=0) for A in (X, X_km)]
    kept = [np.flatnonzero(lasso_cd(A, y, alpha)[0]) for A in std]
    np.testing.assert_array_equal(kept[0], kept[1])
    assert 0 in kept[1]


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.linear_model import LassoCV

tests = [
    test_lasso_worked_example,
    test_lasso_cd_matches_sklearn,
    test_lasso_all_zero_from_alpha_max,
    test_lasso_small_alpha_approaches_least_squares,
    test_lasso_kkt_conditions_hold,
    test_lasso_selection_depends_on_units,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
# the same stopping rule as scikit-learn, so the same number of sweeps
X, y, _ = correlated_regression(120, 15, seed=0)
fits = [(lasso_cd(X, y, a), Lasso(alpha=a).fit(X, y)) for a in (0.01, 0.05, 0.2, 0.5)]
print("sweeps, ours:        ", [ours[2] for ours, _ in fits])
print("n_iter_, scikit-learn:", [ref.n_iter_ for _, ref in fits])
gap = max(np.abs(ours[0] - ref.coef_).max() for ours, ref in fits)
print(f"largest weight difference below 1e-12: {gap < 1e-12}")
# the path on standardised, correlated features with 4 true weights among 20
X, y, w_true = correlated_regression(100, 20, seed=0)
X = (X - X.mean(axis=0)) / X.std(axis=0)
true = w_true != 0
alphas, coefs, sweeps = lasso_path(X, y, n_alphas=30)
print(f"alpha_max = {alphas[0]:.4f}; LassoCV's largest alpha", end=" ")
print(f"{LassoCV().fit(X, y).alphas_[0]:.4f}")
print("alpha/max  non-zero  true kept  false kept  sweeps")
for i in range(0, 30, 3):
    kept = coefs[i] != 0
    print(
        f"{alphas[i] / alphas[0]:9.4f}  {kept.sum():8d}  {(kept & true).sum():9d}"
        f"  {(kept & ~true).sum():10d}  {sweeps[i]:6d}"
    )
entry = [np.flatnonzero(coefs[:, j])[0] if coefs[:, j].any() else 30 for j in range(20)]
print("order of entry:", np.argsort(entry, kind="stable")[:6].tolist())
corr = np.corrcoef(X.T)
print(f"corr(x5, x4) = {corr[5, 4]:.2f}, corr(x2, x4) = {corr[2, 4]:.2f}")
print("true weights:".ljust(26), w_true[true].tolist())
print(
    f"lasso at alpha/max {alphas[6] / alphas[0]:.4f}:", coefs[6][true].round(3).tolist()
)
# ridge, (1 / (2n)) ||r||^2 + (lam / 2) ||w||^2, in closed form on the same data
n, yc = len(y), y - y.mean()
for lam in (0.01, 0.1, 1.0):
    w = np.linalg.solve(X.T @ X / n + lam * np.eye(20), X.T @ yc / n)
    print(
        f"ridge lam={lam}: non-zero {np.count_nonzero(w)} of 20, smallest |w| "
        f"{np.abs(w).min():.4f}, largest on a null feature {np.abs(w[~true]).max():.3f}"
    )
cold = sum(lasso_cd(X, y, a)[2] for a in alphas)
print(f"sweeps for the 30-alpha path: warm-started {sweeps.sum()}, cold-started {cold}")
# --8<-- [end:check]
