# --8<-- [start:solvers]
import numpy as np
from sklearn.linear_model import LinearRegression

rng = np.random.default_rng(0)
n, p = 1000, 5
X = rng.normal(size=(n, p))
beta = np.array([2.0, -1.0, 0.5, 0.0, 3.0])
y = 1.0 + X @ beta + rng.normal(0, 1.0, n)
Xb = np.column_stack([np.ones(n), X])  # a column of ones for the intercept

# Closed form: the normal equations X'X b = X'y (solve them, never invert X'X) ...
normal_eq = np.linalg.solve(Xb.T @ Xb, Xb.T @ y)
# ... or, more stable, least squares by SVD (what np.linalg.lstsq does)
svd = np.linalg.lstsq(Xb, y, rcond=None)[0]
lr = LinearRegression().fit(X, y)
sk = np.r_[lr.intercept_, lr.coef_]

# Batch gradient descent on the mean squared error
w, step, steps = np.zeros(p + 1), 0.1, 0
grad = np.ones(p + 1)
while np.linalg.norm(grad) > 1e-10:
    grad = 2 / n * Xb.T @ (Xb @ w - y)
    w -= step * grad
    steps += 1

print("true:        ", np.r_[1.0, beta])
print("coefficients:", np.round(normal_eq, 3))
print("normal equations = SVD lstsq:", np.allclose(normal_eq, svd))
print("normal equations = scikit-learn:", np.allclose(normal_eq, sk))
print(f"gradient descent agrees after {steps} steps:", np.allclose(w, normal_eq))
# --8<-- [end:solvers]

# --8<-- [start:assumptions]
import numpy as np
import statsmodels.api as sm

rng = np.random.default_rng(1)


def ols_with_errors(X, y):
    """OLS slope, its classical standard error and its HC3 (robust) standard error."""
    Xb = np.column_stack([np.ones(len(y)), X])
    XtX_inv = np.linalg.inv(Xb.T @ Xb)
    b = XtX_inv @ Xb.T @ y
    e = y - Xb @ b
    n, k = Xb.shape
    classical = np.sqrt(e @ e / (n - k) * np.diag(XtX_inv))
    h = np.einsum("ij,jk,ik->i", Xb, XtX_inv, Xb)  # leverages
    meat = (Xb * (e / (1 - h))[:, None] ** 2).T @ Xb
    hc3 = np.sqrt(np.diag(XtX_inv @ meat @ XtX_inv))
    return b[1], classical[1], hc3[1]


def scenario(name, n=200):
    x1 = rng.normal(size=n)
    x2 = 0.7 * x1 + np.sqrt(1 - 0.7**2) * rng.normal(size=n)  # correlated with x1
    noise = rng.normal(size=n)
    if name == "heteroscedastic":
        noise = noise * 2 * np.abs(x1)
    if name == "skewed errors":
        noise = rng.exponential(size=n) - 1
    y = 1.0 * x1 + 1.0 * x2 + noise  # the true slope of x1 is 1.0
    if name == "omitted x2":
        return ols_with_errors(x1[:, None], y)
    return ols_with_errors(np.column_stack([x1, x2]), y)


# One fit checked against statsmodels
x = rng.normal(size=(50, 2))
yy = x @ [1.0, 2.0] + rng.normal(size=50) * (1 + np.abs(x[:, 0]))
fit = sm.OLS(yy, sm.add_constant(x))
_, se, hc3 = ols_with_errors(x, yy)
print(
    "NumPy standard errors match statsmodels:",
    np.isclose(se, fit.fit().bse[1])
    and np.isclose(hc3, fit.fit(cov_type="HC3").bse[1]),
)

print("2,000 samples of n=200; true slope of x1 = 1.0")
print(f"{'scenario':<17}{'mean b1':>8}{'sd b1':>7}{'mean SE':>8}  95% CI covers 1.0")
print(f"{'':<17}{'':>8}{'':>7}{'':>8}  classical   HC3")
for name in ["all hold", "heteroscedastic", "skewed errors", "omitted x2"]:
    b, se, hc3 = np.array([scenario(name) for _ in range(2000)]).T
    cover = np.mean(np.abs(b - 1.0) < 1.96 * se)
    cover_hc3 = np.mean(np.abs(b - 1.0) < 1.96 * hc3)
    print(
        f"{name:<17}{b.mean():8.3f}{b.std():7.3f}{se.mean():8.3f}"
        f"  {cover:9.3f}{cover_hc3:6.3f}"
    )
# --8<-- [end:assumptions]
