import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)


def base():
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))


print(
    f"{'labelled':>8} {'supervised':>10} {'self-training':>13} {'label spreading':>15}"
)
for n_lab in (20, 50, 100):
    accs = {"sup": [], "self": [], "spread": []}
    for rep in range(3):
        rng = np.random.default_rng(rep)
        # n_lab labels, stratified; the rest of the training set is unlabelled (-1).
        lab = np.concatenate(
            [
                rng.choice(np.flatnonzero(y_tr == k), n_lab // 10, replace=False)
                for k in range(10)
            ]
        )
        y_semi = np.full(len(y_tr), -1)
        y_semi[lab] = y_tr[lab]
        accs["sup"].append(base().fit(X_tr[lab], y_tr[lab]).score(X_te, y_te))
        self_tr = SelfTrainingClassifier(base(), threshold=0.9).fit(X_tr, y_semi)
        accs["self"].append(self_tr.score(X_te, y_te))
        spread = LabelSpreading(kernel="knn", n_neighbors=7, alpha=0.2)
        # A test point whose neighbours received no label mass gets 0/0: silence it.
        with np.errstate(divide="ignore", invalid="ignore"):
            accs["spread"].append(spread.fit(X_tr, y_semi).score(X_te, y_te))
    m = {k: np.mean(v) for k, v in accs.items()}
    print(f"{n_lab:>8} {m['sup']:>10.3f} {m['self']:>13.3f} {m['spread']:>15.3f}")
full = base().fit(X_tr, y_tr).score(X_te, y_te)
print(f"all {len(y_tr)} labels, supervised: {full:.3f}")
