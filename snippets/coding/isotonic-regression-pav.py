# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def pool_adjacent_violators(
    y: np.ndarray, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
    values, weights, counts = [], [], []
    for value, weight in zip(y.tolist(), w.tolist()):
        count = 1
        # the new block violates the one below it: pool them, and repeat downwards
        while values and values[-1] > value:
            below_value, below_weight = values.pop(), weights.pop()
            total = below_weight + weight
            value = (below_value * below_weight + value * weight) / total
            weight, count = total, count + counts.pop()
        values.append(value)
        weights.append(weight)
        counts.append(count)
    # each point is pushed once and popped at most once: O(n)
    return np.repeat(values, counts)


class IsotonicPAV:
    def fit(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> "IsotonicPAV":
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight)
        keep = w > 0
        x, y, w = x[keep], y[keep], w[keep]
        # pool tied x first: one point per distinct x (sorted), weighted mean of its y
        x_unique, group = np.unique(x, return_inverse=True)
        w_unique = np.bincount(group, weights=w)
        y_unique = np.bincount(group, weights=w * y) / w_unique
        fitted = pool_adjacent_violators(y_unique, w_unique)
        # keep each block's first and last x; drop the points inside a flat block
        ends = np.ones(len(fitted), dtype=bool)
        ends[1:-1] = (fitted[1:-1] != fitted[:-2]) | (fitted[1:-1] != fitted[2:])
        self.x_knots_, self.y_knots_ = x_unique[ends], fitted[ends]
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        # linear between knots, the end values outside them (out_of_bounds="clip")
        return np.interp(np.asarray(x, dtype=float), self.x_knots_, self.y_knots_)

    def fit_transform(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        return self.fit(x, y, sample_weight).predict(x)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.isotonic import IsotonicRegression


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


# --8<-- [end:tests]


# --8<-- [start:check]
from scipy.stats import rankdata
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

tests = [
    test_pav_worked_examples,
    test_isotonic_fit_predict_worked_example,
    test_monotone_input_is_returned_unchanged,
    test_isotonic_matches_sklearn_with_ties_and_weights,
    test_pav_minimises_the_weighted_squared_error,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print("PAV [1, 3, 2, 4] ->", pool_adjacent_violators([1, 3, 2, 4]).tolist())
tied = IsotonicPAV().fit_transform([1, 2, 2, 3], [1, 3, 0, 4])
print("x [1, 2, 2, 3], y [1, 3, 0, 4] ->", tied.tolist())


def binary_ece(p, y, n_bins=15):
    """Top-label ECE of [1 - p, p]: 15 equal-width, right-closed bins."""
    conf = np.maximum(p, 1 - p)
    correct = np.where(p > 0.5, y == 1, y == 0)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, conf) - 1, 0, n_bins - 1)
    gap = np.bincount(bins, correct, n_bins) - np.bincount(bins, conf, n_bins)
    return np.abs(gap).sum() / len(p)


def auc(p, y):
    """ROC-AUC from ranks, tied scores sharing their average rank."""
    n_pos = y.sum()
    u = rankdata(p)[y == 1].sum() - n_pos * (n_pos + 1) / 2
    return u / (n_pos * (len(y) - n_pos))


def scores(p, y):
    # log loss on p clipped to [0.001, 0.999]: isotonic outputs exact 0s and 1s
    c = np.clip(p, 1e-3, 1 - 1e-3)
    return [
        binary_ece(p, y),
        np.mean((p - y) ** 2),
        -np.mean(y * np.log(c) + (1 - y) * np.log(1 - c)),
        auc(p, y),
        np.mean((p == 0) | (p == 1)),
        len(np.unique(p)),
    ]


# Gaussian naive Bayes on correlated features: it counts the same evidence many times
X, y = make_classification(
    n_samples=122_000, n_features=20, n_informative=4, n_redundant=12, random_state=0
)
X_train, y_train = X[:2_000], y[:2_000]
X_pool, y_pool = X[2_000:102_000], y[2_000:102_000]
X_test, y_test = X[102_000:], y[102_000:]
nb = GaussianNB().fit(X_train, y_train)


