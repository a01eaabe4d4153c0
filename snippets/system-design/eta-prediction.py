# --8<-- [start:capacity]
# Illustrative assumptions for a delivery app: 2M orders a day; 10 ETA views per order
# while browsing and checking out; dispatch compares 20 couriers per order, 2 legs each
# (to the restaurant, then to the customer); dinner peak 4x the mean; a GBDT of 300
# trees answers in about 50 microseconds per prediction on one core.
orders, views, couriers, legs, peak, cpu_s = 2e6, 10, 20, 2, 4, 50e-6
per_day = orders * (views + couriers * legs)
peak_rate = per_day / 86_400 * peak
for name, value in [
    ("ETA predictions/day", f"{per_day / 1e6:,.0f}M"),
    ("ETA predictions/s at peak", f"{peak_rate:,.0f}"),
    ("CPU cores for the model at peak", f"{peak_rate * cpu_s:.1f}"),
    (
        "share of calls from dispatch",
        f"{couriers * legs / (views + couriers * legs):.2f}",
    ),
]:
    print(f"{name:<34}{value:>10}")
# --8<-- [end:capacity]

# --8<-- [start:model]
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

rng = np.random.default_rng(0)


def trips(n):
    # Known ground truth: the routing engine's ETA assumes free-flow speed; real trips
    # are slower at rush hour and downtown, add a pickup wait that depends on how busy
    # the restaurant is, and have right-skewed noise.
    km = rng.gamma(2.0, 2.5, n)
    hour = rng.integers(0, 24, n)
    downtown = rng.random(n) < 0.4
    busy = rng.random(n)
    routing = km / 30 * 60  # minutes at 30 km/h
    rush = (
        1 + 0.6 * np.exp(-((hour - 18) ** 2) / 4) + 0.3 * np.exp(-((hour - 8) ** 2) / 3)
    )
    slow = rush * np.where(downtown, 1.4, 1.0)
    actual = routing * slow + 4 + 10 * busy**2 + rng.gamma(2.0, 2.0, n)
    X = np.column_stack([routing, km, hour, downtown, busy])
    return X, routing, actual


X_train, route_train, y_train = trips(40_000)
X_test, route_test, y_test = trips(20_000)
params = dict(max_iter=200, learning_rate=0.1, random_state=0)


def report(name, promised):
    err = y_test - promised
    print(
        f"{name:<32}{np.abs(err).mean():6.2f}{(err > 0).mean():7.2f}"
        f"{(err > 5).mean():9.3f}{np.maximum(-err, 0).mean():9.2f}"
    )


print(f"{'ETA promised':<32}{'MAE':>6}{'late':>7}{'late >5m':>9}{'early by':>9}")
report("routing engine only", route_test)
report("routing + median residual", route_test + np.median(y_train - route_train))
gbdt = HistGradientBoostingRegressor(loss="absolute_error", **params)
residual = gbdt.fit(X_train, y_train - route_train).predict(X_test)
report("GBDT on residual, median", route_test + residual)
for q in (0.8, 0.9):
    model = HistGradientBoostingRegressor(loss="quantile", quantile=q, **params)
    quantile = model.fit(X_train, y_train - route_train).predict(X_test)
    report(f"GBDT on residual, {q:.0%} quantile", route_test + quantile)
# --8<-- [end:model]
