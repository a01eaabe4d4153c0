import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1, log_expit
from sklearn.ensemble import HistGradientBoostingClassifier as GBC
from sklearn.ensemble import HistGradientBoostingRegressor as GBR

rng = np.random.default_rng(0)
# Weeks. Models are trained at T0 with a label window T0..T1, and predict the
# next H = 52 weeks (the holdout) from the snapshot T1.
N, T0, T1, H = 20_000, 104, 156, 52

# Ground truth, a non-contractual shop. Customers arrive over three years through
# one of three channels; each buys at its own Poisson rate (gamma across
# customers, scaled by channel) until it silently drops out after an exponential
# lifetime (gamma rates across customers: the Pareto/NBD story); each order's value
# is lognormal around the customer's typical basket.
start = rng.uniform(0, T1, N)
channel = rng.choice(3, N, p=[0.5, 0.3, 0.2])
lam = rng.gamma(0.8, 0.125, N) * np.array([1.0, 0.5, 2.0])[channel]
mu = rng.gamma(1.0, 1 / 52, N)
end = np.minimum(start + rng.exponential(1 / mu), T1 + H)
basket = 40 * np.exp(0.7 * rng.standard_normal(N))
# The first purchase at arrival, then Poisson repeats until drop-out.
repeats = np.repeat(np.arange(N), rng.poisson(lam * (end - start)))
cust = np.concatenate([np.arange(N), repeats])
later = start[repeats] + rng.random(repeats.size) * (end - start)[repeats]
t = np.concatenate([start, later])
amount = basket[cust] * np.exp(0.5 * rng.standard_normal(cust.size) - 0.125)


def snapshot(s):
    """Per customer acquired before s: RFM summary up to s, value in s..s+H."""
    before, after = t < s, (t >= s) & (t < s + H)
    n = np.bincount(cust[before], minlength=N)
    spend = np.bincount(cust[before], weights=amount[before], minlength=N)
    last = np.full(N, -np.inf)
    np.maximum.at(last, cust[before], t[before])
    year = before & (t >= s - 52)
    last_year = np.bincount(cust[year], weights=amount[year], minlength=N)
    future = np.bincount(cust[after], weights=amount[after], minlength=N)
    k = start < s
    d = dict(x=n - 1, tx=last - start, T=s - start, m=spend / np.maximum(n, 1))
    d = {key: v[k] for key, v in d.items()}
    d.update(
        last_year=last_year[k], y=future[k], channel=channel[k], idx=np.where(k)[0]
    )
    d["X"] = np.column_stack(
        [
            np.log1p(d["x"]),
            (d["T"] - d["tx"]) / 52,
            d["T"] / 52,
            np.log(d["m"]),
            d["channel"] == 1,
            d["channel"] == 2,
        ]
    ).astype(float)
    return d


train, test = snapshot(T0), snapshot(T1)
Xa = np.column_stack([np.ones(len(train["y"])), train["X"]])
Xb = np.column_stack([np.ones(len(test["y"])), test["X"]])
y = train["y"]

# (2) Linear regression on the RFM features, squared error.
w_ols = np.linalg.lstsq(Xa, y, rcond=None)[0]


# (3) The same linear features with the zero-inflated lognormal (ZILN) loss of
# Wang, Liu and Miao (2019): three linear heads give the logit of P(y > 0), and
# the mean and (through a softplus) the sd of log y when y > 0.
pos = (y > 0).astype(float)
ly = np.log(np.where(y > 0, y, 1))


def ziln_nll(w):
    w = w.reshape(3, -1)
    z, loc, s = Xa @ w[0], Xa @ w[1], Xa @ w[2]
    sig = np.logaddexp(0, s)
    r = (ly - loc) / sig
    nll = -(pos * log_expit(z) + (1 - pos) * log_expit(-z))
    nll = nll + pos * (np.log(sig) + 0.5 * r**2 + ly)
    g0 = expit(z) - pos
    g1 = -pos * r / sig
    g2 = pos * (1 - r**2) / sig * expit(s)
    grad = np.stack([Xa.T @ g0, Xa.T @ g1, Xa.T @ g2]) / len(y)
    return nll.mean(), grad.ravel()


w_z = minimize(ziln_nll, np.zeros(3 * Xa.shape[1]), jac=True, method="L-BFGS-B").x
w_z = w_z.reshape(3, -1)
sig = np.logaddexp(0, Xb @ w_z[2])
pred_ziln = expit(Xb @ w_z[0]) * np.exp(Xb @ w_z[1] + sig**2 / 2)

# Gradient-boosted trees on the same features: squared error, and two-part
# (P(y > 0) times E[y | y > 0] from a model of log y).
params = dict(max_iter=200, learning_rate=0.05, min_samples_leaf=50, random_state=0)
gb_mse = GBR(**params).fit(train["X"], y)
bought = y > 0
gb_buy = GBC(**params).fit(train["X"], bought)
gb_log = GBR(**params).fit(train["X"][bought], ly[bought])
# Lognormal mean: exp(E[log y] + variance / 2), the variance from the residuals.
s2 = np.var(ly[bought] - gb_log.predict(train["X"][bought]))
pred_2part = gb_buy.predict_proba(test["X"])[:, 1] * np.exp(
    gb_log.predict(test["X"]) + s2 / 2
)


