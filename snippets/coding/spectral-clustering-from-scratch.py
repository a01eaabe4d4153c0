# --8<-- [start:signature]
import numpy as np


def knn_affinity(X: np.ndarray, n_neighbors: int) -> np.ndarray:
    """Dense (n, n) affinity of the k-nearest-neighbour graph of the rows of X, as
    scikit-learn's affinity="nearest_neighbors" builds it: A[i, j] = 1 if j is i
    itself or one of the n_neighbors - 1 other rows nearest to X[i] (Euclidean; equal
    distances broken by the lower index), else 0. Returns 0.5 * (A + A.T): 1 where
    both rows chose each other, 0.5 where one did, ones on the diagonal."""
    raise NotImplementedError


def rbf_affinity(X: np.ndarray, gamma: float) -> np.ndarray:
    """Dense (n, n) Gaussian affinity W[i, j] = exp(-gamma * ||X[i] - X[j]||^2)."""
    raise NotImplementedError


def normalized_laplacian(W: np.ndarray) -> np.ndarray:
    """L_sym = I - D^-1/2 W D^-1/2 of a symmetric affinity W (n, n), entries >= 0.
    The diagonal of W is ignored (a self-loop cuts nothing): the degrees are
    d_i = sum over j != i of W[i, j]. A vertex of degree 0 gets a row and a column
    of zeros, so it is a component of its own. This is what
    scipy.sparse.csgraph.laplacian(W, normed=True) returns."""
    raise NotImplementedError


def laplacian_embedding(W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Ng, Jordan and Weiss's embedding: the k smallest eigenvalues of
    normalized_laplacian(W), ascending, and the (n, k) matrix of their orthonormal
    eigenvectors (np.linalg.eigh) with each row scaled to length 1 (a row of zeros
    stays zero). Returns (eigenvalues (k,), rows (n, k))."""
    raise NotImplementedError


def spectral_clustering(W: np.ndarray, k: int, random_state: int = 0) -> np.ndarray:
    """Spectral clustering of the vertices of W into k clusters: k-means on the rows
    of laplacian_embedding(W, k), with scikit-learn's
    KMeans(k, n_init=10, random_state=random_state). Returns integer labels (n,),
    the clusters numbered 0, 1, ... in the order of their first row."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np
from sklearn.cluster import KMeans


def squared_distances(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    # direct differences: exact zeros for duplicates, no negative rounding errors
    return np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=2)


def knn_affinity(X: np.ndarray, n_neighbors: int) -> np.ndarray:
    d2 = squared_distances(X)
    n = len(d2)
    # the row itself first, whatever its ties, then the others by distance; a stable
    # sort keeps equal distances in index order
    np.fill_diagonal(d2, -1.0)
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :n_neighbors]
    A = np.zeros((n, n))
    A[np.arange(n)[:, None], nearest] = 1.0
    return 0.5 * (A + A.T)


def rbf_affinity(X: np.ndarray, gamma: float) -> np.ndarray:
    return np.exp(-gamma * squared_distances(X))


def normalized_laplacian(W: np.ndarray) -> np.ndarray:
    W = np.array(W, dtype=float)
    np.fill_diagonal(W, 0.0)
    d = W.sum(axis=1)
    isolated = d == 0
    # 1/sqrt(d) with isolated vertices scaled by 0: their row and column vanish
    scale = np.where(isolated, 0.0, 1.0 / np.sqrt(np.where(isolated, 1.0, d)))
    L = -scale[:, None] * W * scale[None, :]
    L[np.diag_indices_from(L)] = np.where(isolated, 0.0, 1.0)
    return L


