import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, make_scorer
from sklearn.model_selection import (
    FixedThresholdClassifier,
    TunedThresholdClassifierCV,
    train_test_split,
)

# A missed positive (false negative) costs 20, a false alarm (false positive) costs 1;
# correct decisions cost 0.
C_FP, C_FN = 1.0, 20.0


def cost_per_1000(y_true, y_pred):
    tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return 1000 * (C_FP * fp + C_FN * fn) / len(y_true)


# 5% positives; 40% train, 20% validation (calibration, threshold tuning), 40% test.
X, y = make_classification(
    n_samples=60_000,
    n_features=20,
    n_informative=6,
    weights=[0.95],
    class_sep=0.8,
    flip_y=0,
    random_state=0,
)
X_tr, X_rest, y_tr, y_rest = train_test_split(
    X, y, test_size=0.6, stratify=y, random_state=0
)
X_val, X_te, y_val, y_te = train_test_split(
    X_rest, y_rest, test_size=2 / 3, stratify=y_rest, random_state=0
)
print(
    f"train/validation/test: {len(y_tr)}/{len(y_val)}/{len(y_te)}, "
    f"{y_te.mean():.1%} positive"
)

model = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
t_bayes = C_FP / (C_FP + C_FN)
# Isotonic calibration of the frozen model, fitted on the validation split.
calibrated = CalibratedClassifierCV(FrozenEstimator(model), method="isotonic")
calibrated.fit(X_val, y_val)
# The threshold that minimises the cost on the validation split (the model is not
# refitted: cv="prefit").
tuned = TunedThresholdClassifierCV(
    model,
    scoring=make_scorer(cost_per_1000, greater_is_better=False),
    cv="prefit",
    refit=False,
    thresholds=200,
).fit(X_val, y_val)
# Training-time alternative: weight positives by the cost ratio, keep 0.5.
weighted = LogisticRegression(max_iter=1000, class_weight={0: C_FP, 1: C_FN})
weighted.fit(X_tr, y_tr)

rules = [
    ("threshold 0.5", 0.5, model, model),
    ("Bayes, raw probabilities", t_bayes, model, None),
    ("Bayes, calibrated", t_bayes, calibrated, None),
    ("tuned on validation", tuned.best_threshold_, model, tuned),
    ("class_weight 1:20 at 0.5", 0.5, weighted, weighted),
]
print(
    f"{'decision rule':<25} {'thr':>5} {'FP':>5} {'FN':>4} {'recall':>6} "
    f"{'cost/1000':>9} {'mean p':>6}"
)
for name, thr, prob_model, clf in rules:
    if clf is None:
        clf = FixedThresholdClassifier(prob_model, threshold=thr)
    pred = clf.predict(X_te)
    tn, fp, fn, tp = confusion_matrix(y_te, pred).ravel()
    mean_p = prob_model.predict_proba(X_te)[:, 1].mean()
    print(
        f"{name:<25} {thr:>5.3f} {fp:>5} {fn:>4} {tp / (tp + fn):>6.3f} "
        f"{cost_per_1000(y_te, pred):>9.1f} {mean_p:>6.3f}"
    )


# Are the raw probabilities calibrated around the Bayes threshold?
p_raw = model.predict_proba(X_te)[:, 1]
near = (p_raw >= 0.03) & (p_raw < 0.07)
print(
    f"raw p in [0.03, 0.07): {near.sum()} cases, mean p {p_raw[near].mean():.3f}, "
    f"positive rate {y_te[near].mean():.3f}"
)


# Prior shift: P(y | x) changes with the base rate b, P(x | y) does not.
def shift_prior(p, b, b_new):
    # Elkan (2001): p' = b'(p - pb) / (b - pb + b'p - bb')
    return b_new * (p - p * b) / (b - p * b + b_new * p - b * b_new)


b_train = y_tr.mean()
p_te = calibrated.predict_proba(X_te)[:, 1]
grid = np.linspace(0.001, 0.6, 600)
rng = np.random.default_rng(0)
pos, neg = np.flatnonzero(y_te == 1), np.flatnonzero(y_te == 0)
print(
    f"{'prevalence':>10} {'kept thr':>8} {'cost':>6} {'corrected thr':>13} {'cost':>6} "
    f"{'best thr':>8} {'cost':>6}"
)
same = True
for b_new in [0.01, 0.10]:
    # Resample the test set to the new positive rate.
    if b_new < y_te.mean():
        k = round(len(neg) * b_new / (1 - b_new))
        idx = np.r_[rng.choice(pos, k, replace=False), neg]
    else:
        k = round(len(pos) * (1 - b_new) / b_new)
        idx = np.r_[pos, rng.choice(neg, k, replace=False)]
    y_d, p_d = y_te[idx], p_te[idx]
    old = cost_per_1000(y_d, p_d >= t_bayes)
    # Correct the probabilities, keep the Bayes threshold ...
    pred_new = shift_prior(p_d, b_train, b_new) >= t_bayes
    # ... or, equivalently, move the threshold on the uncorrected probabilities.
    t_new = shift_prior(t_bayes, b_new, b_train)
    same &= np.array_equal(pred_new, p_d >= t_new)
    # Best threshold in hindsight (chosen on these labels: a reference, not a method).
    costs = [cost_per_1000(y_d, p_d >= t) for t in grid]
    best = int(np.argmin(costs))
    print(
        f"{y_d.mean():>10.1%} {t_bayes:>8.3f} {old:>6.1f} {t_new:>13.3f} "
        f"{cost_per_1000(y_d, pred_new):>6.1f} {grid[best]:>8.3f} {costs[best]:>6.1f}"
    )
print(f"corrected probabilities and corrected threshold agree: {same}")