def nb_log_odds(X):
    joint = nb.predict_joint_log_proba(X)
    return joint[:, 1] - joint[:, 0]


s_pool, s_test = nb_log_odds(X_pool), nb_log_odds(X_test)
p_raw = 1 / (1 + np.exp(-s_test))
print("20,000 test rows; log loss on p clipped to [0.001, 0.999]; '0 or 1': share of")
print("rows given p exactly 0 or 1; 'distinct': distinct values of p")
print(
    f"{'':20}{'ECE':>5}{'sd':>6}{'Brier':>7}{'log loss':>9}{'AUC':>8}{'0 or 1':>7}"
    f"{'distinct':>9}"
)
ece, brier, loss, roc, extreme, distinct = scores(p_raw, y_test)
print(
    f"{'naive Bayes, raw':<20}{ece:>5.3f}{'':>6}{brier:>7.3f}{loss:>9.3f}"
    f"{roc:>8.4f}{extreme:>7.3f}{distinct:>9,}"
)

# 20 disjoint calibration sets of 5,000 rows; the first 50 and 500 rows of each are
# the smaller sets. Platt: logistic regression on the log-odds s, (near) maximum
# likelihood. Temperature: the same without the intercept, sigmoid(s / T).
results, temperatures = {}, {}
for draw in range(20):
    rows = slice(5_000 * draw, 5_000 * (draw + 1))
    for n in (50, 500, 5_000):
        s, y_cal = s_pool[rows][:n, None], y_pool[rows][:n]
        fits = {
            "Platt": LogisticRegression(C=1e6, solver="newton-cholesky"),
            "temperature": LogisticRegression(
                C=1e6, solver="newton-cholesky", fit_intercept=False
            ),
        }
        for name, model in fits.items():
            p = model.fit(s, y_cal).predict_proba(s_test[:, None])[:, 1]
            results.setdefault((n, name), []).append(scores(p, y_test))
        temperatures.setdefault(n, []).append(1 / fits["temperature"].coef_[0, 0])
        p = IsotonicPAV().fit(s[:, 0], y_cal).predict(s_test)
        results.setdefault((n, "isotonic"), []).append(scores(p, y_test))
print("calibration rows: mean over the 20 sets (sd: standard deviation of the ECE)")
for (n, name), rows in results.items():
    ece, brier, loss, roc, extreme, distinct = np.mean(rows, axis=0)
    sd = np.std([r[0] for r in rows])
    print(
        f"{n:>6,} {name:<13}{ece:>5.3f}{sd:>6.3f}{brier:>7.3f}{loss:>9.3f}"
        f"{roc:>8.4f}{extreme:>7.3f}{distinct:>9,.0f}"
    )

for n, t in temperatures.items():
    print(
        f"temperature fitted on {n:>5,} rows: T = {np.mean(t):.2f} on average, "
        f"{min(t):.2f} to {max(t):.2f}"
    )

# isotonic on 5,000 rows (the first set): exact 0s and 1s, and what ties do to AUC
p_iso = IsotonicPAV().fit(s_pool[:5_000], y_pool[:5_000]).predict(s_test)
sure = (p_iso == 0) | (p_iso == 1)
wrong = np.sum(sure & (p_iso != y_test))
print(f"isotonic, 5,000 rows: {sure.sum():,} test rows at p = 0 or 1, {wrong} wrong")
# ties broken by the raw score: the order of s, probabilities moved by < 1e-9
tie_break = p_iso + 1e-9 * rankdata(s_test) / len(s_test)
print(
    f"AUC raw {auc(p_raw, y_test):.4f}, isotonic {auc(p_iso, y_test):.4f}, "
    f"isotonic with ties broken by s {auc(tie_break, y_test):.4f}"
)
# --8<-- [end:check]
