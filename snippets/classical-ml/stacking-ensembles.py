import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier

X, y = make_classification(
    6000, 20, n_informative=8, n_redundant=4, flip_y=0.05, class_sep=0.8, random_state=0
)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, train_size=1000, random_state=0)
base = {
    # memorises its training rows: perfect in-sample, much worse out of sample
    "1-NN": KNeighborsClassifier(n_neighbors=1),
    "logistic": LogisticRegression(),
    "boosting": HistGradientBoostingClassifier(max_leaf_nodes=8, random_state=0),
}
names = list(base)
cv = StratifiedKFold(n_splits=5)


def p1(model, X):
    return model.predict_proba(X)[:, 1]


def acc(p, y):
    return np.mean((p > 0.5) == y)


# base models refit on all 1,000 training rows: they make the test-time inputs
fitted = [clone(m).fit(X_tr, y_tr) for m in base.values()]
P_in = np.column_stack([p1(m, X_tr) for m in fitted])
P_te = np.column_stack([p1(m, X_te) for m in fitted])
# out-of-fold: each training row is predicted by a model that never saw it
P_oof = np.column_stack(
    [
        cross_val_predict(m, X_tr, y_tr, cv=cv, method="predict_proba")[:, 1]
        for m in base.values()
    ]
)
print(
    f"{'base model':<10}{'in-sample acc':>14}{'OOF acc':>8}{'test acc':>9}"
    f"{'log loss':>9}"
)
for j, name in enumerate(names):
    print(
        f"{name:<10}{acc(P_in[:, j], y_tr):14.3f}{acc(P_oof[:, j], y_tr):8.3f}"
        f"{acc(P_te[:, j], y_te):9.3f}{log_loss(y_te, P_te[:, j]):9.3f}"
    )

# blending: base models on 700 rows, meta-model on their predictions for 300 others
X_a, X_b, y_a, y_b = train_test_split(X_tr, y_tr, test_size=300, random_state=0)
blend_base = [clone(m).fit(X_a, y_a) for m in base.values()]
P_b = np.column_stack([p1(m, X_b) for m in blend_base])
P_te_blend = np.column_stack([p1(m, X_te) for m in blend_base])

# the meta-model: logistic regression on the base models' P(class 1)
metas = {
    "naive (in-sample)": (LogisticRegression().fit(P_in, y_tr), P_te),
    "blend (300 held out)": (LogisticRegression().fit(P_b, y_b), P_te_blend),
    "out-of-fold": (LogisticRegression().fit(P_oof, y_tr), P_te),
}
stack = StackingClassifier(
    list(base.items()), final_estimator=LogisticRegression(), cv=cv
).fit(X_tr, y_tr)

print(f"{'meta-model weights':<22}" + "".join(f"{n:>9}" for n in names))
for label, (meta, _) in metas.items():
    print(f"{label:<22}" + "".join(f"{w:9.2f}" for w in meta.coef_[0]))
weights = stack.final_estimator_.coef_[0]
print(f"{'StackingClassifier':<22}" + "".join(f"{w:9.2f}" for w in weights))

probs = {label: meta.predict_proba(P)[:, 1] for label, (meta, P) in metas.items()}
probs["StackingClassifier"] = stack.predict_proba(X_te)[:, 1]
best = int(np.argmax([acc(P_te[:, j], y_te) for j in range(len(names))]))
right_best = (P_te[:, best] > 0.5) == y_te
print(f"{'stack':<22}{'test acc':>8}{'log loss':>9}  acc - {names[best]} (± 2 SE)")
for label, p in probs.items():
    # paired difference with the best base model, row by row on the test set
    diff = ((p > 0.5) == y_te).astype(float) - right_best
    half = 2 * diff.std(ddof=1) / np.sqrt(len(diff))
    print(
        f"{label:<22}{acc(p, y_te):8.3f}{log_loss(y_te, p):9.3f}"
        f"  {diff.mean():+.3f} ± {half:.3f}"
    )
same = np.allclose(probs["StackingClassifier"], probs["out-of-fold"])
print("StackingClassifier = the out-of-fold stack by hand:", same)
