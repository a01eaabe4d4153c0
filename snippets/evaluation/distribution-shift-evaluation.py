import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

rng = np.random.default_rng(0)


def make_data(n, p_agree, young_share):
    """Label from a real signal x1; x2 is a shortcut that agrees with the label with
    probability p_agree; age group changes how noisy x1 is. The two deployments differ
    in p_agree and the age mix."""
    y = rng.integers(0, 2, n)
    young = rng.random(n) < young_share
    x1 = (2 * y - 1) * 1.0 + rng.normal(
        0, np.where(young, 1.6, 0.8)
    )  # the signal is weaker for the young
    agree = rng.random(n) < p_agree
    x2 = np.where(agree, 2 * y - 1, 1 - 2 * y) + rng.normal(
        0, 0.3, n
    )  # shortcut feature
    return np.c_[x1, x2, young], y, {"young": young, "shortcut agrees": agree}


# Source (training) distribution: the shortcut agrees 95% of the time, 20% young users.
X_src, y_src, s_src = make_data(20000, p_agree=0.95, young_share=0.2)
# Target (deployment): the shortcut agrees only 60% of the time, 50% young users.
X_tgt, y_tgt, s_tgt = make_data(20000, p_agree=0.60, young_share=0.5)
X_tr, y_tr = X_src[:10000], y_src[:10000]
X_val, y_val, s_val = (
    X_src[10000:],
    y_src[10000:],
    {k: v[10000:] for k, v in s_src.items()},
)

model = LogisticRegression().fit(X_tr, y_tr)
print(f"weights: x1 {model.coef_[0, 0]:.2f}, shortcut x2 {model.coef_[0, 1]:.2f}")
acc_val = accuracy_score(y_val, model.predict(X_val))
acc_tgt = accuracy_score(y_tgt, model.predict(X_tgt))
print(f"accuracy on source validation {acc_val:.3f}, on target {acc_tgt:.3f}")

# Per-slice metrics: the aggregate hides which part of the population fails.
print(f"{'slice':<24} {'share src':>9} {'share tgt':>9} {'acc src':>7} {'acc tgt':>7}")
for name in ["young", "shortcut agrees"]:
    for value in [True, False]:
        ms, mt = s_val[name] == value, s_tgt[name] == value
        acc_s = accuracy_score(y_val[ms], model.predict(X_val[ms]))
        acc_t = accuracy_score(y_tgt[mt], model.predict(X_tgt[mt]))
        print(
            f"{name + '=' + str(value):<24} {ms.mean():>9.2f} {mt.mean():>9.2f} "
            f"{acc_s:>7.3f} {acc_t:>7.3f}"
        )

# Detect the shift without labels: can a classifier tell source inputs from target
# inputs?
X_dom = np.r_[X_val, X_tgt]
d = np.r_[np.zeros(len(X_val)), np.ones(len(X_tgt))]
domain_clf = make_pipeline(
    PolynomialFeatures(2), LogisticRegression(max_iter=1000)
)  # sees interactions
p_dom = cross_val_predict(domain_clf, X_dom, d, cv=3, method="predict_proba")
print(
    f"domain classifier AUC {roc_auc_score(d, p_dom[:, 1]):.3f} (0.5 = no detectable "
    "shift)"
)

# Predict target accuracy from labelled source data, reweighting by slice mix (known for
# the slices).
slice_src = s_val["shortcut agrees"] * 2 + s_val["young"]
slice_tgt = s_tgt["shortcut agrees"] * 2 + s_tgt["young"]
correct = model.predict(X_val) == y_val
w = np.array([np.mean(slice_tgt == g) / np.mean(slice_src == g) for g in range(4)])[
    slice_src
]
print(
    "source-validation accuracy reweighted to the target slice mix: "
    f"{np.average(correct, weights=w):.3f}"
)
