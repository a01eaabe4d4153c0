import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier as GBC
from sklearn.ensemble import HistGradientBoostingRegressor as GBR

rng = np.random.default_rng(0)
# share of customers contacted; campaigns usually hold out a small control group
P_TREAT = 0.8
GB = dict(max_iter=60, learning_rate=0.1, max_depth=3, random_state=0)


def customers(n):
    """A randomised campaign: x0 = past activity sets the baseline purchase rate,
    x2 decides who is persuadable, x3 who is annoyed by being contacted."""
    X = rng.normal(0, 1, (n, 6))
    base = 1 / (1 + np.exp(-(-1.5 + 1.5 * X[:, 0] + 0.3 * X[:, 1])))
    # contact effect on the purchase probability: persuadables gain up to 0.15,
    # sleeping dogs lose up to 0.08, sure things and lost causes barely move
    effect = 0.15 * (X[:, 2] > 0) * np.exp(-(X[:, 0] ** 2)) - 0.08 * (X[:, 3] > 1.2)
    contacted = np.clip(base + effect, 0, 1)
    t = (rng.random(n) < P_TREAT).astype(int)
    y = (rng.random(n) < np.where(t == 1, contacted, base)).astype(int)
    # the true CATE: the change in purchase probability that contact causes
    return X, t, y, base, contacted - base


X, t, y, _, _ = customers(20_000)
Xte, tte, yte, base_te, cate_te = customers(50_000)

# T-learner: one outcome model per arm. Its treated-arm model is also the
# "response model" a marketer would build: who buys when contacted?
mu1 = GBC(**GB).fit(X[t == 1], y[t == 1])
mu0 = GBC(**GB).fit(X[t == 0], y[t == 0])
p1, p0 = mu1.predict_proba(Xte)[:, 1], mu0.predict_proba(Xte)[:, 1]
# S-learner: one model with the treatment as a feature
s = GBC(**GB).fit(np.column_stack([X, t]), y)
s1 = s.predict_proba(np.column_stack([Xte, np.ones(len(Xte))]))[:, 1]
s0 = s.predict_proba(np.column_stack([Xte, np.zeros(len(Xte))]))[:, 1]
# X-learner: impute each unit's effect with the other arm's model, fit a model
# to the imputed effects in each arm, and weight the two by the propensity
d1 = y[t == 1] - mu0.predict_proba(X[t == 1])[:, 1]
d0 = mu1.predict_proba(X[t == 0])[:, 1] - y[t == 0]
tau1 = GBR(**GB).fit(X[t == 1], d1).predict(Xte)
tau0 = GBR(**GB).fit(X[t == 0], d0).predict(Xte)
x_cate = P_TREAT * tau0 + (1 - P_TREAT) * tau1

scores = {
    "random": rng.random(len(Xte)),
    "response model": p1,
    "S-learner": s1 - s0,
    "T-learner": p1 - p0,
    "X-learner": x_cate,
    "true CATE": cate_te,
}


def top(score, k):
    return np.argsort(-score, kind="stable")[: int(k * len(score))]


def qini(score):
    """Area between the Qini curve (incremental buyers per treated customer when
    the top share is targeted) and the line of random targeting."""
    order = np.argsort(-score, kind="stable")
    tt, yy = tte[order], yte[order]
    n_t, n_c = np.cumsum(tt), np.cumsum(1 - tt)
    r_t, r_c = np.cumsum(yy * tt), np.cumsum(yy * (1 - tt))
    gains = (r_t - r_c * n_t / np.maximum(n_c, 1)) / tt.sum()
    share = np.arange(1, len(tt) + 1) / len(tt)
    return np.mean(gains - share * gains[-1])


def uplift_at(score, k):
    i = top(score, k)
    return yte[i][tte[i] == 1].mean() - yte[i][tte[i] == 0].mean()


def policy_value(treat):
    """IPW value of a targeting rule on randomised data: the purchase rate if
    exactly the customers with treat == 1 were contacted (self-normalised)."""
    w = (tte == treat) / np.where(tte == 1, P_TREAT, 1 - P_TREAT)
    return np.sum(w * yte) / np.sum(w)


none = policy_value(np.zeros(len(Xte)))
everyone = (policy_value(np.ones(len(Xte))) - none) * 10_000
print(f"test customers {len(Xte):,}; contacting everyone adds {everyone:+.0f}", end="")
print(f" buyers per 10k (true {cate_te.mean() * 10_000:+.0f})")
print(f"{'':50}contact the top 20%:")
header = ["Qini", "uplift@10%", "@20%", "@30%", "base", "extra buyers per 10k"]
widths = [7, 11, 7, 7, 7, 23]
print(f"{'targeting by':15}" + "".join(f"{h:>{w}}" for h, w in zip(header, widths)))
for name, score in scores.items():
    treat = np.zeros(len(Xte))
    treat[top(score, 0.2)] = 1
    est = (policy_value(treat) - none) * 10_000
    true = cate_te[top(score, 0.2)].sum() / len(Xte) * 10_000
    ups = [uplift_at(score, k) for k in (0.1, 0.2, 0.3)]
    base = base_te[top(score, 0.2)].mean()
    print(
        f"{name:15}{qini(score):7.4f}{ups[0]:+11.3f}{ups[1]:+7.3f}{ups[2]:+7.3f}"
        f"{base:7.2f}{est:+11.0f} (true {true:+4.0f})"
    )
