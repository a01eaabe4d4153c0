import numpy as np
from sklearn.datasets import load_diabetes, make_classification, make_friedman1
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    cross_val_score,
)

datasets = {
    # 500 rows, smooth additive signal plus one interaction, little noise
    "Friedman #1 (R2)": (*make_friedman1(500, noise=1.0, random_state=0), "reg"),
    # 442 patients, 10 features, a weak and noisy signal
    "diabetes (R2)": (*load_diabetes(return_X_y=True), "reg"),
    # 500 rows, 40% of labels replaced at random
    "noisy labels (acc)": (
        *make_classification(500, 20, n_informative=5, flip_y=0.4, random_state=0),
        "clf",
    ),
}
print(
    f"{'data':<20}{'forest':>7}{'GB default':>11}{'GB small':>9}"
    f"{'GB default - forest':>21}"
)
for name, (X, y, task) in datasets.items():
    if task == "reg":
        cv = RepeatedKFold(n_splits=5, n_repeats=2, random_state=0)
        forest = RandomForestRegressor(100, max_features=1 / 3, random_state=0)
        gb, small = HistGradientBoostingRegressor, HistGradientBoostingRegressor
    else:
        cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
        forest = RandomForestClassifier(100, random_state=0)
        gb, small = HistGradientBoostingClassifier, HistGradientBoostingClassifier
    models = [
        forest,
        gb(random_state=0),  # 100 trees of 31 leaves, learning rate 0.1
        small(max_leaf_nodes=4, learning_rate=0.05, max_iter=150, random_state=0),
    ]
    # the same 10 folds for every model: a paired comparison
    scores = [cross_val_score(m, X, y, cv=cv) for m in models]
    diff = scores[1] - scores[0]
    half_width = 2 * diff.std(ddof=1) / np.sqrt(len(diff))
    print(
        f"{name:<20}"
        + "".join(f"{s.mean():{w}.3f}" for s, w in zip(scores, (7, 11, 9)))
        + f"{diff.mean():+14.3f} ± {half_width:.3f}"
    )
