# --8<-- [start:signature]
import numpy as np


def average_path_length(n: int | np.ndarray) -> np.ndarray:
    """c(n), the average path length of an unsuccessful search in a binary search tree
    of n points, elementwise: 2 * H(n - 1) - 2 * (n - 1) / n for n > 2, with the
    paper's estimate H(i) = ln(i) + 0.5772156649; c(2) = 1; c(n) = 0 for n <= 1.
    """
    raise NotImplementedError


class IsolationForest:
    """An isolation forest (Liu, Ting, Zhou, 2008) in NumPy.

    fit(X): draws everything from np.random.default_rng(seed). Sets sample_size_ =
    min(sample_size, len(X)) and max_depth_ = ceil(log2(sample_size_)), the height
    limit. Each of n_trees trees is grown on sample_size_ rows drawn without
    replacement: a node becomes a leaf (keeping its number of rows) at depth max_depth_,
    when it holds at most one row, or when all its rows are equal; otherwise it picks
    one of the features that are not constant in the node at random and a split value
    p uniformly between that feature's min and max in the node, and rows with x < p go
    left. Sets trees_ (in any form you like) and returns self.
    path_length(X): (m,), the mean over the trees of h(x) = the number of edges from the
    root to x's leaf + c(the leaf's number of training rows).
    score_samples(X): (m,), s(x) = 2 ** (-path_length(X) / c(sample_size_)); higher
    is more anomalous.
    """

    def __init__(self, n_trees: int = 100, sample_size: int = 256, seed: int = 0):
        self.n_trees = n_trees
        self.sample_size = sample_size
        self.seed = seed

    def fit(self, X: np.ndarray) -> "IsolationForest":
        raise NotImplementedError

    def path_length(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np

EULER_GAMMA = 0.5772156649


def average_path_length(n: int | np.ndarray) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    m = np.maximum(n, 2.0)  # keeps log() finite where the formula is not used
    c = 2.0 * (np.log(m - 1.0) + EULER_GAMMA) - 2.0 * (m - 1.0) / m
    return np.where(n > 2, c, np.where(n == 2, 1.0, 0.0))


def fit_isolation_tree(X: np.ndarray, max_depth: int, rng) -> tuple:
    # the tree as parallel arrays; feature -1 marks a leaf
    feature, threshold, left, right, size = [], [], [], [], []

    def grow(rows: np.ndarray, depth: int) -> int:
        node = len(size)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        size.append(len(rows))
        if depth >= max_depth or len(rows) <= 1:
            return node
        lo, hi = X[rows].min(axis=0), X[rows].max(axis=0)
        candidates = np.flatnonzero(hi > lo)
        if candidates.size == 0:  # identical rows: nothing left to isolate
            return node
        q = candidates[rng.integers(candidates.size)]
        p = rng.uniform(lo[q], hi[q])
        goes_left = X[rows, q] < p
        feature[node], threshold[node] = q, p
        left[node] = grow(rows[goes_left], depth + 1)
        right[node] = grow(rows[~goes_left], depth + 1)
        return node

    grow(np.arange(len(X)), 0)
    return tuple(map(np.array, (feature, threshold, left, right, size)))


def tree_path_length(tree: tuple, X: np.ndarray) -> np.ndarray:
    # all rows walk down together, one level per loop; those at a leaf drop out
    feature, threshold, left, right, size = tree
    node = np.zeros(len(X), dtype=np.int64)
    edges = np.zeros(len(X))
    active = np.flatnonzero(feature[node] >= 0)
    while active.size:
        at = node[active]
        go_left = X[active, feature[at]] < threshold[at]
        node[active] = np.where(go_left, left[at], right[at])
        edges[active] += 1
        active = active[feature[node[active]] >= 0]
    # the leaf's unresolved rows would have needed about c(size) more splits
    return edges + average_path_length(size[node])


class IsolationForest:
    def __init__(self, n_trees: int = 100, sample_size: int = 256, seed: int = 0):
        self.n_trees = n_trees
        self.sample_size = sample_size
        self.seed = seed

    def fit(self, X: np.ndarray) -> "IsolationForest":
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(self.seed)
        self.sample_size_ = min(self.sample_size, len(X))
        self.max_depth_ = int(np.ceil(np.log2(max(self.sample_size_, 2))))
        self.trees_ = []
        for _ in range(self.n_trees):
            rows = rng.choice(len(X), self.sample_size_, replace=False)
            self.trees_.append(fit_isolation_tree(X[rows], self.max_depth_, rng))
        return self

    def path_length(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return np.mean([tree_path_length(tree, X) for tree in self.trees_], axis=0)

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        return 2.0 ** (-self.path_length(X) / average_path_length(self.sample_size_))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.ensemble import IsolationForest as SklearnIsolationForest
from sklearn.metrics import roc_auc_score


def iforest_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """950 normal rows from a 3-D standard Gaussian, then 25 anomalies scattered
    uniformly over [-6, 6]^3 and 25 in a tight cluster around (3, 3, 3).
    Labels: 0 normal, 1 scattered, 2 clustered."""
    rng = np.random.default_rng(seed)
    X = np.r_[
        rng.normal(size=(950, 3)),
        rng.uniform(-6, 6, size=(25, 3)),
        3.0 + 0.2 * rng.normal(size=(25, 3)),
    ]
    return X, np.repeat([0, 1, 2], [950, 25, 25])


def test_iforest_worked_example():
    two = np.array([[0.0], [1.0]])
    forest = IsolationForest(n_trees=10, sample_size=256).fit(two)
    assert forest.sample_size_ == 2 and forest.max_depth_ == 1
    new = np.array([[0.0], [1.0], [5.0]])
    np.testing.assert_allclose(forest.path_length(new), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(forest.score_samples(new), [0.5, 0.5, 0.5])
    same = np.tile([3.0, -1.0], (100, 1))
    forest = IsolationForest(n_trees=10).fit(same)
    np.testing.assert_allclose(forest.path_length(same[:2]), average_path_length(100))
    np.testing.assert_allclose(forest.score_samples(same[:2]), [0.5, 0.5])
    # scikit-learn's score_samples is the same score, negated
    sklearn_two = SklearnIsolationForest(random_state=0).fit(two)
    np.testing.assert_allclose(sklearn_two.score_samples(new), [-0.5, -0.5, -0.5])


def test_average_path_length_values():
    got = average_path_length(np.array([0, 1, 2, 3, 4, 256]))
    want = [0.0, 0.0, 1.0, 1.2073923576, 1.8516559071, 10.2447709201]
    np.testing.assert_allclose(got, want, atol=1e-9)
    assert average_path_length(np.array([[2, 3], [4, 5]])).shape == (2, 2)
    # the estimate of H(i) is off by about 1 / (2i): c(n) by less than 1 / (n - 1)
    n = np.arange(3, 2001)
    harmonic = np.cumsum(1.0 / np.arange(1, 2000))[1:]  # H(2), ..., H(1999)
    exact = 2 * harmonic - 2 * (n - 1) / n
    assert np.all(np.abs(average_path_length(n) - exact) < 1 / (n - 1))
    assert np.all(np.diff(average_path_length(n)) > 0)


def test_iforest_far_outlier_scores_highest():
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(size=(500, 2)), [[6.0, 6.0]]]
    scores = IsolationForest(seed=3).fit(X).score_samples(X)
    assert scores.shape == (501,) and np.all((scores > 0) & (scores < 1))
    assert scores[-1] > scores[:-1].max()


def test_iforest_leaf_size_correction():
    # a value repeated in 300 of 400 rows is the most normal point, not the most
    # anomalous: its rows stay together in a leaf, and c(leaf size) is added
    rng = np.random.default_rng(2)
    X = np.r_[np.zeros((300, 2)), rng.uniform(-1, 1, size=(100, 2))]
    forest = IsolationForest(seed=0).fit(X)
    scores = forest.score_samples(X)
    assert scores[0] < scores[300:].min()
    assert forest.path_length(X[:1])[0] > forest.max_depth_ + 5


def test_iforest_subsample_and_height_limit():
    X, _ = iforest_data()
    forest = IsolationForest(n_trees=20, sample_size=16).fit(X)
    assert forest.sample_size_ == 16 and forest.max_depth_ == 4
    h = forest.path_length(X)
    assert np.all(h >= 1) and np.all(h <= 4 + average_path_length(16))
    forest = IsolationForest(n_trees=5, sample_size=256).fit(X[:100])
    assert forest.sample_size_ == 100 and forest.max_depth_ == 7


def test_iforest_auc_close_to_sklearn():
    X, kind = iforest_data()
    ours = IsolationForest(seed=0).fit(X).score_samples(X)
    theirs = -SklearnIsolationForest(random_state=0).fit(X).score_samples(X)
    auc = roc_auc_score(kind > 0, ours)
    assert auc > 0.97
    # other random numbers, same algorithm: compare rankings, not single scores
    assert abs(auc - roc_auc_score(kind > 0, theirs)) < 0.01
    assert np.all((theirs > 0) & (theirs < 1))
    assert np.corrcoef(ours, theirs)[0, 1] > 0.95


def test_iforest_same_seed_same_scores():
    X, _ = iforest_data()
    first = IsolationForest(n_trees=20, seed=7).fit(X).score_samples(X)
    again = IsolationForest(n_trees=20, seed=7).fit(X).score_samples(X)
    other = IsolationForest(n_trees=20, seed=8).fit(X).score_samples(X)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

tests = [
    test_iforest_worked_example,
    test_average_path_length_values,
    test_iforest_far_outlier_scores_highest,
    test_iforest_leaf_size_correction,
    test_iforest_subsample_and_height_limit,
    test_iforest_auc_close_to_sklearn,
    test_iforest_same_seed_same_scores,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

print("    n  c(n), ln estimate  c(n), exact H(n-1)")
for n in (2, 3, 4, 16, 256):
    exact = 2 * np.sum(1.0 / np.arange(1, n)) - 2 * (n - 1) / n
    print(f"{n:>5}{average_path_length(n):>18.3f}{exact:>20.3f}")

X, kind = iforest_data()
anomaly = kind > 0


def auc_by_kind(scores: np.ndarray) -> str:
    # all anomalies, then each kind against the normal rows only
    parts = [roc_auc_score(anomaly, scores)]
    for k in (1, 2):
        keep = (kind == 0) | (kind == k)
        parts.append(roc_auc_score(kind[keep] == k, scores[keep]))
    return "".join(f"{p:>7.3f}" for p in parts)


print("950 normal rows, 25 scattered and 25 clustered anomalies, 100 trees, psi 256")
print("detector         AUC  scatt  clust  mean s: normal  scatt  clust")
sklearn_model = SklearnIsolationForest(random_state=0).fit(X)
for name, scores in (
    ("ours", IsolationForest(seed=0).fit(X).score_samples(X)),
    ("scikit-learn", -sklearn_model.score_samples(X)),
):
    means = "".join(f"{scores[kind == k].mean():>7.3f}" for k in (0, 1, 2))
    print(f"{name:<13}{auc_by_kind(scores)}        {means}")
raw = sklearn_model.score_samples(X)
print(f"scikit-learn score_samples from {raw.min():.3f} to {raw.max():.3f}")

print("AUC after the first k trees, 5 forests (seeds 0-4)")
print("trees   mean    min    max")
per_tree = [
    np.array([tree_path_length(t, X) for t in IsolationForest(seed=s).fit(X).trees_])
    for s in range(5)
]
c_psi = average_path_length(256)
for k in (1, 3, 10, 30, 100):
    aucs = [roc_auc_score(anomaly, 2.0 ** (-h[:k].mean(0) / c_psi)) for h in per_tree]
    print(f"{k:>5}{np.mean(aucs):>7.3f}{np.min(aucs):>7.3f}{np.max(aucs):>7.3f}")

print("subsample size psi, 100 trees")
print(" psi  limit    AUC  scatt  clust  mean s, clust")
for psi in (4, 16, 64, 256, 1000):
    forest = IsolationForest(sample_size=psi, seed=0).fit(X)
    scores = forest.score_samples(X)
    print(
        f"{psi:>4}{forest.max_depth_:>7}{auc_by_kind(scores)}"
        f"{scores[kind == 2].mean():>15.3f}"
    )

# the failure case: 500 points along the line x2 = x1 (x1 from -3 to 3), and 20
# points moved by 1 up or down from it, inside both features' ranges
rng = np.random.default_rng(0)
t = rng.uniform(-3, 3, 500)
u = rng.uniform(-2, 2, 20)
line = np.r_[
    np.c_[t, t + 0.1 * rng.normal(size=500)],
    np.c_[u, u + rng.choice([-1.0, 1.0], 20)],
]
off = np.repeat([False, True], [500, 20])
# a 45-degree rotation puts the line on the first axis
turned = line @ (np.array([[1.0, 1.0], [-1.0, 1.0]]) / np.sqrt(2)).T
ours = IsolationForest(seed=0).fit(line).score_samples(line)
neighbours = NearestNeighbors(n_neighbors=11).fit(line)
lof = LocalOutlierFactor(n_neighbors=20).fit(line)
print("20 anomalies off a line of 500 points, inside both features' ranges")
print("detector                        AUC  anomalies in top 20")
for name, scores in (
    ("isolation forest, ours", ours),
    (
        "isolation forest, scikit-learn",
        -SklearnIsolationForest(random_state=0).fit(line).score_samples(line),
    ),
    (
        "ours, line turned onto an axis",
        IsolationForest(seed=0).fit(turned).score_samples(turned),
    ),
    ("LOF, 20 neighbours", -lof.negative_outlier_factor_),
    # column 0 is the point itself
    ("distance to 10th neighbour", neighbours.kneighbors(line)[0][:, 10]),
):
    top = np.argsort(-scores)[:20]
    print(f"{name:<31}{roc_auc_score(off, scores):.3f}{off[top].sum():>21}")
top = np.argsort(-ours)[:20]
ends = np.abs(line[top[~off[top]], 0]).min()
print(f"ours: the normal points in its top 20 have |x1| >= {ends:.2f}")
# --8<-- [end:check]