def laplacian_embedding(W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(normalized_laplacian(W))
    U = vectors[:, :k]
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    return values[:k], U / np.where(norms > 0, norms, 1.0)


def spectral_clustering(W: np.ndarray, k: int, random_state: int = 0) -> np.ndarray:
    _, U = laplacian_embedding(W, k)
    raw = KMeans(k, n_init=10, random_state=random_state).fit_predict(U)
    # renumber the clusters in the order of their first row
    _, first = np.unique(raw, return_index=True)
    order = np.argsort(first)
    renumber = np.empty(k, dtype=np.int64)
    renumber[np.unique(raw)[order]] = np.arange(len(order))
    return renumber[raw]


# --8<-- [end:solution]


# --8<-- [start:tests]
import warnings

import numpy as np
from scipy.sparse.csgraph import connected_components, laplacian
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.neighbors import kneighbors_graph


def spectral_cases():
    """(name, X, W, k, truth): easy data sets and graphs that suit them."""
    X, y = make_blobs(300, centers=[(0, 0), (8, 0), (4, 7)], random_state=0)
    yield "3 blobs, 10-NN", X, knn_affinity(X, 10), 3, y
    yield "3 blobs, RBF gamma 0.5", X, rbf_affinity(X, 0.5), 3, y
    X, y = make_moons(400, noise=0.06, random_state=0)
    yield "two moons, 10-NN", X, knn_affinity(X, 10), 2, y
    X, y = make_circles(400, factor=0.5, noise=0.08, random_state=0)
    yield "two circles, 10-NN", X, knn_affinity(X, 10), 2, y
    yield "two circles, RBF gamma 100", X, rbf_affinity(X, 100.0), 2, y


def n_zero_eigenvalues(W, tol=1e-9):
    values, _ = laplacian_embedding(W, len(W))
    return int(np.sum(values < tol))


def test_spectral_worked_example():
    W = np.zeros((6, 6))
    for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]:
        W[a, b] = W[b, a] = 1.0
    # two triangles, no link: eigenvalue 0 twice, then 3/2 (a triangle's)
    values, _ = laplacian_embedding(W, 6)
    np.testing.assert_allclose(values, [0, 0, 1.5, 1.5, 1.5, 1.5], atol=1e-12)
    # whatever basis eigh picks for eigenvalue 0, the normalised rows are one unit
    # vector per triangle, orthogonal to the other triangle's
    _, U = laplacian_embedding(W, 2)
    G = U @ U.T
    np.testing.assert_allclose(G, np.kron(np.eye(2), np.ones((3, 3))), atol=1e-12)
    # a weak link 2-3: one eigenvalue stays 0, the other becomes small
    W[2, 3] = W[3, 2] = 0.1
    values, _ = laplacian_embedding(W, 2)
    assert abs(values[0]) < 1e-12 and 0.03 < values[1] < 0.033
    labels = spectral_clustering(W, 2)
    assert labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(spectral_clustering(W[::-1, ::-1], 2), labels)


def test_affinities_match_sklearn():
    for seed in range(3):
        X, _ = make_blobs(150, centers=3, n_features=seed + 2, random_state=seed)
        for n_neighbors in (1, 5, 10):
            # what SpectralClustering(affinity="nearest_neighbors") builds
            A = kneighbors_graph(X, n_neighbors, include_self=True)
            expected = (0.5 * (A + A.T)).toarray()
            np.testing.assert_array_equal(knn_affinity(X, n_neighbors), expected)
        for gamma in (0.01, 0.5, 3.0):
            np.testing.assert_allclose(
                rbf_affinity(X, gamma), rbf_kernel(X, gamma=gamma), rtol=1e-10
            )


def test_laplacian_matches_scipy():
    rng = np.random.default_rng(0)
    for n in (5, 40, 120):
        W = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
        W = W + W.T
        # self-loops on some vertices, and vertex 0 isolated but for its self-loop
        W[0, :] = W[:, 0] = 0.0
        W[np.diag_indices(n)] = rng.random(n)
        L = normalized_laplacian(W)
        np.testing.assert_allclose(L, laplacian(W, normed=True), atol=1e-12)
        np.testing.assert_allclose(L, L.T, atol=0)
        values = np.linalg.eigvalsh(L)
        # normalised: every eigenvalue in [0, 2]
        assert values.min() > -1e-10 and values.max() < 2 + 1e-10
    assert np.all(normalized_laplacian(np.zeros((3, 3))) == 0)


