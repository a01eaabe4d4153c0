import pickle
import time

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True)
candidates = {
    "majority class": DummyClassifier(),
    "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "random forest (300)": RandomForestClassifier(n_estimators=300, random_state=0),
    "gradient boosting": HistGradientBoostingClassifier(random_state=0),
    "MLP (2x128)": make_pipeline(
        StandardScaler(),
        MLPClassifier((128, 128), max_iter=500, early_stopping=True, random_state=0),
    ),
}
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
print(f"{'model':20} {'accuracy':>15} {'size KB':>8}")
results = {}
for name, model in candidates.items():
    scores = cross_validate(model, X, y, cv=cv, scoring="accuracy")
    model.fit(X, y)
    size = len(pickle.dumps(model)) / 1024
    results[name] = (scores["test_score"], scores["fit_time"].mean())
    acc = scores["test_score"]
    print(f"{name:20} {acc.mean():.3f} +- {acc.std():.3f} {size:8.0f}")

base, base_time = results["logistic regression"]
for name in ["random forest (300)", "gradient boosting", "MLP (2x128)"]:
    acc, fit_time = results[name]
    # Paired over the same folds: is the complex model better by more than the noise?
    diff = acc - base
    better = diff.mean() > 2 * diff.std() / np.sqrt(len(diff))
    slower = fit_time / base_time
    print(f"{name} beats logistic regression beyond fold noise: {better}; trains at least 5x slower: {slower >= 5}")
