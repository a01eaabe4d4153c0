# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def bootstrap_ci(
    x: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    rng: np.random.Generator,
    n_boot: int = 5000,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval at level 1 - alpha for statistic(x):
    resample x with replacement n_boot times (same size as x), compute the statistic on
    each resample, and return the alpha/2 and 1 - alpha/2 quantiles of those values."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np


def bootstrap_ci(
    x: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    rng: np.random.Generator,
    n_boot: int = 5000,
    alpha: float = 0.05,
) -> tuple[float, float]:
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))  # each row is one resample
    estimates = np.array([statistic(x[i]) for i in idx])
    low, high = np.quantile(estimates, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from scipy import stats


def test_bootstrap_ci_worked_example():
    x = np.arange(1.0, 11.0)  # mean 5.5
    low, high = bootstrap_ci(x, np.mean, np.random.default_rng(0), n_boot=10000)
    assert abs(low - 3.75) < 0.15 and abs(high - 7.25) < 0.15


def test_bootstrap_ci_matches_scipy_percentile_bootstrap():
    rng = np.random.default_rng(1)
    x = rng.exponential(size=200)
    for statistic in (np.mean, np.median):
        ours = bootstrap_ci(x, statistic, np.random.default_rng(2), n_boot=4000)
        ref = stats.bootstrap(
            (x,),
            statistic,
            n_resamples=4000,
            method="percentile",
            rng=np.random.default_rng(3),
        ).confidence_interval
        np.testing.assert_allclose(ours, (ref.low, ref.high), atol=0.03)


def test_bootstrap_ci_is_close_to_the_normal_interval_for_a_mean():
    rng = np.random.default_rng(4)
    x = rng.normal(loc=10.0, scale=2.0, size=400)
    low, high = bootstrap_ci(x, np.mean, np.random.default_rng(5), n_boot=4000)
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))
    np.testing.assert_allclose(
        [low, high], [x.mean() - half, x.mean() + half], atol=0.02
    )


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_bootstrap_ci_worked_example,
    test_bootstrap_ci_matches_scipy_percentile_bootstrap,
    test_bootstrap_ci_is_close_to_the_normal_interval_for_a_mean,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = np.arange(1.0, 11.0)
low, high = bootstrap_ci(x, np.mean, np.random.default_rng(0), n_boot=10000)
print(f"95% CI for the mean of 1..10: ({low:.2f}, {high:.2f})")
# coverage: how often does the interval contain the true mean (1.0) of exponential data?
rng = np.random.default_rng(6)
for n in (10, 100):
    hits = [
        low <= 1.0 <= high
        for low, high in (
            bootstrap_ci(rng.exponential(size=n), np.mean, rng, n_boot=500)
            for _ in range(200)
        )
    ]
    print(f"n = {n:3d}: coverage of the nominal 95% interval {np.mean(hits):.2f}")
# --8<-- [end:check]
