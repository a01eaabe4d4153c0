"""The ML coding round: NumPy and classical ML. Practice file with 11 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scipy scikit-learn pytest
    pytest numpy-classical-ml.py                 # every exercise
    pytest numpy-classical-ml.py -k <function>   # one exercise, e.g. -k pairwise_sq_dists

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from scipy.special import softmax as scipy_softmax
from scipy.stats import multivariate_normal
from sklearn.cluster import KMeans
from sklearn.datasets import load_diabetes
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import Lasso
from sklearn.linear_model import LinearRegression
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model import Ridge
from sklearn.metrics import log_loss
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


# --------------------------------------------------------------------------------------
# 1. How do you compute all pairwise distances without a loop?
# Handbook: coding/numpy-classical-ml/#pairwise-distances
# --------------------------------------------------------------------------------------


def pairwise_sq_dists(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between every row of X (n, d) and every row of
    Y (m, d).

    Returns an (n, m) array D with D[i, j] = ||X[i] - Y[j]||^2, computed without a
    Python loop, in O(nm) memory (not O(nmd)), and never negative.
    """
    raise NotImplementedError


def test_pairwise_sq_dists_worked_example():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    Y = np.array([[1.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
    expected = np.array([[1.0, 25.0, 2.0], [1.0, 13.0, 0.0]])
    np.testing.assert_allclose(pairwise_sq_dists(X, Y), expected, atol=1e-9)


def test_pairwise_sq_dists_matches_scipy():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(50, 8)), rng.normal(size=(30, 8))
    D = pairwise_sq_dists(X, Y)
    assert D.shape == (50, 30)
    np.testing.assert_allclose(D, cdist(X, Y, "sqeuclidean"), rtol=1e-9, atol=1e-9)


def test_pairwise_sq_dists_never_negative():
    rng = np.random.default_rng(1)
    X = rng.normal(loc=1e4, size=(20, 5))
    D = pairwise_sq_dists(X, X)
    assert (D >= 0).all()
    np.testing.assert_allclose(np.diag(D), 0.0, atol=1e-3)


# --------------------------------------------------------------------------------------
# 2. How do you vectorise a Python loop over groups?
# Handbook: coding/numpy-classical-ml/#vectorise-group-means
# --------------------------------------------------------------------------------------


def group_means(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The mean of `values` (n,) within each group, without a Python loop.

    `groups` (n,) holds integers in [0, n_groups). Returns an (n_groups,) float array; a
    group with no members gets NaN. It must return what this loop returns:

        sums, counts = np.zeros(n_groups), np.zeros(n_groups)
        for v, g in zip(values, groups):
            sums[g] += v
            counts[g] += 1
        return sums / counts  # 0 / 0 gives nan
    """
    raise NotImplementedError


def loop_group_means(values, groups, n_groups):
    sums, counts = np.zeros(n_groups), np.zeros(n_groups)
    for v, g in zip(values, groups):
        sums[g] += v
        counts[g] += 1
    with np.errstate(invalid="ignore"):
        return sums / counts


def test_group_means_worked_example():
    values = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    groups = np.array([0, 2, 0, 2, 0])
    np.testing.assert_allclose(
        group_means(values, groups, 4), [14 / 3, np.nan, 3.0, np.nan], rtol=1e-12
    )


def test_group_means_matches_the_loop():
    rng = np.random.default_rng(0)
    values = rng.normal(size=1000)
    groups = rng.integers(0, 30, size=1000)
    np.testing.assert_allclose(
        group_means(values, groups, 35), loop_group_means(values, groups, 35), rtol=1e-9
    )


def test_group_means_repeated_indices_all_count():
    # sums[groups] += values would add only one value per group
    values = np.ones(6)
    groups = np.array([1, 1, 1, 1, 0, 0])
    np.testing.assert_allclose(
        group_means(values * np.arange(6), groups, 2), [4.5, 1.5]
    )


# --------------------------------------------------------------------------------------
# 3. How do you fit linear regression in closed form?
# Handbook: coding/numpy-classical-ml/#linear-regression-closed-form
# --------------------------------------------------------------------------------------


def fit_linear_regression(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Ordinary least squares with an intercept, in closed form.

    X: (n, d), y: (n,). Returns (w, b) minimising sum((X @ w + b - y) ** 2). Must not
    invert X^T X explicitly, and must work when columns of X are collinear (return the
    minimum-norm solution then).
    """
    raise NotImplementedError


def test_fit_linear_regression_worked_example():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    w, b = fit_linear_regression(X, np.array([1.0, 3.0, 5.0, 7.0]))
    np.testing.assert_allclose(w, [2.0], atol=1e-9)
    assert b == pytest.approx(1.0, abs=1e-9)


def test_fit_linear_regression_matches_sklearn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + 4.0 + rng.normal(size=100)
    w, b = fit_linear_regression(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-8)
    assert b == pytest.approx(ref.intercept_, abs=1e-8)


def test_fit_linear_regression_collinear_columns():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 1))
    X = np.hstack([x, x])  # X^T X is singular
    y = 3.0 * x[:, 0] + 1.0
    w, b = fit_linear_regression(X, y)
    # the minimum-norm solution splits the weight evenly
    np.testing.assert_allclose(w, [1.5, 1.5], atol=1e-8)
    np.testing.assert_allclose(X @ w + b, y, atol=1e-8)


# --------------------------------------------------------------------------------------
# 4. How do you train linear regression with gradient descent?
# Handbook: coding/numpy-classical-ml/#linear-regression-gradient-descent
# --------------------------------------------------------------------------------------


def linear_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.1, n_iters: int = 1000
) -> tuple[np.ndarray, float, np.ndarray]:
    """Least squares with an intercept by full-batch gradient descent on the mean
    squared error L(w, b) = mean((X @ w + b - y) ** 2), starting from w = 0, b = 0.

    Returns (w, b, losses), where losses has n_iters + 1 entries: losses[t] is L after
    t updates (so losses[0] = mean(y ** 2)).
    """
    raise NotImplementedError


