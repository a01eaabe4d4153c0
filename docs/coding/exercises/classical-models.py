"""The ML coding round: Classical models from scratch: trees, forests, boosting, SVMs, kNN and naive Bayes. Practice file with 8 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scikit-learn pytest
    pytest classical-models.py                 # every exercise
    pytest classical-models.py -k <function>   # one exercise, e.g. -k knn_predict

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import functools
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from sklearn import datasets
from sklearn.datasets import load_iris
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.ensemble import IsolationForest as SklearnIsolationForest
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.naive_bayes import MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.tree import DecisionTreeRegressor


# --------------------------------------------------------------------------------------
# 1. How do you implement a k-nearest-neighbour classifier?
# Handbook: coding/classical-models/#knn-classifier
# --------------------------------------------------------------------------------------


def knn_predict(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, k: int
) -> np.ndarray:
    """Majority vote among the k nearest training rows (Euclidean) of each test row.

    y_train holds integer labels. A tie in the vote goes to the smallest label.
    Returns an (n_test,) array of labels. No Python loop over test rows.
    """
    raise NotImplementedError


def test_knn_predict_worked_example():
    X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0], [6.0, 5.0]])
    y_train = np.array([0, 0, 1, 1, 1])
    X_test = np.array([[0.2, 0.2], [5.5, 5.0]])
    np.testing.assert_array_equal(knn_predict(X_train, y_train, X_test, k=3), [0, 1])


def test_knn_predict_matches_sklearn_on_iris():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    # tiny jitter: iris has duplicate rows,
    # and the order of tied neighbours is arbitrary
    X = X + 1e-6 * rng.normal(size=X.shape)
    idx = rng.permutation(len(X))
    train, test = idx[:100], idx[100:]
    for k in (1, 5, 15):
        ref = (
            KNeighborsClassifier(n_neighbors=k).fit(X[train], y[train]).predict(X[test])
        )
        np.testing.assert_array_equal(knn_predict(X[train], y[train], X[test], k), ref)


def test_knn_predict_tie_goes_to_smallest_label():
    X_train = np.array([[-1.0], [1.0], [-2.0], [2.0]])
    y_train = np.array([2, 1, 2, 1])
    np.testing.assert_array_equal(
        knn_predict(X_train, y_train, np.array([[0.0]]), 2), [1]
    )


# --------------------------------------------------------------------------------------
# 2. How does a decision tree choose a split? Implement it with Gini impurity
# Handbook: coding/classical-models/#gini-best-split
# --------------------------------------------------------------------------------------


def gini(y: np.ndarray) -> float:
    """Gini impurity 1 - sum_c p_c^2 of the integer labels y."""
    raise NotImplementedError


def best_split(X: np.ndarray, y: np.ndarray) -> tuple[int, float, float]:
    """The split `X[:, feature] <= threshold` with the lowest weighted Gini impurity of
    the two children, (n_left * gini(left) + n_right * gini(right)) / n.

    Thresholds are midpoints between consecutive distinct values of a feature. Returns
    (feature, threshold, weighted_impurity). O(d n log n): sort each feature once and
    sweep it with running class counts, not a loop that recounts both sides.
    """
    raise NotImplementedError


def test_best_split_worked_example():
    assert gini(np.array([0, 0, 1, 1])) == pytest.approx(0.5)
    X = np.array(
        [[1.0, 5.0], [2.0, 6.0], [3.0, 5.0], [4.0, 6.0], [5.0, 5.0], [6.0, 6.0]]
    )
    y = np.array([0, 0, 0, 1, 1, 1])
    feature, threshold, impurity = best_split(X, y)
    assert (feature, threshold) == (0, pytest.approx(3.5))
    assert impurity == pytest.approx(0.0)


def test_best_split_matches_a_sklearn_stump():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 2] + 0.3 * rng.normal(size=300) > 0.4).astype(int) + (X[:, 0] > 1.5)
    feature, threshold, impurity = best_split(X, y)
    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y).tree_
    assert feature == tree.feature[0]
    assert threshold == pytest.approx(tree.threshold[0])
    n = tree.weighted_n_node_samples
    children = (n[1] * tree.impurity[1] + n[2] * tree.impurity[2]) / n[0]
    assert impurity == pytest.approx(children)


def test_best_split_repeated_values_never_split_between_equals():
    X = np.array([[1.0], [1.0], [1.0], [2.0], [2.0]])
    y = np.array([0, 1, 0, 1, 1])
    feature, threshold, impurity = best_split(X, y)
    assert threshold == pytest.approx(1.5)
    assert impurity == pytest.approx(3 / 5 * (1 - (2 / 3) ** 2 - (1 / 3) ** 2))


# --------------------------------------------------------------------------------------
# 3. Implement a decision tree classifier: recursive splits, stopping rules and prediction.
# Handbook: coding/classical-models/#decision-tree-from-scratch
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 4. Implement a random forest classifier: bootstrap samples, a feature subset at each split, probability voting and the out-of-bag error.
# Handbook: coding/classical-models/#random-forest-from-scratch
# --------------------------------------------------------------------------------------


def oob_proba(
    trees: list, in_bag: np.ndarray, X: np.ndarray, n_classes: int
) -> np.ndarray:
    """Average the trees' class probabilities, each row over the trees that did not
    train on it.

    trees: fitted classifiers with predict_proba and classes_ (labels in 0..n_classes-1;
    a tree may know only some of them). in_bag: (n_trees, len(X)) counts, in_bag[t, i]
    how many times row i is in tree t's bootstrap sample. Returns (len(X), n_classes):
    row i is the mean predict_proba of the trees t with in_bag[t, i] == 0, NaN where
    there is none. With in_bag all zero this is the forest's predict_proba.
    """
    raise NotImplementedError


class RandomForest:
    """A random forest classifier (Breiman, 2001) on scikit-learn's trees.

    fit(X, y), y integer labels 0..C-1: draws per-tree seeds and bootstrap samples from
    np.random.default_rng(seed). Tree t is a DecisionTreeClassifier(max_features,
    max_depth, min_samples_leaf, random_state=its own seed) fitted on n rows drawn
    with replacement. Sets trees_ (the fitted trees), in_bag_ ((n_trees, n) integer
    counts, as in oob_proba), oob_proba_ (oob_proba of the training rows) and
    oob_score_ (the accuracy of its argmax over the rows that have one); returns self.
    predict_proba(X): (m, C), the mean of the trees' predict_proba (soft voting).
    predict(X): its argmax.
    """

    def __init__(
        self,
        n_trees: int = 100,
        max_features: str | int | float | None = "sqrt",
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        seed: int = 0,
    ):
        self.n_trees = n_trees
        self.max_features = max_features
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.seed = seed

    def fit(self, X: np.ndarray, y: np.ndarray) -> "RandomForest":
        raise NotImplementedError

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def rf_data(n, n_classes=2, seed=1):
    # 20 features, 6 informative and 4 linear mixtures of them, 5% of labels flipped
    return make_classification(
        n,
        20,
        n_informative=6,
        n_redundant=4,
        n_classes=n_classes,
        flip_y=0.05,
        random_state=seed,
    )


def rf_constant_trees():
    # one-leaf trees: each predicts its training labels' frequencies everywhere
    zeros = np.zeros((4, 1))
    return [
        DecisionTreeClassifier().fit(zeros, [0, 0, 0, 1]),  # [0.75, 0.25]
        DecisionTreeClassifier().fit(zeros[:2], [0, 1]),  # [0.5, 0.5]
        DecisionTreeClassifier().fit(zeros[:2], [1, 1]),  # knows class 1 only
    ]


def test_random_forest_worked_example():
    in_bag = np.array([[2, 0, 0, 2], [0, 1, 1, 2], [2, 0, 1, 1]])
    got = oob_proba(rf_constant_trees(), in_bag, np.zeros((4, 1)), 2)
    want = [[0.5, 0.5], [0.375, 0.625], [0.75, 0.25], [np.nan, np.nan]]
    np.testing.assert_allclose(got, want, atol=1e-12)
    X = np.r_[np.arange(10), np.arange(20, 30)].reshape(-1, 1).astype(float)
    y = np.repeat([0, 1], 10)
    forest = RandomForest(n_trees=50, seed=0).fit(X, y)
    np.testing.assert_allclose(
        forest.predict_proba(np.array([[4.5], [24.5]])), np.eye(2)
    )
    assert forest.in_bag_.shape == (50, 20) and forest.oob_score_ == 1.0


def test_oob_proba_matches_sklearn_given_its_trees():
    # scikit-learn's own trees and bootstrap samples: only the averaging is ours
    X, y = rf_data(300, n_classes=3)
    for n_trees in (5, 40):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # rows without OOB trees
            ref = RandomForestClassifier(
                n_trees, min_samples_leaf=3, oob_score=True, random_state=0
            ).fit(X, y)
        samples = ref.estimators_samples_  # the rows each tree drew
        in_bag = np.array([np.bincount(s, minlength=300) for s in samples])
        got = oob_proba(ref.estimators_, in_bag, X, 3)
        has = (in_bag == 0).any(axis=0)
        assert np.isnan(got[~has]).all() and not np.isnan(got[has]).any()
        np.testing.assert_allclose(
            got[has], ref.oob_decision_function_[has], atol=1e-12
        )
        everyone = oob_proba(ref.estimators_, np.zeros((n_trees, 300)), X, 3)
        np.testing.assert_allclose(everyone, ref.predict_proba(X), atol=1e-12)


def test_random_forest_bootstrap_seeds_and_feature_subsets():
    X, y = rf_data(500)
    forest = RandomForest(n_trees=30, max_features="sqrt", seed=0).fit(X, y)
    bags = forest.in_bag_
    assert bags.shape == (30, 500) and (bags >= 0).all()
    assert (bags.sum(axis=1) == 500).all()
    # a row is left out of a bootstrap sample with probability (1 - 1/n)^n ~ 0.368
    assert 0.34 < np.mean(bags == 0) < 0.40
    for tree, counts in zip(forest.trees_, bags):
        assert tree.max_features_ == 4  # floor(sqrt(20)) features searched per split
        # the tree's root holds the classes of the rows in_bag_ records, with repeats
        root = np.zeros(2)
        root[tree.classes_] = tree.tree_.value[0, 0] / tree.tree_.value[0, 0].sum()
        np.testing.assert_allclose(root, np.bincount(y, weights=counts) / 500)
    # one feature per split: the root splits on the first feature the tree's own
    # random stream picks, so a shared seed would give every tree the same root feature
    one = RandomForest(n_trees=30, max_features=1, seed=0).fit(X, y)
    assert len({tree.tree_.feature[0] for tree in one.trees_}) > 5
    again = RandomForest(n_trees=30, max_features=1, seed=0).fit(X, y)
    np.testing.assert_array_equal(again.in_bag_, one.in_bag_)
    np.testing.assert_array_equal(again.predict_proba(X), one.predict_proba(X))
    assert not np.array_equal(RandomForest(30, seed=1).fit(X, y).in_bag_, bags)


def test_random_forest_soft_voting_with_a_missing_class():
    X, y = rf_data(300, n_classes=3, seed=2)
    y[y == 1] = 0
    y[7] = 1  # one row of class 1: about a third of the bootstrap samples miss it
    forest = RandomForest(n_trees=30, min_samples_leaf=5, seed=0).fit(X[:200], y[:200])
    X_test = X[200:]
    mean = np.zeros((100, 3))
    for tree in forest.trees_:
        mean[:, tree.classes_] += tree.predict_proba(X_test) / 30
    proba = forest.predict_proba(X_test)
    np.testing.assert_allclose(proba, mean, atol=1e-12)
    np.testing.assert_array_equal(forest.predict(X_test), proba.argmax(axis=1))
    everyone = oob_proba(forest.trees_, np.zeros((30, 100)), X_test, 3)
    np.testing.assert_allclose(proba, everyone, atol=1e-12)
    # the OOB attributes are oob_proba of the training rows and its accuracy
    oob = oob_proba(forest.trees_, forest.in_bag_, X[:200], 3)
    np.testing.assert_allclose(forest.oob_proba_, oob, atol=1e-12)
    has = ~np.isnan(oob[:, 0])
    assert forest.oob_score_ == np.mean(oob[has].argmax(axis=1) == y[:200][has])


@functools.cache  # the page reuses the test's forest
def rf_forest_on_1000_rows():
    X, y = rf_data(3000)
    return X, y, RandomForest(n_trees=100, seed=0).fit(X[:1000], y[:1000])


def test_random_forest_oob_tracks_test_accuracy_and_sklearn():
    X, y, forest = rf_forest_on_1000_rows()
    X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
    oob, test = {}, {}
    for k in (10, 25, 50, 100):
        first = forest.trees_[:k]
        oob_k = oob_proba(first, forest.in_bag_[:k], X_train, 2)
        has = ~np.isnan(oob_k[:, 0])
        oob[k] = np.mean(oob_k[has].argmax(axis=1) == y_train[has])
        everyone = oob_proba(first, np.zeros((k, 2000)), X_test, 2)
        test[k] = np.mean(everyone.argmax(axis=1) == y_test)
    assert abs(oob[100] - test[100]) < 0.04  # OOB estimates held-out accuracy
    for k in (25, 50, 100):  # more trees never cost much
        assert test[k] > max(test[j] for j in test if j < k) - 0.015
    assert oob[25] - oob[10] > 0.005 and abs(oob[100] - oob[50]) < 0.025  # it flattens
    tree = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
    assert test[100] > tree.score(X_test, y_test) + 0.04
    ref = RandomForestClassifier(100, oob_score=True, random_state=0)
    ref.fit(X_train, y_train)
    assert abs(forest.oob_score_ - ref.oob_score_) < 0.025
    assert abs(test[100] - ref.score(X_test, y_test)) < 0.02


@functools.cache  # the page reuses the test's forests
def rf_tree_predictions(max_features, n_sets=20, n_trees=10, n=150, m=200):
    """P[r, b, x]: tree b of a forest fitted to training set r, at m fixed test
    points; the n_sets training sets are disjoint draws from one distribution."""
    X, y = rf_data(n_sets * n + m, seed=3)
    X_test = X[n_sets * n :]
    P = np.empty((n_sets, n_trees, m))
    for r in range(n_sets):
        rows = slice(r * n, (r + 1) * n)
        forest = RandomForest(n_trees, max_features=max_features, seed=r)
        forest.fit(X[rows], y[rows])
        # each tree's probability of class 1 (its sample of 150 rows holds both classes)
        P[r] = [tree.predict_proba(X_test)[:, 1] for tree in forest.trees_]
    return P


def rf_variance_parts(P):
    """ESL's sigma^2 and rho (section 15.4.1), averaged over the test points: the
    variance of one tree's prediction over training sets and bootstraps, and the
    covariance of two trees of the same forest over training sets, over sigma^2."""
    n_trees = P.shape[1]
    per_tree = P.var(axis=0, ddof=1)  # (n_trees, m)
    pairs = P.sum(axis=1).var(axis=0, ddof=1) - per_tree.sum(axis=0)
    sigma2 = per_tree.mean()
    return sigma2, pairs.mean() / (n_trees * (n_trees - 1)) / sigma2


def rf_correlation_across_points(P):
    """The correlation of two trees' prediction vectors over the test points, within
    one forest (one training set), averaged over pairs and forests."""
    n_trees = P.shape[1]
    upper = np.triu_indices(n_trees, 1)
    return np.mean([np.corrcoef(forest)[upper].mean() for forest in P])


def test_random_forest_fewer_features_decorrelate_trees():
    bagging, sqrt = rf_tree_predictions(20), rf_tree_predictions("sqrt")
    corr = [rf_correlation_across_points(P) for P in (bagging, sqrt)]
    assert corr[1] < corr[0] - 0.05
    rho = [rf_variance_parts(P)[1] for P in (bagging, sqrt)]
    assert rho[1] < rho[0] - 0.03
    # the forest's prediction varies less over training sets
    var_forest = [P.mean(axis=1).var(axis=0, ddof=1).mean() for P in (bagging, sqrt)]
    assert var_forest[1] < 0.92 * var_forest[0]


# --------------------------------------------------------------------------------------
# 5. Implement gradient boosting for regression from scratch.
# Handbook: coding/classical-models/#gradient-boosting-regression
# --------------------------------------------------------------------------------------


def fit_regression_tree(
    X: np.ndarray, y: np.ndarray, max_depth: int
) -> Callable[[np.ndarray], np.ndarray]:
    """A least-squares regression tree (CART), grown depth-first to max_depth.

    Each node takes the split `X[:, j] <= t` that most reduces the sum of squared errors
    of y, with t the midpoint between two consecutive distinct values of feature j. A
    node is a leaf at max_depth, with fewer than two rows, when its targets are all
    equal, or when no feature has two distinct values; it predicts its rows' mean.
    Returns a function that maps an (m, d) array to the (m,) predictions.
    """
    raise NotImplementedError


def gradient_boosting_regression(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    n_estimators: int = 100,
    learning_rate: float = 0.1,
    max_depth: int = 3,
) -> np.ndarray:
    """Gradient boosting for squared error (Friedman, 2001).

    F starts at the mean of y. Each of n_estimators rounds fits a regression tree of
    depth max_depth to the residuals y - F(X), the negative gradient of (y - F)^2 / 2,
    and adds learning_rate times its predictions to F. Returns the predictions for
    X_test after 0, 1, ..., n_estimators trees: shape (n_estimators + 1, len(X_test)).
    """
    raise NotImplementedError


def float32_data(seed, n, d):
    # scikit-learn's trees store X as float32; values exact in float32 give the same
    # thresholds and the same comparisons in both implementations
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32).astype(np.float64)
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=n)
    return X, y


def test_gradient_boosting_worked_example():
    X, y = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([0.0, 0.0, 4.0, 4.0])
    np.testing.assert_allclose(fit_regression_tree(X, y, 1)(X), y, atol=1e-12)
    staged = gradient_boosting_regression(
        X, y, np.array([[0.0], [5.0]]), n_estimators=2, learning_rate=0.5, max_depth=1
    )
    np.testing.assert_allclose(staged, [[2, 2], [1, 3], [0.5, 3.5]], atol=1e-12)


def test_regression_tree_matches_sklearn_on_training_rows():
    # on new rows, splits that tie on the training rows may route differently
    X, y = float32_data(0, 300, 4)
    for depth in (1, 3, 6):
        ref = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
        tree = fit_regression_tree(X, y, depth)
        np.testing.assert_allclose(tree(X), ref.predict(X), atol=1e-10)


def test_gradient_boosting_matches_sklearn_at_every_stage():
    X, y = float32_data(1, 300, 4)
    staged = gradient_boosting_regression(
        X, y, X, n_estimators=40, learning_rate=0.2, max_depth=3
    )
    ref = GradientBoostingRegressor(
        n_estimators=40, learning_rate=0.2, max_depth=3, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(staged[0], y.mean(), atol=1e-12)
    np.testing.assert_allclose(staged[1:], list(ref.staged_predict(X)), atol=1e-8)


# --------------------------------------------------------------------------------------
# 6. How do you implement multinomial naive Bayes for text?
# Handbook: coding/classical-models/#naive-bayes-text
# --------------------------------------------------------------------------------------


def fit_naive_bayes(
    docs: list[list[str]], labels: list[int], alpha: float = 1.0
) -> dict:
    """Multinomial naive Bayes on tokenised documents, with add-alpha (Laplace)
    smoothing:
    P(word | c) = (count(word, c) + alpha) / (total words in c + alpha * |vocabulary|).
    Returns whatever predict_proba_naive_bayes needs."""
    raise NotImplementedError


def predict_proba_naive_bayes(model: dict, docs: list[list[str]]) -> np.ndarray:
    """P(class | doc) for each doc, (n_docs, n_classes), classes in sorted order. Words
    not seen in training are ignored. Work in log space: a long document must not
    underflow."""
    raise NotImplementedError


SPAM = [
    ["win", "cash", "now"],
    ["cheap", "cash", "offer"],
    ["meeting", "at", "noon"],
    ["project", "meeting", "notes"],
    ["win", "a", "cheap", "offer", "now"],
]
SPAM_LABELS = [1, 1, 0, 0, 1]


def test_naive_bayes_worked_example():
    model = fit_naive_bayes(SPAM, SPAM_LABELS)
    p = predict_proba_naive_bayes(
        model, [["cash", "offer", "tomorrow"], ["meeting", "now"]]
    )
    np.testing.assert_allclose(p, [[0.1104, 0.8896], [0.5275, 0.4725]], atol=1e-4)


def test_naive_bayes_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    docs = [list(rng.choice(words, size=rng.integers(3, 15))) for _ in range(60)]
    labels = list(rng.integers(0, 3, size=60))
    vectorizer = CountVectorizer(analyzer=lambda doc: doc)
    ref = MultinomialNB(alpha=0.5).fit(vectorizer.fit_transform(docs), labels)
    test_docs = [list(rng.choice(words + ["unseen"], size=8)) for _ in range(10)]
    expected = ref.predict_proba(vectorizer.transform(test_docs))
    model = fit_naive_bayes(docs, labels, alpha=0.5)
    np.testing.assert_allclose(predict_proba_naive_bayes(model, test_docs), expected)


def test_naive_bayes_long_documents_do_not_underflow():
    model = fit_naive_bayes(SPAM, SPAM_LABELS)
    p = predict_proba_naive_bayes(model, [["cash"] * 2000, ["meeting"] * 2000])
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.argmax(axis=1), [1, 0])


# --------------------------------------------------------------------------------------
# 7. Train a linear SVM from scratch with the hinge loss (subgradient descent or Pegasos).
# Handbook: coding/classical-models/#linear-svm-hinge
# --------------------------------------------------------------------------------------


def hinge_objective(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> float:
    """(lam / 2) * ||w||^2 + mean_i max(0, 1 - y_i * (x_i @ w + b)).

    X: (n, d), y: (n,) in {-1, +1}. The bias b is not regularised.
    """
    raise NotImplementedError


def hinge_subgradient(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> tuple[np.ndarray, float]:
    """A subgradient (g_w, g_b) of hinge_objective at (w, b). Only the points with
    y_i * (x_i @ w + b) < 1 contribute (at exactly 1, contributing nothing is a valid
    subgradient)."""
    raise NotImplementedError


def pegasos(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    n_iters: int = 1000,
    batch_size: int | None = None,
    project: bool = True,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    """Minimise hinge_objective by Pegasos, from w = 0, b = 0.

    Step t = 1, 2, ..., n_iters: draw batch_size distinct rows at random (batch_size
    None: all n rows every step, i.e. full-batch subgradient descent), take a
    subgradient step of size 1 / (lam * t) on the objective restricted to those rows,
    then, if project, shrink w onto the ball ||w|| <= 1 / sqrt(lam). Raise ValueError
    unless every label is -1 or +1. Returns (w, b) after the last step.
    """
    raise NotImplementedError


def svm_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian classes in 5 standardised features, labels -1/+1."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    X = rng.normal(size=(n, 5)) + 0.8 * y[:, None] * np.array([1, 0.5, 0, 0, 0])
    return (X - X.mean(0)) / X.std(0), y


def separable_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two correlated Gaussian classes, 100 rows, linearly separable for seed 0."""
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(100) < 50, 1.0, -1.0)
    X = rng.normal(size=(100, 2)) @ np.array([[1.0, 0.0], [1.5, 0.5]])
    X += 1.5 * y[:, None]
    return (X - X.mean(0)) / X.std(0), y


