# --8<-- [start:signature]
def two_proportion_z_test(
    successes_a: int, n_a: int, successes_b: int, n_b: int
) -> tuple[float, float]:
    """Two-sided z-test that two conversion rates are equal, with the pooled standard
    error: z = (p_b - p_a) / sqrt(p (1 - p) (1 / n_a + 1 / n_b)), p the pooled rate.
    Returns (z, p_value). If the pooled rate is 0 or 1, returns (0.0, 1.0)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math


def two_proportion_z_test(
    successes_a: int, n_a: int, successes_b: int, n_b: int
) -> tuple[float, float]:
    p_a, p_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)  # the common rate under H0
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0, 1.0
    z = (p_b - p_a) / se
    # two-sided: P(|Z| >= |z|) = erfc(|z| / sqrt(2)) for a standard normal Z
    return z, math.erfc(abs(z) / math.sqrt(2))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy import stats


def test_two_proportion_z_test_worked_example():
    z, p = two_proportion_z_test(200, 2000, 250, 2000)
    assert z == pytest.approx(2.5020, abs=1e-4)
    assert p == pytest.approx(0.01235, abs=1e-5)


def test_two_proportion_z_test_matches_the_chi_square_test():
    # without continuity correction, the 2x2 chi-square statistic is z squared
    rng = np.random.default_rng(0)
    for _ in range(20):
        n_a, n_b = rng.integers(50, 5000, size=2)
        s_a, s_b = rng.integers(1, n_a), rng.integers(1, n_b)
        z, p = two_proportion_z_test(s_a, n_a, s_b, n_b)
        table = [[s_a, n_a - s_a], [s_b, n_b - s_b]]
        chi2, p_ref, _, _ = stats.chi2_contingency(table, correction=False)
        assert z**2 == pytest.approx(chi2)
        assert p == pytest.approx(p_ref)
        assert np.sign(z) == np.sign(s_b / n_b - s_a / n_a)


def test_two_proportion_z_test_degenerate_rates():
    assert two_proportion_z_test(0, 100, 0, 100) == (0.0, 1.0)
    assert two_proportion_z_test(100, 100, 50, 50) == (0.0, 1.0)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_two_proportion_z_test_worked_example,
    test_two_proportion_z_test_matches_the_chi_square_test,
    test_two_proportion_z_test_degenerate_rates,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
z, p = two_proportion_z_test(200, 2000, 250, 2000)
print(f"10.0% vs 12.5% on 2,000 users each: z = {z:.4f}, p = {p:.5f}")
# false positive rate under H0 (both arms convert at 10%): should be close to 0.05
rng = np.random.default_rng(1)
a, b = rng.binomial(2000, 0.10, size=20000), rng.binomial(2000, 0.10, size=20000)
rejections = np.mean(
    [two_proportion_z_test(x, 2000, y, 2000)[1] < 0.05 for x, y in zip(a, b)]
)
print(f"rejection rate when H0 is true: {rejections:.3f}")
# --8<-- [end:check]
