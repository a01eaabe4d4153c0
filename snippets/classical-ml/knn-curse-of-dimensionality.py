# --8<-- [start:concentration]
import numpy as np

rng = np.random.default_rng(0)
print(f"{'d':>5}{'nearest/farthest':>18}{'(max-min)/min':>15}{'edge for 1%':>13}")
for d in [2, 10, 100, 1000]:
    points = rng.random((2000, d))  # uniform in the unit cube
    queries = rng.random((50, d))
    dist = np.sqrt(
        np.maximum(
            (queries**2).sum(1)[:, None] + (points**2).sum(1) - 2 * queries @ points.T,
            0,
        )
    )
    ratio = (dist.min(1) / dist.max(1)).mean()
    contrast = ((dist.max(1) - dist.min(1)) / dist.min(1)).mean()
    # side of a sub-cube that holds 1% of the volume (and so ~1% of the points)
    print(f"{d:5d}{ratio:18.3f}{contrast:15.3f}{0.01 ** (1 / d):13.3f}")
# --8<-- [end:concentration]

# --8<-- [start:accuracy]
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
n = 1000
y = rng.integers(0, 2, n)
signal = rng.normal(size=(n, 2)) + 1.5 * y[:, None]  # two informative features
print(f"{'noise features':>14}{'kNN (k=15)':>12}{'logistic':>10}")
for n_noise in [0, 10, 100, 1000]:
    X = np.hstack([signal, rng.normal(size=(n, n_noise))])
    scores = [
        cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=5).mean()
        for model in [KNeighborsClassifier(15), LogisticRegression()]
    ]
    print(f"{n_noise:14d}{scores[0]:12.3f}{scores[1]:10.3f}")

# Real data in 64 dimensions: 8x8 digit images
X, y = load_digits(return_X_y=True)
knn = cross_val_score(KNeighborsClassifier(5), X, y, cv=5).mean()
print(f"digits, 64 pixels: kNN (k=5) accuracy {knn:.3f}")
for name, data in [("digits", X), ("uniform, same box", rng.random(X.shape) * 16)]:
    dist = pairwise_distances(data[:50], data[50:])
    print(f"  {name:<18} nearest/farthest {(dist.min(1) / dist.max(1)).mean():.3f}")
# --8<-- [end:accuracy]