def test_zero_eigenvalues_count_components():
    X, _ = make_blobs(300, centers=5, cluster_std=0.5, random_state=1)
    graphs = [knn_affinity(X, m) for m in (2, 3, 4, 6, 10)]
    graphs += [rbf_affinity(X, g) * (rbf_affinity(X, g) > 1e-3) for g in (2.0, 20.0)]
    for W in graphs:
        n_parts, parts = connected_components(W, directed=False)
        assert n_zero_eigenvalues(W) == n_parts
        # the rows for eigenvalue 0 are one unit vector per component, the components'
        # vectors orthogonal: the embedding is the components' indicator matrix, rotated
        _, U = laplacian_embedding(W, n_parts)
        same = parts[:, None] == parts[None, :]
        np.testing.assert_allclose(U @ U.T, same.astype(float), atol=1e-8)


def test_matches_sklearn_spectral_clustering():
    for name, _, W, k, _ in spectral_cases():
        ours = spectral_clustering(W, k)
        with warnings.catch_warnings():
            # some of the k-NN graphs fall into the k clusters: not fully connected
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            model = SpectralClustering(k, affinity="precomputed", random_state=0)
            ref = model.fit_predict(W)
        assert adjusted_rand_score(ref, ours) == 1.0, name


def test_solves_what_kmeans_cannot():
    for name, X, W, k, truth in spectral_cases():
        if name.startswith(("two moons", "two circles")):
            km = KMeans(k, n_init=10, random_state=0).fit_predict(X)
            assert adjusted_rand_score(truth, km) < 0.5, name
            assert adjusted_rand_score(truth, spectral_clustering(W, k)) == 1.0, name


def test_spectral_edge_cases():
    rng = np.random.default_rng(2)
    # a disconnected graph, k = its number of components: the components exactly,
    # here 4 of them, of 5 to 60 vertices, degrees unequal, and one isolated vertex
    sizes = [60, 5, 30, 1]
    W = np.zeros((96, 96))
    start = 0
    for size in sizes:
        block = rng.random((size, size)) + 0.1
        W[start : start + size, start : start + size] = block + block.T
        start += size
    order = rng.permutation(96)
    W = W[order][:, order]
    truth = np.repeat(np.arange(4), sizes)[order]
    assert n_zero_eigenvalues(W) == 4
    assert adjusted_rand_score(truth, spectral_clustering(W, 4)) == 1.0
    # k = 1: one cluster
    assert np.all(spectral_clustering(W, 1) == 0)
    # duplicates, Gaussian affinity: equal rows of W give equal rows of the embedding
    X, _ = make_moons(200, noise=0.05, random_state=0)
    X = np.vstack([X, X[:20]])
    _, U = laplacian_embedding(rbf_affinity(X, 30.0), 2)
    np.testing.assert_allclose(U[200:], U[:20], atol=1e-8)
    labels = spectral_clustering(rbf_affinity(X, 30.0), 2)
    np.testing.assert_array_equal(labels[200:], labels[:20])
    # duplicates, k-NN graph: n_neighbors copies of a point choose only each other,
    # so the copies of a far-away point become a component of their own
    W = knn_affinity(X, 10)
    outlier = np.repeat([[5.0, 5.0]], 10, axis=0)
    W_dup = knn_affinity(np.vstack([X, outlier]), 10)
    assert n_zero_eigenvalues(W_dup) == n_zero_eigenvalues(W) + 1
    W_nine = knn_affinity(np.vstack([X, outlier[:9]]), 10)
    assert n_zero_eigenvalues(W_nine) == n_zero_eigenvalues(W)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_spectral_worked_example,
    test_affinities_match_sklearn,
    test_laplacian_matches_scipy,
    test_zero_eigenvalues_count_components,
    test_matches_sklearn_spectral_clustering,
    test_solves_what_kmeans_cannot,
    test_spectral_edge_cases,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
