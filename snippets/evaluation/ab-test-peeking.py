import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
n_sims, looks, per_look, p0 = (
    10_000,
    20,
    2_000,
    0.10,
)  # 20 daily looks, 2,000 users per arm per day


def z_paths(p_b):
    """z-statistic of a two-proportion test after each look, for n_sims experiments."""
    conv = rng.binomial(per_look, [p0, p_b], size=(n_sims, looks, 2)).cumsum(axis=1)
    n = per_look * np.arange(1, looks + 1)[None, :]
    pa, pb = conv[..., 0] / n, conv[..., 1] / n
    pool = (pa + pb) / 2
    return (pb - pa) / np.sqrt(pool * (1 - pool) * 2 / n)


k = np.arange(1, looks + 1)
rules = {
    "fixed horizon (look once, at the end)": np.r_[
        np.full(looks - 1, np.inf), norm.ppf(0.975)
    ],
    "peek daily, stop at first p < 0.05": np.full(looks, norm.ppf(0.975)),
    "peek daily, Bonferroni (alpha/20 each)": np.full(
        looks, norm.ppf(1 - 0.025 / looks)
    ),
}
# O'Brien-Fleming-shaped boundary c * sqrt(K / k): strict early, close to 1.96 at the
# end. Calibrate c on separate null simulations so that the overall false-positive rate
# is 5%.
null_cal = np.abs(z_paths(p0)) / np.sqrt(looks / k)
c = np.quantile(null_cal.max(axis=1), 0.95)
rules[f"peek daily, O'Brien-Fleming (c = {c:.2f})"] = c * np.sqrt(looks / k)

z_null, z_alt = (
    np.abs(z_paths(p0)),
    np.abs(z_paths(0.106)),
)  # A/A, and a real 6% relative lift
print(
    f"{'decision rule':<42} {'false positives':>15} {'power':>6} "
    f"{'mean days to stop':>17}"
)
for name, bound in rules.items():
    crossed_null, crossed_alt = z_null > bound, z_alt > bound
    stop_day = np.where(crossed_alt.any(axis=1), crossed_alt.argmax(axis=1) + 1, looks)
    print(
        f"{name:<42} {crossed_null.any(axis=1).mean():>15.3f} "
        f"{crossed_alt.any(axis=1).mean():>6.3f}"
        f" {stop_day.mean():>17.1f}"
    )
