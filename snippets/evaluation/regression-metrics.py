import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    r2_score,
    root_mean_squared_error,
)
from sklearn.model_selection import train_test_split

X, y = load_diabetes(
    return_X_y=True
)  # disease progression after one year, 442 patients
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)
pred = LinearRegression().fit(X_tr, y_tr).predict(X_te)

err = y_te - pred
mae, rmse = np.mean(np.abs(err)), np.sqrt(np.mean(err**2))
r2 = 1 - np.sum(err**2) / np.sum((y_te - y_te.mean()) ** 2)
mape = np.mean(np.abs(err / y_te))
lib = [
    mean_absolute_error(y_te, pred),
    root_mean_squared_error(y_te, pred),
    r2_score(y_te, pred),
    mean_absolute_percentage_error(y_te, pred),
]
print(
    f"linear model: MAE {mae:.1f}  RMSE {rmse:.1f}  R2 {r2:.3f}  MAPE {mape:.3f} "
    "(a fraction, not %)"
)
print(f"by hand matches sklearn: {np.allclose([mae, rmse, r2, mape], lib)}")
r2_mean = r2_score(y_te, np.full_like(y_te, y_tr.mean()))
r2_zero = r2_score(y_te, np.zeros_like(y_te))
print(f"predict the training mean: R2 {r2_mean:.1e}; predict 0: R2 {r2_zero:.2f}")

# Five predictions go badly wrong (off by 300): RMSE moves far more than MAE.
bad = pred.copy()
bad[:5] += 300
mae_bad, rmse_bad = mean_absolute_error(y_te, bad), root_mean_squared_error(y_te, bad)
print(
    f"5 large errors: MAE {mae_bad:.1f} (+{mae_bad - mae:.1f}), "
    f"RMSE {rmse_bad:.1f} (+{rmse_bad - rmse:.1f})"
)

# MAPE pitfalls. 1) An actual near zero dominates the average.
y_small = np.array([100.0, 120.0, 80.0, 0.5])
print(
    "MAPE with one actual of 0.5 predicted as 5: "
    f"{mean_absolute_percentage_error(y_small, [100, 120, 80, 5]):.2f}"
)

# 2) The best constant forecast: MSE picks the mean, MAE the median, MAPE something
# lower.
rng = np.random.default_rng(0)
demand = rng.lognormal(
    mean=3, sigma=0.8, size=5000
)  # skewed positive target, like sales
for name, loss in [
    ("MSE", lambda c: np.mean((demand - c) ** 2)),
    ("MAE", lambda c: np.mean(np.abs(demand - c))),
    ("MAPE", lambda c: np.mean(np.abs(demand - c) / demand)),
]:
    best = minimize_scalar(loss, bounds=(0, 200), method="bounded").x
    print(f"best constant under {name:<4}: {best:6.1f}")
print(f"mean {demand.mean():.1f}, median {np.median(demand):.1f}")
