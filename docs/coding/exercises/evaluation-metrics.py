"""The ML coding round: Metrics. Practice file with 9 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scipy scikit-learn pytest
    pytest evaluation-metrics.py                 # every exercise
    pytest evaluation-metrics.py -k <function>   # one exercise, e.g. -k precision_recall_f1

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import numpy as np
import pytest
import sklearn.metrics
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_moons
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import average_precision_score
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.metrics import ndcg_score
from sklearn.metrics import roc_auc_score


# --------------------------------------------------------------------------------------
# 1. How do you compute precision, recall and F1 from scratch?
# Handbook: coding/evaluation-metrics/#precision-recall-f1
# --------------------------------------------------------------------------------------


def precision_recall_f1(
    y_true: np.ndarray, y_pred: np.ndarray
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class 1 for binary labels in {0, 1}.
    A ratio with a zero denominator is 0.0 (no exception, no nan)."""
    raise NotImplementedError


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The unweighted mean over classes of each class's one-vs-rest F1, for integer
    labels; the classes are those present in y_true or y_pred."""
    raise NotImplementedError


def test_precision_recall_f1_worked_example():
    y_true = np.array([1, 1, 0, 1, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 1, 1])
    assert precision_recall_f1(y_true, y_pred) == pytest.approx((0.5, 2 / 3, 4 / 7))


def test_precision_recall_f1_matches_sklearn():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y_true, y_pred = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average="binary", zero_division=0
        )
        assert precision_recall_f1(y_true, y_pred) == pytest.approx((p, r, f))


def test_precision_recall_f1_no_positive_predictions_is_zero_not_nan():
    y_true, y_pred = np.array([1, 0, 1]), np.array([0, 0, 0])
    assert precision_recall_f1(y_true, y_pred) == (0.0, 0.0, 0.0)


def test_macro_f1_matches_sklearn():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
    expected = f1_score(y_true, y_pred, average="macro", zero_division=0)
    assert macro_f1(y_true, y_pred) == pytest.approx(expected)


# --------------------------------------------------------------------------------------
# 2. How do you compute ROC-AUC without drawing the curve?
# Handbook: coding/evaluation-metrics/#roc-auc-rank
# --------------------------------------------------------------------------------------


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve for binary labels in {0, 1}: the probability that a
    random positive scores above a random negative, ties counting one half. O(n log n):
    no loop over pairs. Raises ValueError if only one class is present."""
    raise NotImplementedError


def test_roc_auc_worked_example():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)


def test_roc_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = rng.integers(0, 2, 200)
        scores = np.round(rng.random(200) + 0.3 * y, 1)  # rounding creates many ties
        assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores))


def test_roc_auc_constant_scores_and_one_class():
    assert roc_auc(np.array([0, 1, 0, 1]), np.zeros(4)) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        roc_auc(np.array([1, 1, 1]), np.array([0.2, 0.5, 0.9]))


