import lightgbm as lgb
import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
# Daily demand: weekdays around 100 with sd 5, weekends around 160 with sd 20;
# from day 2400 every sd is 1.6 times larger. Days 0-999 train the models,
# 1000-1599 calibrate, 1600-2399 and 2400-2999 test.
TRAIN, CAL, SHIFT, T = 1000, 1600, 2400, 3000
ALPHA = 0.2  # nominal 80% intervals: the 0.1 and 0.9 quantiles
t = np.arange(T)
weekend = t % 7 >= 5
mean_level = np.where(weekend, 160.0, 100.0) + 10 * np.sin(2 * np.pi * t / 365)
sd = np.where(weekend, 20.0, 5.0) * np.where(t >= SHIFT, 1.6, 1.0)
z = rng.standard_normal(T)
for i in range(1, T):
    # AR(1) standardised noise, so yesterday says something about today
    z[i] = 0.5 * z[i - 1] + np.sqrt(0.75) * z[i]
y = mean_level + sd * z

# one-step-ahead features: the last 14 days and the weekday
LAGS = 14
X = np.column_stack([y[LAGS - k : T - k] for k in range(1, LAGS + 1)] + [t[LAGS:] % 7])
obs, day, wkend = y[LAGS:], t[LAGS:], weekend[LAGS:]
train, cal = day < TRAIN, (day >= TRAIN) & (day < CAL)

# 1) AR(14) with weekday dummies by least squares; Gaussian interval from the
# in-sample residual sd, as ARIMA and ETS software report it
D = np.column_stack([X[:, :LAGS], np.eye(7)[X[:, LAGS].astype(int)]])
beta = np.linalg.lstsq(D[train], obs[train], rcond=None)[0]
resid = obs[train] - D[train] @ beta
sigma = np.sqrt(resid @ resid / (train.sum() - D.shape[1]))
mu = D @ beta
gauss = (mu + norm.ppf(ALPHA / 2) * sigma, mu + norm.ppf(1 - ALPHA / 2) * sigma)


# 2) quantile gradient boosting: one model per quantile, pinball loss
def quantile_gbm(q):
    model = lgb.LGBMRegressor(
        objective="quantile",
        alpha=q,
        n_estimators=100,
        learning_rate=0.05,
        num_leaves=7,
        min_child_samples=50,
        random_state=0,
        n_jobs=1,
        deterministic=True,
        force_row_wise=True,
        verbose=-1,
    )
    model.fit(X[train], obs[train], categorical_feature=[LAGS])
    return model.predict(X)


lo, hi = quantile_gbm(ALPHA / 2), quantile_gbm(1 - ALPHA / 2)

# 3) CQR (Romano et al. 2019): widen both quantiles by the calibration quantile
# of the score max(lo - y, y - hi), computed once on days 1000-1599
scores = np.sort(np.maximum(lo - obs, obs - hi)[cal])
n = len(scores)
qhat = scores[int(np.ceil((n + 1) * (1 - ALPHA))) - 1]
cqr = (lo - qhat, hi + qhat)

# 4) ACI (Gibbs and Candes 2021) on the same scores: after each day the target
# miss rate moves, alpha_t += GAMMA * (ALPHA - miss): misses widen later intervals
GAMMA = 0.005
alpha_t = ALPHA
aci = (lo.copy(), hi.copy())
for i in np.flatnonzero(day >= CAL):
    k = int(np.ceil((n + 1) * (1 - alpha_t)))
    q = np.inf if k > n else scores[max(k, 1) - 1]
    aci[0][i], aci[1][i] = lo[i] - q, hi[i] + q
    miss = not aci[0][i] <= obs[i] <= aci[1][i]
    alpha_t += GAMMA * (ALPHA - miss)


def pinball(y_true, q_pred, tau):
    diff = y_true - q_pred
    return np.mean(np.maximum(tau * diff, (tau - 1) * diff))


methods = {
    "Gaussian AR": gauss,
    "quantile GBM": (lo, hi),
    "CQR": cqr,
    "ACI on CQR": aci,
}
periods = {
    "days 1600-2399, noise as in training": (day >= CAL) & (day < SHIFT),
    "days 2400-2999, noise 1.6x": day >= SHIFT,
}
for title, period in periods.items():
    print(title)
    print(
        f"{'80% interval':14}{'coverage':>9}{'weekday':>9}{'weekend':>9}"
        f"{'width':>7}{'pinball':>9}"
    )
    for name, (low, high) in methods.items():
        inside = (low <= obs) & (obs <= high)
        loss = (
            pinball(obs[period], low[period], ALPHA / 2)
            + pinball(obs[period], high[period], 1 - ALPHA / 2)
        ) / 2
        print(
            f"{name:14}{inside[period].mean():9.3f}"
            f"{inside[period & ~wkend].mean():9.3f}"
            f"{inside[period & wkend].mean():9.3f}"
            f"{(high - low)[period].mean():7.1f}{loss:9.2f}"
        )

stable = (day >= CAL) & (day < SHIFT)
pit = norm.cdf((obs - mu) / sigma)
print("PIT of the Gaussian AR forecast, share of days per decile (1600-2399)")
for name, mask in [("weekday", stable & ~wkend), ("weekend", stable & wkend)]:
    share = np.histogram(pit[mask], bins=10, range=(0, 1))[0] / mask.sum()
    print(f"  {name}  " + " ".join(f"{s:.2f}" for s in share))

# CRPS of a Gaussian in closed form, and as 2 x the pinball loss averaged over
# quantile levels (Gneiting and Raftery 2007): here the midpoints of 100 bins
zs = (obs[stable] - mu[stable]) / sigma
crps = sigma * (zs * (2 * norm.cdf(zs) - 1) + 2 * norm.pdf(zs) - 1 / np.sqrt(np.pi))
taus = (np.arange(100) + 0.5) / 100
crps_q = 2 * np.mean(
    [pinball(obs[stable], mu[stable] + norm.ppf(tau) * sigma, tau) for tau in taus]
)
print(
    f"CRPS of the Gaussian AR: closed form {crps.mean():.2f}, "
    f"from 100 pinball losses {crps_q:.2f}"
)

# Newsvendor: a unit short costs 9, a unit left over costs 1, so the best order is
# the 9 / (9 + 1) = 0.9 quantile of demand; cost = 10 x pinball loss at 0.9
orders = {
    "the mean forecast": mu,
    "the Gaussian 0.9 quantile": gauss[1],
    "the quantile-GBM 0.9 quantile": hi,
}
print("newsvendor (short 9, over 1) on days 1600-2399, mean cost a day")
for name, order in orders.items():
    print(f"  order {name:30}{10 * pinball(obs[stable], order[stable], 0.9):6.2f}")