def svc_solution(X, y, lam) -> tuple[np.ndarray, float, SVC]:
    # SVC minimises ||w||^2 / 2 + C * sum(hinge): the objective times 1 / (lam n)
    svc = SVC(kernel="linear", C=1 / (lam * len(y)), tol=1e-10).fit(X, y)
    return svc.coef_[0], float(svc.intercept_[0]), svc


def geometric_margin(w, b, X, y) -> float:
    return float(np.min(y * (X @ w + b)) / np.linalg.norm(w))


def test_hinge_worked_example():
    X = np.array([[2.0, 2.0], [1.0, 0.0], [0.0, -1.0], [-2.0, -1.0]])
    y = np.array([1.0, 1.0, 1.0, -1.0])
    w, b = np.array([0.5, 0.5]), 0.0
    assert hinge_objective(w, b, X, y, lam=1.0) == pytest.approx(0.75)
    g_w, g_b = hinge_subgradient(w, b, X, y, lam=1.0)
    np.testing.assert_allclose(g_w, [0.25, 0.75])
    assert g_b == pytest.approx(-0.5)


def test_hinge_subgradient_matches_finite_differences():
    X, y = svm_data(50, seed=1)
    rng = np.random.default_rng(2)
    w, b, lam = rng.normal(size=5), 0.3, 0.1
    # away from the kink the objective is differentiable: no margin within 1e-3 of 1
    assert np.min(np.abs(y * (X @ w + b) - 1)) > 1e-3
    g_w, g_b = hinge_subgradient(w, b, X, y, lam)
    eps = 1e-6
    numeric = [
        (
            hinge_objective(w + eps * e, b, X, y, lam)
            - hinge_objective(w - eps * e, b, X, y, lam)
        )
        / (2 * eps)
        for e in np.eye(5)
    ]
    np.testing.assert_allclose(g_w, numeric, atol=1e-6)
    numeric_b = (
        hinge_objective(w, b + eps, X, y, lam) - hinge_objective(w, b - eps, X, y, lam)
    ) / (2 * eps)
    assert g_b == pytest.approx(numeric_b, abs=1e-6)


