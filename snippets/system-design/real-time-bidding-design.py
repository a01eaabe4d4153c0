# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any DSP's figures. Traffic: 2M bid requests/s at peak,
# the daily mean half of that. Funnel: 85% dropped by cheap rules (targeting index,
# block lists, invalid-traffic lists, caps), 40 eligible campaigns per surviving
# request, a bid on 30% of those requests, 15% of bids won. CPU: 20 us to parse and
# filter any request, 300 us per scored request (profile lookup, features, logging),
# 5 us per campaign for pCTR, pCVR and shading; servers run at 50% for tail latency.
# Logs: 1 KB per scored request and per won impression.
peak, mean_over_peak = 2e6, 0.5
pass_rate, campaigns, bid_rate, win_rate = 0.15, 40, 0.30, 0.15
us_filter, us_request, us_campaign, utilisation = 20, 300, 5, 0.5
scored = peak * pass_rate
wins = scored * bid_rate * win_rate
model_cores = scored * campaigns * us_campaign / 1e6
cores = (peak * us_filter + scored * us_request) / 1e6 + model_cores
day = 86_400 * mean_over_peak
# Latency (ms): the exchange's tmax, the network round trip, a safety margin, then
# the bidder's own p99 stages: parse and filter, profile lookup, scoring, shading.
tmax, network, margin, stages = 100, 40, 20, [2, 10, 5, 3]
rows = [
    ("bid requests/s at peak", si(peak)),
    ("requests scored by models/s", si(scored)),
    ("(request, campaign) scorings/s", si(scored * campaigns)),
    ("bids sent/s", si(scored * bid_rate)),
    ("impressions won/s", si(wins)),
    ("share of requests that get a label", f"{wins / peak:.4f}"),
    ("CPU cores at peak", f"{cores / utilisation:.0f}"),
    ("share of that CPU in the models", f"{model_cores / cores:.2f}"),
    ("bid log bytes/day", si(scored * day * 1e3)),
    ("won impressions/day (training rows)", si(wins * day)),
    ("bidder budget after network, ms", f"{tmax - network - margin}"),
    ("bidder p99 stages, ms", f"{sum(stages)}"),
]
for name, value in rows:
    print(f"{name:<38}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:bias]
import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

rng = np.random.default_rng(0)
n, d = 300_000, 4


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def auctions(n):
    # Known ground truth. The click probability rises with x0 faster than a linear
    # logit can follow; the market price (highest competing bid, $ per impression)
    # rises with the same features: good impressions are contested.
    x = rng.normal(size=(n, d))
    lin = 0.6 * x[:, 0] + 0.4 * x[:, 1] - 0.3 * x[:, 2]
    p = sigmoid(-4.3 + lin + 0.35 * np.maximum(x[:, 0], 0) ** 2)
    price = np.exp(np.log(0.04) + 0.8 * x[:, 0] + 0.4 * x[:, 1] - 0.3 * x[:, 2])
    price *= np.exp(0.6 * rng.normal(size=n))
    return x, p, price, rng.random(n) < p


def old_model(x):
    # The model that bid yesterday: it underrates x0.
    return sigmoid(-4.0 + 0.15 * x[:, 0] + 0.3 * x[:, 1] - 0.2 * x[:, 2])


# Round 0. Value per click is $1, so the value of an impression is its pCTR in $.
# Payment is the market price (as in second price) to keep bid shading out of it.
# A random 2% slice explores: it bids $0.50, enough to win almost every auction.
x0, p0, price0, y0 = auctions(n)
explore = rng.random(n) < 0.02
bid = np.where(explore, 0.5, old_model(x0))
won = bid > price0
logged, probe = won & ~explore, won & explore
print(f"CTR of all requests {p0.mean():.4f}, of won ones {p0[logged].mean():.4f}")
surplus = (p0 - price0)[probe].sum()
print(f"exploration slice: {probe.sum()} impressions won, surplus {surplus:.0f}")

# Bid landscape from censored data (Tobit, as in Wu et al. 2015): a won auction
# reveals log price ~ N(a + b.x, s); a lost one only that log price > log bid.
X = np.c_[np.ones(n), x0][~explore]
lp, lb, w = np.log(price0[~explore]), np.log(bid[~explore]), won[~explore]


def neg_loglik(theta):
    beta, s = theta[:-1], np.exp(theta[-1])
    r = (lp[w] - X[w] @ beta) / s
    u = (lb[~w] - X[~w] @ beta) / s
    log_sf = norm.logsf(u)
    hazard = np.exp(norm.logpdf(u) - log_sf)
    f = 0.5 * r @ r + w.sum() * theta[-1] - log_sf.sum()
    grad_beta = -(X[w].T @ r + X[~w].T @ hazard) / s
    return f, np.r_[grad_beta, -r @ r + w.sum() - hazard @ u]


theta = minimize(neg_loglik, np.zeros(d + 2), jac=True, method="L-BFGS-B").x
p_win = norm.cdf((lb - X @ theta[:-1]) / np.exp(theta[-1]))
# The naive landscape: least squares on the prices of won auctions only.
beta_won = np.linalg.lstsq(X[w], lp[w], rcond=None)[0]
s_won = np.std(lp[w] - X[w] @ beta_won)
p_naive = norm.cdf((lb - X @ beta_won) / s_won)
print(
    f"win rate at logged bids: actual {w.mean():.3f}, censored model "
    f"{p_win.mean():.3f}, won-prices model {p_naive.mean():.3f}"
)

# Inverse-propensity weights for the won auctions, win probability clipped at 0.01.
ipw = 1 / np.clip(p_win[w], 0.01, None)
ess = ipw.sum() ** 2 / (ipw @ ipw)
print(f"IPW on {w.sum()} won: max weight {ipw.max():.0f}, effective sample {ess:.0f}")
print(f"requests with estimated P(win) < 0.01: {(p_win < 0.01).mean():.3f}")
models = {
    "won impressions": LogisticRegression().fit(x0[logged], y0[logged]),
    "won, weighted 1/P(win)": LogisticRegression().fit(
        x0[logged], y0[logged], sample_weight=ipw / ipw.mean()
    ),
    "2% exploration slice": LogisticRegression().fit(x0[probe], y0[probe]),
    "all requests (oracle)": LogisticRegression().fit(x0, y0),
}

# Round 1: fresh requests; every model bids its pCTR; the truth is known.
x1, p1, price1, y1 = auctions(n)
# How much the small slice's model moves: refit on 20 bootstrap resamples of it.
idx = np.flatnonzero(probe)
boot = [rng.choice(idx, idx.size) for _ in range(20)]
ratios = [
    LogisticRegression().fit(x0[b], y0[b]).predict_proba(x1)[:, 1].sum() / p1.sum()
    for b in boot
]
print("exploration model refitted on 20 bootstrap resamples of its slice:")
print(f"  pred/true on all requests from {min(ratios):.2f} to {max(ratios):.2f}")
preds = {name: m.predict_proba(x1)[:, 1] for name, m in models.items()}
preds = {"old model": old_model(x1), **preds, "true CTR": p1}
print("pred/true = predicted clicks / expected clicks; money in $ over the round")
print(
    f"{'pCTR trained on':<23}{'pred/true':>10}{'log loss':>9}{'win rate':>9}"
    f"{'pred/true':>10}{'spend':>7}{'surplus':>8}"
)
print(f"{'':<23}{'all':>10}{'all':>9}{'':>9}{'won':>10}")
for name, q in preds.items():
    win = q > price1
    print(
        f"{name:<23}{q.sum() / p1.sum():10.2f}{log_loss(y1, q):9.4f}{win.mean():9.3f}"
        f"{q[win].sum() / p1[win].sum():10.2f}{price1[win].sum():7.0f}"
        f"{(p1 - price1)[win].sum():8.0f}"
    )
# --8<-- [end:bias]
