import numpy as np
from sklearn.cluster import DBSCAN, HDBSCAN
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors

rng = np.random.default_rng(0)
X = np.vstack(
    [
        rng.normal((0, 0), 0.3, (200, 2)),  # two dense clusters, close together
        rng.normal((2, 0), 0.3, (200, 2)),
        rng.normal((7, 5), 1.5, (200, 2)),  # one sparse cluster
        rng.uniform((-4, -4), (12, 10), (60, 2)),  # background noise
    ]
)
y = np.repeat([0, 1, 2, -1], [200, 200, 200, 60])

# the usual eps heuristic: distance to the min_samples-th neighbour, look for a knee
k_dist = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(X)[0][:, -1]
q = np.percentile(k_dist, [25, 50, 75, 90])
print("10th-neighbour distance, quartiles and 90th percentile:", np.round(q, 2))


def report(name, labels):
    def majority(j):  # the label most points of true cluster j received
        values, counts = np.unique(labels[y == j], return_counts=True)
        return values[counts.argmax()]

    split = majority(0) != majority(1) and -1 not in (majority(0), majority(1))
    sparse_kept = np.mean(labels[y == 2] != -1)
    n = len(set(labels) - {-1})
    ari = adjusted_rand_score(y, labels)
    print(f"{name:<22} {n:>8} {str(split):>10} {sparse_kept:>12.2f} {ari:>6.3f}")


print(
    f"{'method':<22} {'clusters':>8} {'dense split':>10} {'sparse kept':>12} {'ARI':>6}"
)
for eps in [0.2, 0.5, 1.2]:
    report(f"DBSCAN eps={eps}", DBSCAN(eps=eps, min_samples=10).fit_predict(X))
for size in [10, 40]:
    hdb = HDBSCAN(min_cluster_size=size, copy=True).fit(X)
    report(f"HDBSCAN min size={size}", hdb.labels_)
print(
    f"HDBSCAN flags {np.mean(hdb.labels_[y == -1] == -1):.2f}"
    " of the background points as noise"
)