def test_linear_regression_gd_worked_example():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([1.0, 3.0, 5.0, 7.0])
    w, b, losses = linear_regression_gd(X, y, lr=0.1, n_iters=1000)
    np.testing.assert_allclose(w, [2.0], atol=1e-6)
    assert b == pytest.approx(1.0, abs=1e-6)
    assert len(losses) == 1001
    assert losses[0] == pytest.approx(21.0)


def test_linear_regression_gd_reaches_the_closed_form():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = X @ np.array([2.0, -1.0, 0.0, 0.5]) - 3.0 + 0.1 * rng.normal(size=200)
    w, b, losses = linear_regression_gd(X, y, lr=0.1, n_iters=500)
    A = np.hstack([X, np.ones((200, 1))])
    exact, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(np.append(w, b), exact, atol=1e-6)
    assert np.all(np.diff(losses) <= 1e-12)  # never goes up with a small enough step


def test_linear_regression_gd_diverges_with_a_large_step():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3))
    y = X.sum(axis=1)
    *_, losses = linear_regression_gd(X, y, lr=2.0, n_iters=50)
    assert losses[-1] > losses[0]


# --------------------------------------------------------------------------------------
# 5. How do you implement lasso regression with coordinate descent?
# Handbook: coding/numpy-classical-ml/#lasso-coordinate-descent
# --------------------------------------------------------------------------------------


def soft_threshold(z: np.ndarray | float, t: float) -> np.ndarray | float:
    """S(z, t) = sign(z) * max(|z| - t, 0), elementwise."""
    raise NotImplementedError


def lasso_cd(
    X: np.ndarray,
    y: np.ndarray,
    alpha: float,
    w_init: np.ndarray | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, float, int]:
    """Lasso with an intercept by cyclic coordinate descent, scikit-learn's objective

        (1 / (2n)) * ||y - X @ w - b||^2 + alpha * ||w||_1     (b is not penalised).

    Start from w_init (zeros if None), update w_0, ..., w_{d-1} in order in each sweep,
    and stop after the first sweep whose largest weight change is at most
    tol * max_j |w_j| (or every weight is 0) and whose duality gap is at most
    tol * ||y - mean(y)||^2 / n; at most max_iter sweeps.
    Returns (w, b, number of sweeps run).
    """
    raise NotImplementedError


