import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve

rng = np.random.default_rng(0)


def applicants(n):
    # Known ground truth. Default ("bad": 90+ days past due within the window) rises
    # with debt-to-income and past delinquencies, falls with income, and falls with u,
    # something a loan officer sees in the file or the interview that the data lacks.
    z = rng.standard_normal(n)
    income = 50_000 * np.exp(0.5 * z)
    dti = np.clip(rng.beta(2, 5, n) * 0.9 - 0.05 * z, 0.01, 0.9)
    delinq = np.minimum(rng.poisson(0.45, n), 5)
    u = rng.standard_normal(n)
    logit = -2.0 - 0.5 * z + 5.0 * (dti - 0.26) + 0.5 * delinq - 0.8 * u
    bad = rng.random(n) < 1 / (1 + np.exp(-logit))
    # The old policy: a scorecard on the data, and officer overrides on both sides of
    # its cut-off, driven by the officer's noisy view of u.
    old_risk = np.minimum(delinq, 3) + 2.5 * (dti - 0.26) - 0.4 * z
    officer = u + 0.7 * rng.standard_normal(n)
    x = np.column_stack([np.log(income), dti, delinq])
    return x, bad, old_risk, officer


def old_policy(old_risk, officer, cut):
    below = old_risk >= cut
    return np.where(below, officer > 1.0, officer > -1.0), below


# Development cohort: outcomes are observed only for approved applicants.
x, bad, old_risk, officer = applicants(100_000)
cut = np.quantile(old_risk, 0.6)
approved, below = old_policy(old_risk, officer, cut)
# Exploration: 5% of the applicants the old policy declines, approved at random.
explore = ~approved & (rng.random(len(x)) < 0.05)
print(
    f"old policy approves {approved.mean():.3f}; bad rate approved "
    f"{bad[approved].mean():.3f}, declined {bad[~approved].mean():.3f} (unseen)"
)

fit = dict(C=1e6, max_iter=1000)
p_approve = LogisticRegression(**fit).fit(x, approved).predict_proba(x)[:, 1]
seen = approved | explore
models = {
    "(a) approved only": LogisticRegression(**fit).fit(x[approved], bad[approved]),
    "(b) approved, IPW on P(approve|x)": LogisticRegression(**fit).fit(
        x[approved], bad[approved], sample_weight=1 / p_approve[approved].clip(0.02)
    ),
    "(c) approved + 5% random slice": LogisticRegression(**fit).fit(
        x[seen], bad[seen], sample_weight=np.where(approved, 1.0, 20.0)[seen]
    ),
    "(d) all outcomes (not observable)": LogisticRegression(**fit).fit(x, bad),
}

# A new cohort of 200,000 applicants whose outcomes the simulation knows for all.
# A loan of $10,000 earns a net interest margin of $1,200 if repaid; a default loses
# LGD 0.6 x EAD $8,000 = $4,800. Expected profit is zero at PD = 1200 / 6000 = 0.20.
xn, badn, old_risk_n, officer_n = applicants(200_000)
old_n, below_n = old_policy(old_risk_n, officer_n, cut)
margin, loss = 1200, 4800


def profit(approve):
    return (margin * (approve & ~badn) - loss * (approve & badn)).sum() / len(badn)


scores = {name: model.predict_proba(xn)[:, 1] for name, model in models.items()}
print(f"{'trained on':<34}{'AUC':>6}{'Gini':>6}{'KS':>6}  pred/actual below cut-off")
for name, pd_hat in scores.items():
    fpr, tpr, _ = roc_curve(badn, pd_hat)
    auc = roc_auc_score(badn, pd_hat)
    ratio = pd_hat[below_n].mean() / badn[below_n].mean()
    print(f"{name:<34}{auc:6.3f}{2 * auc - 1:6.3f}{(tpr - fpr).max():6.3f}{ratio:8.2f}")

# Two new policies per model: the old approval rate, and approve where PD < 0.20.
k = int(approved.mean() * len(xn))
head = f"approve {approved.mean():.2f}"
print(f"{'new policy':<11}{head:>24}{'approve where E[profit] > 0':>37}")
cols = ["bad rate", "$/applicant", "approve", "bad rate", "$/applicant"]
print(
    f"{'from':<11}" + "".join(f"{c:>{n}}" for c, n in zip(cols, [10, 14, 13, 10, 14]))
)
for name, pd_hat in scores.items():
    top = np.zeros(len(xn), bool)
    top[np.argsort(pd_hat)[:k]] = True
    pays = pd_hat < margin / (margin + loss)
    print(
        f"{name[:3]:<11}{badn[top].mean():10.3f}{profit(top):14.0f}"
        f"{pays.mean():13.2f}{badn[pays].mean():10.3f}{profit(pays):14.0f}"
    )
