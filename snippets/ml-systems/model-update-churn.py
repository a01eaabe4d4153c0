import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
# the review team can look at 5% of transactions: the old model's operating point
ALERT_SHARE = 0.05


def transactions(n):
    """Synthetic transactions: six numeric features, a new-account flag, fraud labels.
    Part of the signal is non-linear (a threshold, an interaction, a U-shape on new
    accounts), which a linear model cannot represent and boosted trees can."""
    x = rng.normal(size=(n, 6))
    new_account = (rng.random(n) < 0.3).astype(float)
    logit = (
        -3.6
        + 0.8 * x[:, 0]
        + 0.6 * x[:, 1]
        - 0.5 * x[:, 2]
        + 1.2 * (x[:, 3] > 1.0)
        + 0.7 * x[:, 0] * x[:, 4]
        + 0.9 * new_account * (x[:, 5] ** 2 - 1.0)
        + 0.5 * new_account
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.column_stack([x, new_account]), y


def boosted():
    return HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.1, early_stopping=False, random_state=0
    )


def fit_soft(targets, X):
    """Gradient boosting on soft targets t in [0, 1]: each row appears twice, as a
    positive with weight t and as a negative with weight 1 - t, which is exactly the
    cross-entropy against t."""
    X2 = np.repeat(X, 2, axis=0)
    y2 = np.tile([1, 0], len(X))
    w2 = np.column_stack([targets, 1.0 - targets]).ravel()
    # rows of weight 0 are dropped, so hard labels give back the plain model exactly
    keep = w2 > 0
    return boosted().fit(X2[keep], y2[keep], sample_weight=w2[keep])


def top_k(scores, k):
    flagged = np.zeros(len(scores), dtype=bool)
    flagged[np.argsort(-scores, kind="stable")[:k]] = True
    return flagged


def ece(p, y, bins=10):
    """Expected calibration error with equal-mass bins."""
    order = np.argsort(p, kind="stable")
    return sum(
        len(b) * abs(p[b].mean() - y[b].mean()) for b in np.array_split(order, bins)
    ) / len(p)


X_train, y_train = transactions(20_000)
X_val, y_val = transactions(10_000)
X_test, y_test = transactions(20_000)
n_test = len(y_test)
target = int(ALERT_SHARE * n_test)

old = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X_train, y_train)
new = boosted().fit(X_train, y_train)
p_old_val, p_new_val = old.predict_proba(X_val)[:, 1], new.predict_proba(X_val)[:, 1]
p_old, p_new = old.predict_proba(X_test)[:, 1], new.predict_proba(X_test)[:, 1]
# the old operating point: the score threshold that flagged 5% of validation traffic
threshold = np.quantile(p_old_val, 1 - ALERT_SHARE)

# quantile mapping fitted on validation scores: a new score goes to the old score at
# the same rank, so the new model inherits the old score distribution (monotone)
grid = np.linspace(0, 1, 2001)
new_q, old_q = np.quantile(p_new_val, grid), np.quantile(p_old_val, grid)
p_mapped = np.interp(p_new, new_q, old_q)

# recalibration instead: isotonic regression of the label on the new score (validation)
calibrator = IsotonicRegression(out_of_bounds="clip").fit(p_new_val, y_val)
p_recal = calibrator.predict(p_new)

print(f"test: {n_test:,} transactions, fraud rate {y_test.mean():.3f}")
print(f"old threshold {threshold:.3f}: the review team sized for {target:,} alerts")
print(f"{'scores':26}{'AUC':>7}{'ECE':>7}{'alerts at old threshold':>25}")
for name, p in [
    ("old: logistic regression", p_old),
    ("new: gradient boosting", p_new),
    ("new, quantile-mapped", p_mapped),
    ("new, recalibrated", p_recal),
]:
    alerts = int((p >= threshold).sum())
    print(f"{name:26}{roc_auc_score(y_test, p):7.3f}{ece(p, y_test):7.3f}{alerts:25,}")

fraud = y_test.astype(bool)
old_flag = p_old >= threshold
old_right = old_flag == fraud
volume = int(old_flag.sum())


def compare(flag):
    """Precision of the alerts, then rates over all transactions: decisions that
    change, negative flips (old right, new wrong), positive flips (old wrong, new
    right); last, the share of the old model's alerts the new one drops."""
    right = flag == fraud
    return (
        fraud[flag].mean(),
        np.mean(flag != old_flag),
        np.mean(old_right & ~right),
        np.mean(~old_right & right),
        np.mean(~flag[old_flag]),
    )


header = f"{'alerts':>7}{'precision':>10}{'churn':>7}{'neg flip':>9}{'pos flip':>9}"
print(f"\n{'decisions':24}{header}{'old alerts dropped':>19}")
for name, flag in [
    ("old model", old_flag),
    ("new, old threshold", p_new >= threshold),
    ("new, same volume", top_k(p_new, volume)),
]:
    row = compare(flag)
    print(f"{name:24}{int(flag.sum()):7,}{row[0]:10.3f}", end="")
    print(f"{row[1]:7.3f}{row[2]:9.3f}{row[3]:9.3f}{row[4]:19.3f}")

new_account = X_test[:, 6] == 1
flag_new = top_k(p_new, volume)
print("churn at the same volume, by slice:", end="")
for name, rows in [("new accounts", new_account), ("existing", ~new_account)]:
    print(f"  {name} {np.mean(flag_new[rows] != old_flag[rows]):.3f}", end="")
print()

# anchoring (distillation toward the old model): soft targets w * p_old + (1 - w) * y
p_old_train = old.predict_proba(X_train)[:, 1]
print(f"\n{'anchor weight w':17}{'AUC':>7}{header[7:]}{'old alerts dropped':>19}")
for w in [0.0, 0.3, 0.6, 0.9]:
    model = fit_soft(w * p_old_train + (1 - w) * y_train, X_train)
    p = model.predict_proba(X_test)[:, 1]
    row = compare(top_k(p, volume))
    print(f"{w:<17.1f}{roc_auc_score(y_test, p):7.3f}{row[0]:10.3f}", end="")
    print(f"{row[1]:7.3f}{row[2]:9.3f}{row[3]:9.3f}{row[4]:19.3f}")
