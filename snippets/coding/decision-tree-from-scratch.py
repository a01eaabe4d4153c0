# --8<-- [start:signature]
from dataclasses import dataclass

import numpy as np


@dataclass
class TreeNode:
    """One node of the tree. value: the class frequencies of the training rows that
    reached it (sums to 1); n_samples: how many rows. An internal node sends a row to
    left when row[feature] <= threshold, else to right; a leaf has left = right = None.
    """

    value: np.ndarray
    n_samples: int
    feature: int = -1
    threshold: float = float("nan")
    left: "TreeNode | None" = None
    right: "TreeNode | None" = None


class DecisionTree:
    """A CART classification tree grown greedily with Gini impurity: the tree that
    scikit-learn's DecisionTreeClassifier(criterion="gini") grows, up to how ties
    between equally good splits are broken.

    fit(X, y): X (n, d) numeric, y integer labels 0..C-1; stores the root TreeNode in
    self.root_ and returns self. A node takes the split X[:, j] <= t with the lowest
    weighted Gini impurity of its two children, where t is the midpoint between two
    consecutive distinct values of feature j and each child keeps at least
    min_samples_leaf rows. A node is a leaf when its depth is max_depth (root: depth 0;
    None: no limit), when it has fewer than min_samples_split rows, when it is pure,
    or when no such split exists (every feature constant within it, for instance).
    predict_proba(X): (m, C), the class frequencies of the leaf each row reaches.
    predict(X): (m,), the most frequent class of that leaf (the smallest on a tie).
    """

    def __init__(
        self,
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
    ):
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf

    def fit(self, X: np.ndarray, y: np.ndarray) -> "DecisionTree":
        raise NotImplementedError

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from dataclasses import dataclass

import numpy as np


@dataclass
class TreeNode:
    value: np.ndarray
    n_samples: int
    feature: int = -1
    threshold: float = float("nan")
    left: "TreeNode | None" = None
    right: "TreeNode | None" = None


def best_gini_split(
    X: np.ndarray, y: np.ndarray, n_classes: int, min_samples_leaf: int
) -> tuple[int, float] | None:
    n = len(y)
    # sort every feature at once: column j of `order` sorts feature j
    order = np.argsort(X, axis=0, kind="stable")
    x = np.take_along_axis(X, order, axis=0)
    onehot = np.eye(n_classes)[y]
    left = np.cumsum(onehot[order], axis=0)[:-1]  # (n - 1, d, C): counts left of cut i
    right = np.bincount(y, minlength=n_classes) - left
    n_left = np.arange(1, n)[:, None]
    # n * weighted Gini = n - sum_c L_c^2 / n_L - sum_c R_c^2 / n_R: maximise the rest
    score = (left**2).sum(axis=2) / n_left + (right**2).sum(axis=2) / (n - n_left)
    valid = x[1:] > x[:-1]  # cannot cut between equal values
    valid &= (n_left >= min_samples_leaf) & (n - n_left >= min_samples_leaf)
    score[~valid] = -np.inf
    # feature-major argmax: ties go to the lowest feature, then the lowest threshold
    j, i = np.unravel_index(np.argmax(score.T), score.T.shape)
    if score[i, j] == -np.inf:
        return None
    return int(j), float((x[i, j] + x[i + 1, j]) / 2)


class DecisionTree:
    def __init__(
        self,
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
    ):
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf

    def fit(self, X: np.ndarray, y: np.ndarray) -> "DecisionTree":
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        self.n_classes_ = int(y.max()) + 1
        self.root_ = self._grow(X, y, depth=0)
        return self

    def _grow(self, X: np.ndarray, y: np.ndarray, depth: int) -> TreeNode:
        counts = np.bincount(y, minlength=self.n_classes_)
        node = TreeNode(value=counts / len(y), n_samples=len(y))
        stop = (
            (self.max_depth is not None and depth >= self.max_depth)
            or len(y) < self.min_samples_split
            or len(y) < 2 * self.min_samples_leaf
            or counts.max() == len(y)  # pure
        )
        split = None
        if not stop:
            split = best_gini_split(X, y, self.n_classes_, self.min_samples_leaf)
        if split is None:
            return node
        node.feature, node.threshold = split
        go_left = X[:, node.feature] <= node.threshold
        node.left = self._grow(X[go_left], y[go_left], depth + 1)
        node.right = self._grow(X[~go_left], y[~go_left], depth + 1)
        return node

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        out = np.empty((len(X), self.n_classes_))
        # an explicit stack of (node, indices of the rows that reach it)
        stack = [(self.root_, np.arange(len(X)))]
        while stack:
            node, rows = stack.pop()
            if node.left is None:
                out[rows] = node.value
                continue
            go_left = X[rows, node.feature] <= node.threshold
            stack += [(node.left, rows[go_left]), (node.right, rows[~go_left])]
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)


