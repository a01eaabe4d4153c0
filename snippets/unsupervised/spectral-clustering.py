import warnings

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import kneighbors_graph

# scikit-learn warns when the graph falls apart; the "parts" column reports it
warnings.filterwarnings("ignore", message="Graph is not fully connected")


def laplacian_eigen(W):
    """Eigenvalues and eigenvectors of L_sym = I - D^-1/2 W D^-1/2, ascending."""
    W = np.asarray(W, dtype=float).copy()
    # self-loops do not change a cut; scipy's Laplacian ignores them too
    np.fill_diagonal(W, 0.0)
    d = W.sum(axis=1)
    L = np.eye(len(W)) - W / np.sqrt(np.outer(d, d))
    vals, vecs = np.linalg.eigh(L)
    return vals, vecs, d


def spectral_by_hand(W, k):
    """k smallest eigenvectors, u = D^-1/2 x (as scikit-learn does), then k-means."""
    _, vecs, d = laplacian_eigen(W)
    U = vecs[:, :k] / np.sqrt(d)[:, None]
    return KMeans(k, n_init=10, random_state=0).fit_predict(U)


def ncut(W, labels):
    """Normalised cut: sum over clusters of cut(A, rest) / vol(A)."""
    W = np.asarray(W, dtype=float).copy()
    np.fill_diagonal(W, 0.0)
    return sum(
        W[labels == c][:, labels != c].sum() / W[labels == c].sum()
        for c in np.unique(labels)
    )


def parts(W):
    return connected_components(W, directed=False)[0]


moons, y_moons = make_moons(600, noise=0.08, random_state=0)
circles, y_circles = make_circles(600, factor=0.5, noise=0.05, random_state=0)
data = [("two moons", moons, y_moons), ("circles", circles, y_circles)]

print("data       parts  k-means ARI  spectral ARI  Ncut k-means  Ncut spectral")
same = []
for name, X, y in data:
    km = KMeans(2, n_init=10, random_state=0).fit_predict(X)
    model = SpectralClustering(
        2, affinity="nearest_neighbors", n_neighbors=10, random_state=0
    ).fit(X)
    W = model.affinity_matrix_.toarray()
    sc = model.labels_
    same.append(adjusted_rand_score(sc, spectral_by_hand(W, 2)) == 1.0)
    print(
        f"{name:<10} {parts(W):>5} {adjusted_rand_score(y, km):>12.3f}"
        f" {adjusted_rand_score(y, sc):>13.3f} {ncut(W, km):>13.4f}"
        f" {ncut(W, sc):>14.4f}"
    )
print("hand-built Laplacian gives scikit-learn's partition:", all(same))

# eigengap: 3 blobs, one connected 10-NN graph; k = position of the largest gap
blobs, y_blobs = make_blobs(
    600, centers=[(0, 0), (5, 0), (2.5, 4)], cluster_std=1.0, random_state=0
)
A = kneighbors_graph(blobs, 10, include_self=True)
# symmetrise the k-NN graph the way scikit-learn does
W = (0.5 * (A + A.T)).toarray()
vals = np.clip(laplacian_eigen(W)[0], 0, None)
k = int(np.argmax(np.diff(vals[:9]))) + 1
labels = SpectralClustering(
    k, affinity="nearest_neighbors", n_neighbors=10, random_state=0
).fit_predict(blobs)
print(f"\n3 blobs, graph parts {parts(W)}, smallest eigenvalues", np.round(vals[:6], 4))
ari = adjusted_rand_score(y_blobs, labels)
print(f"largest gap after eigenvalue {k}: k = {k}, spectral ARI {ari:.3f}")

# the same method with the graph built badly
print("\naffinity          parts: moons circles   ARI: moons circles")
settings = [("n_neighbors", n) for n in (3, 5, 10, 20, 50, 200)]
settings += [("gamma", g) for g in (1, 10, 30, 1000)]
for param, value in settings:
    kind = "nearest_neighbors" if param == "n_neighbors" else "rbf"
    n_parts, aris = [], []
    for _, X, y in data:
        model = SpectralClustering(2, affinity=kind, random_state=0, **{param: value})
        model.fit(X)
        n_parts.append(parts(model.affinity_matrix_))
        # two decimals: with more graph pieces than clusters the eigenvectors for
        # eigenvalue 0 are an arbitrary basis, so which piece gets split off, and the
        # ARI's third decimal, changes with the BLAS build (+ 0.0 turns -0.0 into 0.0)
        aris.append(round(adjusted_rand_score(y, model.labels_), 2) + 0.0)
    print(
        f"{param + '=' + str(value):<17} {n_parts[0]:>12} {n_parts[1]:>7}"
        f" {aris[0]:>11.2f} {aris[1]:>7.2f}"
    )
