# --8<-- [start:multiclass]
import sys
import time

import numpy as np
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_tr)
X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)


def ece(p, labels, n_bins=15):
    """Top-class expected calibration error, equal-width bins."""
    conf, correct = p.max(axis=1), p.argmax(axis=1) == labels
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    return sum(
        (bins == b).mean() * abs(correct[bins == b].mean() - conf[bins == b].mean())
        for b in range(n_bins)
        if (bins == b).any()
    )


def fit_cpu_seconds(model, repeats=3):
    """Fit `repeats` fresh copies; return the last one and the fastest CPU time."""
    times = []
    for _ in range(repeats):
        fresh = clone(model)
        start = time.process_time()
        fresh.fit(X_tr, y_tr)
        times.append(time.process_time() - start)
    return fresh, min(times)


models = {
    "one-vs-rest logistic": OneVsRestClassifier(LogisticRegression()),
    "one-vs-one logistic": OneVsOneClassifier(LogisticRegression()),
    # Since scikit-learn 1.8 there is no multi_class argument: with 3+ classes,
    # LogisticRegression always fits the multinomial (softmax) loss
    "multinomial logistic": LogisticRegression(),
    "SVC, RBF (one-vs-one)": SVC(),
    "one-vs-rest around SVC": OneVsRestClassifier(SVC()),
}
fitted, seconds = {}, {}
for name, model in models.items():
    fitted[name], seconds[name] = fit_cpu_seconds(model)


def n_models(model):
    if hasattr(model, "estimators_"):
        return len(model.estimators_)
    if isinstance(model, SVC):
        # libsvm keeps one intercept per pair of classes
        return len(model.intercept_)
    return 1


print(f"{'method':<24}{'models':>7}{'accuracy':>9}{'log loss':>9}{'ECE':>7}{'conf':>7}")
for name, model in fitted.items():
    acc = model.score(X_te, y_te)
    row = f"{name:<24}{n_models(model):>7}{acc:>9.3f}"
    # OneVsOneClassifier, and SVC without probability=True, have no predict_proba
    if hasattr(model, "predict_proba"):
        p = model.predict_proba(X_te)
        row += f"{log_loss(y_te, p):>9.3f}{ece(p, y_te):>7.3f}{p.max(1).mean():>7.3f}"
    else:
        row += f"{'-':>9}{'-':>7}{'-':>7}"
    print(row)

ovr = fitted["one-vs-rest logistic"]
sigmoids = expit(ovr.decision_function(X_te))
row_sums = sigmoids.sum(axis=1)
print(
    "one-vs-rest predict_proba = sigmoids / their row sum:",
    np.allclose(sigmoids / row_sums[:, None], ovr.predict_proba(X_te)),
)
print(f"raw one-vs-rest sigmoids sum to {row_sums.min():.2f}..{row_sums.max():.2f}")
svc = fitted["SVC, RBF (one-vs-one)"]
svc_ovo = clone(svc).set_params(decision_function_shape="ovo").fit(X_tr, y_tr)
print(
    f"SVC decision_function columns: {svc.decision_function(X_te).shape[1]} "
    f"('ovr', the default), {svc_ovo.decision_function(X_te).shape[1]} ('ovo')"
)
ratio_lr = seconds["one-vs-rest logistic"] / seconds["multinomial logistic"]
ratio_svc = seconds["one-vs-rest around SVC"] / seconds["SVC, RBF (one-vs-one)"]
print(f"multinomial trains at least 1.5x faster than one-vs-rest: {ratio_lr >= 1.5}")
print(
    f"SVC's one-vs-one trains at least 1.5x faster than one-vs-rest: {ratio_svc >= 1.5}"
)
print({k: round(v, 4) for k, v in seconds.items()}, file=sys.stderr)
# --8<-- [end:multiclass]

# --8<-- [start:multilabel]
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, hamming_loss
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier

