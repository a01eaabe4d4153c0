import numpy as np
from sklearn.tree import DecisionTreeRegressor

# partially linear model: y = THETA * d + g(X) + eps,  d = m(X) + v
THETA, N, P, REPS = 0.5, 2000, 10, 70
# correlated covariates: corr(x_j, x_k) = 0.5 ** |j - k|
COV = 0.5 ** np.abs(np.subtract.outer(np.arange(P), np.arange(P)))
CHOL = np.linalg.cholesky(COV)


def simulate(rng):
    X = rng.standard_normal((N, P)) @ CHOL.T
    x0, x1, x2 = X[:, 0], X[:, 1], X[:, 2]
    # x0 and x1 confound nonlinearly: they drive both treatment and outcome
    m = np.tanh(2 * x0) + 0.5 * (x1**2 - 1)
    g = 1.5 * np.tanh(2 * x0) + (x1**2 - 1) + 0.5 * x2
    d = m + rng.standard_normal(N)
    y = THETA * d + g + rng.standard_normal(N)
    return X, d, y


def ols(y, Z):
    """Least squares; returns the coefficient of column 1 and its robust SE."""
    A = np.linalg.inv(Z.T @ Z)
    b = A @ (Z.T @ y)
    u = y - Z @ b
    V = A @ (Z.T * u**2) @ Z @ A
    return b[1], np.sqrt(V[1, 1])


def tree(leaf):
    return DecisionTreeRegressor(min_samples_leaf=leaf, random_state=0)


def in_sample(X, t, leaf):
    return tree(leaf).fit(X, t).predict(X)


def cross_fit(X, t, fold, leaf):
    """Each row is predicted by a model fitted on the other fold."""
    pred = np.empty_like(t)
    for k in (0, 1):
        fit = fold != k
        pred[~fit] = tree(leaf).fit(X[fit], t[fit]).predict(X[~fit])
    return pred


def partial_out(y_res, d_res):
    """Regress the outcome residual on the treatment residual (Robinson)."""
    theta = d_res @ y_res / (d_res @ d_res)
    psi = (y_res - theta * d_res) * d_res
    se = np.sqrt(np.mean(psi**2)) / np.mean(d_res**2) / np.sqrt(len(y_res))
    return theta, se


def naive(X, d, y, fold, leaf, rounds=2):
    """Plug-in: alternate g-hat = tree(y - theta d) and theta = OLS of y - g-hat
    on d. g-hat is out-of-fold, so only regularisation bias is left."""
    theta = 0.0
    for _ in range(rounds):
        g_hat = cross_fit(X, y - theta * d, fold, leaf)
        theta, se = ols(y - g_hat, np.column_stack([np.ones(N), d]))
    return theta, se


est = {
    "(a) OLS of y on d alone": [],
    "(b) OLS with linear controls X": [],
    "(c) naive plug-in, y - g-hat on d": [],
    "(d) DML, in-sample nuisances": [],
    "(e) DML, 2-fold cross-fitting": [],
    "(f) in-sample, overfit trees": [],
}
for rep in range(REPS):
    rng = np.random.default_rng(rep)
    X, d, y = simulate(rng)
    fold = rng.permutation(N) % 2
    one = np.ones(N)
    est["(a) OLS of y on d alone"].append(ols(y, np.column_stack([one, d])))
    est["(b) OLS with linear controls X"].append(ols(y, np.column_stack([one, d, X])))
    est["(c) naive plug-in, y - g-hat on d"].append(naive(X, d, y, fold, 20))
    y_in, d_in = y - in_sample(X, y, 20), d - in_sample(X, d, 20)
    est["(d) DML, in-sample nuisances"].append(partial_out(y_in, d_in))
    y_cf, d_cf = y - cross_fit(X, y, fold, 20), d - cross_fit(X, d, fold, 20)
    est["(e) DML, 2-fold cross-fitting"].append(partial_out(y_cf, d_cf))
    # the same in-sample recipe with trees grown to 2 rows per leaf
    y_in, d_in = y - in_sample(X, y, 2), d - in_sample(X, d, 2)
    est["(f) in-sample, overfit trees"].append(partial_out(y_in, d_in))

print(f"{REPS} simulated data sets, n = {N}, {P} covariates, true theta = {THETA}")
print(f"{'estimator':36s} {'bias':>7s} {'sd':>6s} {'mean SE':>8s} {'95% cover':>9s}")
for name, rows in est.items():
    theta, se = np.array(rows).T
    cover = np.mean(np.abs(theta - THETA) < 1.96 * se)
    print(
        f"{name:36s} {theta.mean() - THETA:+7.3f} {theta.std():6.3f} "
        f"{se.mean():8.3f} {cover:9.3f}"
    )