def lasso_path(
    X: np.ndarray,
    y: np.ndarray,
    n_alphas: int = 30,
    eps: float = 1e-3,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lasso on n_alphas values of alpha, geometric from alpha_max (the smallest
    alpha whose solution is all zeros) down to eps * alpha_max, each fit started from
    the previous one's weights (a warm start).
    Returns (alphas, coefs of shape (n_alphas, d), sweeps of shape (n_alphas,)).
    """
    raise NotImplementedError


def correlated_regression(n, d, seed, rho=0.6):
    """Rows with corr(x_i, x_j) = rho ** |i - j|, and y from 4 true weights + noise."""
    rng = np.random.default_rng(seed)
    cov = rho ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    X = rng.normal(size=(n, d)) @ np.linalg.cholesky(cov).T
    w_true = np.zeros(d)
    w_true[[0, 4, 9, 14]] = [2.0, -1.5, 1.0, 0.5]
    y = 3.0 + X @ w_true + rng.normal(size=n)
    return X, y, w_true


def test_lasso_worked_example():
    X = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    y = np.array([4.0, 2.0, 0.0, -2.0])
    assert soft_threshold(2.0, 0.5) == 1.5 and soft_threshold(-0.3, 0.5) == 0.0
    w, b, _ = lasso_cd(X, y, alpha=0.5)
    np.testing.assert_allclose(w, [1.5, 0.5], atol=1e-12)
    assert b == pytest.approx(1.0)
    w, b, _ = lasso_cd(X, y, alpha=1.5)
    np.testing.assert_allclose(w, [0.5, 0.0], atol=1e-12)


def test_lasso_cd_matches_sklearn():
    X, y, _ = correlated_regression(120, 15, seed=0)
    for alpha in (0.01, 0.05, 0.2, 0.5):
        w, b, _ = lasso_cd(X, y, alpha, tol=1e-6, max_iter=5000)
        ref = Lasso(alpha=alpha, fit_intercept=True, tol=1e-6, max_iter=5000).fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, atol=1e-4)
        assert b == pytest.approx(ref.intercept_, abs=1e-4)


def test_lasso_all_zero_from_alpha_max():
    X, y, _ = correlated_regression(80, 15, seed=1)
    alpha_max = np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean()))) / len(y)
    for alpha in (alpha_max, 2 * alpha_max):
        w, b, _ = lasso_cd(X, y, alpha)
        assert np.all(w == 0) and b == pytest.approx(y.mean())
    w, _, _ = lasso_cd(X, y, 0.99 * alpha_max)
    assert np.count_nonzero(w) == 1
    alphas, coefs, _ = lasso_path(X, y, n_alphas=5)
    assert alphas[0] == pytest.approx(alpha_max) and np.all(coefs[0] == 0)


def test_lasso_small_alpha_approaches_least_squares():
    X, y, _ = correlated_regression(200, 15, seed=2)
    w, b, _ = lasso_cd(X, y, alpha=1e-7, tol=1e-10, max_iter=10_000)
    exact, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y)
    np.testing.assert_allclose(np.append(w, b), exact, atol=1e-5)


def test_lasso_kkt_conditions_hold():
    X, y, _ = correlated_regression(100, 15, seed=3)
    alpha = 0.1
    w, b, _ = lasso_cd(X, y, alpha, tol=1e-10, max_iter=10_000)
    grad = X.T @ (y - X @ w - b) / len(y)
    zero = w == 0
    assert zero.any() and (~zero).any()
    assert np.all(np.abs(grad[zero]) <= alpha + 1e-8)
    np.testing.assert_allclose(grad[~zero], alpha * np.sign(w[~zero]), atol=1e-8)


def test_lasso_selection_depends_on_units():
    X, y, _ = correlated_regression(100, 20, seed=4)
    X_km = X.copy()
    # feature 0 recorded in km instead of m: same information, 1000x smaller numbers
    X_km[:, 0] /= 1000.0
    alpha = 0.1
    raw = [np.flatnonzero(lasso_cd(A, y, alpha)[0]) for A in (X, X_km)]
    assert 0 in raw[0] and 0 not in raw[1]
    std = [(A - A.mean(axis=0)) / A.std(axis=0) for A in (X, X_km)]
    kept = [np.flatnonzero(lasso_cd(A, y, alpha)[0]) for A in std]
    np.testing.assert_array_equal(kept[0], kept[1])
    assert 0 in kept[1]


# --------------------------------------------------------------------------------------
# 6. How do you implement logistic regression with gradient descent?
# Handbook: coding/numpy-classical-ml/#logistic-regression-gd
# --------------------------------------------------------------------------------------


def logistic_regression_gd(
    X: np.ndarray, y: np.ndarray, lr: float = 0.5, n_iters: int = 2000, l2: float = 0.0
) -> tuple[np.ndarray, float]:
    """Binary logistic regression by full-batch gradient descent from w = 0, b = 0.

    X: (n, d), y: (n,) in {0, 1}. Minimises the mean log loss plus (l2 / 2) * ||w||^2
    (the intercept b is not penalised). Returns (w, b). The sigmoid must not overflow or
    warn for large |X @ w + b|.
    """
    raise NotImplementedError


def test_logistic_regression_gd_worked_example():
    X = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 0, 1, 1])
    w, b = logistic_regression_gd(X, y, lr=0.5, n_iters=5000)
    np.testing.assert_allclose(w, [1.2140], atol=1e-3)
    assert b == pytest.approx(-0.6070, abs=1e-3)


def test_logistic_regression_gd_matches_sklearn_with_l2():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    p = 1 / (1 + np.exp(-(X @ np.array([1.5, -2.0, 0.0]) + 0.5)))
    y = (rng.random(300) < p).astype(int)
    w, b = logistic_regression_gd(X, y, lr=0.5, n_iters=3000, l2=0.01)
    # sklearn minimises C * sum(log loss) + ||w||^2 / 2,
    # the same objective times 1 / (C n)
    ref = LogisticRegression(C=1 / (300 * 0.01), tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_[0], atol=1e-4)
    assert b == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_logistic_regression_gd_large_inputs_do_not_overflow():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2)) * 1e4
    y = (X[:, 0] > 0).astype(int)
    with np.errstate(all="raise"):
        w, b = logistic_regression_gd(X, y, lr=0.1, n_iters=50, l2=0.1)
    assert np.all(np.isfinite(w)) and np.isfinite(b)


# --------------------------------------------------------------------------------------
# 7. How do you compute softmax and cross-entropy without overflow?
# Handbook: coding/numpy-classical-ml/#stable-softmax-cross-entropy
# --------------------------------------------------------------------------------------


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis of `logits` (..., C); finite for any finite input."""
    raise NotImplementedError


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of integer `labels` (n,) under softmax(logits) for logits
    (n, C), computed from the logits with log-sum-exp (never log(softmax(...)))."""
    raise NotImplementedError


def test_softmax_cross_entropy_worked_example():
    logits = np.array([[1000.0, 1001.0, 1002.0]])
    np.testing.assert_allclose(softmax(logits), [[0.09003057, 0.24472847, 0.66524096]])
    assert cross_entropy(logits, np.array([2])) == pytest.approx(0.40760596)


def test_softmax_matches_scipy_on_any_axis_shape():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(4, 3, 7))
    np.testing.assert_allclose(softmax(z), scipy_softmax(z, axis=-1), rtol=1e-12)


def test_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3, size=(50, 4))
    labels = rng.integers(0, 4, size=50)
    expected = log_loss(labels, scipy_softmax(logits, axis=1), labels=[0, 1, 2, 3])
    assert cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-9)


def test_softmax_cross_entropy_extreme_logits_stay_finite():
    logits = np.array([[-1000.0, 0.0, 1000.0], [500.0, 500.0, -500.0]])
    p = softmax(logits)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # confident wrong answers cost 2000 and 1000 + log 2 nats, not inf
    expected = (2000.0 + 1000.0 + np.log(2.0)) / 2
    assert cross_entropy(logits, np.array([0, 2])) == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------------------
# 8. How do you implement k-means with k-means++ seeding?
# Handbook: coding/numpy-classical-ml/#kmeans-plus-plus
# --------------------------------------------------------------------------------------


def kmeans_pp_init(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: the first centre is a row of X chosen uniformly; each next one
    is a row chosen with probability proportional to D(x)^2, its squared distance to the
    nearest centre chosen so far. Returns (k, d)."""
    raise NotImplementedError


def kmeans(
    X: np.ndarray, k: int, rng: np.random.Generator, n_iters: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm from kmeans_pp_init: assign each row to its nearest centroid,
    move each centroid to the mean of its rows, stop when no assignment changes (or
    after n_iters). A centroid that loses all its rows stays where it is. Returns
    (centroids (k, d), labels (n,))."""
    raise NotImplementedError


def blobs(centres, n_per, scale, seed):
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    X = np.concatenate([c + scale * rng.normal(size=(n_per, 2)) for c in centres])
    return X, np.repeat(np.arange(len(centres)), n_per)


def test_kmeans_worked_example():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
    centroids, labels = kmeans(X, 2, np.random.default_rng(0))
    order = np.argsort(centroids[:, 0])
    np.testing.assert_allclose(centroids[order], [[0.0, 0.5], [10.0, 10.5]])
    assert labels[0] == labels[1] != labels[2] == labels[3]


def test_kmeans_pp_init_spreads_over_separated_blobs():
    X, truth = blobs([[0, 0], [20, 0], [0, 20], [20, 20]], 50, 0.05, seed=0)
    for seed in range(3):
        C = kmeans_pp_init(X, 4, np.random.default_rng(seed))
        assert C.shape == (4, 2)
        rows = [np.argmin(np.sum((X - c) ** 2, axis=1)) for c in C]
        np.testing.assert_array_equal(X[rows], C)  # the centres are rows of X
        # uniform seeding puts two centres in one blob about 90% of the time
        assert len(set(truth[rows])) == 4


def test_kmeans_finds_sklearn_optimum_and_a_fixed_point():
    X, _ = blobs([[0, 0], [8, 0], [4, 7]], 100, 1.0, seed=1)
    centroids, labels = kmeans(X, 3, np.random.default_rng(0))
    ref = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
    inertia = np.sum((X - centroids[labels]) ** 2)
    assert inertia == pytest.approx(ref.inertia_, rel=1e-6)
    # converged: each centroid is its cluster's mean, each label its nearest centroid
    for j in range(3):
        np.testing.assert_allclose(centroids[j], X[labels == j].mean(axis=0))
    d2 = np.sum((X[:, None] - centroids[None]) ** 2, axis=2)
    np.testing.assert_array_equal(labels, d2.argmin(axis=1))


# --------------------------------------------------------------------------------------
# 9. Implement a Gaussian mixture model fitted with EM.
# Handbook: coding/numpy-classical-ml/#gmm-em-from-scratch
# --------------------------------------------------------------------------------------


def init_gmm(
    X: np.ndarray, k: int, seed: int, init: str = "kmeans++"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starting parameters for k full-covariance components on X (n, d), drawn with
    np.random.default_rng(seed): means are k rows of X, chosen by k-means++ seeding
    (init="kmeans++") or uniformly without replacement (init="random"); weights are
    1/k; every covariance is the covariance of X (divided by n). Returns (weights (k,),
    means (k, d), covs (k, d, d))."""
    raise NotImplementedError


def e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, covs: np.ndarray
) -> tuple[np.ndarray, float]:
    """Responsibilities resp (n, k), resp[i, j] = P(component j | x_i), and the
    log-likelihood sum_i log sum_j weights[j] N(x_i | means[j], covs[j]). Works in
    log space (no density is exponentiated before the log-sum-exp) and through a
    Cholesky factor of each covariance (no explicit inverse or determinant); raises
    np.linalg.LinAlgError if a covariance is not positive definite."""
    raise NotImplementedError


def m_step(
    X: np.ndarray, resp: np.ndarray, reg: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and full covariances that maximise the expected complete-data
    log-likelihood under resp, with reg added to the diagonal of every covariance.
    Returns (weights (k,), means (k, d), covs (k, d, d))."""
    raise NotImplementedError


def fit_gmm(
    X: np.ndarray,
    k: int,
    seed: int = 0,
    max_iter: int = 500,
    tol: float = 1e-6,
    reg: float = 1e-6,
    init: str = "kmeans++",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EM from init_gmm(X, k, seed, init): one iteration is an M-step (m_step with reg)
    on the current responsibilities followed by an E-step. Stops after the first
    iteration that raises the log-likelihood by less than tol per row (tol * n in
    total), or after max_iter iterations. Returns (weights, means, covs, trace), where
    trace[t] is the log-likelihood after t iterations (trace[0]: the initial
    parameters), so len(trace) - 1 iterations ran."""
    raise NotImplementedError


def gmm_sample(n, seed):
    """n rows from a known 2-D mixture of three components: (X, truth parameters)."""
    weights = np.array([0.5, 0.3, 0.2])
    means = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 3.5]])
    covs = np.array(
        [[[1.0, 0.5], [0.5, 1.0]], [[0.6, 0.0], [0.0, 1.5]], [[1.0, -0.3], [-0.3, 0.5]]]
    )
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=weights)
    noise = np.einsum("jab,nb->nja", np.linalg.cholesky(covs), rng.normal(size=(n, 2)))
    return means[z] + noise[np.arange(n), z], (weights, means, covs)


