import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

rng = np.random.default_rng(0)


def draw(n):
    """y = sin(x) + noise whose spread grows with x: a known, heteroscedastic truth."""
    x = rng.uniform(0, 5, n)
    return x[:, None], np.sin(x) + rng.normal(0, 0.1 + 0.3 * x, n)


X_tr, y_tr = draw(2000)
X_cal, y_cal = draw(1000)  # calibration set: never used for fitting
X_te, y_te = draw(20_000)
alpha = 0.1  # target: 90% of intervals contain the true y


def conformal_quantile(scores):
    """The ceil((n + 1)(1 - alpha)) / n empirical quantile of calibration scores."""
    n = len(scores)
    return np.quantile(scores, np.ceil((n + 1) * (1 - alpha)) / n, method="higher")


# 1) Split conformal on absolute residuals: one width everywhere.
mean_model = HistGradientBoostingRegressor(random_state=0).fit(X_tr, y_tr)
q = conformal_quantile(np.abs(y_cal - mean_model.predict(X_cal)))
pred = mean_model.predict(X_te)
lo_abs, hi_abs = pred - q, pred + q

# 2) Conformalised quantile regression (CQR): fitted 5% and 95% quantiles, then
# widened (or narrowed) by a conformal correction.
lo_m, hi_m = (
    HistGradientBoostingRegressor(loss="quantile", quantile=a, random_state=0).fit(
        X_tr, y_tr
    )
    for a in (alpha / 2, 1 - alpha / 2)
)
scores = np.maximum(lo_m.predict(X_cal) - y_cal, y_cal - hi_m.predict(X_cal))
q_cqr = conformal_quantile(scores)
lo_cqr, hi_cqr = lo_m.predict(X_te) - q_cqr, hi_m.predict(X_te) + q_cqr
raw_cover = np.mean((y_te >= lo_m.predict(X_te)) & (y_te <= hi_m.predict(X_te)))

x = X_te[:, 0]
print(f"quantile regression alone: coverage {raw_cover:.3f}")
print(f"{'method':<16} {'coverage':>8} {'x < 1':>6} {'x > 4':>6} {'mean width':>10}")
for name, lo, hi in [("split conformal", lo_abs, hi_abs), ("CQR", lo_cqr, hi_cqr)]:
    inside = (y_te >= lo) & (y_te <= hi)
    print(
        f"{name:<16} {inside.mean():>8.3f} {inside[x < 1].mean():>6.3f} "
        f"{inside[x > 4].mean():>6.3f} {np.mean(hi - lo):>10.2f}"
    )