# (4) BG/NBD (Fader, Hardie and Lee, 2005) for the number of purchases, fitted by
# maximum likelihood on the snapshot T1 itself: it needs no label window.
x, tx, T = test["x"], test["tx"], test["T"]
# Terms that depend on x alone are computed once per distinct x.
ux, ix = np.unique(x, return_inverse=True)


def bgnbd_nll(logp):
    r, a_, a, b = np.exp(logp)
    bx = np.where(ux > 0, b + ux - 1, 1.0)
    base = gammaln(r + ux) - gammaln(r) + r * np.log(a_)
    one = betaln(a, b + ux) - betaln(a, b)
    two = np.where(ux > 0, betaln(a + 1, bx) - betaln(a, b), -np.inf)
    one = one[ix] - (r + x) * np.log(a_ + T)
    two = two[ix] - (r + x) * np.log(a_ + tx)
    return -(base[ix] + np.logaddexp(one, two)).mean()


fit = minimize(bgnbd_nll, np.zeros(4), method="L-BFGS-B")
r, a_, a, b = np.exp(fit.x)
# Expected purchases in the next H weeks given (x, tx, T): eq. 10 of the paper.
f21 = hyp2f1(r + x, b + x, a + b + x - 1, H / (a_ + T + H))
num = (a + b + x - 1) / (a - 1) * (1 - ((a_ + T) / (a_ + T + H)) ** (r + x) * f21)
still = a / np.where(x > 0, b + x - 1, 1.0) * ((a_ + T) / (a_ + tx)) ** (r + x)
den = 1 + np.where(x > 0, still, 0.0)
purchases = num / den

# Gamma-Gamma for the value of an order: shrink each customer's mean order value
# towards the population mean, less the more orders the customer has placed.
n, m = x + 1, test["m"]


def gg_nll(logp):
    p, q, g = np.exp(logp)
    ll = gammaln(p * n + q) - gammaln(p * n) - gammaln(q) + q * np.log(g)
    ll += (p * n - 1) * np.log(m) + p * n * np.log(n) - (p * n + q) * np.log(g + n * m)
    return -ll.mean()


# Start near the data (g on the scale of an order value), or the fit wanders off.
start_gg = np.array([0.0, np.log(2.0), np.log(m.mean())])
p, q, g = np.exp(minimize(gg_nll, start_gg, method="L-BFGS-B").x)
order_value = p * (g + n * m) / (p * n + q - 1)

# Truth: what a model that knew each customer's rates and whether they are still
# active would predict (the best possible ranking, short of knowing the future).
i = test["idx"]
alive = end[i] > T1
truth = alive * lam[i] * (1 - np.exp(-mu[i] * H)) / mu[i] * basket[i]

yt = test["y"]


def gini(pred, actual):
    """Normalised Gini: the area between the gain curve (share of actual value
    in the top k by prediction) and the diagonal, over that of a perfect order."""

    def raw(order):
        cum = np.cumsum(actual[order]) / actual.sum()
        return 2 * cum.mean() - 1

    return raw(np.argsort(-pred, kind="stable")) / raw(
        np.argsort(-actual, kind="stable")
    )


top = int(0.1 * len(yt))
new, beyond = test["T"] < 8, test["T"] > T0
ols = Xb @ w_ols
print(f"customers at week {T1}: {len(yt):,}; training rows at week {T0}: {len(y):,}")
print(f"next year's value is 0 for {np.mean(yt == 0):.3f} of customers")
print(f"top 10% of customers hold {np.sort(yt)[::-1][:top].sum() / yt.sum():.3f} of it")
print(f"new (< 8 weeks) {new.sum():,}; older than any training row {beyond.sum():,}")
print(f"BG/NBD r={r:.3f} alpha={a_:.2f} a={a:.3f} b={b:.3f}; GG p={p:.2f} q={q:.2f}")
print(f"linear MSE predicts a negative value for {np.mean(ols < 0):.3f}")
print(
    f"{'method':<21}{'gini':>6}{'new':>6}{'top10 got':>10}{'top dec p/a':>12}"
    f"{'total err':>10}{'>2y err':>9}"
)
for name, pred in [
    ("last year's spend", test["last_year"]),
    ("linear, MSE", ols),
    ("linear, ZILN", pred_ziln),
    ("GBDT, MSE", gb_mse.predict(test["X"])),
    ("GBDT, two-part", pred_2part),
    ("BG/NBD + Gamma-Gamma", purchases * order_value),
    ("truth (latent rates)", truth),
]:
    best = np.argsort(-pred, kind="stable")[:top]
    got = yt[best].sum() / yt.sum()
    ratio = pred[best].sum() / yt[best].sum()
    err = pred.sum() / yt.sum() - 1
    err_old = pred[beyond].sum() / yt[beyond].sum() - 1
    print(
        f"{name:<21}{gini(pred, yt):6.3f}{gini(pred[new], yt[new]):6.3f}{got:10.3f}"
        f"{ratio:12.3f}{err:+10.3f}{err_old:+9.3f}"
    )
