import numpy as np
from sklearn.linear_model import LinearRegression, Ridge
from statsmodels.stats.outliers_influence import variance_inflation_factor

rng = np.random.default_rng(0)


def make_data(n, rho):
    """x1 and x2 with correlation rho, x3 independent; y = x1 + x2 + x3 + noise."""
    x1 = rng.normal(size=n)
    x2 = rho * x1 + np.sqrt(1 - rho**2) * rng.normal(size=n)
    x3 = rng.normal(size=n)
    X = np.column_stack([x1, x2, x3])
    return X, X.sum(axis=1) + rng.normal(size=n)


def vif(X):
    """VIF_j = 1 / (1 - R^2 of feature j regressed on the other features)."""
    out = []
    for j in range(X.shape[1]):
        others = np.delete(X, j, axis=1)
        r2 = LinearRegression().fit(others, X[:, j]).score(others, X[:, j])
        out.append(1 / (1 - r2))
    return np.array(out)


X, _ = make_data(1000, rho=0.99)
# statsmodels expects the intercept column in the design matrix
Xc = np.column_stack([np.ones(len(X)), X])
sm_vif = [variance_inflation_factor(Xc, j) for j in range(1, 4)]
print(
    "VIF of x1, x2, x3:",
    np.round(vif(X), 1),
    "matches statsmodels:",
    np.allclose(vif(X), sm_vif),
)

# Refit on 200 fresh training sets of 100 rows (true b1 = b2 = 1); predict fixed points.
X_test, _ = make_data(1000, rho=0.99)
off = np.array([[1.0, -1.0, 0.0]])  # x1 and x2 disagree: unlike the training data
print(
    f"{'rho':>5} {'model':<6}{'mean b1':>8}{'sd b1':>7}{'sd b2':>7}{'sd b1+b2':>9}"
    f"{'sd pred (test)':>15}{'sd pred (off)':>14}"
)
for rho in [0.0, 0.99]:
    for name, model in [("OLS", LinearRegression()), ("ridge", Ridge(alpha=10.0))]:
        coefs, preds, offs = [], [], []
        for _ in range(200):
            X, y = make_data(100, rho)
            model.fit(X, y)
            coefs.append(model.coef_)
            preds.append(model.predict(X_test))
            offs.append(model.predict(off)[0])
        c = np.array(coefs)
        print(
            f"{rho:5.2f} {name:<6}{c[:, 0].mean():8.3f}"
            f"{c[:, 0].std():7.3f}{c[:, 1].std():7.3f}"
            f"{(c[:, 0] + c[:, 1]).std():9.3f}"
            f"{np.array(preds).std(axis=0).mean():15.3f}{np.std(offs):14.3f}"
        )
