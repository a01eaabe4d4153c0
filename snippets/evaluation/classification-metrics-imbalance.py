import numpy as np
from scipy.stats import rankdata
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split

# A fraud-like problem: about 2.5% positives (2% by design, plus make_classification's
# 1% label noise).
X, y = make_classification(
    n_samples=40000,
    n_features=20,
    n_informative=6,
    weights=[0.98],
    class_sep=0.8,
    random_state=0,
)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
model = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
score = model.predict_proba(X_te)[:, 1]
print(f"test set: {len(y_te)} examples, {y_te.mean():.1%} positive")

print(f"{'classifier':<22} {'accuracy':>8} {'precision':>9} {'recall':>6} {'F1':>5}")
for name, pred in [
    ("always 'negative'", DummyClassifier().fit(X_tr, y_tr).predict(X_te)),
    ("logreg, threshold 0.5", (score >= 0.5).astype(int)),
    ("logreg, threshold 0.1", (score >= 0.1).astype(int)),
]:
    acc, p = accuracy_score(y_te, pred), precision_score(y_te, pred, zero_division=0)
    r, f = recall_score(y_te, pred), f1_score(y_te, pred)
    print(f"{name:<22} {acc:>8.3f} {p:>9.3f} {r:>6.3f} {f:>5.3f}")

# The same numbers from the confusion matrix by hand.
tn, fp, fn, tp = confusion_matrix(y_te, score >= 0.1).ravel()
p, r = tp / (tp + fp), tp / (tp + fn)
print(
    f"threshold 0.1 by hand: TP={tp} FP={fp} FN={fn} TN={tn}, precision {p:.3f} recall "
    f"{r:.3f} F1 {2 * p * r / (p + r):.3f}"
)

# ROC-AUC = P(score of a random positive > score of a random negative): the Mann-Whitney
# U statistic.
ranks = rankdata(score)
n_pos, n_neg = y_te.sum(), len(y_te) - y_te.sum()
auc_hand = (ranks[y_te == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
print(f"ROC-AUC by ranks {auc_hand:.4f}, sklearn {roc_auc_score(y_te, score):.4f}")

# Same model, same scores, test sets with fewer and fewer positives.
rng = np.random.default_rng(0)
pos, neg = np.flatnonzero(y_te == 1), np.flatnonzero(y_te == 0)
print(f"{'positives':>9} {'ROC-AUC':>8} {'PR-AUC (AP)':>11}")
for prevalence in [0.5, 0.1, 0.02, 0.005]:
    k = int(round(len(neg) * prevalence / (1 - prevalence)))
    if k > len(pos):  # not enough positives: subsample the negatives instead
        idx = np.r_[
            pos,
            rng.choice(
                neg, int(len(pos) * (1 - prevalence) / prevalence), replace=False
            ),
        ]
    else:
        idx = np.r_[rng.choice(pos, k, replace=False), neg]
    print(
        f"{prevalence:>9.1%} {roc_auc_score(y_te[idx], score[idx]):>8.3f} "
        f"{average_precision_score(y_te[idx], score[idx]):>11.3f}"
    )
