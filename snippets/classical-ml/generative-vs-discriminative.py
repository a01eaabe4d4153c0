# --8<-- [start:synthetic]
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import BernoulliNB

warnings.simplefilter("ignore")  # unpenalised fits on separable small samples warn
rng = np.random.default_rng(0)
p_ind, p_copy = 100, 10
delta = rng.uniform(-0.1, 0.1, p_ind)


def sample(n):
    """100 binary features independent given y, plus 10 noisy copies of one more."""
    y = np.arange(n) % 2  # balanced classes
    s = 2 * y - 1
    independent = rng.random((n, p_ind)) < 0.5 + delta * s[:, None]
    z = rng.random(n) < 0.5 + 0.2 * s
    copies = z[:, None] ^ (rng.random((n, p_copy)) < 0.1)  # 10% of bits flipped
    return np.hstack([independent, copies]).astype(float), y


X_test, y_test = sample(4000)
models = {
    "naive Bayes": BernoulliNB(),
    "LR C=1": LogisticRegression(C=1.0),
    "LR no penalty": LogisticRegression(C=np.inf),
}
print(f"{'n train':>7}" + "".join(f"{m:>15}" for m in models) + "   NB - LR(C=1)")
for n in [10, 20, 50, 200, 1000, 3000]:
    acc = []
    for _ in range(40 if n <= 50 else 10):  # small samples are noisier: more repeats
        X, y = sample(
            n
        )  # every model is fitted on the same sample: a paired comparison
        acc.append([m.fit(X, y).score(X_test, y_test) for m in models.values()])
    acc = np.array(acc)
    diff = acc[:, 0] - acc[:, 1]
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    print(
        f"{n:7d}"
        + "".join(f"{a:15.3f}" for a in acc.mean(0))
        + f"   {diff.mean():+.3f} ± {2 * se:.3f}"
    )
# --8<-- [end:synthetic]

# --8<-- [start:real]
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True)
print(f"{'n train':>7}{'Gaussian NB':>13}{'LR C=1':>9}")
for n in [10, 20, 50, 100, 300]:
    split = StratifiedShuffleSplit(30, train_size=n, random_state=0)
    acc = np.array(
        [
            [
                m.fit(X[tr], y[tr]).score(X[te], y[te])
                for m in (
                    GaussianNB(),
                    make_pipeline(StandardScaler(), LogisticRegression()),
                )
            ]
            for tr, te in split.split(X, y)
        ]
    )
    print(f"{n:7d}" + "".join(f"{a:{w}.3f}" for a, w in zip(acc.mean(0), (13, 9))))
# --8<-- [end:real]
