# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 1,000 stores x 10,000 SKUs each, daily forecasts 28 days
# ahead re-made every night, a GBDT at 50 microseconds per prediction on one core, a
# 3-hour nightly window, two years of history as training rows of 100 float32 features.
series, horizon, cpu_s, window_h = 1_000 * 10_000, 28, 50e-6, 3
rows = series * 730
core_hours = series * horizon * cpu_s / 3600
for name, value in [
    ("store-SKU series", si(series)),
    ("forecasts per night", si(series * horizon)),
    ("core-hours to predict", f"{core_hours:.1f}"),
    ("cores for a 3-hour window", f"{core_hours / window_h:.1f}"),
    ("training rows, 2 years", si(rows)),
    ("training features, bytes", si(rows * 100 * 4)),
]:
    print(f"{name:<28}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:censoring]
import lightgbm as lgb
import numpy as np
from scipy.stats import poisson

rng = np.random.default_rng(0)
# Known ground truth: 150 store-SKU series, 364 days to train on and 56 to test. Demand
# is Poisson around a level x weekday profile, doubled on promotion days (8% of days).
# Replenishment ignores promotions: the shelf gets 1.2-2.5x a normal day's demand, and
# nothing on the 3% of days a delivery fails. Sales = min(demand, stock), so on a
# stock-out day (sales == stock) the demand beyond the stock is never seen.
n_series, train_days, test_days = 150, 364, 56
days = train_days + test_days
weekday = np.arange(days) % 7
level = rng.lognormal(1.5, 0.6, n_series)
normal = level[:, None] * np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 1.3])[weekday]
promo = rng.random((n_series, days)) < 0.08
demand = rng.poisson(normal * np.where(promo, 2.0, 1.0)).ravel()
stock = np.ceil(normal * rng.uniform(1.2, 2.5, normal.shape))
stock[rng.random(normal.shape) < 0.03] = 0
stock = stock.ravel()
sales = np.minimum(demand, stock)
out = sales == stock

# One global model: series id (categorical), weekday, promotion flag; Poisson loss.
X = np.column_stack(
    [np.repeat(np.arange(n_series), days), np.tile(weekday, n_series), promo.ravel()]
)
train = np.tile(np.arange(days) < train_days, n_series)
test = ~train


def fit(rows, target):
    model = lgb.LGBMRegressor(
        objective="poisson",
        n_estimators=40,
        learning_rate=0.3,
        num_leaves=15,
        n_jobs=1,
        random_state=0,
        verbose=-1,
    )
    return model.fit(X[rows], target, categorical_feature=[0])


def report(name, model):
    f = model.predict(X[test])
    d, s, p = demand[test], sales[test], X[test, 2] == 1
    # Newsvendor: a unit short loses a margin of 3, a unit left over costs 1 (waste),
    # so the best order is the 3 / (3 + 1) = 0.75 quantile of demand.
    cost_short, cost_over = 3.0, 1.0

    def cost(order):
        short, over = np.maximum(d - order, 0), np.maximum(order - d, 0)
        return (cost_short * short + cost_over * over).mean()

    quantile = poisson.ppf(cost_short / (cost_short + cost_over), f)
    print(
        f"{name:<30}{f.sum() / s.sum() - 1:+9.3f}{f.sum() / d.sum() - 1:+10.3f}"
        f"{f[p].sum() / d[p].sum() - 1:+11.3f}{cost(np.round(f)):11.2f}"
        f"{cost(quantile):12.2f}"
    )


lost = 1 - sales[train].sum() / demand[train].sum()
print(
    f"training days with a stock-out {out[train].mean():.3f} "
    f"(promotion days {out[train & (X[:, 2] == 1)].mean():.3f}); demand lost {lost:.3f}"
)
# Bias = forecast total / actual total - 1 over the test days: against sales (all a
# real backtest can see), against demand, and against demand on promotion days. Cost:
# ordering the rounded mean forecast, or the forecast's Poisson 0.75 quantile.
print(
    f"{'trained on':<30}{'vs sales':>9}{'vs demand':>10}{'promo days':>11}"
    f"{'order mean':>11}{'order q0.75':>12}"
)
report("raw sales", fit(train, sales[train]))
full_day = train & (stock > 0)
report("drop empty-shelf days", fit(full_day, sales[full_day]))
seen = train & ~out
model = fit(seen, sales[seen])
report("drop all stock-out days", model)
# Censored data: on a stock-out day demand is only known to be >= stock. EM for a
# Poisson model: replace the sale by E[demand | demand >= stock] under the current
# fit, mu * P(D >= stock - 1) / P(D >= stock), refit, repeat.
target, cens, s_train = sales[train].astype(float), out[train], stock[train]
for _ in range(3):
    mu = model.predict(X[train][cens])
    target[cens] = (
        mu * poisson.sf(s_train[cens] - 2, mu) / poisson.sf(s_train[cens] - 1, mu)
    )
    model = fit(train, target)
report("stock-outs as censored (EM)", model)
report("true demand (not observable)", fit(train, demand[train]))
# --8<-- [end:censoring]
