import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.naive_bayes import MultinomialNB

rng = np.random.default_rng(0)
V, n_draws = 2000, 40
base = rng.dirichlet(np.full(V, 0.5))
# Each class boosts or damps a random 10% of the vocabulary
tilt = np.where(rng.random((2, V)) < 0.1, rng.lognormal(0, 0.7, (2, V)), 1.0)
word_probs = base * tilt / (base * tilt).sum(axis=1, keepdims=True)


def documents(n, bursty):
    """Bag-of-words counts. Bursty: each drawn word repeats 1 + Poisson(2) times."""
    y = rng.integers(0, 2, n)
    X = np.zeros((n, V))
    for i, c in enumerate(y):
        words = rng.choice(V, n_draws, p=word_probs[c])
        reps = 1 + rng.poisson(2, n_draws) if bursty else np.ones(n_draws, int)
        np.add.at(X[i], words, reps)
    return X, y


def ece(y, p, bins=10):
    """Expected calibration error of P(y=1), equal-width bins."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    return sum(
        np.mean(idx == b) * abs(y[idx == b].mean() - p[idx == b].mean())
        for b in range(bins)
        if np.any(idx == b)
    )


print(
    f"{'':<9}{'model':<20}{'AUC':>7}{'log-loss':>10}{'Brier':>7}{'ECE':>7}"
    f"{'p<.01 or >.99':>15}"
)
for bursty in [False, True]:
    X_train, y_train = documents(2000, bursty)
    X_test, y_test = documents(3000, bursty)
    models = {
        "naive Bayes": MultinomialNB(),
        "logistic regression": LogisticRegression(C=0.1, max_iter=2000),
        "NB + isotonic (CV)": CalibratedClassifierCV(
            MultinomialNB(), method="isotonic"
        ),
    }
    for name, model in models.items():
        p = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
        label = "bursty" if bursty else "NB model"
        print(
            f"{label:<9}{name:<20}{roc_auc_score(y_test, p):7.3f}"
            f"{log_loss(y_test, p):10.3f}{brier_score_loss(y_test, p):7.3f}"
            f"{ece(y_test, p):7.3f}{np.mean((p < 0.01) | (p > 0.99)):15.3f}"
        )