def test_gmm_worked_example():
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    weights, means, covs = (
        np.array([0.5, 0.5]),
        np.array([[1.0], [3.0]]),
        np.ones((2, 1, 1)),
    )
    resp, ll = e_step(X, weights, means, covs)
    # equal weights and variances: P(component 0 | x) = sigmoid(4 - 2x)
    r0 = 1 / (1 + np.exp(2 * X[:, 0] - 4))
    np.testing.assert_allclose(resp, np.column_stack([r0, 1 - r0]), atol=1e-12)
    density = 0.5 * (np.exp(-((X - 1) ** 2) / 2) + np.exp(-((X - 3) ** 2) / 2))
    assert ll == pytest.approx(np.sum(np.log(density / np.sqrt(2 * np.pi))), abs=1e-12)
    w, mu, var = m_step(X, resp, reg=0.0)
    np.testing.assert_allclose(w, [0.5, 0.5], atol=1e-12)
    mu0 = r0 @ X[:, 0] / r0.sum()
    np.testing.assert_allclose(mu[:, 0], [mu0, 4 - mu0], atol=1e-12)
    var0 = r0 @ (X[:, 0] - mu0) ** 2 / r0.sum()
    np.testing.assert_allclose(var[:, 0, 0], [var0, var0], atol=1e-12)


