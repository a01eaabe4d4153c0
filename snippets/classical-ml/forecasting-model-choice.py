import lightgbm as lgb
import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

rng = np.random.default_rng(0)
N, H, M, K = 16, 14, 7, 4  # series, horizon (days), season length, weekly lags
ORIGINS = [280, 294, 308]  # rolling origins: refit on all data before each
T = ORIGINS[-1] + H
t = np.arange(T)

# Daily demand: level x trend x weekly profile, 10% noise. One promotion calendar
# (3-day promotions, known in advance) lifts the even-numbered series by 60%.
level = np.exp(rng.uniform(np.log(5), np.log(500), N))
trend = np.exp(rng.normal(0, 0.001, N)[:, None] * t)
phase = rng.integers(0, 7, N)[:, None]
weekly = 1 + rng.uniform(0.1, 0.5, N)[:, None] * np.sin(2 * np.pi * (t + phase) / 7)
promo_day = np.zeros(T, bool)
for start in rng.choice(np.arange(0, T - 3, 3), size=14, replace=False):
    promo_day[start : start + 3] = True
in_promo = np.arange(N) % 2 == 0
promo = (promo_day & in_promo[:, None]).astype(float)
y = level[:, None] * trend * weekly * (1 + 0.6 * promo)
y *= 1 + rng.normal(0, 0.1, (N, T))


def mase(actual, forecast, history):
    # scale: in-sample MAE of the seasonal naive forecast (Hyndman and Koehler 2006)
    scale = np.mean(np.abs(history[M:] - history[:-M]))
    return np.mean(np.abs(actual - forecast)) / scale


def seasonal_naive(history):
    return np.resize(history[-M:], H)


def holt_winters(history):
    model = ExponentialSmoothing(
        history,
        trend="add",
        damped_trend=True,
        seasonal="mul",
        seasonal_periods=M,
        initialization_method="heuristic",
    )
    # least squares without the initial grid search: fast, and enough here
    return model.fit(method="least_squares", use_brute=False).forecast(H)


def lgbm_rows(origins):
    """Direct strategy: one row per (series, origin, h), built only from what is
    known at the origin; h = 1..H is a feature, so one model serves every h."""
    o = np.asarray(origins)[:, None]
    day = o + np.arange(H)  # (O, H) the day being forecast
    # the K most recent days before the origin on the forecast day's weekday
    back = 7 * (np.arange(H) // 7 + 1)
    same_dow = day[..., None] - back[:, None] - 7 * np.arange(K)  # (O, H, K)
    base = y[:, same_dow].mean(-1)  # (N, O, H) seasonal-naive-like base
    recent = np.stack([y[:, d - 7 : d].mean(1) for d in o[:, 0]], 1)[..., None]
    shape = base.shape
    X = np.concatenate(
        [
            y[:, same_dow] / base[..., None],
            promo[:, same_dow],
            np.broadcast_to(recent, shape)[..., None] / base[..., None],
            np.broadcast_to(np.arange(1, H + 1), shape)[..., None],
            promo[:, day][..., None],
        ],
        axis=-1,
    ).reshape(-1, 2 * K + 3)
    # target: ratio to the base, so one model fits series of any scale
    ratio = y[:, day] / base
    return X, ratio.reshape(-1), base.reshape(-1)


def global_lightgbm(origin):
    # training origins every 3 days, whose whole horizon ends before the origin
    X, ratio, _ = lgbm_rows(np.arange(7 * (K + 1), origin - H + 1, 3))
    model = lgb.LGBMRegressor(
        n_estimators=100,
        learning_rate=0.1,
        num_leaves=15,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=0,
        n_jobs=1,
        deterministic=True,
        force_row_wise=True,
        verbose=-1,
    )
    model.fit(X, ratio)
    X_new, _, base = lgbm_rows([origin])
    return (model.predict(X_new) * base).reshape(N, H)


methods = ["seasonal naive", "Holt-Winters, per series", "LightGBM, global direct"]
scores = {name: np.zeros((len(ORIGINS), N)) for name in methods}
for j, origin in enumerate(ORIGINS):
    gbm = global_lightgbm(origin)
    for i in range(N):
        history, actual = y[i, :origin], y[i, origin : origin + H]
        forecasts = [seasonal_naive(history), holt_winters(history), gbm[i]]
        for name, forecast in zip(methods, forecasts):
            scores[name][j, i] = mase(actual, forecast, history)

print(f"{N} series, {len(ORIGINS)} origins, horizon {H} days: mean MASE")
print(f"{'method':26}{'all':>6}{'promo':>7}{'no promo':>10}")
for name in methods:
    s = scores[name]
    print(
        f"{name:26}{s.mean():6.2f}{s[:, in_promo].mean():7.2f}"
        f"{s[:, ~in_promo].mean():10.2f}"
    )
