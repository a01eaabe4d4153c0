# --8<-- [start:score]
# The 28 tests of Breck et al. (2017), scored for a hypothetical team:
# 1 = automated and run repeatedly, 0.5 = done by hand and documented, 0 = not done.
ML_TEST_SCORE = {
    "data": {
        "feature expectations in a schema": 1,
        "all features beneficial": 0.5,
        "no feature too costly": 0,
        "features meet meta-level requirements": 0.5,
        "privacy controls on the data pipeline": 1,
        "new features can be added quickly": 0.5,
        "all input feature code is tested": 1,
    },
    "model": {
        "model specs are reviewed": 1,
        "offline and online metrics correlate": 0.5,
        "hyperparameters tuned": 1,
        "impact of staleness known": 0,
        "a simpler model is not better": 1,
        "quality sufficient on important slices": 0.5,
        "tested for inclusion/fairness": 0,
    },
    "infrastructure": {
        "training is reproducible": 1,
        "model specs unit tested": 1,
        "pipeline integration tested": 1,
        "quality validated before serving": 1,
        "debuggable on a single example": 0.5,
        "canaried before serving": 1,
        "serving model can be rolled back": 1,
    },
    "monitoring": {
        "dependency changes notify": 0,
        "data invariants hold in serving": 0.5,
        "training and serving features agree": 0,
        "model staleness monitored": 0.5,
        "numerical stability monitored": 0,
        "computing performance monitored": 1,
        "prediction quality monitored": 0.5,
    },
}
sections = {name: sum(tests.values()) for name, tests in ML_TEST_SCORE.items()}
for name, points in sections.items():
    print(f"{name:15} {points:4.1f} / 7")
final = min(sections.values())
print(
    f"ML Test Score = min over sections = {final:.1f} "
    f"({min(sections, key=sections.get)})"
)
print(f"mean over sections would have said {sum(sections.values()) / 4:.1f}")
# --8<-- [end:score]

# --8<-- [start:deps]
import pickle
import warnings

from sklearn.datasets import load_iris
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import LogisticRegression

model = LogisticRegression(max_iter=500).fit(*load_iris(return_X_y=True))


def load(state: dict):
    """What unpickling does: a bare object, then __setstate__ with the pickled state,
    which includes the scikit-learn version that saved it."""
    fresh = LogisticRegression.__new__(LogisticRegression)
    fresh.__setstate__(dict(state))
    return fresh


state = pickle.loads(pickle.dumps(model)).__getstate__()
stale = {**state, "_sklearn_version": "1.0.2"}  # as if saved by an old release

for label, saved in [("same version", state), ("saved by 1.0.2", stale)]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(saved)
    kinds = sorted({w.category.__name__ for w in caught})
    print(f"load model {label:15} -> warnings: {kinds or 'none'}")

# Turn the warning into an error in CI, so a dependency bump cannot slip through.
with warnings.catch_warnings():
    warnings.simplefilter("error", InconsistentVersionWarning)
    try:
        load(stale)
    except InconsistentVersionWarning as error:
        print(
            "CI fails: the model was saved by scikit-learn "
            f"{error.original_sklearn_version}"
        )
# --8<-- [end:deps]
