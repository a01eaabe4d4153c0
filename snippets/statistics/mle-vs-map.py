# --8<-- [start:coin]
import numpy as np
from scipy import optimize, stats

# Three flips, three heads. MLE versus MAP with a Beta(2, 2) prior on P(heads)
heads, flips, a, b = 3, 3, 2, 2
mle = heads / flips
map_closed = (heads + a - 1) / (flips + a + b - 2)
post_mean = (heads + a) / (flips + a + b)


def neg_log_post(p):
    return -(stats.binom.logpmf(heads, flips, p) + stats.beta.logpdf(p, a, b))


map_numeric = optimize.minimize_scalar(neg_log_post, bounds=(1e-6, 1 - 1e-6)).x
print(
    f"MLE {mle:.3f}, MAP {map_closed:.3f} (numeric {map_numeric:.3f}), "
    f"posterior mean {post_mean:.3f}"
)
print(
    "closed-form MAP matches the optimiser: "
    f"{np.allclose(map_closed, map_numeric, atol=1e-4)}"
)
# --8<-- [end:coin]

# --8<-- [start:regression]
import numpy as np
from sklearn.linear_model import Lasso, Ridge

# y = Xw + noise (sd sigma); Gaussian prior w ~ N(0, tau^2 I)
rng = np.random.default_rng(0)
n, d, sigma, tau = 30, 20, 1.0, 0.5
X = rng.normal(size=(n, d))
w_true = rng.normal(0, tau, size=d)
y = X @ w_true + rng.normal(0, sigma, size=n)

# MAP = argmin ||y - Xw||^2 / (2 sigma^2) + ||w||^2 / (2 tau^2)
w_map = np.linalg.solve(X.T @ X + (sigma**2 / tau**2) * np.eye(d), X.T @ y)
ridge = Ridge(alpha=sigma**2 / tau**2, fit_intercept=False).fit(X, y)
print(
    f"Gaussian-prior MAP equals Ridge(alpha=sigma^2/tau^2): "
    f"{np.allclose(w_map, ridge.coef_)}"
)

# Laplace prior p(w_j) ~ exp(-|w_j| / s), same variance 2 s^2 = tau^2: the MAP is the
# lasso, and scikit-learn's
# objective ||y - Xw||^2 / (2n) + alpha ||w||_1 needs alpha = sigma^2 / (n s)
s = tau / np.sqrt(2)
lasso = Lasso(
    alpha=sigma**2 / (n * s), fit_intercept=False, tol=1e-12, max_iter=100_000
).fit(X, y)
w = lasso.coef_
# Optimality (KKT) of the negative log posterior: the likelihood gradient
# X^T (y - Xw) / sigma^2 equals sign(w_j) / s where w_j != 0, and is at most 1 / s
# in absolute value where w_j == 0
grad = X.T @ (y - X @ w) / sigma**2
active = w != 0
print(
    f"Laplace-prior MAP equals Lasso: "
    f"{np.allclose(grad[active], np.sign(w[active]) / s)} and "
    f"{bool(np.all(np.abs(grad[~active]) <= 1 / s + 1e-6))}; "
    f"exact zeros {np.sum(~active)} of {d}"
)
# --8<-- [end:regression]

# --8<-- [start:risk]
import numpy as np
from sklearn.linear_model import Lasso, LinearRegression, Ridge

# Does the prior pay off? 300 datasets per kind of truth, squared error of the
# estimated weights; same n, d, sigma and priors as above
n, d, sigma, tau = 30, 20, 1.0, 0.5
s = tau / np.sqrt(2)
rng = np.random.default_rng(1)
truths = {
    "Gaussian": lambda: rng.normal(0, tau, size=d),
    "Laplace": lambda: rng.laplace(0, s, size=d),
    "sparse (4 of 20 = +-1)": lambda: np.r_[
        rng.choice([-1.0, 1.0], 4), np.zeros(d - 4)
    ],
}
print("true weights              OLS (MLE)  ridge (Gaussian MAP)  lasso (Laplace MAP)")
for name, draw in truths.items():
    errs = np.zeros(3)
    for _ in range(300):
        X = rng.normal(size=(n, d))
        w_true = draw()
        y = X @ w_true + rng.normal(0, sigma, size=n)
        for i, model in enumerate(
            [
                LinearRegression(fit_intercept=False),
                Ridge(alpha=sigma**2 / tau**2, fit_intercept=False),
                Lasso(alpha=sigma**2 / (n * s), fit_intercept=False),
            ]
        ):
            errs[i] += np.sum((model.fit(X, y).coef_ - w_true) ** 2) / 300
    print(f"{name:<25} {errs[0]:>9.3f} {errs[1]:>21.3f} {errs[2]:>20.3f}")
# --8<-- [end:risk]
