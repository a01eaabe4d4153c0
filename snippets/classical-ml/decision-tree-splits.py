# --8<-- [start:split]
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.tree import DecisionTreeClassifier


def gini(counts):
    p = counts / counts.sum(axis=-1, keepdims=True)
    return 1 - (p**2).sum(axis=-1)


def entropy(counts):
    p = counts / counts.sum(axis=-1, keepdims=True)
    return -(p * np.log2(np.where(p > 0, p, 1))).sum(axis=-1)


def best_split(X, y, impurity):
    """Exhaustive search: every feature, every midpoint between distinct values."""
    n, k = len(y), y.max() + 1
    parent = impurity(np.bincount(y, minlength=k)[None])[0]
    best = (-np.inf, None, None)
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        x, onehot = X[order, j], np.eye(k)[y[order]]
        left = np.cumsum(onehot, axis=0)[:-1]  # class counts left of each cut
        right = left[-1] + onehot[-1] - left
        n_left = np.arange(1, n)
        child = (n_left * impurity(left) + (n - n_left) * impurity(right)) / n
        valid = x[1:] > x[:-1]  # cut only between distinct values
        gain = np.where(valid, parent - child, -np.inf)
        i = np.argmax(gain)
        if gain[i] > best[0]:
            best = (gain[i], j, (x[i] + x[i + 1]) / 2)
    return best


data = load_breast_cancer()
X, y = data.data, data.target
for name, impurity in [("gini", gini), ("entropy", entropy)]:
    gain, feature, threshold = best_split(X, y, impurity)
    root = DecisionTreeClassifier(criterion=name, max_depth=1).fit(X, y).tree_
    same = feature == root.feature[0] and np.isclose(threshold, root.threshold[0])
    print(
        f"{name:<8} root: {data.feature_names[feature]} <= {threshold:.2f}, "
        f"impurity decrease {gain:.4f}; same as scikit-learn: {same}"
    )
# --8<-- [end:split]

# --8<-- [start:compare]
import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

datasets = {
    "breast cancer": load_breast_cancer(return_X_y=True),
    "wine": load_wine(return_X_y=True),
    "digits": load_digits(return_X_y=True),
    "synthetic": make_classification(2000, 20, n_informative=8, random_state=0),
}
cv = StratifiedKFold(5, shuffle=True, random_state=0)
print(f"{'data':<14}{'gini acc':>9}{'entropy acc':>12}{'same prediction':>16}")
for name, (X, y) in datasets.items():
    pred = {
        c: cross_val_predict(
            DecisionTreeClassifier(criterion=c, random_state=0), X, y, cv=cv
        )
        for c in ["gini", "entropy"]
    }
    print(
        f"{name:<14}{np.mean(pred['gini'] == y):9.3f}"
        f"{np.mean(pred['entropy'] == y):12.3f}"
        f"{np.mean(pred['gini'] == pred['entropy']):16.3f}"
    )
# --8<-- [end:compare]
