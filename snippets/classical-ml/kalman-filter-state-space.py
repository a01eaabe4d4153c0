import numpy as np

# Local level model: level mu_t = mu_{t-1} + eta_t, observation y_t = mu_t + eps_t,
# var(eta) = Q, var(eps) = R. The observations of days 300-329 are lost.
Q, R, T = 0.25, 1.0, 400
GAP = np.arange(300, 330)
rng = np.random.default_rng(0)
level = 10 + np.cumsum(rng.normal(0, np.sqrt(Q), T))
y_true = level + rng.normal(0, np.sqrt(R), T)
y = y_true.copy()
y[GAP] = np.nan


def kalman(y, q, r):
    """Local level filter; q and r may be arrays (one filter per pair)."""
    m, p = np.full(np.shape(q * r), y[0]), np.ones(np.shape(q)) * r
    out = {"pred_m": [m], "pred_p": [np.full_like(p, np.inf)], "filt_m": [m]}
    out["gain"] = [np.ones_like(p)]
    loglik = 0.0
    for yt in y[1:]:
        # predict: the level may have moved, so its variance grows by q
        p = p + q
        out["pred_m"].append(m)
        out["pred_p"].append(p)
        # update: move by gain x surprise; a missing y_t skips the update
        k = p / (p + r) if not np.isnan(yt) else 0 * p
        if not np.isnan(yt):
            f = p + r
            loglik = loglik - 0.5 * (np.log(2 * np.pi * f) + (yt - m) ** 2 / f)
            m, p = m + k * (yt - m), (1 - k) * p
        out["filt_m"].append(m)
        out["gain"].append(k)
    return {key: np.array(v) for key, v in out.items()}, loglik


kf, _ = kalman(y, Q, R)
seen = np.arange(20, 300)


def rmse(estimate):
    return np.sqrt(np.mean((estimate - level[seen]) ** 2))


# trailing moving averages; the best window is chosen with the true level
ma = {w: np.array([y[t - w + 1 : t + 1].mean() for t in seen]) for w in range(2, 21)}
best = min(ma, key=lambda w: rmse(ma[w]))
print("RMSE against the true level, days 20-299")
print(f"  observations                 {rmse(y[seen]):.3f}")
print(f"  best moving average, {best:>2} days{rmse(ma[best]):>6.3f}")
print(f"  Kalman filter                {rmse(kf['filt_m'][seen]):.3f}")

# steady state: the predicted variance P solves P^2 = Q (P + R), and simple
# exponential smoothing with alpha = (sqrt(q^2 + 4q) - q) / 2, q = Q / R, matches
P = (Q + np.sqrt(Q**2 + 4 * Q * R)) / 2
q = Q / R
alpha = (np.sqrt(q**2 + 4 * q) - q) / 2
gains = " ".join(f"{kf['gain'][t]:.3f}" for t in [1, 2, 5, 20])
print(f"gain on days 1, 2, 5, 20: {gains}")
print(f"steady gain P / (P + R) {P / (P + R):.4f}, matching SES alpha {alpha:.4f}")
sd_level = np.sqrt(P * R / (P + R))
print(f"steady sd of the filtered level, sqrt(P R / (P + R)) {sd_level:.3f}")
ses, ses_gap = kf["filt_m"][20], 0.0
for t in range(21, 300):
    ses = ses + alpha * (y[t] - ses)
    ses_gap = max(ses_gap, abs(ses - kf["filt_m"][t]))
print(f"SES from day 20 stays within 0.001 of the filter: {ses_gap < 1e-3}")

# maximum likelihood by prediction-error decomposition, on a grid of (Q, R)
grid_q, grid_r = np.meshgrid(np.geomspace(0.05, 1.25, 41), np.geomspace(0.2, 5, 41))
loglik = kalman(y, grid_q, grid_r)[1]
i = np.unravel_index(np.argmax(loglik), loglik.shape)
print(f"maximum likelihood Q {grid_q[i]:.3f}, R {grid_r[i]:.3f} (true {Q}, {R})")

# through the gap: the forecast stays flat and its variance grows by Q a day
width = 2 * 1.96 * np.sqrt(kf["pred_p"] + R)
print("95% interval width for y")
print(f"  day 300, 1 day after the last observation   {width[300]:.2f}")
print(f"  day 329, 30 days after the last observation {width[329]:.2f}")
print(f"  day 340, after 10 new observations          {width[340]:.2f}")
lo, hi = kf["pred_m"][GAP] - width[GAP] / 2, kf["pred_m"][GAP] + width[GAP] / 2
inside = np.sum((lo <= y_true[GAP]) & (y_true[GAP] <= hi))
print(f"lost days whose true value fell inside the interval: {inside} of {len(GAP)}")
