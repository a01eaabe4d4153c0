# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np
from sklearn.tree import DecisionTreeClassifier


def tree_proba(tree, X: np.ndarray, n_classes: int) -> np.ndarray:
    # a bootstrap sample can miss a class: place the tree's columns by its classes_
    out = np.zeros((len(X), n_classes))
    out[:, tree.classes_.astype(int)] = tree.predict_proba(X)
    return out


def oob_proba(
    trees: list, in_bag: np.ndarray, X: np.ndarray, n_classes: int
) -> np.ndarray:
    total = np.zeros((len(X), n_classes))
    votes = np.zeros(len(X))
    for tree, counts in zip(trees, in_bag):
        unseen = counts == 0
        if unseen.any():
            total[unseen] += tree_proba(tree, X[unseen], n_classes)
            votes[unseen] += 1
    out = np.full((len(X), n_classes), np.nan)
    has = votes > 0
    out[has] = total[has] / votes[has, None]
    return out


class RandomForest:
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
        rng = np.random.default_rng(self.seed)
        n = len(y)
        self.n_classes_ = int(y.max()) + 1
        self.trees_ = []
        self.in_bag_ = np.zeros((self.n_trees, n), dtype=np.int64)
        for t in range(self.n_trees):
            rows = rng.integers(0, n, size=n)  # the bootstrap: n draws with replacement
            self.in_bag_[t] = np.bincount(rows, minlength=n)
            tree = DecisionTreeClassifier(
                max_features=self.max_features,  # features searched at every split
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                # its own seed: the trees must not share one feature-sampling stream
                random_state=int(rng.integers(2**31 - 1)),
            )
            self.trees_.append(tree.fit(X[rows], y[rows]))
        self.oob_proba_ = oob_proba(self.trees_, self.in_bag_, X, self.n_classes_)
        has = ~np.isnan(self.oob_proba_[:, 0])
        self.oob_score_ = float(np.mean(self.oob_proba_[has].argmax(axis=1) == y[has]))
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.mean([tree_proba(t, X, self.n_classes_) for t in self.trees_], axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)


# --8<-- [end:solution]


# --8<-- [start:tests]
import functools
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_random_forest_worked_example,
    test_oob_proba_matches_sklearn_given_its_trees,
    test_random_forest_bootstrap_seeds_and_feature_subsets,
    test_random_forest_soft_voting_with_a_missing_class,
    test_random_forest_oob_tracks_test_accuracy_and_sklearn,
    test_random_forest_fewer_features_decorrelate_trees,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
in_bag = np.array([[2, 0, 0, 2], [0, 1, 1, 2], [2, 0, 1, 1]])
print(
    "worked example, OOB rows:",
    oob_proba(rf_constant_trees(), in_bag, np.zeros((4, 1)), 2).tolist(),
)

X, y, forest = rf_forest_on_1000_rows()
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
print(f"{'trees':>5}{'no OOB tree':>13}{'OOB acc':>9}{'test acc':>10}")
for k in (1, 5, 10, 25, 50, 100):
    oob_k = oob_proba(forest.trees_[:k], forest.in_bag_[:k], X_train, 2)
    has = ~np.isnan(oob_k[:, 0])
    oob_acc = np.mean(oob_k[has].argmax(axis=1) == y_train[has])
    test_k = oob_proba(forest.trees_[:k], np.zeros((k, 2000)), X_test, 2)
    test_acc = np.mean(test_k.argmax(axis=1) == y_test)
    print(f"{k:5d}{1 - has.mean():13.3f}{oob_acc:9.3f}{test_acc:10.3f}")
tree = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
print(f"one tree, all rows: test acc {tree.score(X_test, y_test):.3f}")
for k in (5, 100):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = RandomForestClassifier(k, oob_score=True, random_state=0)
        ref.fit(X_train, y_train)
    # scikit-learn gives a row without OOB trees the probabilities 0, hence class 0
    has = ref.oob_decision_function_.sum(axis=1) > 0
    ours = np.mean(ref.oob_decision_function_[has].argmax(axis=1) == y_train[has])
    print(
        f"scikit-learn, {k} trees: oob_score_ {ref.oob_score_:.3f}, over rows with an "
        f"OOB tree {ours:.3f}; test acc {ref.score(X_test, y_test):.3f}"
    )

# soft voting: scikit-learn averages the trees' probabilities
ours = np.array([t.predict_proba(X_test)[:, 1] for t in forest.trees_])
ref = RandomForestClassifier(100, min_samples_leaf=10, random_state=0)
per_tree = np.array([t.predict_proba(X_test)[:, 1] for t in ref.fit(X_train, y_train)])
print(
    "scikit-learn's predict_proba is the mean of its trees' probabilities: "
    f"{np.allclose(ref.predict_proba(X_test)[:, 1], per_tree.mean(axis=0))}"
)
for label, P in (("grown to purity", ours), ("min_samples_leaf=10", per_tree)):
    votes = (P > 0.5).mean(axis=0)
    differ = np.mean((votes > 0.5) != (P.mean(axis=0) > 0.5))
    print(f"{label}: hard and soft votes differ on {differ:.3f} of the test rows")

# ESL's rho and sigma^2: 20 training sets of 150 rows, 10 trees each, 200 test points
print(
    f"{'max_features':<14}{'sigma2':>7}{'rho':>7}{'rho sigma2':>11}{'corr over x':>12}"
)
parts = {}
for label, mf in (("20 (bagging)", 20), ("4 (sqrt)", "sqrt")):
    P = rf_tree_predictions(mf)
    sigma2, rho = rf_variance_parts(P)
    parts[label] = P, sigma2, rho
    corr = rf_correlation_across_points(P)
    print(f"{label:<14}{sigma2:7.3f}{rho:7.3f}{rho * sigma2:11.4f}{corr:12.3f}")
print("variance of the forest's p(x) over training sets, measured and by (15.1)")
print(f"{'trees':>5}{'bagging':>10}{'formula':>9}{'sqrt':>10}{'formula':>9}")
for b in (1, 2, 5, 10):
    row = ""
    for P, sigma2, rho in parts.values():
        measured = P[:, :b].mean(axis=1).var(axis=0, ddof=1).mean()
        row += f"{measured:10.4f}{rho * sigma2 + (1 - rho) * sigma2 / b:9.4f}"
    print(f"{b:5d}{row}")
# --8<-- [end:check]
