# --8<-- [start:tsne]
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors


def knn_kept(X, Z, k=10):
    """Share of each point's k nearest neighbours in X that stay neighbours in Z."""
    a = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)[1][:, 1:]
    b = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z)[1][:, 1:]
    return np.mean([len(set(p) & set(q)) / k for p, q in zip(a, b)])


X, y = load_digits(return_X_y=True)
X = X[np.random.default_rng(0).choice(len(X), 800, replace=False)]
print(f"{'2-D map of 800 digits':<24} {'trustworthiness':>15} {'10-NN kept':>10}")
maps = {"PCA": PCA(2).fit_transform(X)}
for perplexity in [5, 50]:
    tsne = TSNE(perplexity=perplexity, random_state=0)
    maps[f"t-SNE perplexity {perplexity}"] = tsne.fit_transform(X)
for name, Z in maps.items():
    print(
        f"{name:<24} {trustworthiness(X, Z, n_neighbors=10):>15.3f}"
        f" {knn_kept(X, Z):>10.2f}"
    )

# what a map does not keep: three 50-D clusters, B 10 away from A, C 100 away;
# C is also 3 times as spread out as A and B
rng = np.random.default_rng(0)
centres = np.zeros((3, 50))
centres[1, 0], centres[2, 0] = 10, 100
S = np.vstack([rng.normal(c, s, (150, 50)) for c, s in zip(centres, [1, 1, 3])])
group = np.repeat([0, 1, 2], 150)


def geometry(S):
    c = np.array([S[group == j].mean(0) for j in range(3)])
    spread = [np.linalg.norm(S[group == j] - c[j], axis=1).mean() for j in range(3)]
    return np.linalg.norm(c[2] - c[0]) / np.linalg.norm(c[1] - c[0]), spread[
        2
    ] / spread[0]


print(f"\n{'':<12} {'dist(A,C) / dist(A,B)':>22} {'spread C / spread A':>20}")
for name, Z in [("original", S), ("t-SNE", TSNE(random_state=0).fit_transform(S))]:
    ratio, size = geometry(Z)
    print(f"{name:<12} {ratio:>22.2f} {size:>20.2f}")
# --8<-- [end:tsne]

# --8<-- [start:umap]
import numpy as np
import umap
from sklearn.datasets import load_digits
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors


def knn_kept(X, Z, k=10):
    a = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)[1][:, 1:]
    b = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z)[1][:, 1:]
    return np.mean([len(set(p) & set(q)) / k for p, q in zip(a, b)])


X, y = load_digits(return_X_y=True)
X = X[np.random.default_rng(0).choice(len(X), 800, replace=False)]
# the first UMAP call compiles its numba kernels: expect ~15 s once per process
print(f"{'2-D map of 800 digits':<24} {'trustworthiness':>15} {'10-NN kept':>10}")
for n_neighbors in [5, 50]:
    Z = umap.UMAP(n_neighbors=n_neighbors, random_state=0).fit_transform(X)
    name = f"UMAP n_neighbors {n_neighbors}"
    print(
        f"{name:<24} {trustworthiness(X, Z, n_neighbors=10):>15.3f}"
        f" {knn_kept(X, Z):>10.2f}"
    )

rng = np.random.default_rng(0)
centres = np.zeros((3, 50))
centres[1, 0], centres[2, 0] = 10, 100
S = np.vstack([rng.normal(c, s, (150, 50)) for c, s in zip(centres, [1, 1, 3])])
group = np.repeat([0, 1, 2], 150)
Z = umap.UMAP(random_state=0).fit_transform(S)
c = np.array([Z[group == j].mean(0) for j in range(3)])
spread = [np.linalg.norm(Z[group == j] - c[j], axis=1).mean() for j in range(3)]
ratio = np.linalg.norm(c[2] - c[0]) / np.linalg.norm(c[1] - c[0])
print(
    f"\nUMAP: dist(A,C) / dist(A,B) {ratio:.2f},"
    f" spread C / spread A {spread[2] / spread[0]:.2f}"
)
# --8<-- [end:umap]
