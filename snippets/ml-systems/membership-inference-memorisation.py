import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score, roc_curve

X, y = make_classification(6000, n_features=20, n_informative=10, random_state=0)
rng = np.random.default_rng(0)
# 5% of labels flipped: the atypical examples a model can only memorise
flipped = rng.random(len(y)) < 0.05
y = np.where(flipped, 1 - y, y)
# members (training set), non-members, and the attacker's own data from the
# same distribution, used to train one reference model
members, outs, ref = np.split(rng.permutation(6000), 3)
evaluated = np.r_[members, outs]
is_member = np.r_[np.ones(len(members)), np.zeros(len(outs))]
print(f"{len(members)} members, {len(outs)} non-members, {len(ref)} for the attacker;")
print(f"flipped labels among members: {flipped[members].mean():.3f}")
print("random guessing at 1% FPR: TPR = 0.010")


def log_p(model, idx):
    """Log-probability of the true label: minus the per-example loss."""
    p = model.predict_proba(X[idx])[np.arange(len(idx)), y[idx]]
    return np.log(np.clip(p, 1e-12, 1.0))


MODELS = {
    "overfit": HistGradientBoostingClassifier(
        max_iter=60,
        max_leaf_nodes=63,
        min_samples_leaf=1,
        learning_rate=0.3,
        early_stopping=False,
        random_state=0,
    ),
    "regularised": HistGradientBoostingClassifier(
        max_iter=100,
        max_leaf_nodes=8,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    ),
}
print(
    f"\n{'model':>11} {'train':>6} {'test':>6} {'attack':>11} {'AUC':>6} "
    f"{'TPR@1%FPR':>9} {'flipped among caught':>21}"
)
for name, recipe in MODELS.items():
    target = clone(recipe).fit(X[members], y[members])
    # the attacker trains the same recipe on its own data (never on members)
    reference = clone(recipe).fit(X[ref], y[ref])
    train_acc = f"{target.score(X[members], y[members]):.3f}"
    test_acc = f"{target.score(X[outs], y[outs]):.3f}"
    scores = {
        # Yeom et al. (2018): low loss means member, one threshold for everyone
        "loss": log_p(target, evaluated),
        # per-example calibration: how much more likely than under a model
        # that never saw the example (the idea LiRA builds on)
        "calibrated": log_p(target, evaluated) - log_p(reference, evaluated),
    }
    for attack, s in scores.items():
        fpr, tpr, thr = roc_curve(is_member, s)
        ok = fpr <= 0.01
        caught = s[: len(members)] >= thr[ok][-1]
        print(
            f"{name:>11} {train_acc:>6} {test_acc:>6} {attack:>11} "
            f"{roc_auc_score(is_member, s):>6.3f} {tpr[ok][-1]:>9.3f} "
            f"{flipped[members][caught].mean():>21.2f}"
        )
        name = train_acc = test_acc = ""

# what (epsilon, delta)-DP training would guarantee: at FPR = 1%, any attack has
# TPR <= min(e^eps FPR + delta, 1 - e^-eps (1 - delta - FPR)) (Kairouz et al. 2015)
bounds = [
    f"eps={e}: {min(np.exp(e) * 0.01 + 1e-5, 1 - np.exp(-e) * (1 - 1e-5 - 0.01)):.3f}"
    for e in [1, 2, 4, 8]
]
print("\nDP bound on TPR at 1% FPR (delta=1e-5):")
print("  " + ", ".join(bounds))