def test_e_step_matches_direct_densities_and_survives_underflow():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    weights = np.array([0.2, 0.5, 0.3])
    means = rng.normal(size=(3, 3))
    A = rng.normal(size=(3, 3, 3))
    covs = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(3)
    dens = np.column_stack(
        [w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(weights, means, covs)]
    )
    resp, ll = e_step(X, weights, means, covs)
    np.testing.assert_allclose(resp, dens / dens.sum(axis=1, keepdims=True), rtol=1e-9)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)
    assert ll == pytest.approx(np.log(dens.sum(axis=1)).sum(), rel=1e-10)
    # 50 standard deviations out both densities are below 1e-500: 0.0 in float64
    far = np.array([[50.0]])
    resp, ll = e_step(
        far, np.array([0.5, 0.5]), np.array([[0.0], [1.0]]), np.ones((2, 1, 1))
    )
    assert np.all(np.isfinite(resp)) and resp.sum() == pytest.approx(1.0, abs=1e-12)
    assert resp[0, 1] == pytest.approx(1.0, abs=1e-12)
    exact = np.log(0.5) - 0.5 * np.log(2 * np.pi) + np.logaddexp(-1250.0, -1200.5)
    assert ll == pytest.approx(exact, rel=1e-12)


def test_fit_gmm_log_likelihood_never_decreases():
    X, _ = gmm_sample(600, seed=1)
    for init in ("kmeans++", "random"):
        for seed in range(3):
            # reg=0 is exact EM, for which the monotonicity theorem holds
            *_, trace = fit_gmm(X, 3, seed=seed, tol=1e-8, reg=0.0, init=init)
            assert len(trace) >= 3 and np.all(np.isfinite(trace))
            assert np.all(np.diff(trace) >= -1e-10 * np.abs(trace[1:]))


