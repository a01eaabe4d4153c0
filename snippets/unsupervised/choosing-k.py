import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score


def inertia(X, k):
    return KMeans(k, n_init=4, random_state=0).fit(X).inertia_


def gap_statistic(X, ks, n_refs=10, seed=0):
    """Tibshirani et al. (2001): log W_k against uniform data in the bounding box."""
    rng = np.random.default_rng(seed)
    lo, hi = X.min(0), X.max(0)
    gaps, sds = [], []
    for k in ks:
        ref = [np.log(inertia(rng.uniform(lo, hi, X.shape), k)) for _ in range(n_refs)]
        gaps.append(np.mean(ref) - np.log(inertia(X, k)))
        sds.append(np.std(ref) * np.sqrt(1 + 1 / n_refs))
    # smallest k with Gap(k) >= Gap(k+1) - s(k+1)
    return next(
        ks[i] for i in range(len(ks) - 1) if gaps[i] >= gaps[i + 1] - sds[i + 1]
    )


def elbow(X, ks):
    """The k after which the next drop in inertia is smallest relative to the last."""
    w = np.array([inertia(X, k) for k in ks])
    drops = w[:-1] - w[1:]  # drops[i] = W(k_i) - W(k_i + 1)
    return ks[1 + int(np.argmax(drops[:-1] / drops[1:]))]


def best_silhouette(X, ks):
    ks = [k for k in ks if k >= 2]  # silhouette is undefined for a single cluster
    scores = [
        silhouette_score(X, KMeans(k, n_init=4, random_state=0).fit_predict(X))
        for k in ks
    ]
    return ks[int(np.argmax(scores))]


pairs = [(0, 0), (3, 0), (20, 0), (23, 0), (10, 15), (13, 15)]
four, _ = make_blobs(400, centers=4, random_state=1)
six, _ = make_blobs(400, centers=pairs, random_state=0)
gauss = np.random.default_rng(0).normal(size=(400, 2))
datasets = {
    "4 blobs, three of them close": (four, "4"),
    "3 pairs of blobs": (six, "3 or 6"),
    "one Gaussian, no clusters": (gauss, "1"),
}
ks = list(range(1, 9))
print(f"{'data':<28} {'true k':>7} {'elbow':>6} {'silhouette':>11} {'gap':>4}")
for name, (X, true_k) in datasets.items():
    print(
        f"{name:<28} {true_k:>7} {elbow(X, ks):>6} {best_silhouette(X, ks):>11}"
        f" {gap_statistic(X, ks):>4}"
    )
