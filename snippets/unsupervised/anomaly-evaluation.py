import numpy as np
from scipy.stats import binomtest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

# 357 benign tumours and 20 malignant ones (5%) playing the rare anomalies
X_all, y_all = load_breast_cancer(return_X_y=True)
rng = np.random.default_rng(0)
malignant = rng.choice(np.flatnonzero(y_all == 0), size=20, replace=False)
idx = np.concatenate([np.flatnonzero(y_all == 1), malignant])
X, y = StandardScaler().fit_transform(X_all[idx]), (y_all[idx] == 0).astype(int)

score = -IsolationForest(random_state=0).fit(X).score_samples(X)  # higher = odder
order = np.argsort(-score)
print(f"base rate {y.mean():.3f}")
print(
    f"ROC-AUC {roc_auc_score(y, score):.3f}   "
    f"PR-AUC (average precision) {average_precision_score(y, score):.3f}"
)
for k in [10, 20, 50]:
    print(
        f"precision@{k:<3} {y[order[:k]].mean():.2f}   "
        f"recall@{k:<3} {y[order[:k]].sum() / y.sum():.2f}"
    )

# With few labels: analysts review the top 20 alerts, and a random audit of 60 of
# the other 357 cases estimates how many anomalies the detector misses.
k, audit_size = 20, 60
flagged, rest = order[:k], order[k:]
found = y[flagged].sum()  # known exactly: precision@20 needs only 20 labels
true_recall = found / y.sum()
estimates = []
for _ in range(2000):
    audit = rng.choice(rest, size=audit_size, replace=False)
    missed = y[audit].mean() * len(rest)
    estimates.append(found / (found + missed))
lo, hi = np.percentile(estimates, [5, 95])
print(f"\nlabels used: {k + audit_size} of {len(y)}")
ci = binomtest(int(found), k).proportion_ci(method="wilson")
print(f"precision@{k} {found / k:.2f}, 95% interval {ci.low:.2f} to {ci.high:.2f}")
print(f"true recall@{k} {true_recall:.2f}")
print(f"recall estimated from the audit: 90% of audits give {lo:.2f} to {hi:.2f}")
print(
    f"audits that find no missed anomaly at all: {np.mean(np.equal(estimates, 1)):.2f}"
)
