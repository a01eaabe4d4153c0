# --8<-- [start:sklearn]
import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

grid = {"svc__C": np.logspace(-1, 2, 4), "svc__gamma": np.logspace(-3, 0, 4)}
inner = StratifiedKFold(5, shuffle=True, random_state=0)
outer = StratifiedKFold(5, shuffle=True, random_state=1)


def scores(X, y):
    search = GridSearchCV(make_pipeline(StandardScaler(), SVC()), grid, cv=inner)
    # Non-nested: the best of 16 cross-validated scores, reported as the model's score.
    best_cv = search.fit(X, y).best_score_
    # Nested: the whole search is re-run inside each outer training fold and scored on
    # an outer fold it never saw.
    nested = cross_val_score(search, X, y, cv=outer).mean()
    return best_cv, nested


best, nested = scores(*load_wine(return_X_y=True))
print(f"wine, 16 SVC configurations: best inner CV {best:.3f}, nested CV {nested:.3f}")
# --8<-- [end:sklearn]

# --8<-- [start:repeats]
import numpy as np
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier

# The same experiment repeated on 300 random-label datasets, with k-nearest neighbours
# written in NumPy so that 300 nested searches take a second. Hyperparameter: k.
rng = np.random.default_rng(0)
KS = np.arange(1, 30, 2)  # 15 candidate values of k


def cv_scores(D, y, idx, folds):
    """Accuracy of every k in KS, by k-fold CV restricted to the rows idx."""
    correct = np.zeros(len(KS))
    for train, val in folds.split(idx):
        tr, va = idx[train], idx[val]
        # Labels of the training neighbours of each validation row, nearest first.
        nearest = y[tr][np.argsort(D[np.ix_(va, tr)], axis=1, kind="stable")]
        for j, k in enumerate(KS):
            vote = nearest[:, :k].mean(axis=1) > 0.5
            correct[j] += np.sum(vote == y[va])
    return correct / len(idx)


def accuracy(D, y, train, test, k):
    nearest = y[train][np.argsort(D[np.ix_(test, train)], axis=1, kind="stable")]
    return np.mean((nearest[:, :k].mean(axis=1) > 0.5) == y[test])


inner, outer = (
    KFold(5, shuffle=True, random_state=0),
    KFold(5, shuffle=True, random_state=1),
)
best_inner, nested = [], []
for rep in range(300):
    X, y = rng.normal(size=(80, 10)), rng.integers(0, 2, 80)
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    best_inner.append(cv_scores(D, y, np.arange(80), inner).max())
    outer_scores = []
    for train, test in outer.split(X):
        k = KS[
            np.argmax(cv_scores(D, y, train, inner))
        ]  # tuned on the outer train only
        outer_scores.append(accuracy(D, y, train, test, k))
    nested.append(np.mean(outer_scores))
    if rep == 0:
        # Check the NumPy CV against scikit-learn's for one k.
        sk = cross_val_score(KNeighborsClassifier(n_neighbors=5), X, y, cv=inner).mean()
        print(
            "NumPy kNN CV matches scikit-learn: "
            f"{np.isclose(sk, cv_scores(D, y, np.arange(80), inner)[2])}"
        )

se = np.std(nested) / np.sqrt(len(nested))
print("300 random-label datasets, 15 values of k; true accuracy is 0.500")
print(f"mean best inner CV score: {np.mean(best_inner):.3f}")
print(f"mean nested CV score:     {np.mean(nested):.3f} (standard error {se:.3f})")
# --8<-- [end:repeats]