def test_hinge_subgradient_uses_only_margin_violators():
    X, y = svm_data(100)
    w, b, lam = np.array([1.0, 0.5, 0.0, 0.0, 0.0]), 0.1, 0.05
    g_w, g_b = hinge_subgradient(w, b, X, y, lam)
    beyond = y * (X @ w + b) > 1
    assert 0 < beyond.sum() < len(y)
    # push the points beyond the margin further out: the subgradient must not move
    moved = X.copy()
    moved[beyond] += 3.0 * y[beyond, None] * w / np.linalg.norm(w)
    g_w_moved, g_b_moved = hinge_subgradient(w, b, moved, y, lam)
    np.testing.assert_allclose(g_w_moved, g_w, atol=1e-12)
    assert g_b_moved == pytest.approx(g_b, abs=1e-12)
    # with every point beyond the margin only the regulariser is left
    g_w_all, g_b_all = hinge_subgradient(10 * w, b, X[beyond], y[beyond], lam)
    np.testing.assert_allclose(g_w_all, lam * 10 * w, atol=1e-12)
    assert g_b_all == pytest.approx(0.0, abs=1e-12)


def test_pegasos_objective_decreases():
    X, y = svm_data()
    lam = 0.01
    full = [
        hinge_objective(*pegasos(X, y, lam, t), X, y, lam) for t in (1, 10, 100, 1000)
    ]
    assert all(a >= b for a, b in zip(full, full[1:]))
    # a stochastic run is noisy step to step: average five seeds at each checkpoint
    mean = [
        np.mean(
            [
                hinge_objective(
                    *pegasos(X, y, lam, t, batch_size=10, seed=s), X, y, lam
                )
                for s in range(5)
            ]
        )
        for t in (10, 100, 1000)
    ]
    assert mean[0] > mean[1] > mean[2]


