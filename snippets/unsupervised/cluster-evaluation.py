import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_moons
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    normalized_mutual_info_score,
    rand_score,
    silhouette_score,
)

# 1. internal metrics prefer round clusters: the true moons lose to k-means' wrong cut
X, y = make_moons(500, noise=0.06, random_state=0)
km = KMeans(2, n_init=10, random_state=0).fit_predict(X)
print(
    f"{'partition':<16} {'silhouette':>10} {'Davies-Bouldin':>14}"
    f" {'Calinski-H':>10} {'ARI':>6}"
)
for name, labels in [("true moons", y), ("k-means (wrong)", km)]:
    print(
        f"{name:<16} {silhouette_score(X, labels):>10.3f}"
        f" {davies_bouldin_score(X, labels):>14.3f}"
        f" {calinski_harabasz_score(X, labels):>10.1f}"
        f" {adjusted_rand_score(y, labels):>6.3f}"
    )

# 2. chance: random labels with more and more clusters against 3 true classes
rng = np.random.default_rng(0)
truth = np.repeat([0, 1, 2], 100)
print(f"\n{'random labels':<14} {'Rand':>6} {'NMI':>6} {'ARI':>6} {'AMI':>6}")
for k in [3, 30, 100]:
    scores = np.array(
        [
            [
                f(truth, rng.integers(k, size=300))
                for f in (
                    rand_score,
                    normalized_mutual_info_score,
                    adjusted_rand_score,
                    adjusted_mutual_info_score,
                )
            ]
            for _ in range(20)
        ]
    ).mean(0)
    print(f"{k:>3} clusters   " + " ".join(f"{s:>6.3f}" for s in scores))