# Six tags: three "parents" (40%, 30%, 20% of rows) and three "children"; a child
# can only be on when its parent is (dog implies animal), so the tags are correlated
rng = np.random.default_rng(0)
n, d = 6000, 20
X = rng.normal(size=(n, d))
scores = X @ rng.normal(size=(d, 6)) * (2 / np.sqrt(d)) + 0.5 * rng.normal(size=(n, 6))
parents = scores[:, :3] > np.quantile(scores[:, :3], [0.6, 0.7, 0.8], axis=0).diagonal()
children = (scores[:, 3:] > np.quantile(scores[:, 3:], 0.6, axis=0)) & parents
Y = np.hstack([parents, children]).astype(int)
tr, va, te = slice(0, 3000), slice(3000, 4000), slice(4000, None)
counts = Y[te].sum(axis=1)
print(f"tag frequencies {Y.mean(0).round(2)}")
print(
    f"test rows with 0 tags {np.mean(counts == 0):.3f}, 1 tag "
    f"{np.mean(counts == 1):.3f}, 2 or more {np.mean(counts >= 2):.3f}"
)


def report(name, pred):
    pred = np.asarray(pred).astype(int)
    orphan = np.mean((pred[:, 3:] > pred[:, :3]).any(axis=1))
    print(
        f"{name:<28}{accuracy_score(Y[te], pred):>7.3f}"
        f"{hamming_loss(Y[te], pred):>8.3f}"
        f"{f1_score(Y[te], pred, average='micro'):>7.3f}"
        f"{f1_score(Y[te], pred, average='macro'):>7.3f}{orphan:>8.3f}"
    )


print(f"{'method':<28}{'subset':>7}{'Hamming':>8}{'micro':>7}{'macro':>7}{'orphan':>8}")
# The softmax mistake: one softmax over the tags, trained with cross-entropy on the
# target y / |y| (rows repeated once per tag, weight 1 / |y|); rows with no tag
# cannot be represented and are dropped
rows = [(i, k, 1 / Y[i].sum()) for i in range(3000) for k in np.flatnonzero(Y[i])]
idx, tag, weight = map(np.array, zip(*rows))
softmax = LogisticRegression(max_iter=1000).fit(X[idx], tag, sample_weight=weight)
rank = np.argsort(-softmax.predict_proba(X[te]), axis=1)
for k in [1, 2]:
    pred = np.zeros_like(Y[te])
    np.put_along_axis(pred, rank[:, :k], 1, axis=1)
    report(f"softmax, top-{k}", pred)

# Binary relevance: one sigmoid per tag. OneVsRestClassifier on a 0/1 label matrix
# and MultiOutputClassifier fit the same six models
br = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X[tr], Y[tr])
mo = MultiOutputClassifier(LogisticRegression(max_iter=1000)).fit(X[tr], Y[tr])
same = np.allclose(
    br.predict_proba(X[te]), np.stack([p[:, 1] for p in mo.predict_proba(X[te])], 1)
)
report("binary relevance (sigmoids)", br.predict(X[te]))
chain = ClassifierChain(LogisticRegression(max_iter=1000), order=[0, 1, 2, 3, 4, 5])
chain.fit(X[tr], Y[tr])
report("chain, parents first", chain.predict(X[te]))
backwards = ClassifierChain(LogisticRegression(max_iter=1000), order=[3, 4, 5, 0, 1, 2])
report("chain, children first", backwards.fit(X[tr], Y[tr]).predict(X[te]))
ensemble = np.mean(
    [
        ClassifierChain(
            LogisticRegression(max_iter=1000), order="random", random_state=s
        )
        .fit(X[tr], Y[tr])
        .predict_proba(X[te])
        for s in range(10)
    ],
    axis=0,
)
report("10 random-order chains", ensemble > 0.5)

# Per-tag thresholds: the one maximising that tag's F1 on the validation rows
grid = np.arange(0.05, 0.96, 0.05)


def tuned_thresholds(model):
    p_val = model.predict_proba(X[va])
    return np.array(
        [
            grid[np.argmax([f1_score(Y[va][:, k], p_val[:, k] > t) for t in grid])]
            for k in range(6)
        ]
    )


for name, model in [("binary relevance", br), ("chain, parents first", chain)]:
    thresholds = tuned_thresholds(model)
    report(f"{name} + tuned", model.predict_proba(X[te]) > thresholds)
    print(f"  thresholds {thresholds.round(2)}")
print("OneVsRestClassifier = MultiOutputClassifier here:", same)
# --8<-- [end:multilabel]