# --8<-- [end:solution]


# --8<-- [start:tests]
from collections import Counter

import numpy as np
import pytest
from sklearn import datasets
from sklearn.tree import DecisionTreeClassifier


def leaves_with_depth(node, depth=0):
    """(depth, leaf) for every leaf under node."""
    if node.left is None:
        return [(depth, node)]
    return leaves_with_depth(node.left, depth + 1) + leaves_with_depth(
        node.right, depth + 1
    )


def internal_nodes(node):
    """Every internal node under node, root first."""
    if node.left is None:
        return []
    return [node, *internal_nodes(node.left), *internal_nodes(node.right)]


def compare_with_sklearn(node, tree, i, X, rows):
    """Walk our node and node i of a fitted scikit-learn `tree_` together over the
    training rows that reach both. Counts each split: "same" (feature and threshold),
    "same rows" (another feature, the same two children) or "tie" (different children
    of equal impurity: the walk stops there)."""
    assert node.n_samples == tree.n_node_samples[i] == len(rows)
    np.testing.assert_allclose(node.value, tree.value[i, 0], atol=1e-12)
    assert (node.left is None) == (tree.children_left[i] == -1)
    if node.left is None:
        return Counter()
    a, b = tree.children_left[i], tree.children_right[i]
    ours = sum(c.n_samples * (1 - np.sum(c.value**2)) for c in (node.left, node.right))
    theirs = sum(tree.n_node_samples[c] * tree.impurity[c] for c in (a, b))
    assert ours / len(rows) == pytest.approx(theirs / len(rows), abs=1e-9)
    go_left = X[rows, node.feature] <= node.threshold
    if not np.array_equal(go_left, X[rows, tree.feature[i]] <= tree.threshold[i]):
        return Counter(["tie"])
    same = node.feature == tree.feature[i]
    if same:
        # one feature, the same two children: the same midpoint
        assert node.threshold == pytest.approx(tree.threshold[i], abs=1e-12)
    return (
        Counter(["same" if same else "same rows"])
        + compare_with_sklearn(node.left, tree, a, X, rows[go_left])
        + compare_with_sklearn(node.right, tree, b, X, rows[~go_left])
    )


def test_decision_tree_worked_example():
    X = np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 6], [6, 5]], dtype=float)
    y = np.array([0, 0, 1, 1, 0, 1])
    root = DecisionTree().fit(X, y).root_
    assert (root.feature, root.threshold) == (0, 2.5)
    assert root.left.left is None and root.left.value.tolist() == [1.0, 0.0]
    assert (root.right.feature, root.right.threshold) == (1, 5.5)
    assert root.right.left.value.tolist() == [0.0, 1.0]
    assert root.right.right.value.tolist() == [1.0, 0.0]
    stump = DecisionTree(max_depth=1).fit(X, y)
    assert stump.predict_proba(np.array([[4.0, 4.0]])).tolist() == [[0.25, 0.75]]
    assert stump.predict(X).tolist() == [0, 0, 1, 1, 1, 1]


def test_decision_tree_matches_sklearn_node_by_node():
    for load in (datasets.load_iris, datasets.load_breast_cancer):
        X, y = load(return_X_y=True)
        # scikit-learn's trees store X as float32: give both the same values
        X = X.astype(np.float32).astype(np.float64)
        for depth, min_leaf in [(1, 1), (2, 1), (3, 1), (4, 5), (None, 1)]:
            tree = DecisionTree(max_depth=depth, min_samples_leaf=min_leaf).fit(X, y)
            ref = DecisionTreeClassifier(
                criterion="gini",
                max_depth=depth,
                min_samples_leaf=min_leaf,
                random_state=0,
            ).fit(X, y)
            splits = compare_with_sklearn(
                tree.root_, ref.tree_, 0, X, np.arange(len(y))
            )
            if splits["tie"] == 0:
                # every node holds the same rows: the same training predictions
                np.testing.assert_allclose(
                    tree.predict_proba(X), ref.predict_proba(X), atol=1e-12
                )


def test_decision_tree_respects_max_depth_and_min_samples():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5)).astype(np.float32).astype(np.float64)
    y = (X[:, 0] + X[:, 1] ** 2 + rng.normal(size=400) > 1).astype(int)
    for depth, min_split, min_leaf in [(3, 2, 1), (None, 2, 20), (None, 60, 1)]:
        tree = DecisionTree(depth, min_split, min_leaf).fit(X, y)
        leaves = leaves_with_depth(tree.root_)
        if depth is not None:
            assert max(d for d, _ in leaves) == depth
        assert min(leaf.n_samples for _, leaf in leaves) >= min_leaf
        assert min(node.n_samples for node in internal_nodes(tree.root_)) >= min_split
        ref = DecisionTreeClassifier(
            max_depth=depth,
            min_samples_split=min_split,
            min_samples_leaf=min_leaf,
            random_state=0,
        ).fit(X, y)
        compare_with_sklearn(tree.root_, ref.tree_, 0, X, np.arange(len(y)))


