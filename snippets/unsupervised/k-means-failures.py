import numpy as np
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
moons, y_moons = make_moons(600, noise=0.06, random_state=0)
blobs, y_blobs = make_blobs(600, centers=3, random_state=170)
stretched = blobs @ np.array([[0.6, -0.64], [-0.41, 0.85]])  # anisotropic clusters
varied, y_varied = make_blobs(
    600, centers=[(0, 0), (6, 0)], cluster_std=[0.5, 3.0], random_state=0
)
# unequal sizes: 540 points in a wide cluster, 60 in a tight one nearby
big = rng.normal((0, 0), 1.5, (540, 2))
small = rng.normal((4.5, 0), 0.3, (60, 2))
sizes, y_sizes = np.vstack([big, small]), np.repeat([0, 1], [540, 60])
# the clusters differ on x1 (range ~6); x2 is pure noise measured in large units
x1 = np.concatenate([rng.normal(0, 0.5, 300), rng.normal(3, 0.5, 300)])
scaled = np.column_stack([x1, rng.normal(0, 100, 600)])
y_scaled = np.repeat([0, 1], 300)

cases = [
    ("two moons (non-convex)", moons, y_moons, DBSCAN(eps=0.2)),
    ("stretched blobs", stretched, y_blobs, GaussianMixture(3, random_state=0)),
    ("unequal variances", varied, y_varied, GaussianMixture(2, random_state=0)),
    ("unequal sizes", sizes, y_sizes, GaussianMixture(2, random_state=0)),
    ("unscaled noise feature", scaled, y_scaled, None),
]
print(f"{'data':<24} {'k-means ARI':>11}   a better choice")
for name, X, y, other in cases:
    k = len(np.unique(y))
    ari = adjusted_rand_score(y, KMeans(k, n_init=10, random_state=0).fit_predict(X))
    if other is None:  # the fix is to standardise, not a different algorithm
        other = "k-means on standardised features"
        labels = KMeans(k, n_init=10, random_state=0).fit_predict(
            StandardScaler().fit_transform(X)
        )
    else:
        labels = other.fit_predict(X)
        other = type(other).__name__
    print(f"{name:<24} {ari:>11.3f}   {adjusted_rand_score(y, labels):.3f} {other}")