old = f"{'old policy':<11}{badn[old_n].mean():10.3f}{profit(old_n):14.0f}"
print(old + "  with its officer")

# What the exploration costs, and what it measures that the approved loans cannot.
cost = (loss * bad[explore] - margin * ~bad[explore]).sum() / len(x)
pd_a = models["(a) approved only"].predict_proba(x[explore])[:, 1]
print(
    f"exploration: {explore.sum():,} loans, bad rate {bad[explore].mean():.3f}, "
    f"cost ${cost:.1f} per applicant"
)
ratio = pd_a.mean() / bad[explore].mean()
print(f"(a) predicted/actual on the exploration loans: {ratio:.2f}")


def psi(reference, current, bins=10, eps=1e-4):
    # Population stability index over the reference's decile bins.
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    ref = np.clip(np.histogram(reference, edges)[0] / len(reference), eps, None)
    cur = np.clip(np.histogram(current, edges)[0] / len(current), eps, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


pd_c = models["(c) approved + 5% random slice"].predict_proba(x)[:, 1]
print(f"PSI of the score, all applicants -> approved: {psi(pd_c, pd_c[approved]):.2f}")

# A scorecard on (c)'s rows and weights: each feature cut into bins, each bin replaced
# by its weight of evidence WoE = ln(share of goods / share of bads), then a logistic
# regression on the WoE columns.
w = np.where(approved, 1.0, 20.0)[seen]
y = bad[seen]
edges = [np.quantile(x[:, j], [0.2, 0.4, 0.6, 0.8]) for j in range(2)] + [[0.5, 1.5]]
woe, iv = [], []
for j in range(3):
    b = np.digitize(x[seen, j], edges[j])
    good_share = np.bincount(b, w * ~y) / (w * ~y).sum()
    bad_share = np.bincount(b, w * y) / (w * y).sum()
    woe.append(np.log(good_share / bad_share))
    iv.append(((good_share - bad_share) * woe[j]).sum())
    if j == 1:
        print(f"{'debt-to-income':<16}{'applicants':>11}{'bad rate':>9}{'WoE':>7}")
        lo = np.r_[x[:, 1].min(), edges[1]]
        hi = np.r_[edges[1], x[:, 1].max()]
        for v in range(5):
            share = w[b == v].sum() / w.sum()
            rate = (w * y)[b == v].sum() / w[b == v].sum()
            print(f"{lo[v]:.2f}-{hi[v]:.2f}{share:>15.2f}{rate:>9.3f}{woe[j][v]:>7.2f}")
        print(f"information value {iv[j]:.2f}")


def woe_columns(data):
    return np.column_stack(
        [woe[j][np.digitize(data[:, j], edges[j])] for j in range(3)]
    )


card = LogisticRegression(**fit).fit(woe_columns(x[seen]), y, sample_weight=w)
# Points: 600 at odds of 50 goods to 1 bad, 20 more points per doubling of the odds.
factor = 20 / np.log(2)
offset = 600 - factor * np.log(50)
points = -card.coef_[0] * woe_columns(xn) * factor
score = offset - card.intercept_[0] * factor + points.sum(1)
cutoff = offset + factor * np.log(0.8 / 0.2)
# Reason codes, by a method Regulation B's commentary describes: the features where a
# declined applicant's points fall furthest below the average points of applicants who
# score at or just above the cut-off. Shown: the first near miss with two reasons.
near = (score >= cutoff) & (score < cutoff + 10)
short = points[near].mean(0) - points
i = np.flatnonzero((score < cutoff) & (score > cutoff - 15) & ((short > 1).sum(1) > 1))[
    0
]
print(
    f"cut-off {cutoff:.0f} points (PD 0.20); declined applicant: {score[i]:.0f} points"
)
names = ["income", "debt-to-income", "past delinquencies"]
shown = [f"${np.exp(xn[i, 0]):,.0f}", f"{xn[i, 1]:.2f}", f"{xn[i, 2]:.0f}"]
for j in np.argsort(-short[i]):
    print(
        f"  {names[j]:<20}{shown[j]:>8}  points {points[i, j]:5.1f}, "
        f"near cut-off {points[near, j].mean():5.1f}, short by {short[i, j]:5.1f}"
    )
