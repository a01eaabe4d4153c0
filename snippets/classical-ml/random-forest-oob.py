import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

warnings.simplefilter("ignore", UserWarning)  # "some inputs do not have OOB scores"
rng = np.random.default_rng(0)
n = 1000
share = np.mean([len(np.unique(rng.integers(0, n, n))) / n for _ in range(200)])
print(
    f"distinct rows in a bootstrap sample: {share:.3f} (1 - 1/e = {1 - np.exp(-1):.3f})"
)

X, y = make_classification(
    3000, 20, n_informative=6, n_redundant=4, flip_y=0.05, random_state=1
)
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]

cv = cross_val_score(
    RandomForestClassifier(100, random_state=0), X_train, y_train, cv=5
)
print(f"5-fold CV accuracy, 100 trees (5 extra forests): {cv.mean():.3f}")
print(f"{'trees':>5}{'OOB acc':>9}{'test acc':>9}")
for trees in [10, 30, 100, 300]:
    rf = RandomForestClassifier(trees, oob_score=True, random_state=0)
    rf.fit(X_train, y_train)
    print(f"{trees:5d}{rf.oob_score_:9.3f}{rf.score(X_test, y_test):9.3f}")

# Feature subsampling decorrelates the trees (max_features: features tried per split)
print(
    f"{'max_features':<13}{'tree acc':>9}{'corr between trees':>19}{'forest acc':>11}"
)
for label, mf in [("all (bagging)", 1.0), ("sqrt (default)", "sqrt"), ("1", 1)]:
    rf = RandomForestClassifier(100, max_features=mf, random_state=0)
    rf.fit(X_train, y_train)
    votes = np.array([tree.predict_proba(X_test)[:, 1] for tree in rf.estimators_])
    corr = np.corrcoef(votes)[np.triu_indices(len(votes), 1)].mean()
    tree_acc = np.mean((votes > 0.5) == y_test)
    print(f"{label:<15}{tree_acc:9.3f}{corr:19.3f}{rf.score(X_test, y_test):11.3f}")