def test_fit_gmm_recovers_a_known_mixture():
    X, (weights, means, covs) = gmm_sample(1500, seed=2)
    # best of five k-means++ starts, as GaussianMixture(n_init=5) would keep
    fits = [fit_gmm(X, 3, seed=seed) for seed in range(5)]
    w, mu, cov, _ = max(fits, key=lambda fit: fit[3][-1])
    # match fitted components to true ones: the Hungarian algorithm on distances
    cost = np.linalg.norm(mu[:, None] - means[None], axis=2)
    rows, cols = linear_sum_assignment(cost)
    # tolerances: about three standard errors of each estimate at n = 1500
    assert np.max(cost[rows, cols]) < 0.2
    np.testing.assert_allclose(w[rows], weights[cols], atol=0.04)
    np.testing.assert_allclose(cov[rows], covs[cols], atol=0.3)


def test_fit_gmm_matches_sklearn_from_the_same_start():
    X, _ = gmm_sample(600, seed=3)
    w0, mu0, cov0 = init_gmm(X, 3, seed=0)
    *_, trace = fit_gmm(X, 3, seed=0, max_iter=1000, tol=1e-10, reg=1e-4)
    ref = GaussianMixture(
        3,
        weights_init=w0,
        means_init=mu0,
        precisions_init=np.linalg.inv(cov0),
        reg_covar=1e-4,
        tol=1e-10,
        max_iter=1000,
    ).fit(X)
    # lower_bounds_ (scikit-learn >= 1.7): the mean log-likelihood before each M-step
    shared = min(len(trace), len(ref.lower_bounds_))
    np.testing.assert_allclose(
        trace[:shared] / len(X), ref.lower_bounds_[:shared], atol=1e-9
    )
    assert trace[-1] / len(X) == pytest.approx(ref.score(X), abs=1e-8)


