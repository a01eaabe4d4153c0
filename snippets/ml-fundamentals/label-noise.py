import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.4, random_state=0)

# Flip 20% of training labels to a random other class; remember which (the truth).
flipped = rng.random(len(y_tr)) < 0.20
noisy = y_tr.copy()
noisy[flipped] = (y_tr[flipped] + rng.integers(1, 10, flipped.sum())) % 10


def model():
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=2000))


# Out-of-fold probabilities: each example is scored by a model that never saw its label.
proba = cross_val_predict(model(), X_tr, noisy, cv=5, method="predict_proba")
self_conf = proba[np.arange(len(noisy)), noisy]
# Confident-learning style rule: a label is suspect when the model is confident in
# another class (above that class's average self-confidence) and not in the given one.
thresh = np.array([self_conf[noisy == k].mean() for k in range(10)])
other = proba.copy()
other[np.arange(len(noisy)), noisy] = 0
best_other = other.argmax(1)
suspect = (other.max(1) >= thresh[best_other]) & (self_conf < thresh[noisy])
tp = (suspect & flipped).sum()
print(f"flipped labels: {flipped.sum()} of {len(noisy)}; flagged: {suspect.sum()}")
print(
    f"flagged that were truly flipped (precision): {tp / suspect.sum():.2f}; "
    f"flipped that were flagged (recall): {tp / flipped.sum():.2f}"
)

for name, keep, labels in [
    ("clean labels (upper bound)", np.ones(len(y_tr), bool), y_tr),
    ("20% noisy labels", np.ones(len(y_tr), bool), noisy),
    ("noisy, flagged rows removed", ~suspect, noisy),
]:
    acc = model().fit(X_tr[keep], labels[keep]).score(X_te, y_te)
    print(f"{name:<28} test accuracy {acc:.3f}")
