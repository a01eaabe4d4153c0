import lightgbm as lgb
import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
# Four years of daily demand: a trend of 0.08 a day, +20 at weekends, a hinge
# in temperature (hot days sell more), a price step and noise. Temperature is
# seasonal and drifts up slowly, so the last year is a little warmer.
T, TRAIN_END = 4 * 365, 3 * 365
t = np.arange(T, dtype=float)
weekday = t % 7
temp = 15 + 10 * np.sin(2 * np.pi * (t - 100) / 365) + 0.003 * t
temp += rng.normal(0, 3, T)
price = rng.uniform(0.8, 1.5, T)
noise = rng.normal(0, 8, T)
base = 100 + 20 * (weekday >= 5) + 4 * np.maximum(temp - 20, 0) - 25 * (price > 1.2)
y = base + 0.08 * t + noise
# the same days if growth stops after year 3 (years 1-3 are identical)
y_stall = base + 0.08 * np.minimum(t, TRAIN_END) + noise
X = np.column_stack([t / 365, weekday, temp, price])  # time in years


def lgbm(**extra):
    return lgb.LGBMRegressor(
        n_estimators=300,
        learning_rate=0.05,
        num_leaves=15,
        random_state=0,
        n_jobs=1,
        deterministic=True,
        force_row_wise=True,
        verbose=-1,
        **extra,
    )


class TrendPlusTrees:
    # a straight line in time, then trees (all features) on what it leaves over
    def fit(self, X, y):
        self.trend = LinearRegression().fit(X[:, :1], y)
        self.trees = lgbm().fit(X, y - self.trend.predict(X[:, :1]))
        return self

    def predict(self, X):
        return self.trend.predict(X[:, :1]) + self.trees.predict(X)


models = {
    "random forest": lambda: RandomForestRegressor(
        200, min_samples_leaf=3, random_state=0, n_jobs=1
    ),
    "LightGBM": lgbm,
    # LightGBM's documentation recommends scaling the features for linear trees
    "LightGBM linear_tree": lambda: make_pipeline(
        StandardScaler(), lgbm(linear_tree=True, linear_lambda=1.0)
    ),
    "linear regression": LinearRegression,
    "linear trend + LightGBM": TrendPlusTrees,
}

# the extrapolation detector: is a test row outside the training min/max?
past, shuffled = t < TRAIN_END, rng.random(T) < 0.75
print(f"{'test rows outside training min/max':<36}{'time':>6}{'others':>7}{'any':>6}")
for name, train in [("time split (test = year 4)", past), ("random split", shuffled)]:
    lo, hi = X[train].min(axis=0), X[train].max(axis=0)
    out = (X[~train] < lo) | (X[~train] > hi)
    print(
        f"{name:<36}{out[:, 0].mean():6.3f}{out[:, 1:].any(axis=1).mean():7.3f}"
        f"{out.any(axis=1).mean():6.3f}"
    )
print(f"max y: years 1-3 {y[past].max():.1f}, year 4 {y[~past].max():.1f}")
print(
    f"MAE of the true function in year 4 (the noise): {np.abs(noise[~past]).mean():.1f}"
)

# Fit on years 1-3, score year 4: MAE, bias = mean(pred - y), the largest
# prediction, and "flat": are the predictions unchanged if every test day is
# moved back to the last training day? Then the MAE on the random split, and
# the same year-4 predictions scored against y_stall.
X_clamped = X[~past].copy()
X_clamped[:, 0] = X[past, 0].max()
print(
    f"{'model':<24}{'MAE time':>9}{'bias':>7}{'max pred':>9}{'flat':>6}"
    f"{'MAE random':>11}{'MAE stall':>10}"
)
for name, make in models.items():
    model = make().fit(X[past], y[past])
    pred = model.predict(X[~past])
    flat = np.allclose(model.predict(X_clamped), pred)
    rand = make().fit(X[shuffled], y[shuffled]).predict(X[~shuffled])
    print(
        f"{name:<24}{np.abs(pred - y[~past]).mean():9.1f}"
        f"{(pred - y[~past]).mean():+7.1f}{pred.max():9.1f}{flat!s:>6}"
        f"{np.abs(rand - y[~shuffled]).mean():11.1f}"
        f"{np.abs(pred - y_stall[~past]).mean():10.1f}"
    )
