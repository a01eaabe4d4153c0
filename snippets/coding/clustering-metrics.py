# --8<-- [start:signature]
import numpy as np


def silhouette_samples(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Silhouette of each of the n rows of X (n, d) under Euclidean distance, as
    sklearn.metrics.silhouette_samples defines it. For point i in cluster C:
    a(i) is its mean distance to the other points of C, b(i) the smallest, over the
    other clusters C', of its mean distance to the points of C', and
    s(i) = (b(i) - a(i)) / max(a(i), b(i)); s(i) = 0 when C = {i} (and when
    a(i) = b(i) = 0). Labels may be any values (ints, strings). Pairwise distances
    vectorised: no Python loop over points. Raises ValueError unless the number of
    clusters is between 2 and n - 1."""
    raise NotImplementedError


def silhouette_score(X: np.ndarray, labels: np.ndarray) -> float:
    """The mean of silhouette_samples(X, labels) over all n points."""
    raise NotImplementedError


def rand_index(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    """The share of the n (n - 1) / 2 pairs of points on which two partitions agree:
    together in both, or apart in both. 1.0 when n < 2."""
    raise NotImplementedError


def adjusted_rand_index(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index, from the r x c contingency table
    n_ij (points in true cluster i and predicted cluster j), with row sums n_i. and
    column sums n_.j: index = sum_ij C(n_ij, 2), A = sum_i C(n_i., 2),
    B = sum_j C(n_.j, 2), expected = A B / C(n, 2), maximum = (A + B) / 2, and
    ARI = (index - expected) / (maximum - expected). When maximum = expected (both
    partitions one cluster, or both all singletons) return 1.0, as scikit-learn does.
    O(n + r c) time; no loop over pairs of points."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def pairwise_euclidean(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    sq_norms = np.einsum("ij,ij->i", X, X)
    # |x - y|^2 = |x|^2 + |y|^2 - 2 x.y: one matrix product, O(n^2) memory
    d2 = sq_norms[:, None] + sq_norms[None, :] - 2.0 * (X @ X.T)
    # rounding leaves tiny negatives and a nonzero diagonal
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(d2)


def silhouette_samples(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    _, y = np.unique(np.asarray(labels), return_inverse=True)
    n, k = len(y), int(y.max()) + 1
    if not 2 <= k <= n - 1:
        raise ValueError(f"need 2 <= number of clusters <= n - 1, got {k} for n = {n}")
    sizes = np.bincount(y)
    # column c: each point's summed distance to the points of cluster c
    sums = pairwise_euclidean(X) @ np.eye(k)[y]
    rows, own_size = np.arange(n), sizes[y]
    a = sums[rows, y] / np.maximum(own_size - 1, 1)
    mean_to_cluster = sums / sizes
    mean_to_cluster[rows, y] = np.inf
    b = mean_to_cluster.min(axis=1)
    denominator = np.maximum(a, b)
    valid = (own_size > 1) & (denominator > 0)
    return np.divide(b - a, denominator, out=np.zeros(n), where=valid)


def silhouette_score(X: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(silhouette_samples(X, labels)))


def contingency_table(labels_true: np.ndarray, labels_pred: np.ndarray) -> np.ndarray:
    _, t = np.unique(np.asarray(labels_true), return_inverse=True)
    _, p = np.unique(np.asarray(labels_pred), return_inverse=True)
    r, c = int(t.max()) + 1, int(p.max()) + 1
    return np.bincount(t * c + p, minlength=r * c).reshape(r, c)


def pair_counts(
    labels_true: np.ndarray, labels_pred: np.ndarray
) -> tuple[int, int, int, int]:
    """Pairs together in both, together in labels_true, in labels_pred, all pairs."""
    table = contingency_table(labels_true, labels_pred)

    def pairs(counts: np.ndarray) -> int:
        return int(np.sum(counts * (counts - 1) // 2))

    n = int(table.sum())
    return (
        pairs(table),
        pairs(table.sum(axis=1)),
        pairs(table.sum(axis=0)),
        n * (n - 1) // 2,
    )


def rand_index(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    both, together_true, together_pred, total = pair_counts(labels_true, labels_pred)
    if total == 0:
        return 1.0
    apart_in_both = total - together_true - together_pred + both
    return (both + apart_in_both) / total


def adjusted_rand_index(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    index, A, B, total = pair_counts(labels_true, labels_pred)
    # numerator and denominator both times 2 * total, in Python integers: exact, and
    # A * B cannot overflow int64
    numerator = 2 * (index * total - A * B)
    denominator = (A + B) * total - 2 * A * B
    return 1.0 if denominator == 0 else numerator / denominator


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import sklearn.metrics
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_moons


def test_silhouette_worked_example():
    X = np.array([[0.0], [2.0], [6.0], [9.0], [20.0]])
    labels = np.array([0, 0, 1, 1, 2])
    expected = [11 / 15, 7 / 11, 2 / 5, 5 / 8, 0.0]
    assert silhouette_samples(X, labels) == pytest.approx(expected)
    assert silhouette_score(X, labels) == pytest.approx(np.mean(expected))


def test_silhouette_matches_sklearn():
    rng = np.random.default_rng(0)
    for n, d, k in [(30, 2, 3), (100, 5, 4), (200, 10, 8), (40, 3, 25)]:
        X_noise = rng.normal(size=(n, d)) * rng.uniform(0.5, 5.0, size=d)
        X_blobs, y_blobs = make_blobs(n, d, centers=k, random_state=n)
        # random labels (with k = 25 of 40 points, singleton clusters), then blobs
        for X, labels in ((X_noise, rng.integers(0, k, n)), (X_blobs, y_blobs)):
            labels = 7 * labels + 3  # not 0..k-1
            expected = sklearn.metrics.silhouette_samples(X, labels)
            np.testing.assert_allclose(
                silhouette_samples(X, labels), expected, atol=1e-10
            )
            assert silhouette_score(X, labels) == pytest.approx(
                sklearn.metrics.silhouette_score(X, labels), abs=1e-10
            )
    names = np.array(["ant", "bee", "cat"])[rng.integers(0, 3, 50)]
    X = rng.normal(size=(50, 2))
    np.testing.assert_allclose(
        silhouette_samples(X, names),
        sklearn.metrics.silhouette_samples(X, names),
        atol=1e-10,
    )


def test_silhouette_needs_two_to_n_minus_one_clusters():
    X = np.arange(10.0).reshape(5, 2)
    with pytest.raises(ValueError):
        silhouette_score(X, np.zeros(5))
    with pytest.raises(ValueError):
        silhouette_score(X, np.arange(5))


def test_silhouette_prefers_k_means_halves_to_the_true_moons():
    X, moons = make_moons(400, noise=0.05, random_state=0)
    halves = KMeans(2, n_init=10, random_state=0).fit_predict(X)
    assert silhouette_score(X, halves) > silhouette_score(X, moons) + 0.1
    assert adjusted_rand_index(moons, halves) < 0.5


def test_rand_and_adjusted_rand_worked_examples():
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(4 / 7)
    assert rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(1 / 3)
    assert rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(5 / 6)


def test_rand_and_adjusted_rand_match_sklearn():
    rng = np.random.default_rng(1)
    cases = [
        (rng.integers(0, r, n), rng.integers(0, c, n))
        for n, r, c in [
            (2, 2, 2),
            (10, 3, 3),
            (50, 2, 10),
            (300, 10, 10),
            (1000, 4, 40),
        ]
    ]
    for n in (1, 5):
        one, singletons = np.zeros(n, dtype=int), np.arange(n)
        cases += [(one, one), (singletons, singletons), (one, singletons)]
    for labels_true, labels_pred in cases:
        assert rand_index(labels_true, labels_pred) == pytest.approx(
            sklearn.metrics.rand_score(labels_true, labels_pred)
        )
        assert adjusted_rand_index(labels_true, labels_pred) == pytest.approx(
            sklearn.metrics.adjusted_rand_score(labels_true, labels_pred)
        )


def test_adjusted_rand_is_one_up_to_relabelling_and_symmetric():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 6, 200)
    renamed = np.array(list("uvwxyz"))[rng.permutation(6)][labels]
    assert adjusted_rand_index(labels, renamed) == 1.0
    assert rand_index(labels, renamed) == 1.0
    other = rng.integers(0, 4, 200)
    assert adjusted_rand_index(labels, other) == adjusted_rand_index(other, labels)


def test_adjusted_rand_is_zero_on_average_for_random_labels_where_rand_is_high():
    rng = np.random.default_rng(3)
    truth, pred = np.repeat(np.arange(10), 30), np.repeat(np.arange(10), 30)
    shuffles = [rng.permutation(pred) for _ in range(200)]
    aris = [adjusted_rand_index(truth, s) for s in shuffles]
    assert abs(np.mean(aris)) < 0.01
    assert min(aris) < 0
    assert np.mean([rand_index(truth, s) for s in shuffles]) > 0.8


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.cluster import AgglomerativeClustering

tests = [
    test_silhouette_worked_example,
    test_silhouette_matches_sklearn,
    test_silhouette_needs_two_to_n_minus_one_clusters,
    test_silhouette_prefers_k_means_halves_to_the_true_moons,
    test_rand_and_adjusted_rand_worked_examples,
    test_rand_and_adjusted_rand_match_sklearn,
    test_adjusted_rand_is_one_up_to_relabelling_and_symmetric,
    test_adjusted_rand_is_zero_on_average_for_random_labels_where_rand_is_high,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X_line, line_labels = np.array([[0.0], [2.0], [6.0], [9.0], [20.0]]), [0, 0, 1, 1, 2]
per_point = " ".join(f"{s:.3f}" for s in silhouette_samples(X_line, line_labels))
line_mean = silhouette_score(X_line, line_labels)
print(f"worked example: s(i) = {per_point}, mean {line_mean:.3f}")
crossed = adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1])
print(f"ARI([0, 0, 1, 1], [0, 1, 0, 1]) = {crossed:.3f}")

print("truth: 10 clusters of 30 points; 1,000 random shuffles of a k-cluster labelling")
print("   k  mean Rand  mean ARI  sd ARI  min ARI  share ARI < 0")
rng = np.random.default_rng(0)
truth = np.repeat(np.arange(10), 30)
for k in (2, 5, 10, 50):
    pred = np.arange(300) % k
    shuffles = [rng.permutation(pred) for _ in range(1000)]
    rand = np.array([rand_index(truth, s) for s in shuffles])
    ari = np.array([adjusted_rand_index(truth, s) for s in shuffles])
    print(
        f"{k:4d}  {rand.mean():9.3f}  {ari.mean():8.4f}  {ari.std():6.4f}  "
        f"{ari.min():7.3f}  {np.mean(ari < 0):13.2f}"
    )

datasets = {
    "two moons": make_moons(400, noise=0.05, random_state=0),
    "three blobs": make_blobs(400, centers=3, cluster_std=0.5, random_state=0),
}
print("data         partition            k  silhouette    ARI")
for name, (X, truth) in datasets.items():
    single = AgglomerativeClustering(n_clusters=len(set(truth)), linkage="single")
    rows = [("true labels", truth), ("single linkage", single.fit_predict(X))]
    for k in range(2, 7):
        rows.append(("k-means", KMeans(k, n_init=10, random_state=0).fit_predict(X)))
    for partition, labels in rows:
        silhouette = silhouette_score(X, labels)
        ari = adjusted_rand_index(truth, labels)
        print(
            f"{name:11s}  {partition:15s}  {len(set(labels)):3d}  "
            f"{silhouette:10.3f}  {ari:5.3f}"
        )
# --8<-- [end:check]