def test_decision_tree_pure_nodes_and_constant_features_stop():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    # a pure node is a leaf
    pure = DecisionTree().fit(X, np.array([1, 1, 1, 1]))
    assert pure.root_.left is None and pure.root_.value.tolist() == [0.0, 1.0]
    # feature 0 is constant: only feature 1 may split
    tree = DecisionTree().fit(X, np.array([0, 1, 0, 1]))
    assert all(n.feature == 1 for n in internal_nodes(tree.root_))
    # no feature varies: the root is a leaf holding the class frequencies
    flat = DecisionTree().fit(X[:, :1], np.array([0, 1, 1, 1]))
    assert flat.root_.left is None and flat.root_.value.tolist() == [0.25, 0.75]


def test_decision_tree_full_depth_fits_the_training_set():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    # no two identical rows with different labels: grown fully, every leaf is pure
    tree = DecisionTree().fit(X, y)
    assert all(leaf.value.max() == 1.0 for _, leaf in leaves_with_depth(tree.root_))
    assert np.mean(tree.predict(X) == y) == 1.0
    # one identical pair with different labels: one leaf cannot be split
    X2, y2 = np.vstack([X, X[:1]]), np.append(y, 1 - y[0])
    leaves = leaves_with_depth(DecisionTree().fit(X2, y2).root_)
    impure = [leaf for _, leaf in leaves if leaf.value.max() < 1.0]
    assert len(impure) == 1 and impure[0].value.tolist() == [0.5, 0.5]


# --8<-- [end:tests]


# --8<-- [start:check]
from sklearn.model_selection import train_test_split

tests = [
    test_decision_tree_worked_example,
    test_decision_tree_matches_sklearn_node_by_node,
    test_decision_tree_respects_max_depth_and_min_samples,
    test_decision_tree_pure_nodes_and_constant_features_stop,
    test_decision_tree_full_depth_fits_the_training_set,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[1, 1], [2, 3], [3, 2], [4, 4], [5, 6], [6, 5]], dtype=float)
y = np.array([0, 0, 1, 1, 0, 1])
root = DecisionTree().fit(X, y).root_
print(
    f"root: x{root.feature} <= {root.threshold}; "
    f"right child: x{root.right.feature} <= {root.right.threshold}"
)
print("leaf values:", [leaf.value.tolist() for _, leaf in leaves_with_depth(root)])

X, y = datasets.load_breast_cancer(return_X_y=True)
X = X.astype(np.float32).astype(np.float64)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
# the same split with 10% of the training labels flipped: noise a deep tree memorises
flip = np.random.default_rng(0).random(len(y_train)) < 0.1
y_noisy = np.where(flip, 1 - y_train, y_train)
print(f"{len(y_train)} training rows, {flip.sum()} flipped; {len(y_test)} test rows")
print(
    f"{'depth':>5}{'leaves':>7}{'train':>7}{'test':>7}{'sklearn test':>13}"
    f"{'noisy: leaves':>15}{'train':>7}{'test':>7}"
)
for depth in (1, 2, 3, 4, 6, 8, None):
    tree = DecisionTree(max_depth=depth).fit(X_train, y_train)
    ref = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_train, y_train)
    noisy = DecisionTree(max_depth=depth).fit(X_train, y_noisy)
    print(
        f"{depth or 'full':>5}{len(leaves_with_depth(tree.root_)):7d}"
        f"{np.mean(tree.predict(X_train) == y_train):7.3f}"
        f"{np.mean(tree.predict(X_test) == y_test):7.3f}"
        f"{ref.score(X_test, y_test):13.3f}"
        f"{len(leaves_with_depth(noisy.root_)):15d}"
        f"{np.mean(noisy.predict(X_train) == y_noisy):7.3f}"
        f"{np.mean(noisy.predict(X_test) == y_test):7.3f}"
    )
# the full-depth trees of the last row, against scikit-learn's, node by node
splits = compare_with_sklearn(
    tree.root_, ref.tree_, 0, X_train, np.arange(len(y_train))
)
print(f"full depth, splits compared with scikit-learn's: {splits.total()}")
print(
    f"  identical {splits['same']}; another feature, same children "
    f"{splits['same rows']}; other children, equal impurity {splits['tie']}"
)
other = DecisionTreeClassifier(random_state=1).fit(X_train, y_train)
for name, a, b in [
    ("ours vs random_state=0", tree, ref),
    ("random_state=0 vs 1", ref, other),
]:
    print(
        f"predictions alike, {name}: "
        f"train {np.mean(a.predict(X_train) == b.predict(X_train)):.3f}, "
        f"test {np.mean(a.predict(X_test) == b.predict(X_test)):.3f}"
    )
# --8<-- [end:check]
