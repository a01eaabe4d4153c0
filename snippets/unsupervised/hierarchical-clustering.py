import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_circles
from sklearn.metrics import adjusted_rand_score

rng = np.random.default_rng(0)
# two round blobs joined by a thin bridge of points (the bridge belongs to neither)
a = rng.normal((0, 0), 0.8, (150, 2))
b = rng.normal((8, 0), 0.8, (150, 2))
bridge = np.column_stack([np.linspace(1.5, 6.5, 20), rng.normal(0, 0.05, 20)])
bridged = np.vstack([a, b, bridge])
y_bridged = np.repeat([0, 1, 2], [150, 150, 20])
circles, y_circles = make_circles(300, factor=0.4, noise=0.04, random_state=0)


def ari_two_biggest(y, labels):
    """ARI on the two real groups (bridge points are ignored)."""
    keep = y < 2
    return adjusted_rand_score(y[keep], labels[keep])


print(f"{'linkage':<9} {'bridged blobs':>13} {'nested circles':>15}")
for method in ["single", "complete", "average", "ward"]:
    Z1 = linkage(bridged, method=method)
    Z2 = linkage(circles, method=method)
    # cut each dendrogram into 2 clusters
    s1 = ari_two_biggest(y_bridged, fcluster(Z1, t=2, criterion="maxclust"))
    s2 = adjusted_rand_score(y_circles, fcluster(Z2, t=2, criterion="maxclust"))
    print(f"{method:<9} {s1:>13.3f} {s2:>15.3f}")

# the same ward tree in scikit-learn, and a cut by distance instead of by count
Z = linkage(bridged, method="ward")
sk = AgglomerativeClustering(n_clusters=2, linkage="ward").fit_predict(bridged)
same = adjusted_rand_score(fcluster(Z, t=2, criterion="maxclust"), sk) == 1.0
print("scipy and scikit-learn ward give the same 2 clusters:", same)
heights = Z[::-1, 2][:4]
print("last four merge heights (ward):", np.round(heights, 1))
labels = fcluster(Z, t=20.0, criterion="distance")
print("cutting the ward tree at height 20 gives", len(np.unique(labels)), "clusters")