# --------------------------------------------------------------------------------------
# 3. How do you compute average precision (PR-AUC)?
# Handbook: coding/evaluation-metrics/#average-precision
# --------------------------------------------------------------------------------------


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Average precision, the step-wise area under the precision-recall curve:
    sum over thresholds of (R_t - R_{t-1}) * P_t, one threshold per distinct score (tied
    scores enter together), no interpolation. This is sklearn's
    average_precision_score."""
    raise NotImplementedError


def test_average_precision_worked_example():
    y = np.array([0, 0, 1, 1])
    assert average_precision(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(5 / 6)


def test_average_precision_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = (rng.random(300) < 0.1).astype(int)
        y[0] = 1
        scores = np.round(rng.random(300) + 0.5 * y, 1)
        expected = average_precision_score(y, scores)
        assert average_precision(y, scores) == pytest.approx(expected)


def test_average_precision_perfect_and_reversed():
    y = np.array([1, 1, 0, 0, 0])
    assert average_precision(y, np.array([5.0, 4, 3, 2, 1])) == pytest.approx(1.0)
    assert average_precision(y, np.array([1.0, 2, 3, 4, 5])) == pytest.approx(
        0.5 * (1 / 4 + 2 / 5)
    )


# --------------------------------------------------------------------------------------
# 4. Implement expected calibration error and fit temperature scaling.
# Handbook: coding/evaluation-metrics/#ece-temperature-scaling
# --------------------------------------------------------------------------------------


def expected_calibration_error(
    probs: np.ndarray,
    labels: np.ndarray,
    n_bins: int = 15,
    strategy: str = "uniform",
) -> float:
    """Top-label expected calibration error of multi-class probabilities.

    probs is (n, K), rows summing to 1; labels is (n,), ints in 0..K-1. The confidence
    of row i is c_i = max_k probs[i, k]; it is correct if argmax_k probs[i, k] (the
    first index on a tie) equals labels[i]. Bin edges e_0 <= ... <= e_B, B = n_bins:
      "uniform":  e = np.linspace(0, 1, B + 1)                   (equal width)
      "quantile": e = np.quantile(c, np.linspace(0, 1, B + 1))   (equal mass)
    Bin b holds the confidences in (e_b, e_{b+1}]: right-closed, so a confidence equal
    to an edge goes to the bin below it, 1.0 to the last bin, and c = e_0 to bin 0.
    ECE = sum over non-empty bins of (n_b / n) * |accuracy_b - mean confidence_b|.
    Any other strategy raises ValueError.
    """
    raise NotImplementedError


def fit_temperature(
    logits: np.ndarray,
    labels: np.ndarray,
    t_min: float = 0.01,
    t_max: float = 100.0,
) -> float:
    """Temperature scaling (Guo et al., 2017): the T in [t_min, t_max] minimising the
    mean negative log-likelihood -mean_i log softmax(logits[i] / T)[labels[i]] on
    held-out data. logits is (n, K). Search over log T and locate the minimum to 1e-6
    in log T; return t_min or t_max if the NLL is still falling at that bound.
    """
    raise NotImplementedError


# conf 0.5 and 0.75 sit exactly on edges of 4 uniform bins; conf 1.0 is the top edge
WORKED_PROBS = np.array(
    [
        [0.5, 0.3, 0.2],
        [0.2, 0.7, 0.1],
        [1.0, 0.0, 0.0],
        [0.1, 0.1, 0.8],
        [0.4, 0.35, 0.25],
        [0.25, 0.75, 0.0],
    ]
)
WORKED_LABELS = np.array([0, 2, 0, 2, 1, 1])


def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sample_labels(rng, probs):
    """One label per row, drawn from that row's probabilities."""
    u = rng.random(len(probs))[:, None]
    return np.minimum((probs.cumsum(axis=1) < u).sum(axis=1), probs.shape[1] - 1)


def reference_ece_loop(probs, labels, n_bins, strategy):
    conf = [max(row) for row in probs]
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.quantile(conf, np.linspace(0.0, 1.0, n_bins + 1))
    members = [[] for _ in range(n_bins)]
    for row, label, c in zip(probs, labels, conf):
        predicted = max(range(len(row)), key=lambda k: row[k])  # first on a tie
        for b in range(n_bins):
            if edges[b] < c <= edges[b + 1] or (b == 0 and c <= edges[0]):
                members[b].append((c, predicted == label))
                break
    total = 0.0
    for bin_members in members:
        if bin_members:
            mean_conf = sum(c for c, _ in bin_members) / len(bin_members)
            accuracy = sum(ok for _, ok in bin_members) / len(bin_members)
            total += len(bin_members) / len(probs) * abs(accuracy - mean_conf)
    return total


def calibrated_ece_bias(probs, n_bins, strategy):
    """Expected ECE of a perfectly calibrated model with these confidences: per bin,
    acc_b - conf_b has mean 0 and variance sum_i c_i (1 - c_i) / n_b^2, and
    E|N(0, s^2)| = s * sqrt(2 / pi); weighted by n_b / n and summed over bins."""
    conf = probs.max(axis=1)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.quantile(conf, np.linspace(0.0, 1.0, n_bins + 1))
    bins = np.clip(np.searchsorted(edges, conf) - 1, 0, n_bins - 1)
    var_sum = np.bincount(bins, weights=conf * (1 - conf), minlength=n_bins)
    return float(np.sqrt(2 / np.pi * var_sum).sum() / len(conf))


