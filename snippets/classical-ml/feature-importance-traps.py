import lightgbm
import numpy as np
from scipy.special import expit
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)


def make(n):
    signal = rng.normal(size=n)
    X = np.column_stack(
        [
            signal,  # strong effect
            signal + 0.3 * rng.normal(size=n),  # a near-copy of it (correlation 0.96)
            rng.integers(0, 2, n),  # binary, real but weaker effect
            rng.normal(size=n),  # noise, continuous: n distinct values
            rng.integers(0, 2, n),  # noise, binary: 2 distinct values
        ]
    )
    y = (rng.random(n) < expit(2 * signal + 1.0 * X[:, 2] - 0.5)).astype(int)
    return X, y


names = [
    "signal",
    "copy of signal",
    "binary signal",
    "noise (continuous)",
    "noise (binary)",
]
X_train, y_train = make(1000)
X_test, y_test = make(1000)

rf = RandomForestClassifier(100, min_samples_leaf=1, random_state=0, n_jobs=1)
rf.fit(X_train, y_train)
print(f"forest test AUC {roc_auc_score(y_test, rf.predict_proba(X_test)[:, 1]):.3f}")
perm_test = permutation_importance(
    rf, X_test, y_test, scoring="roc_auc", n_repeats=5, random_state=0
)
perm_train = permutation_importance(
    rf, X_train, y_train, scoring="roc_auc", n_repeats=5, random_state=0
)

# TreeSHAP in LightGBM: one column per feature plus the expected value (last column)
gbm = lightgbm.LGBMClassifier(
    n_estimators=200, learning_rate=0.05, verbose=-1, n_jobs=1, random_state=0
).fit(X_train, y_train)
contrib = gbm.predict(X_test, pred_contrib=True)
raw = gbm.predict(X_test, raw_score=True)
print(f"LightGBM test AUC {roc_auc_score(y_test, gbm.predict_proba(X_test)[:, 1]):.3f}")
print(
    "SHAP values sum to the model's log-odds output:",
    np.allclose(contrib.sum(axis=1), raw),
)
shap = np.abs(contrib[:, :-1]).mean(axis=0)

print(
    f"{'feature':<20}{'impurity':>9}{'perm test':>10}{'perm train':>11}"
    f"{'mean |SHAP|':>12}"
)
for j, name in enumerate(names):
    print(
        f"{name:<20}{rf.feature_importances_[j]:9.3f}"
        f"{perm_test.importances_mean[j]:10.3f}"
        f"{perm_train.importances_mean[j]:11.3f}{shap[j]:12.3f}"
    )

# Permute the two correlated columns together: the importance they share
base = roc_auc_score(y_test, rf.predict_proba(X_test)[:, 1])
drops = []
for _ in range(5):
    Xp = X_test.copy()
    Xp[:, :2] = Xp[rng.permutation(len(Xp))][:, :2]  # same shuffle for both columns
    drops.append(base - roc_auc_score(y_test, rf.predict_proba(Xp)[:, 1]))
print(f"signal and its copy permuted together: AUC drops {np.mean(drops):.3f}")
