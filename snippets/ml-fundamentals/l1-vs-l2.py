# --8<-- [start:sweep]
import numpy as np
from sklearn.linear_model import Lasso, Ridge
from sklearn.metrics import mean_squared_error

# 50 features, only 5 of which matter; 100 training rows, 1,000 test rows.
rng = np.random.default_rng(0)
w_true = np.zeros(50)
w_true[:5] = [3.0, -2.0, 1.5, 1.0, -1.0]
X = rng.normal(size=(1100, 50))
y = X @ w_true + rng.normal(0, 1.0, 1100)
X_tr, y_tr, X_te, y_te = X[:100], y[:100], X[100:], y[100:]

print("            ---------- Lasso (L1) ----------  ------ Ridge (L2) ------")
print("alpha       zeros  true kept  false kept  MSE   zeros  smallest |w|  MSE")
for alpha in [0.001, 0.01, 0.05, 0.1, 0.3, 1.0]:
    lasso = Lasso(alpha=alpha, max_iter=50_000).fit(X_tr, y_tr)
    # Lasso minimises (1/2n)||y - Xw||^2 + a||w||_1, Ridge ||y - Xw||^2 + a||w||^2:
    # Ridge(alpha=n * a) is the penalty (a/2)||w||^2 on the Lasso's scale.
    ridge = Ridge(alpha=alpha * len(y_tr)).fit(X_tr, y_tr)
    nz = lasso.coef_ != 0
    print(
        f"{alpha:<10}{np.sum(~nz):7d}{np.sum(nz[:5]):11d}{np.sum(nz[5:]):12d}"
        f"{mean_squared_error(y_te, lasso.predict(X_te)):6.2f}"
        f"{np.sum(ridge.coef_ == 0):8d}{np.abs(ridge.coef_).min():14.1e}"
        f"{mean_squared_error(y_te, ridge.predict(X_te)):6.2f}"
    )
# --8<-- [end:sweep]

# --8<-- [start:scratch]
import numpy as np
from sklearn.linear_model import Lasso, Ridge

rng = np.random.default_rng(1)
X = rng.normal(size=(100, 20))
y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng.normal(0, 0.5, 100)
X, y = X - X.mean(axis=0), y - y.mean()  # centred: no intercept needed
n, alpha = len(y), 0.1


def soft_threshold(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def lasso_cd(X, y, alpha, sweeps=500):
    """Coordinate descent on (1/2n)||y - Xw||^2 + alpha ||w||_1 (scikit-learn's
    objective).
    """
    w = np.zeros(X.shape[1])
    col_sq = (X**2).sum(axis=0) / n
    for _ in range(sweeps):
        for j in range(X.shape[1]):
            residual = y - X @ w + X[:, j] * w[j]  # leave feature j out
            # The 1-D problem in w_j has a closed form: soft-threshold the OLS solution.
            w[j] = soft_threshold(X[:, j] @ residual / n, alpha) / col_sq[j]
    return w


w_lasso = lasso_cd(X, y, alpha)
sk_lasso = Lasso(alpha=alpha, fit_intercept=False, tol=1e-10, max_iter=100_000)
print(
    "lasso CD matches scikit-learn: "
    f"{np.allclose(w_lasso, sk_lasso.fit(X, y).coef_, atol=1e-6)}"
)
print(f"lasso exact zeros: {np.sum(w_lasso == 0)} of 20")

# Ridge has a closed form: w = (X^T X + alpha I)^-1 X^T y. Shrinks, never zeroes.
w_ridge = np.linalg.solve(X.T @ X + alpha * n * np.eye(20), X.T @ y)
sk_ridge = Ridge(alpha=alpha * n, fit_intercept=False).fit(X, y).coef_
print(f"ridge closed form matches scikit-learn: {np.allclose(w_ridge, sk_ridge)}")
print(f"ridge exact zeros: {np.sum(w_ridge == 0)} of 20")
# --8<-- [end:scratch]

# --8<-- [start:logistic]
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# L1-penalised logistic regression as a feature selector: 30 tumour features.
X, y = load_breast_cancer(return_X_y=True)
print("C       features kept  CV accuracy")
for C in [0.01, 0.05, 0.2, 1.0, 10.0]:
    # scikit-learn >= 1.8: l1_ratio=1 means pure L1 (penalty="l1" is deprecated).
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=C, l1_ratio=1, solver="liblinear", random_state=0),
    )
    acc = cross_val_score(model, X, y, cv=5).mean()
    kept = np.sum(model.fit(X, y)[-1].coef_ != 0)
    print(f"{C:<8}{kept:13d}{acc:13.3f}")

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    LogisticRegression(penalty="l1", solver="liblinear").fit(X[:100], y[:100])
future = [str(w.message) for w in caught if w.category is FutureWarning]
print("penalty='l1':", future[0].split(" To avoid")[0])
# --8<-- [end:logistic]
