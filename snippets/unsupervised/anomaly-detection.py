import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.neural_network import MLPRegressor
from sklearn.svm import OneClassSVM

rng = np.random.default_rng(0)
d = 10
basis, orth = np.split(np.linalg.qr(rng.normal(size=(d, d)))[0], [2], axis=1)


def to_10d(z):
    """Points on a 2-D plane inside 10-D space, plus a little noise."""
    return z @ basis.T + rng.normal(0, 0.1, (len(z), d))


def ring(radius, n=10):
    angle = rng.uniform(0, 2 * np.pi, n)
    return radius * np.column_stack([np.cos(angle), np.sin(angle)])


X = np.vstack(
    [
        to_10d(rng.normal((0, 0), 0.3, (500, 2))),  # normal: a tight cluster
        to_10d(rng.normal((6, 0), 1.5, (500, 2))),  # normal: a wide cluster
        to_10d(ring(14) + (3, 0)),  # global: far away, but on the plane
        to_10d(rng.normal((6, 0), 1.5, (10, 2))) + rng.normal(0, 1, (10, 8)) @ orth.T,
        to_10d(ring(1.6)),  # local: just outside the tight cluster
    ]
)
kind = np.repeat(["normal", "global", "off-plane", "local"], [1000, 10, 10, 10])

scores = {
    "isolation forest": -IsolationForest(random_state=0).fit(X).score_samples(X),
    "one-class SVM": -OneClassSVM(nu=0.03, gamma="scale").fit(X).score_samples(X),
    "LOF (k=20)": -LocalOutlierFactor(n_neighbors=20).fit(X).negative_outlier_factor_,
    "distance to the mean": ((X - X.mean(0)) ** 2).sum(1),
}
pca = PCA(2).fit(X)
scores["PCA reconstruction"] = ((X - pca.inverse_transform(pca.transform(X))) ** 2).sum(
    1
)
# an autoencoder: an MLP trained to reproduce its input through 2 hidden units;
# three training runs, because its answer depends on where training ends up
for run in range(3):
    ae = MLPRegressor(hidden_layer_sizes=(16, 2, 16), max_iter=2000, random_state=run)
    scores[f"autoencoder, run {run + 1}"] = ((X - ae.fit(X, X).predict(X)) ** 2).sum(1)

print("share of each kind of anomaly among the 30 highest scores")
print(f"{'detector':<21} {'global':>7} {'off-plane':>10} {'local':>6}")
for name, s in scores.items():
    top = np.argsort(-s)[:30]
    found = [
        np.isin(np.flatnonzero(kind == k), top).mean()
        for k in ("global", "off-plane", "local")
    ]
    print(f"{name:<21} {found[0]:>7.1f} {found[1]:>10.1f} {found[2]:>6.1f}")