def test_m_step_regularisation_prevents_collapse():
    X, _ = gmm_sample(60, seed=4)
    X = np.vstack([X, X[:1]])  # row 0, duplicated
    # component 0 owns only the two copies; component 1 owns everything else
    resp = np.zeros((len(X), 2))
    resp[[0, -1], 0] = 1.0
    resp[1:-1, 1] = 1.0
    w, mu, covs = m_step(X, resp, reg=0.0)
    np.testing.assert_allclose(mu[0], X[0], atol=1e-12)
    # zero spread (up to rounding): a singular covariance, an infinite density
    assert np.max(np.abs(covs[0])) < 1e-20
    covs[0] = 0.0
    with pytest.raises(np.linalg.LinAlgError):
        e_step(X, w, mu, covs)
    lls = []
    for reg in (1e-2, 1e-4, 1e-6):
        w, mu, covs = m_step(X, resp, reg=reg)
        assert np.min(np.linalg.eigvalsh(covs)) >= reg * (1 - 1e-9)
        resp_reg, ll = e_step(X, w, mu, covs)
        assert np.isfinite(ll) and np.allclose(resp_reg.sum(axis=1), 1.0)
        lls.append(ll)
    # finite for every reg > 0, but unbounded as reg -> 0: that is the collapse
    assert lls[0] < lls[1] < lls[2]


