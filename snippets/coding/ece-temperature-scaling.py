# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def expected_calibration_error(
    probs: np.ndarray,
    labels: np.ndarray,
    n_bins: int = 15,
    strategy: str = "uniform",
) -> float:
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        edges = np.quantile(conf, np.linspace(0.0, 1.0, n_bins + 1))
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', not {strategy!r}")
    # side="left" counts the edges strictly below c: e_b < c <= e_{b+1} gives b + 1
    bins = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    conf_sum = np.bincount(bins, weights=conf, minlength=n_bins)
    correct_sum = np.bincount(bins, weights=correct, minlength=n_bins)
    # (n_b / n) * |acc_b - conf_b| = |correct_b - conf_sum_b| / n; empty bins add 0
    return float(np.abs(correct_sum - conf_sum).sum() / len(conf))


def fit_temperature(
    logits: np.ndarray,
    labels: np.ndarray,
    t_min: float = 0.01,
    t_max: float = 100.0,
) -> float:
    z = np.asarray(logits, dtype=float)
    z_true = z[np.arange(len(z)), np.asarray(labels)]

    def slope(log_t: float) -> float:
        # d NLL / d(1/T) = mean(E_p[z] - z_label) with p = softmax(z / T); NLL is
        # convex in 1/T, so this rises with 1/T and falls as log T grows
        s = z / np.exp(log_t)
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return float(np.mean((p * z).sum(axis=1) - z_true))

    lo, hi = np.log(t_min), np.log(t_max)
    if slope(lo) <= 0:
        # the NLL still falls as T shrinks to t_min (e.g. every example right)
        return t_min
    if slope(hi) >= 0:
        return t_max
    # bisection on the sign of the slope: the minimum lies where it crosses 0
    while hi - lo > 1e-9:
        mid = 0.5 * (lo + hi)
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest

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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_ece_worked_example,
    test_ece_uniform_against_quantile_bins,
    test_ece_matches_a_reference_loop,
    test_ece_of_a_calibrated_model_is_its_sampling_bias,
    test_fit_temperature_recovers_the_overconfidence_factor,
    test_temperature_scaling_keeps_the_argmax,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
uniform = expected_calibration_error(WORKED_PROBS, WORKED_LABELS, 4)
quantile = expected_calibration_error(WORKED_PROBS, WORKED_LABELS, 2, "quantile")
print(f"worked example: ECE {uniform:.4f} (4 uniform bins)")
print(f"                ECE {quantile:.4f} (2 quantile bins)")

# true logits z give calibrated probabilities; the model reports 3 z instead
rng = np.random.default_rng(4)
z_val, z_test = (2.0 * rng.standard_normal((10_000, 10)) for _ in range(2))
y_val = sample_labels(rng, softmax_rows(z_val))
y_test = sample_labels(rng, softmax_rows(z_test))
t = fit_temperature(3 * z_val, y_val)
print(f"logits 3 z, T fitted on 10,000 validation rows: T = {t:.3f}")
print(f"{'10,000 test rows':<18}{'accuracy':>9}{'NLL':>7}{'ECE':>7}{'mean conf':>11}")
for name, logits in [("3 z (T = 1)", 3 * z_test), ("3 z / T", 3 * z_test / t)]:
    p = softmax_rows(logits)
    nll = -np.log(p[np.arange(len(y_test)), y_test]).mean()
    acc, conf = (p.argmax(axis=1) == y_test).mean(), p.max(axis=1).mean()
    ece = expected_calibration_error(p, y_test)
    print(f"{name:<18}{acc:>9.3f}{nll:>7.3f}{ece:>7.3f}{conf:>11.3f}")
bias = calibrated_ece_bias(softmax_rows(z_test), 15, "uniform")
print(f"ECE a perfectly calibrated model would show here (bias): {bias:.3f}")

# ECE of a perfectly calibrated model: the same confidences, labels redrawn 50 times
print("perfectly calibrated model, 50 label draws each: ECE mean, sd, predicted bias")
print(f"{'':13}{'-- uniform bins --':>29}{'-- quantile bins --':>29}")
print(f"{'n':>7}{'bins':>6}" + f"{'mean ECE':>10}{'sd':>8}{'predicted':>11}" * 2)
for n in (500, 5_000, 50_000):
    probs = softmax_rows(2.0 * rng.standard_normal((n, 10)))
    draws = [sample_labels(rng, probs) for _ in range(50)]
    for n_bins in (10, 30):
        row = f"{n:>7,}{n_bins:>6}"
        for strategy in ("uniform", "quantile"):
            e = [expected_calibration_error(probs, y, n_bins, strategy) for y in draws]
            bias = calibrated_ece_bias(probs, n_bins, strategy)
            row += f"{np.mean(e):>10.4f}{np.std(e):>8.4f}{bias:>11.4f}"
        print(row)
# --8<-- [end:check]
