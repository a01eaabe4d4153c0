import pickle

import numpy as np
from scipy import stats
from sklearn.datasets import load_breast_cancer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

X, y = load_breast_cancer(return_X_y=True)
candidates = {
    "majority class": DummyClassifier(),
    "logistic regression": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ),
    "random forest (100)": RandomForestClassifier(n_estimators=100, random_state=0),
    "gradient boosting": GradientBoostingClassifier(random_state=0),
    "MLP (64x64)": make_pipeline(
        StandardScaler(),
        MLPClassifier((64, 64), max_iter=300, early_stopping=True, random_state=0),
    ),
}
# The same 10 train/test splits for every model, so differences are paired.
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
print(f"{'model':20} {'accuracy':>15} {'pickled KB':>10}")
scores = {}
# Small fits: one BLAS/OpenMP thread avoids oversubscribing the cores.
with threadpool_limits(1):
    for name, model in candidates.items():
        scores[name] = acc = cross_val_score(model, X, y, cv=cv, scoring="accuracy")
        size_kb = len(pickle.dumps(model.fit(X, y))) / 1024
        print(f"{name:20} {acc.mean():.3f} +- {acc.std():.3f} {size_kb:10.0f}")

print()


def corrected_resampled_t(diff, test_over_train):
    """Nadeau and Bengio's corrected resampled t-test on per-split score differences.

    CV splits share training data, so the naive variance of the differences is too
    small; the correction inflates it by (1/J + n_test/n_train). Two-sided p-value.
    """
    J = len(diff)
    se = np.sqrt((1 / J + test_over_train) * diff.var(ddof=1))
    t = diff.mean() / se
    return t, 2 * stats.t.sf(abs(t), df=J - 1)


base = scores["logistic regression"]
for name in ["random forest (100)", "gradient boosting", "MLP (64x64)"]:
    diff = scores[name] - base
    # 5-fold CV: each test fold is 1/4 the size of its training set.
    t, p = corrected_resampled_t(diff, test_over_train=1 / 4)
    naive_p = stats.ttest_1samp(diff, 0).pvalue
    print(
        f"{name:20} gain {diff.mean():+.3f}, corrected p = {p:.2f} "
        f"(naive p = {naive_p:.3f}), better: {p < 0.05 and diff.mean() > 0}"
    )