# --------------------------------------------------------------------------------------
# 10. How do you implement PCA with the SVD?
# Handbook: coding/numpy-classical-ml/#pca-svd
# --------------------------------------------------------------------------------------


def pca(X: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PCA by singular value decomposition (not by eigendecomposing the covariance).

    Returns (components, explained_variance_ratio, projected): components (k, d) are the
    unit principal directions, largest variance first, each with its largest-magnitude
    entry positive; explained_variance_ratio (k,) is each one's share of the total
    variance; projected (n, k) is the centred X in those coordinates.
    """
    raise NotImplementedError


def test_pca_worked_example():
    X = np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]])
    components, ratio, projected = pca(X, 2)
    np.testing.assert_allclose(components, [[1.0, 0.0], [0.0, 1.0]], atol=1e-12)
    np.testing.assert_allclose(ratio, [0.8, 0.2])
    np.testing.assert_allclose(projected, X, atol=1e-12)


def test_pca_matches_sklearn_up_to_sign():
    X = load_digits().data[:300]
    components, ratio, projected = pca(X, 5)
    ref = PCA(n_components=5).fit(X)
    np.testing.assert_allclose(ratio, ref.explained_variance_ratio_, rtol=1e-8)
    signs = np.sign(np.sum(components * ref.components_, axis=1))
    np.testing.assert_allclose(components, ref.components_ * signs[:, None], atol=1e-8)
    np.testing.assert_allclose(projected, ref.transform(X) * signs, atol=1e-6)


def test_pca_components_orthonormal_and_sign_fixed():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 6)) @ rng.normal(size=(6, 6))
    components, ratio, _ = pca(X, 4)
    np.testing.assert_allclose(components @ components.T, np.eye(4), atol=1e-10)
    assert np.all(np.diff(ratio) <= 0)
    biggest = components[np.arange(4), np.abs(components).argmax(axis=1)]
    assert np.all(biggest > 0)


# --------------------------------------------------------------------------------------
# 11. How do you write k-fold cross-validation without leakage?
# Handbook: coding/numpy-classical-ml/#kfold-without-leakage
# --------------------------------------------------------------------------------------


def kfold_indices(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k-fold splits of range(n), without shuffling: consecutive test folds, the first
    n % k of them one sample larger. Returns [(train_idx, test_idx), ...], k pairs."""
    raise NotImplementedError


def cross_val_mse(X: np.ndarray, y: np.ndarray, k: int, alpha: float) -> np.ndarray:
    """Test MSE on each of the k folds of kfold_indices(len(X), k) for ridge regression
    (penalty alpha * ||w||^2, intercept not penalised) on standardised features.

    Nothing may be learnt from a test fold: the means and standard deviations used to
    standardise come from the training rows of each fold only. Returns (k,) MSEs.
    """
    raise NotImplementedError


def test_kfold_worked_example():
    folds = kfold_indices(7, 3)
    assert [test.tolist() for _, test in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert folds[1][0].tolist() == [0, 1, 2, 5, 6]


def test_kfold_indices_match_sklearn():
    for n, k in [(10, 5), (11, 3), (100, 7)]:
        ours = kfold_indices(n, k)
        assert len(ours) == k
        for (train, test), (ref_train, ref_test) in zip(
            ours, KFold(k).split(np.zeros(n))
        ):
            np.testing.assert_array_equal(np.sort(train), ref_train)
            np.testing.assert_array_equal(np.sort(test), ref_test)


def test_cross_val_mse_matches_a_sklearn_pipeline():
    X, y = load_diabetes(return_X_y=True)
    X = X * np.linspace(1, 50, X.shape[1])  # features on different scales
    model = make_pipeline(StandardScaler(), Ridge(alpha=10.0))
    ref = -cross_val_score(model, X, y, cv=KFold(5), scoring="neg_mean_squared_error")
    np.testing.assert_allclose(cross_val_mse(X, y, 5, 10.0), ref, rtol=1e-8)
