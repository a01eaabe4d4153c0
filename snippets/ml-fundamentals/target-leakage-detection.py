import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.tree import DecisionTreeClassifier

rng = np.random.default_rng(0)
MONTHS, PER_MONTH, LIVE_MONTHS = 12, 1000, 3
HONEST = ["tenure", "monthly_contract", "charges", "calls_90d", "failed_pay", "usage"]
LEAKS = ["calls_30d", "account_id"]


def customers(n, live):
    """n customer rows at a prediction date; churn = cancels within 30 days."""
    tenure = rng.exponential(24.0, n)
    monthly = (rng.random(n) < 0.5).astype(float)
    charges = rng.normal(65.0, 20.0, n)
    calls_90d = rng.poisson(1.0, n).astype(float)
    failed = rng.poisson(0.2, n).astype(float)
    usage = rng.gamma(4.0, 50.0, n)
    logit = (
        -2.6
        - 0.03 * tenure
        + 1.2 * monthly
        + 0.015 * (charges - 65)
        + 0.35 * calls_90d
        + 0.6 * failed
        - 0.004 * (usage - 200)
    )
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    # (a) The training table counts support calls in the 30 days AFTER the prediction
    # date (the window was anchored on the label date); churners call to cancel.
    # Serving can only count the 30 days before, where no cancellation call exists.
    calls_30d = rng.poisson(0.3 + (0.0 if live else 1.5) * churn).astype(float)
    # (c) A new app version logs background time too: served usage reads 30% higher.
    usage_seen = usage * 1.3 if live else usage
    X = np.column_stack([tenure, monthly, charges, calls_90d, failed, usage_seen])
    return np.column_stack([X, calls_30d]), churn.astype(int)


def history():
    """MONTHS monthly extracts; (b) each month's closed accounts were loaded last."""
    rows, labels, month = [], [], []
    for m in range(MONTHS):
        X, y = customers(PER_MONTH, live=False)
        # half of the churners were already closed when the month was migrated and
        # came from a second table, appended after the others: ids follow the label
        closed = (y == 1) & (rng.random(PER_MONTH) < 0.5)
        order = np.concatenate(
            [
                rng.permutation(np.flatnonzero(~closed)),
                rng.permutation(np.flatnonzero(closed)),
            ]
        )
        ids = np.empty(PER_MONTH)
        ids[order] = m * PER_MONTH + np.arange(PER_MONTH)
        rows.append(np.column_stack([X, ids]))
        labels.append(y)
        month.append(np.full(PER_MONTH, m))
    return np.vstack(rows), np.concatenate(labels), np.concatenate(month)


def live_rows():
    X, y = customers(LIVE_MONTHS * PER_MONTH, live=True)
    ids = MONTHS * PER_MONTH + rng.permutation(len(y))
    return np.column_stack([X, ids]), y


def gbm():
    return HistGradientBoostingClassifier(max_iter=100, random_state=0)


def auc(model, X, y):
    return roc_auc_score(y, model.predict_proba(X)[:, 1])


X, y, month = history()
X_live, y_live = live_rows()
names = HONEST + LEAKS
print(f"churn rate {y.mean():.3f}; {len(y)} history rows, {len(y_live)} live rows")

# 1. Validation AUC under a random split and a time split (train on months 0-8,
# validate on 9-11), with and without the leaks; "live": trained on all 12 months,
# scored on the next 3 months' rows as serving builds them.
idx = np.arange(len(y))
tr_r, va_r = train_test_split(idx, test_size=0.25, random_state=0, stratify=y)
tr_t, va_t = idx[month < 9], idx[month >= 9]
sets = {
    "honest features": HONEST,
    "+ (a) calls_30d": HONEST + ["calls_30d"],
    "+ (b) account_id": HONEST + ["account_id"],
    "+ (a) and (b)": names,
}
print(f"{'features':<18}{'random split':>13}{'time split':>11}{'live':>7}")
for label, cols in sets.items():
    c = [names.index(f) for f in cols]
    r = auc(gbm().fit(X[tr_r][:, c], y[tr_r]), X[va_r][:, c], y[va_r])
    t = auc(gbm().fit(X[tr_t][:, c], y[tr_t]), X[va_t][:, c], y[va_t])
    live = auc(gbm().fit(X[:, c], y), X_live[:, c], y_live)
    print(f"{label:<18}{r:13.3f}{t:11.3f}{live:7.3f}")

# 2. Single-feature screen (the raw column's AUC, and a one-feature tree's out-of-fold
# AUC), then permutation and drop-column importance of the model with every feature.
folds = StratifiedKFold(5, shuffle=True, random_state=0)
one_tree = DecisionTreeClassifier(min_samples_leaf=100, random_state=0)
full = gbm().fit(X[tr_r], y[tr_r])
base = auc(full, X[va_r], y[va_r])
perm = permutation_importance(
    full, X[va_r], y[va_r], scoring="roc_auc", n_repeats=5, random_state=0
).importances_mean
print(
    f"{'feature':<18}{'raw AUC':>8}{'1-feature tree':>15}{'permutation':>12}{'drop':>7}"
)
for j, f in enumerate(names):
    raw = roc_auc_score(y, X[:, j])
    one = cross_val_predict(one_tree, X[:, [j]], y, cv=folds, method="predict_proba")
    keep = [k for k in range(len(names)) if k != j]
    drop = base - auc(gbm().fit(X[tr_r][:, keep], y[tr_r]), X[va_r][:, keep], y[va_r])
    print(
        f"{f:<18}{max(raw, 1 - raw):8.3f}{roc_auc_score(y, one[:, 1]):15.3f}"
        f"{perm[j]:12.3f}{drop:7.3f}"
    )

# 3. Adversarial validation: a model learns to tell history rows from live rows; drop
# the feature it relies on most and repeat.
Z = np.vstack([X, X_live])
is_live = np.r_[np.zeros(len(y), int), np.ones(len(y_live), int)]
a_tr, a_va = train_test_split(
    np.arange(len(Z)), test_size=0.3, random_state=0, stratify=is_live
)
cols, dropped = list(range(len(names))), "none"
print(f"{'features dropped':<22}{'AUC':>6}  most used feature (importance)")
for _ in range(4):
    adv = gbm().fit(Z[a_tr][:, cols], is_live[a_tr])
    imp = permutation_importance(
        adv,
        Z[a_va][:, cols],
        is_live[a_va],
        scoring="roc_auc",
        n_repeats=3,
        random_state=0,
    ).importances_mean
    top = cols[int(np.argmax(imp))]
    a = auc(adv, Z[a_va][:, cols], is_live[a_va])
    print(f"{dropped:<22}{a:6.3f}  {names[top]} ({imp.max():.3f})")
    cols.remove(top)
    dropped = names[top] if dropped == "none" else f"+ {names[top]}"
