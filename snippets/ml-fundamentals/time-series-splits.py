import numpy as np
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_val_score
from sklearn.neighbors import KNeighborsRegressor

rng = np.random.default_rng(0)


def ar1(phi, size):
    """Autocorrelated series: z_t = phi * z_{t-1} + e_t."""
    e, z = rng.normal(size=size), np.zeros(size)
    for t in range(1, size[0]):
        z[t] = phi * z[t - 1] + e[t]
    return z


def make_series(days=900):
    # Three slowly varying features (think temperature, price, traffic), a level that
    # drifts and is not observed, and daily noise.
    X = ar1(0.95, (days, 3))
    level = 0.3 * ar1(0.98, (days, 1))[:, 0]
    return X, X @ np.array([1.0, -0.5, 0.3]) + level + rng.normal(0, 0.5, days)


schemes = {
    "KFold(5, shuffle=True)": KFold(5, shuffle=True, random_state=0),
    "TimeSeriesSplit(5)": TimeSeriesSplit(5),
    "TimeSeriesSplit(4, test_size=100)": TimeSeriesSplit(4, test_size=100),
    "  same, gap=10": TimeSeriesSplit(4, test_size=100, gap=10),
}
# 50 independent series: estimate the error on the first 800 days, then measure the
# real error of a model trained on those 800 days over the next 100.
model = KNeighborsRegressor(n_neighbors=10)
estimates, real = {name: [] for name in schemes}, []
for _ in range(50):
    X, y = make_series()
    for name, cv in schemes.items():
        scores = cross_val_score(
            model, X[:800], y[:800], cv=cv, scoring="neg_mean_absolute_error"
        )
        estimates[name].append(-scores.mean())
    model.fit(X[:800], y[:800])
    real.append(mean_absolute_error(y[800:], model.predict(X[800:])))

print("MAE, mean over 50 series (standard error)")
for name, values in estimates.items():
    se = np.std(values) / np.sqrt(len(values))
    print(f"  {name:<35}{np.mean(values):.2f} ({se:.2f})")
se = np.std(real) / np.sqrt(len(real))
print(f"  {'real error on the next 100 days':<35}{np.mean(real):.2f} ({se:.2f})")

# Why shuffled folds look so good: almost every validation day has a neighbour in time,
# with nearly the same features and the same hidden level, in the training folds.
train, val = next(KFold(5, shuffle=True, random_state=0).split(X[:800]))
nearest = np.abs(val[:, None] - train[None, :]).min(axis=1)
print(
    "shuffled KFold: validation days with a training day 1 day away: "
    f"{np.mean(nearest == 1):.2f}"
)