def test_ece_worked_example():
    ece = expected_calibration_error(WORKED_PROBS, WORKED_LABELS, n_bins=4)
    # bins (0.25, 0.5], (0.5, 0.75], (0.75, 1]: gaps 0.05, 0.225, 0.1, two rows each
    assert ece == pytest.approx(0.125)


def test_ece_uniform_against_quantile_bins():
    p, y = WORKED_PROBS, WORKED_LABELS
    # median edge 0.725: {0.4, 0.5, 0.7} and {0.75, 0.8, 1.0}, gaps 0.2 and 0.15
    assert expected_calibration_error(p, y, 2, "quantile") == pytest.approx(0.175)
    # one bin: |accuracy - mean confidence| = |4/6 - 4.15/6|, whatever the strategy
    for strategy in ("uniform", "quantile"):
        assert expected_calibration_error(p, y, 1, strategy) == pytest.approx(0.025)
    with pytest.raises(ValueError):
        expected_calibration_error(p, y, 4, "equal-width")


def test_ece_matches_a_reference_loop():
    rng = np.random.default_rng(0)
    for trial in range(3):
        # continuous confidences; 301 = 7 * 43, so no quantile edge lands on a sample
        z = rng.normal(scale=1.0 + trial, size=(302, 5))
        probs = softmax_rows(z)
        labels = rng.integers(0, 5, size=302)
        for n_bins in (1, 4, 10, 15, 30):
            for strategy in ("uniform", "quantile"):
                assert expected_calibration_error(
                    probs, labels, n_bins, strategy
                ) == pytest.approx(reference_ece_loop(probs, labels, n_bins, strategy))
    # probabilities in eighths: confidences on the edges, tied maxima, tied quantiles
    probs = rng.multinomial(8, [0.4, 0.3, 0.2, 0.1], size=300) / 8
    labels = rng.integers(0, 4, size=300)
    for n_bins in (4, 8):
        for strategy in ("uniform", "quantile"):
            assert expected_calibration_error(
                probs, labels, n_bins, strategy
            ) == pytest.approx(reference_ece_loop(probs, labels, n_bins, strategy))


def test_ece_of_a_calibrated_model_is_its_sampling_bias():
    rng = np.random.default_rng(1)
    probs = softmax_rows(2.0 * rng.standard_normal((20_000, 10)))
    # labels drawn from the model's own probabilities: calibrated by construction
    eces = [
        expected_calibration_error(probs, sample_labels(rng, probs)) for _ in range(10)
    ]
    assert max(eces) < 0.02
    assert np.mean(eces) == pytest.approx(
        calibrated_ece_bias(probs, 15, "uniform"), rel=0.2
    )


def test_fit_temperature_recovers_the_overconfidence_factor():
    rng = np.random.default_rng(2)
    z = 2.0 * rng.standard_normal((10_000, 10))
    y = sample_labels(rng, softmax_rows(z))
    t3, t1 = fit_temperature(3 * z, y), fit_temperature(z, y)
    assert t3 == pytest.approx(3.0, rel=0.05)
    assert t1 == pytest.approx(1.0, rel=0.05)
    # NLL(c z, T) = NLL(z, T / c): the fitted T scales exactly with the logits
    assert t3 / t1 == pytest.approx(3.0, rel=1e-5)

    def nll(t):
        return -np.log(softmax_rows(3 * z / t)[np.arange(len(y)), y]).mean()

    assert nll(t3) <= min(nll(t3 * 1.01), nll(t3 / 1.01))
    # right on every example with a margin: the NLL falls all the way to T = t_min
    separable = 5.0 * np.eye(10)[y]
    assert fit_temperature(separable, y) == pytest.approx(0.01)


def test_temperature_scaling_keeps_the_argmax():
    rng = np.random.default_rng(3)
    z_val, z_test = (2.0 * rng.standard_normal((5_000, 10)) for _ in range(2))
    y_val = sample_labels(rng, softmax_rows(z_val))
    y_test = sample_labels(rng, softmax_rows(z_test))
    t = fit_temperature(3 * z_val, y_val)
    before, after = softmax_rows(3 * z_test), softmax_rows(3 * z_test / t)
    assert np.array_equal(before.argmax(axis=1), after.argmax(axis=1))
    accuracy = (before.argmax(axis=1) == y_test).mean()
    assert (after.argmax(axis=1) == y_test).mean() == accuracy
    ece_before = expected_calibration_error(before, y_test)
    ece_after = expected_calibration_error(after, y_test)
    assert ece_after < ece_before / 5


