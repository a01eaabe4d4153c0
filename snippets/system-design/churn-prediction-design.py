# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 5M subscribers, 16% of them cancel within the next 90
# days, a retention budget of $5M a quarter for offers that cost $10 each, and monthly
# snapshots of every subscriber kept for two years as training rows.
subscribers, churn_90d, budget, offer_cost = 5e6, 0.16, 5e6, 10
offers = budget / offer_cost
for name, value in [
    ("subscribers", si(subscribers)),
    ("expected churners in 90 days", si(subscribers * churn_90d)),
    ("offers the budget pays for", si(offers)),
    ("offers per expected churner", f"{offers / (subscribers * churn_90d):.2f}"),
    ("training rows, 24 snapshots", si(subscribers * 24)),
]:
    print(f"{name:<30}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:targeting]
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)


def customers(n):
    # Known ground truth. x0: drop in usage; x1: tenure; x2: price sensitivity; x3, x4:
    # noise; x5: moved out of the service area (4%). p0 = churn risk without an offer.
    # The offer (a discount) cuts churn for price-sensitive customers who still use
    # the product; it does nothing for those who moved or stopped using it.
    x = rng.standard_normal((n, 6))
    moved = rng.random(n) < 0.04
    x[:, 5] = moved
    logit = -2.4 + 1.1 * x[:, 0] - 0.5 * x[:, 1] + 0.5 * x[:, 2] + 4.0 * moved
    p0 = 1 / (1 + np.exp(-logit))
    sensitive = 1 / (1 + np.exp(-2.0 * x[:, 2]))
    still_using = 1 / (1 + np.exp(3.0 * (x[:, 0] - 1.0)))
    effect = 0.9 * p0 * sensitive * still_using * (1 - moved)
    return x, p0, effect


# Randomised pilot: 40,000 customers, half offered at random. Two models (a
# T-learner): churn without the offer is also the churn-risk model.
x, p0, effect = customers(40_000)
offered = rng.random(len(x)) < 0.5
churned = rng.random(len(x)) < p0 - offered * effect
params = dict(max_iter=100, learning_rate=0.1, random_state=0)
m0 = HistGradientBoostingClassifier(**params).fit(x[~offered], churned[~offered])
m1 = HistGradientBoostingClassifier(**params).fit(x[offered], churned[offered])

# Next quarter: 100,000 customers, budget for 10,000 offers; $200 per retained customer.
x, p0, effect = customers(100_000)
risk = m0.predict_proba(x)[:, 1]
uplift = risk - m1.predict_proba(x)[:, 1]
k, value, offer_cost = 10_000, 200, 10
auc = roc_auc_score(rng.random(len(x)) < p0, risk)
print(f"churn-risk model ROC-AUC {auc:.3f}; churn without offers {p0.mean():.3f}")
lost_cause = (p0 > 0.3) & (effect < 0.02)
persuadable = effect >= 0.05
print(
    f"{'top 10,000 by':<16}{'churn risk':>11}{'lost causes':>12}{'persuadable':>12}"
    f"{'retained/1k':>12}{'net $/1k':>10}"
)
for name, score in [
    ("random", rng.random(len(x))),
    ("churn risk", risk),
    ("uplift model", uplift),
    ("true effect", effect),
]:
    top = np.argsort(-score)[:k]
    kept = effect[top].mean() * 1000
    net = value * kept - offer_cost * 1000
    print(
        f"{name:<16}{p0[top].mean():11.3f}{lost_cause[top].mean():12.2f}"
        f"{persuadable[top].mean():12.2f}{kept:12.1f}{net:10,.0f}"
    )

# The campaign keeps a random 10% holdout among the customers it targets.
top = np.argsort(-uplift)[:k]
holdout = rng.random(k) < 0.1
churn = rng.random(k) < np.where(holdout, p0[top], p0[top] - effect[top])
diff = churn[holdout].mean() - churn[~holdout].mean()
se = np.sqrt(
    churn[holdout].var() / holdout.sum() + churn[~holdout].var() / (~holdout).sum()
)
print(
    f"uplift campaign, 10% holdout: {diff * 1000:.0f} +/- {1.96 * se * 1000:.0f} "
    f"retained/1k (true {effect[top][~holdout].mean() * 1000:.0f})"
)
# Without a fixed budget: offer wherever predicted uplift x $200 > $10.
pay = uplift * value > offer_cost
print(
    f"offer where uplift x ${value} > ${offer_cost}: {pay.sum():,} offers, "
    f"{effect[pay].mean() * 1000:.1f} retained/1k"
)
print(
    f"net $: {(value * effect[pay] - offer_cost).sum():,.0f} "
    f"(top 10,000 by uplift: {(value * effect[top] - offer_cost).sum():,.0f})"
)
# --8<-- [end:targeting]
