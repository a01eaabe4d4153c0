import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_pool, X_test, y_pool, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
TARGET, BATCH, BUDGET = 0.93, 10, 400


def labels_needed(strategy: str, seed: int) -> int:
    """Label BATCH examples per round until test accuracy reaches TARGET."""
    rng = np.random.default_rng(seed)
    labelled = list(rng.choice(len(X_pool), size=20, replace=False))
    while len(labelled) <= BUDGET:
        model = LogisticRegression(C=10, max_iter=200).fit(
            X_pool[labelled], y_pool[labelled]
        )
        if model.score(X_test, y_test) >= TARGET:
            return len(labelled)
        unlabelled = np.setdiff1d(np.arange(len(X_pool)), labelled)
        if strategy == "random":
            pick = rng.choice(unlabelled, size=BATCH, replace=False)
        else:
            # Margin sampling: smallest gap between the two most probable classes.
            proba = np.sort(model.predict_proba(X_pool[unlabelled]), axis=1)
            pick = unlabelled[np.argsort(proba[:, -1] - proba[:, -2])[:BATCH]]
        labelled += list(pick)
    return BUDGET + 1


print(f"labels needed to reach {TARGET:.0%} test accuracy (pool of {len(X_pool)})")
results = {}
# Hundreds of tiny fits: one BLAS thread is faster than several competing for the cores.
with threadpool_limits(1):
    for strategy in ["random", "uncertainty"]:
        results[strategy] = [labels_needed(strategy, seed) for seed in range(3)]
for strategy, needed in results.items():
    print(f"{strategy:12} per seed {needed}, mean {np.mean(needed):.0f}")
saving = 1 - np.mean(results["uncertainty"]) / np.mean(results["random"])
print(f"uncertainty sampling needs {saving:.0%} fewer labels")