# --------------------------------------------------------------------------------------
# 5. Implement isotonic regression with the pool-adjacent-violators algorithm and use it to calibrate a classifier.
# Handbook: coding/evaluation-metrics/#isotonic-regression-pav
# --------------------------------------------------------------------------------------


def pool_adjacent_violators(
    y: np.ndarray, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """Weighted isotonic regression of y in the order given: the non-decreasing f that
    minimises sum_i w_i (y_i - f_i)^2 (weights > 0, default 1). One pass in O(n) with a
    stack of blocks (value, weight, count): push each point as a block, and while the
    block below has a larger value, pop it and pool the two into their weighted mean.
    Returns the fitted value of every point."""
    raise NotImplementedError


class IsotonicPAV:
    """Isotonic regression of y on a 1-D x, as
    sklearn.isotonic.IsotonicRegression(out_of_bounds="clip"):
    fit drops zero weights, pools the points with equal x first (weighted mean of y,
    summed weights), so tied x share one fitted value, then runs PAV over the distinct
    x in increasing order. predict interpolates linearly between the ends (first and
    last x) of the fitted blocks, which is flat inside a block, and returns the end
    values for x outside [min x, max x]."""

    def fit(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> "IsotonicPAV":
        raise NotImplementedError

    def predict(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def fit_transform(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        return self.fit(x, y, sample_weight).predict(x)


def isotonic_random_problem(rng, n=200, binary=False):
    """x with many ties, a noisy increasing trend, weights with some zeros."""
    x = rng.integers(0, 40, n).astype(float)
    y = x / 40 + rng.normal(scale=0.4, size=n)
    if binary:
        # 0/1 labels, positive with a probability that rises with x
        y = (rng.random(n) < 1 / (1 + np.exp(2 - 4 * y))).astype(float)
    w = rng.exponential(size=n) * (rng.random(n) > 0.1)
    return x, y, w


def test_pav_worked_examples():
    assert pool_adjacent_violators([1, 3, 2, 4]) == pytest.approx([1, 2.5, 2.5, 4])
    # weights 1 and 3 on the violating pair: (3 * 1 + 2 * 3) / 4 = 2.25
    assert pool_adjacent_violators([1, 3, 2, 4], [1, 1, 3, 1]) == pytest.approx(
        [1, 2.25, 2.25, 4]
    )
    # pooling cascades: 4 and 3 give 3.5, which still violates 2, so all three pool to 3
    assert pool_adjacent_violators([1, 4, 3, 2, 5]) == pytest.approx([1, 3, 3, 3, 5])
    assert pool_adjacent_violators([3, 2, 1]) == pytest.approx([2, 2, 2])


def test_isotonic_fit_predict_worked_example():
    iso = IsotonicPAV().fit([1, 2, 3, 4], [1, 3, 2, 4])
    # blocks {1}: 1, {2, 3}: 2.5, {4}: 4; linear between 1 and 2 and between 3 and 4
    grid = [0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 10]
    assert iso.predict(grid) == pytest.approx([1, 1, 1.75, 2.5, 2.5, 2.5, 3.25, 4, 4])
    # tied x are pooled before PAV: x = 2 has mean y 1.5, which violates nothing
    tied = IsotonicPAV().fit_transform([1, 2, 2, 3], [1, 3, 0, 4])
    assert tied == pytest.approx([1, 1.5, 1.5, 4])
    # sorting ties by y instead and running PAV on [1, 0, 3, 4] is another estimator
    assert pool_adjacent_violators([1, 0, 3, 4]) == pytest.approx([0.5, 0.5, 3, 4])


def test_monotone_input_is_returned_unchanged():
    rng = np.random.default_rng(0)
    y = np.sort(rng.normal(size=100))
    y[10:20] = y[10]  # runs of equal values are not violations either
    assert np.array_equal(pool_adjacent_violators(y, rng.exponential(size=100)), y)
    x = np.sort(rng.permutation(1000)[:100]).astype(float)
    assert np.array_equal(IsotonicPAV().fit_transform(x, y), y)


def test_isotonic_matches_sklearn_with_ties_and_weights():
    rng = np.random.default_rng(1)
    grid = np.linspace(-5, 45, 201)
    for trial in range(20):
        x, y, w = isotonic_random_problem(rng, binary=trial % 2 == 1)
        ours, ref = IsotonicPAV(), IsotonicRegression(out_of_bounds="clip")
        np.testing.assert_allclose(
            ours.fit_transform(x, y, w),
            ref.fit_transform(x, y, sample_weight=w),
            rtol=0,
            atol=1e-10,
        )
        # between and beyond the training x: interpolation and clipping
        np.testing.assert_allclose(
            ours.predict(grid), ref.predict(grid), rtol=0, atol=1e-10
        )
        unweighted = IsotonicRegression().fit_transform(x, y)
        np.testing.assert_allclose(
            IsotonicPAV().fit_transform(x, y), unweighted, rtol=0, atol=1e-10
        )


def test_pav_minimises_the_weighted_squared_error():
    rng = np.random.default_rng(2)
    for _ in range(10):
        x, y, w = isotonic_random_problem(rng)
        fitted = IsotonicPAV().fit_transform(x, y, w)
        _, group = np.unique(x, return_inverse=True)
        # feasible: non-decreasing in x, one value per distinct x
        assert np.all(np.diff(fitted[np.argsort(x, kind="stable")]) >= 0)
        f_unique = np.bincount(group, weights=fitted) / np.bincount(group)
        assert np.allclose(fitted, f_unique[group], rtol=0, atol=1e-12)
        best = np.sum(w * (y - fitted) ** 2)
        # other feasible fits: random perturbations, sorted to stay monotone
        for scale in (1e-4, 1e-3, 1e-2, 1e-1, 1.0):
            for _ in range(20):
                other = np.sort(f_unique + scale * rng.normal(size=len(f_unique)))
                assert best <= np.sum(w * (y - other[group]) ** 2) + 1e-12
        constant = np.average(y, weights=w)
        assert best <= np.sum(w * (y - constant) ** 2)


# --------------------------------------------------------------------------------------
# 6. How do you compute NDCG@k?
# Handbook: coding/evaluation-metrics/#ndcg-at-k
# --------------------------------------------------------------------------------------


def ndcg_at_k(
    relevance: np.ndarray, scores: np.ndarray, k: int, exponential: bool = False
) -> float:
    """NDCG@k for one query. relevance (n,) holds the graded labels of all n candidates,
    scores (n,) the model's scores (assume no ties). DCG@k sums gain / log2(rank + 1)
    over the k highest-scored items, rank starting at 1; gain is the relevance, or
    2 ** relevance - 1 if exponential. IDCG@k is the DCG@k of the ideal order.
    Returns DCG@k / IDCG@k, or 0.0 when no candidate is relevant."""
    raise NotImplementedError


def test_ndcg_at_k_worked_example():
    relevance = np.array([3, 2, 3, 0, 1, 2])
    scores = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])  # the system ranks them as given
    assert ndcg_at_k(relevance, scores, k=6) == pytest.approx(0.96081, abs=1e-5)
    assert ndcg_at_k(relevance, scores, k=3) == pytest.approx(0.97778, abs=1e-5)


def test_ndcg_at_k_matches_sklearn():
    rng = np.random.default_rng(0)
    for k in (1, 3, 5, 10, 50):
        relevance = rng.integers(0, 4, 20)
        scores = rng.random(20)
        expected = ndcg_score([relevance], [scores], k=k)
        assert ndcg_at_k(relevance, scores, k) == pytest.approx(expected)
        # exponential gains are linear gains of 2^rel - 1,
        # which keeps the same ideal order
        expected = ndcg_score([2.0**relevance - 1], [scores], k=k)
        assert ndcg_at_k(relevance, scores, k, exponential=True) == pytest.approx(
            expected
        )


def test_ndcg_at_k_ideal_uses_all_candidates_and_handles_no_relevance():
    # the only relevant item is ranked 4th: NDCG@3 must be 0, not undefined or 1
    relevance, scores = np.array([0, 0, 0, 2]), np.array([4.0, 3.0, 2.0, 1.0])
    assert ndcg_at_k(relevance, scores, 3) == 0.0
    assert ndcg_at_k(np.zeros(4, dtype=int), scores, 3) == 0.0


# --------------------------------------------------------------------------------------
# 7. How do you compute mean average precision for ranked lists?
# Handbook: coding/evaluation-metrics/#mean-average-precision
# --------------------------------------------------------------------------------------


def mean_average_precision(
    rankings: list[list[str]], relevant: list[set[str]], k: int | None = None
) -> float:
    """MAP over queries. rankings[q] is the system's ranked list of item ids for query
    q, relevant[q] the (non-empty) set of ids relevant to it. For one query,
    AP@k = (1 / min(|relevant|, k)) * sum of precision@i over the ranks i <= k that
    hold a relevant item; k=None means the whole list and the denominator |relevant|.
    Returns the mean of AP@k over queries."""
    raise NotImplementedError


def test_mean_average_precision_worked_example():
    rankings = [["a", "b", "c", "d", "e"], ["x", "y", "z"]]
    relevant = [{"a", "c", "f"}, {"y"}]
    # query 1: (1/1 + 2/3) / 3; query 2: (1/2) / 1
    expected = ((1 + 2 / 3) / 3 + 0.5) / 2
    assert mean_average_precision(rankings, relevant) == pytest.approx(expected)


def test_average_precision_of_a_full_ranking_matches_sklearn():
    rng = np.random.default_rng(0)
    for _ in range(10):
        items = [f"i{j}" for j in range(30)]
        labels = rng.random(30) < 0.2
        labels[0] = True
        scores = rng.random(30)
        ranked = [items[j] for j in np.argsort(-scores)]
        rel = {items[j] for j in np.flatnonzero(labels)}
        expected = average_precision_score(labels, scores)
        assert mean_average_precision([ranked], [rel]) == pytest.approx(expected)


def test_mean_average_precision_at_k_denominator():
    # 3 relevant items, k = 2, both top items relevant: AP@2 = (1 + 1) / min(3, 2) = 1
    assert mean_average_precision([["a", "b", "c"]], [{"a", "b", "z"}], k=2) == 1.0
    # without k, the unretrieved relevant item counts as a miss
    assert mean_average_precision(
        [["a", "b", "c"]], [{"a", "b", "z"}]
    ) == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------
# 8. Implement the population stability index and the two-sample Kolmogorov–Smirnov statistic for feature drift.
# Handbook: coding/evaluation-metrics/#psi-ks-drift
# --------------------------------------------------------------------------------------


def psi_from_counts(
    expected_counts: np.ndarray, actual_counts: np.ndarray, alpha: float = 0.5
) -> float:
    """Population stability index of two histograms over the same B bins.

    Each histogram is smoothed by adding alpha to every count and normalised:
    e_b = (E_b + alpha) / (sum(E) + alpha * B), likewise a_b from actual_counts.
    PSI = sum_b (a_b - e_b) * ln(a_b / e_b). With alpha = 0, a bin that is empty on
    one side only gives inf, and a bin empty on both sides adds 0.
    """
    raise NotImplementedError


def psi(
    expected: np.ndarray, actual: np.ndarray, bins: int = 10, alpha: float = 0.5
) -> float:
    """PSI of the sample `actual` against the reference sample `expected`.

    Bin edges are the reference's empirical quantiles at 1/bins, ..., (bins-1)/bins,
    np.quantile(expected, q, method="inverted_cdf") (order statistics, never
    interpolated), with repeated edges dropped; the outer bins are open, so bins are
    (-inf, e_1], (e_1, e_2], ..., (e_last, +inf): right-closed, a value equal to an
    edge goes to the bin below it. Both samples are counted in these bins and passed
    to psi_from_counts with alpha.
    """
    raise NotImplementedError


def categorical_psi(expected, actual, alpha: float = 0.5) -> float:
    """PSI of two samples of category labels (strings or ints): one bin per category
    seen in either sample, a category new in `actual` included (its expected count
    is 0). Smoothing as in psi_from_counts."""
    raise NotImplementedError


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic D = max_x |F_a(x) - F_b(x)|, where
    F_a(x) is the share of a that is <= x. Exact: from the two sorted samples, with
    tied values (within or across samples) entering both CDFs together. O((n + m)
    log(n + m)); no loop over pairs, no grid."""
    raise NotImplementedError


def ks_pvalue(d: float, n: int, m: int) -> float:
    """Asymptotic two-sided p-value of D for samples of sizes n and m (Smirnov):
    P(K > lambda) with lambda = sqrt(n m / (n + m)) * d and K the Kolmogorov
    distribution, P(K > x) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2). Accurate to
    1e-12 for every lambda >= 0 (the alternating series converges slowly for small
    lambda: use the other form of the same function there)."""
    raise NotImplementedError


# reference 1..100 in 4 bins: edges 25, 50, 75; actual counts per bin 1, 2, 1, 6
WORKED_REFERENCE = np.arange(1, 101)
WORKED_ACTUAL = np.array([5, 30, 50, 70, 80, 85, 90, 95, 99, 150])


def ks_numerator(d, n, m):
    """D * n * m: an integer for any two samples, so D can be compared exactly."""
    return round(d * n * m)


def test_psi_worked_example():
    # alpha = 0: proportions 0.1, 0.2, 0.1, 0.6 against 0.25 each
    expected = 2 * 0.15 * np.log(2.5) + 0.05 * np.log(1.25) + 0.35 * np.log(2.4)
    assert psi(WORKED_REFERENCE, WORKED_ACTUAL, bins=4, alpha=0) == pytest.approx(
        expected
    )
    # alpha = 0.5: counts 1.5, 2.5, 1.5, 6.5 of 12 against 25.5 of 102 each
    a, e = np.array([1.5, 2.5, 1.5, 6.5]) / 12, np.full(4, 0.25)
    assert psi(WORKED_REFERENCE, WORKED_ACTUAL, bins=4) == pytest.approx(
        np.sum((a - e) * np.log(a / e))
    )


def test_psi_of_a_sample_against_itself_is_zero():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=5_000)
    assert psi(x, x) == 0.0
    assert psi(x, rng.permutation(x)) == 0.0
    # heavily tied data: repeated edges are dropped, and still nothing moves
    counts = rng.poisson(0.7, size=5_000)
    assert psi(counts, counts, bins=20) == 0.0
    assert psi_from_counts([5, 0, 3], [5, 0, 3], alpha=0) == 0.0


def test_psi_is_the_symmetrised_kl_divergence():
    rng = np.random.default_rng(1)
    for _ in range(20):
        c1, c2 = rng.integers(0, 50, size=(2, 8))
        p = (c1 + 0.5) / (c1 + 0.5).sum()
        q = (c2 + 0.5) / (c2 + 0.5).sum()
        value = psi_from_counts(c1, c2)
        # PSI = KL(q || p) + KL(p || q): Jeffreys' divergence, symmetric and >= 0
        assert value == pytest.approx(stats.entropy(q, p) + stats.entropy(p, q))
        assert value == pytest.approx(psi_from_counts(c2, c1))
        assert value >= 0


def test_psi_bins_on_reference_quantiles_with_ties():
    rng = np.random.default_rng(2)
    # 60% zeros: the quantile edges at 0.1 ... 0.6 are all 0 and collapse into one
    reference = np.where(rng.random(10_000) < 0.6, 0, rng.integers(1, 41, 10_000))
    actual = np.where(rng.random(2_000) < 0.7, 0, rng.integers(1, 41, 2_000))
    edges = np.unique(
        np.quantile(reference, np.arange(1, 10) / 10, method="inverted_cdf")
    )
    # right-closed bins: every zero lands in (-inf, 0]
    e_counts = np.bincount(np.searchsorted(edges, reference), minlength=len(edges) + 1)
    a_counts = np.bincount(np.searchsorted(edges, actual), minlength=len(edges) + 1)
    assert e_counts[0] == np.sum(reference == 0)
    assert psi(reference, actual) == pytest.approx(psi_from_counts(e_counts, a_counts))


def test_psi_and_ks_are_invariant_to_increasing_transforms():
    rng = np.random.default_rng(3)
    reference = rng.standard_normal(10_000)
    for actual in (rng.normal(0.2, 1.0, 3_000), rng.normal(0.0, 1.5, 500)):
        for transform in (np.exp, lambda x: x**3 + 2 * x, lambda x: np.arctan(4 * x)):
            assert psi(transform(reference), transform(actual)) == psi(
                reference, actual
            )
            assert ks_statistic(transform(reference), transform(actual)) == (
                ks_statistic(reference, actual)
            )


def test_psi_empty_bins():
    rng = np.random.default_rng(4)
    reference = rng.standard_normal(10_000)
    top_decile = np.quantile(reference, 0.9, method="inverted_cdf")
    # batches that never reach the reference's top decile: one empty bin
    batches = {}
    for n in (100, 1_000, 100_000):
        x = rng.standard_normal(3 * n)
        batches[n] = x[x <= top_decile][:n]
    assert psi(reference, batches[1_000], alpha=0) == np.inf
    smoothed = [psi(reference, batches[n]) for n in (100, 1_000, 100_000)]
    assert all(np.isfinite(smoothed))
    # the same empty bin is stronger evidence in a larger batch
    assert smoothed[0] < smoothed[1] < smoothed[2]
    # a constant batch: one full bin, nine empty ones, still finite
    assert np.isfinite(psi(reference, np.zeros(50)))
    assert psi_from_counts([0, 4], [0, 6], alpha=0) == 0.0


def test_categorical_psi():
    reference = ["card"] * 60 + ["transfer"] * 30 + ["cash"] * 10
    assert categorical_psi(reference, reference[::-1]) == 0.0
    current = ["card"] * 50 + ["transfer"] * 30 + ["cash"] * 10 + ["crypto"] * 10
    # a category unseen in the reference gets a bin of its own, expected count 0
    assert categorical_psi(reference, current) == pytest.approx(
        psi_from_counts([60, 30, 10, 0], [50, 30, 10, 10])
    )
    assert categorical_psi(reference, current, alpha=0) == np.inf
    # integer labels, any order
    assert categorical_psi([1, 1, 2, 3], [3, 2, 1, 1, 1]) == pytest.approx(
        psi_from_counts([2, 1, 1], [3, 1, 1])
    )


def test_ks_statistic_matches_scipy_with_ties():
    # a's two 2s and b's 2 enter together: D = |3/4 - 1/5| = 0.55 at x = 2
    assert ks_statistic(np.array([1, 2, 2, 3]), np.array([2, 3, 3, 4, 5])) == (
        pytest.approx(0.55)
    )
    rng = np.random.default_rng(5)
    for trial in range(30):
        n, m = rng.integers(1, 400, size=2)
        a = rng.normal(0.0, 1.0, n)
        b = rng.normal(0.3 * rng.random(), 1.0 + rng.random(), m)
        if trial % 2:
            # rounded to one decimal: many ties, within and across samples
            a, b = np.round(a, 1), np.round(b, 1)
        d, expected = ks_statistic(a, b), stats.ks_2samp(a, b).statistic
        assert ks_numerator(d, n, m) == ks_numerator(expected, n, m)
        assert d == pytest.approx(expected, abs=1e-12)
    x = rng.random(50)
    assert ks_statistic(x, x) == 0.0
    assert ks_statistic(x, x + 2.0) == 1.0


def test_ks_pvalue_is_smirnovs_limit():
    for lam in np.linspace(0.05, 6.0, 120):
        # n = m = 2: sqrt(n m / (n + m)) = 1, so lambda = d
        assert ks_pvalue(lam, 2, 2) == pytest.approx(
            stats.kstwobign.sf(lam), rel=1e-9, abs=1e-12
        )
    assert ks_pvalue(0.0, 10, 10) == 1.0
    rng = np.random.default_rng(6)
    for n, m, shift in [
        (1_000, 10_000, 0.1),
        (2_000, 3_000, 0.05),
        (5_000, 5_000, 0.1),
    ]:
        a, b = rng.standard_normal(n), rng.normal(shift, 1.0, m)
        result = stats.ks_2samp(a, b, method="exact")
        # the limit is within a few percent of the exact p-value at these sizes
        assert ks_pvalue(result.statistic, n, m) == pytest.approx(
            result.pvalue, rel=0.1
        )


# --------------------------------------------------------------------------------------
# 9. Implement the silhouette score and the adjusted Rand index.
# Handbook: coding/evaluation-metrics/#clustering-metrics
# --------------------------------------------------------------------------------------


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
