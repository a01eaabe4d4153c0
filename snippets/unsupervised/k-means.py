# --8<-- [start:lloyd]
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs


def lloyd(X, centers, max_iter=300, tol=1e-4):
    """Lloyd's algorithm: alternate the assignment and the mean step."""
    centers = centers.copy()
    # scikit-learn's tol is relative to the mean feature variance
    tol = tol * X.var(axis=0).mean()
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)  # (n, k)
        labels = d2.argmin(1)  # assignment step
        new = np.array([X[labels == j].mean(0) for j in range(len(centers))])
        shift = ((new - centers) ** 2).sum()
        centers = new  # update step: each centre moves to its cluster's mean
        if shift <= tol:
            break
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    labels = d2.argmin(1)
    return centers, labels, d2.min(1).sum(), n_iter


X, y = make_blobs(n_samples=600, centers=4, cluster_std=1.5, random_state=0)
rng = np.random.default_rng(0)
init = X[rng.choice(len(X), size=4, replace=False)]  # 4 random points

centers, labels, inertia, n_iter = lloyd(X, init)
km = KMeans(n_clusters=4, init=init, n_init=1, algorithm="lloyd").fit(X)
print(f"from scratch: inertia {inertia:.2f} after {n_iter} iterations")
print(f"scikit-learn: inertia {km.inertia_:.2f} after {km.n_iter_} iterations")
print("same labels:", bool((labels == km.labels_).all()))
print("same centres:", np.allclose(centers, km.cluster_centers_))
# --8<-- [end:lloyd]

# --8<-- [start:init]
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

# 25 well-separated clusters on a 5 x 5 grid: the true partition is the optimum
grid = np.array([(i, j) for i in range(5) for j in range(5)], dtype=float) * 6
X, y = make_blobs(n_samples=2500, centers=grid, cluster_std=1.0, random_state=0)
best = min(
    KMeans(25, init=grid, n_init=1).fit(X).inertia_,
    KMeans(25, n_init=20, random_state=0).fit(X).inertia_,
)

print(
    f"{'init (one run each, 50 runs)':<30} {'inertia / best':>15} {'runs at best':>13}"
)
for name, init in [("random points", "random"), ("k-means++", "k-means++")]:
    ratios = np.array(
        [
            KMeans(25, init=init, n_init=1, random_state=s).fit(X).inertia_ / best
            for s in range(50)
        ]
    )
    mean_ratio, at_best = ratios.mean(), (ratios < 1.001).mean()
    print(f"{name:<30} {mean_ratio:>15.3f} {at_best:>13.2f}")

# what n_init buys: the best of 10 runs
for name, init in [("random points", "random"), ("k-means++", "k-means++")]:
    ratios = np.array(
        [
            KMeans(25, init=init, n_init=10, random_state=s).fit(X).inertia_ / best
            for s in range(10)
        ]
    )
    print(
        f"{name + ', best of 10':<30} {ratios.mean():>15.3f}"
        f" {(ratios < 1.001).mean():>13.2f}"
    )
# --8<-- [end:init]
