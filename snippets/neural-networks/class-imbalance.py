# --8<-- [start:strategies]
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split
from threadpoolctl import threadpool_limits

# One thread: the same trees whatever the core count, and no oversubscription.
limits = threadpool_limits(limits=1)

# 10,000 examples, 5% positives. Split first: everything below fits on the training part
# only.
X, y = make_classification(
    n_samples=10_000,
    n_features=20,
    n_informative=5,
    n_redundant=2,
    weights=[0.95, 0.05],
    random_state=0,
)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"positives: train {y_tr.sum()} of {len(y_tr)}, test {y_te.sum()} of {len(y_te)}")


def recall_at_precision(y_true, scores, min_precision=0.8):
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return recall[precision >= min_precision].max()


def model():
    return HistGradientBoostingClassifier(random_state=0)


def resampled(sampler):
    X_res, y_res = sampler.fit_resample(X_tr, y_tr)  # training split only
    return model().fit(X_res, y_res)


strategies = {
    "always negative (dummy)": DummyClassifier(strategy="most_frequent").fit(
        X_tr, y_tr
    ),
    "no correction": model().fit(X_tr, y_tr),
    "class_weight='balanced'": HistGradientBoostingClassifier(
        class_weight="balanced", random_state=0
    ).fit(X_tr, y_tr),
    "random oversampling": resampled(RandomOverSampler(random_state=0)),
    "random undersampling": resampled(RandomUnderSampler(random_state=0)),
    "SMOTE": resampled(SMOTE(random_state=42)),
    # Threshold moving: same model, decision threshold chosen by internal CV to maximise
    # F1.
    "threshold tuned for F1": TunedThresholdClassifierCV(
        model(), scoring="f1", cv=3, random_state=0
    ).fit(X_tr, y_tr),
}
print(
    f"{'strategy':<24} {'acc':>5} {'bal acc':>7} {'prec':>5} "
    f"{'recall':>6} {'F1':>5} {'PR-AUC':>6} {'R@P>=.8':>7}"
)
for name, clf in strategies.items():
    pred, scores = clf.predict(X_te), clf.predict_proba(X_te)[:, 1]
    print(
        f"{name:<24} {accuracy_score(y_te, pred):5.3f} "
        f"{balanced_accuracy_score(y_te, pred):7.3f}"
        f" {precision_score(y_te, pred, zero_division=0):5.3f} "
        f"{recall_score(y_te, pred):6.3f}"
        f" {f1_score(y_te, pred):5.3f} {average_precision_score(y_te, scores):6.3f}"
        f" {recall_at_precision(y_te, scores):7.3f}"
    )
print(
    "tuned threshold: "
    f"{strategies['threshold tuned for F1'].best_threshold_:.2f} instead of 0.5"
)
limits.restore_original_limits()
# --8<-- [end:strategies]

# --8<-- [start:smote]
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

# One thread: the same trees whatever the core count, and no oversubscription.
limits = threadpool_limits(limits=1)

X, y = make_classification(
    n_samples=10_000,
    n_features=20,
    n_informative=5,
    n_redundant=2,
    weights=[0.95, 0.05],
    random_state=0,
)


# The usual helper: correct, as long as it only ever sees training data.
def balance_dataset(X, y):
    smote = SMOTE(random_state=42)
    X_balanced, y_balanced = smote.fit_resample(X, y)
    return X_balanced, y_balanced


def scores(y_true, pred):
    f1, rec = f1_score(y_true, pred), recall_score(y_true, pred)
    return (
        f"F1 {f1:.3f}, recall {rec:.3f}, precision {precision_score(y_true, pred):.3f}"
    )


# Right: split, then balance the training split only; the test set keeps the real 5%.
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
clf = HistGradientBoostingClassifier(random_state=0).fit(*balance_dataset(X_tr, y_tr))
print(f"SMOTE after the split (honest):         {scores(y_te, clf.predict(X_te))}")

# Wrong: balance everything, then split. Synthetic positives interpolated between test
# and
# training positives end up on both sides of the split.
X_bal, y_bal = balance_dataset(X, y)
is_real = np.arange(len(X_bal)) < len(
    X
)  # SMOTE appends its synthetic rows after the originals
X_tr, X_te, y_tr, y_te, _, real_te = train_test_split(
    X_bal, y_bal, is_real, test_size=0.25, stratify=y_bal, random_state=0
)
pred = HistGradientBoostingClassifier(random_state=0).fit(X_tr, y_tr).predict(X_te)
print(f"SMOTE before the split, leaky test set: {scores(y_te, pred)}")
print(f"  same model, real test rows only:      {scores(y_te[real_te], pred[real_te])}")
limits.restore_original_limits()
# --8<-- [end:smote]

# --8<-- [start:keras]
import keras
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

X, y = make_classification(
    n_samples=10_000,
    n_features=20,
    n_informative=5,
    n_redundant=2,
    weights=[0.95, 0.05],
    random_state=0,
)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_tr)
X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)

# Class weights from the training labels: n_samples / (n_classes * count of the class).
classes = np.unique(y_tr)
weights = compute_class_weight("balanced", classes=classes, y=y_tr)
class_weight = dict(
    zip(classes.tolist(), weights.tolist())
)  # label -> weight, whatever the labels are
print("class_weight:", {k: round(v, 3) for k, v in class_weight.items()})

for cw in (None, class_weight):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(20,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(X_tr, y_tr, epochs=15, batch_size=128, class_weight=cw, verbose=0)
    scores = model.predict(X_te, verbose=0)[:, 0]
    pred = (scores >= 0.5).astype(int)
    rec, prec = recall_score(y_te, pred), precision_score(y_te, pred, zero_division=0)
    bal, ap = balanced_accuracy_score(y_te, pred), average_precision_score(y_te, scores)
    name = "balanced" if cw else "None"
    print(
        f"class_weight={name:<8}: recall {rec:.3f}, precision {prec:.3f},"
        f" balanced acc {bal:.3f}, PR-AUC {ap:.3f}"
    )
# --8<-- [end:keras]