def test_pegasos_matches_sklearn_svc():
    X, y = svm_data()
    lam = 0.01
    w_ref, b_ref, svc = svc_solution(X, y, lam)
    best = hinge_objective(w_ref, b_ref, X, y, lam)
    w, b = pegasos(X, y, lam, 2000)
    assert hinge_objective(w, b, X, y, lam) == pytest.approx(best, rel=1e-4)
    assert np.mean(np.sign(X @ w + b) == np.sign(X @ w_ref + b_ref)) >= 0.99
    support = np.flatnonzero(y * (X @ w + b) <= 1 + 1e-3)
    assert len(set(support) ^ set(svc.support_)) <= 3
    w_sgd, b_sgd = pegasos(X, y, lam, 10000, batch_size=10)
    assert hinge_objective(w_sgd, b_sgd, X, y, lam) == pytest.approx(best, rel=0.02)
    assert np.mean(np.sign(X @ w_sgd + b_sgd) == np.sign(X @ w_ref + b_ref)) >= 0.95


def test_pegasos_rejects_labels_0_1():
    X, y = svm_data(20)
    with pytest.raises(ValueError):
        pegasos(X, (y > 0).astype(float), lam=0.1, n_iters=10)


def test_pegasos_margin_beats_logistic_on_separable_data():
    X, y = separable_data()
    lam = 1e-3
    w_ref, b_ref, _ = svc_solution(X, y, lam)
    assert np.all(y * (X @ w_ref + b_ref) > 1 - 1e-6)
    w, b = pegasos(X, y, lam, 20000)
    svm_margin = geometric_margin(w, b, X, y)
    assert svm_margin == pytest.approx(geometric_margin(w_ref, b_ref, X, y), rel=2e-3)
    logistic = LogisticRegression(tol=1e-10).fit(X, y)
    assert svm_margin > geometric_margin(
        logistic.coef_[0], logistic.intercept_[0], X, y
    )


# --------------------------------------------------------------------------------------
# 8. Implement an isolation forest for anomaly detection: random splits on subsamples, path lengths and the anomaly score.
# Handbook: coding/classical-models/#isolation-forest-from-scratch
# --------------------------------------------------------------------------------------


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