W = np.zeros((6, 6))
for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]:
    W[a, b] = W[b, a] = 1.0
print("two triangles: eigenvalues", np.round(laplacian_embedding(W, 6)[0], 4) + 0.0)
W[2, 3] = W[3, 2] = 0.1
print("  linked by 0.1: eigenvalues", np.round(laplacian_embedding(W, 6)[0], 4) + 0.0)
# one sign per column, so the rows print the same whatever signs eigh returned
U = laplacian_embedding(W, 2)[1]
rows = np.round(U * np.sign(U[0]), 3).tolist()
print("  embedding rows 0-2:", rows[:3])
print("  embedding rows 3-5:", rows[3:])
print("  labels:", spectral_clustering(W, 2).tolist())


def random_walk_labels(W, k):
    """Shi and Malik's embedding, the eigenvectors of L_rw = D^-1/2 x, no row scaling:
    what SpectralClustering clusters."""
    W = np.array(W, dtype=float)
    np.fill_diagonal(W, 0.0)
    x = np.linalg.eigh(normalized_laplacian(W))[1][:, :k]
    U = x / np.sqrt(W.sum(axis=1))[:, None]
    return KMeans(k, n_init=10, random_state=0).fit_predict(U)


X, y = make_blobs(300, centers=[(0, 0), (6, 0), (3, 5)], random_state=0)
harder = [("3 closer blobs, RBF 0.5", X, rbf_affinity(X, 0.5), 3, y)]
X, y = make_moons(400, noise=0.1, random_state=0)
harder.append(("noisier moons, 10-NN", X, knn_affinity(X, 10), 2, y))
print("ARI against the truth; agree: ARI between NJW and scikit-learn")
header = f"{'data, graph':<27}{'parts':>6}{'k-means':>8}{'NJW':>7}{'rw':>7}"
print(header + f"{'sklearn':>8}{'agree':>7}")
same_rw = True
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Graph is not fully connected")
    for name, X, W, k, truth in [*spectral_cases(), *harder]:
        model = SpectralClustering(k, affinity="precomputed", random_state=0)
        ref = model.fit_predict(W)
        preds = [
            KMeans(k, n_init=10, random_state=0).fit_predict(X),
            spectral_clustering(W, k),
            random_walk_labels(W, k),
            ref,
        ]
        scores = [adjusted_rand_score(truth, p) for p in preds]
        n_parts = connected_components(W, directed=False)[0]
        print(
            f"{name:<27}{n_parts:>6}{scores[0]:>8.3f}{scores[1]:>7.3f}{scores[2]:>7.3f}"
            f"{scores[3]:>8.3f}{adjusted_rand_score(ref, preds[1]):>7.3f}"
        )
        same_rw &= adjusted_rand_score(ref, preds[2]) == 1.0
print(f"rw (random-walk rows) gives scikit-learn's partition on every row: {same_rw}")

X, _ = make_moons(400, noise=0.06, random_state=0)
print("two moons, k-NN graph: components and the smallest eigenvalues")
for m in (2, 3, 4, 6, 10):
    W = knn_affinity(X, m)
    n_parts = connected_components(W, directed=False)[0]
    values = laplacian_embedding(W, n_parts + 1)[0]
    zeros = int(np.sum(values < 1e-9))
    print(
        f"  n_neighbors {m:>2}: {n_parts:>3} components, {zeros:>3} eigenvalues below"
        f" 1e-9, next {values[n_parts]:.4f}"
    )
X, _ = make_moons(200, noise=0.05, random_state=0)
for copies in (0, 9, 10, 30):
    X_dup = np.vstack([X, np.repeat([[5.0, 5.0]], copies, axis=0)])
    n_parts = connected_components(knn_affinity(X_dup, 10), directed=False)[0]
    print(f"{copies} copies of a far point, 10-NN graph: {n_parts} components")
# --8<-- [end:check]
