import numpy as np
from scipy import stats


def psi(reference, current, bins=10, eps=1e-4):
    """Population stability index over the reference's decile bins."""
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    ref = np.histogram(reference, edges)[0] / len(reference)
    cur = np.histogram(current, edges)[0] / len(current)
    ref, cur = np.clip(ref, eps, None), np.clip(cur, eps, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def ks_statistic(a, b):
    """Two-sample Kolmogorov-Smirnov D: the largest gap between the empirical CDFs."""
    grid = np.sort(np.concatenate([a, b]))
    cdf_a = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    cdf_b = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


rng = np.random.default_rng(0)
# Feature: review length in tokens (log-normal); training-time reference sample.
reference = rng.lognormal(3.0, 0.5, size=5_000)
scenarios = {
    "no shift": rng.lognormal(3.0, 0.5, size=2_000),
    "small shift (+5% length)": rng.lognormal(3.05, 0.5, size=2_000),
    "new client, short texts": np.concatenate(
        [rng.lognormal(3.0, 0.5, size=1_400), rng.lognormal(2.0, 0.3, size=600)]
    ),
}
matches = []
print(f"{'scenario':26} {'PSI':>6} {'KS D':>6} {'KS p':>8}  verdict")
for name, current in scenarios.items():
    d = ks_statistic(reference, current)
    scipy_result = stats.ks_2samp(reference, current)
    matches.append(np.isclose(d, scipy_result.statistic))
    value = psi(reference, current)
    verdict = (
        "stable" if value < 0.1 else "watch" if value < 0.25 else "drift: investigate"
    )
    print(f"{name:26} {value:6.3f} {d:6.3f} {scipy_result.pvalue:8.1e}  {verdict}")
print(f"from-scratch KS D matches scipy.stats.ks_2samp: {all(matches)}")

# With enough data every test rejects: a 1% length change, one million requests.
big_ref = rng.lognormal(3.0, 0.5, size=1_000_000)
big_cur = rng.lognormal(3.01, 0.5, size=1_000_000)
p = stats.ks_2samp(big_ref, big_cur).pvalue
print(
    f"1% shift, n=1e6: KS p = {p:.1e} (significant), PSI = {psi(big_ref, big_cur):.4f} "
    "(negligible)"
)

# Prediction drift needs no labels: compare the positive-rate of predictions by day.
# Both days are samples, so the test is two-sample (a 2x2 table), not goodness-of-fit
# against the reference rate taken as exact.
table = np.array([[620, 380], [480, 520]])
ref_pos, cur_pos = table[:, 0] / table.sum(1)
p_two = stats.chi2_contingency(table, correction=False).pvalue
p_gof = stats.chisquare(table[1], f_exp=table[0] / table[0].sum() * table[1].sum())[1]
print(
    f"predicted-positive rate {ref_pos:.2f} -> {cur_pos:.2f}: two-sample chi-square "
    f"p = {p_two:.1e}"
)
print(f"(goodness-of-fit against the reference as exact: p = {p_gof:.1e}, overstated)")
