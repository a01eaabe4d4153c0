import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
N, TESTS, CHUNK = 10_000, 400, 50  # users per arm, simulated experiments
P_BUY, MU, TAU, NOISE = 0.10, 3.0, 1.3, 0.6  # weekly buy rate; log-spend level, noise


def users(shape):
    """Persistent traits: a buying propensity (very uneven) and a log-spend level."""
    return np.minimum(rng.gamma(0.2, 5.0, shape), 8.0), rng.normal(0.0, TAU, shape)


def week(propensity, level, buy_lift=1.0, squeeze=1.0):
    """One week's revenue per user: zero, or a log-normal spend if they buy.
    squeeze < 1 pulls spends towards the median in log space (fewer whales)."""
    p_buy = np.minimum(P_BUY * buy_lift * propensity, 1)
    buys = rng.random(propensity.shape) < p_buy
    spend = np.zeros(propensity.shape)
    noise = rng.normal(0.0, NOISE, buys.sum())
    spend[buys] = np.exp(MU + squeeze * (level[buys] + noise))
    return spend


def true_mean(propensity, level, buy_lift=1.0, squeeze=1.0):
    """Expected weekly revenue per user, averaged over users' traits."""
    p_buy = np.minimum(P_BUY * buy_lift * propensity, 1)
    return np.mean(p_buy * np.exp(MU + squeeze * level + (squeeze * NOISE) ** 2 / 2))


# A population of 1,000,000 users: skewness, the whales' share, the cap.
prop, lev = users(1_000_000)
pre = week(prop, lev)
skew = stats.skew(pre)
top = np.sort(pre)[-10_000:].sum() / pre.sum()
print(
    f"revenue per user: {np.mean(pre == 0):.1%} zeros, top 1% of users carry {top:.0%}"
)
print(
    f"skewness {skew:.1f}: rule of thumb 355 * s^2 = {355 * skew**2:,.0f} users per arm"
)
cap = np.quantile(pre, 0.99)
skew_c = stats.skew(np.minimum(pre, cap))
print(
    f"capped at the pre-period 99th percentile ({cap:.0f}): skewness {skew_c:.1f}, "
    f"355 * s^2 = {355 * skew_c**2:,.0f}"
)
LIFT, SHIFT = dict(buy_lift=1.10), dict(buy_lift=1.15, squeeze=0.9)
base = true_mean(prop, lev)
print(
    f"true change in mean revenue: lift {true_mean(prop, lev, **LIFT) / base - 1:+.1%},"
    f" tail shift {true_mean(prop, lev, **SHIFT) / base - 1:+.1%}"
)
base_c = np.minimum(pre, cap).mean()
SCALE = {"t-test, mean": base, "t-test, capped": base_c, "CUPED, capped": base_c}


def cuped(y, x):
    """y - theta * (x - mean x), theta pooled over both arms of each test."""
    xc = x - x.mean(axis=(1, 2), keepdims=True)
    yc = y - y.mean(axis=(1, 2), keepdims=True)
    theta = (xc * yc).sum(axis=(1, 2)) / (xc**2).sum(axis=(1, 2))
    return y - theta[:, None, None] * xc


def run(effect):
    """p-values and signed estimates of each method over TESTS experiments."""
    out = {m: ([], []) for m in METHODS}
    for _ in range(TESTS // CHUNK):
        p_, l_ = users((CHUNK, 2, N))
        # covariate: four weeks before assignment, capped at its own 99th percentile
        x = sum(week(p_, l_) for _ in range(4))
        x = np.minimum(x, np.quantile(x, 0.99, axis=(1, 2), keepdims=True))
        y = np.stack([week(p_[:, 0], l_[:, 0]), week(p_[:, 1], l_[:, 1], **effect)], 1)
        metrics = {
            "t-test, mean": y,
            "t-test, capped": np.minimum(y, cap),
            "CUPED, capped": cuped(np.minimum(y, cap), x),
            "t-test, log(1+x)": np.log1p(y),
        }
        for m, v in metrics.items():
            p = stats.ttest_ind(v[:, 1], v[:, 0], axis=1, equal_var=False).pvalue
            d = v[:, 1].mean(1) - v[:, 0].mean(1)
            if m in SCALE:
                d = d / SCALE[m]  # relative to the population's control mean
            out[m][0].append(p)
            out[m][1].append(d)
        mw = stats.mannwhitneyu(y[:, 1], y[:, 0], axis=1)
        out["Mann-Whitney"][0].append(mw.pvalue)
        out["Mann-Whitney"][1].append(mw.statistic / N**2 - 0.5)
    return {m: (np.concatenate(p), np.concatenate(d)) for m, (p, d) in out.items()}


METHODS = {
    "t-test, mean": "mean, %",
    "t-test, capped": "capped mean, %",
    "CUPED, capped": "capped mean, %",
    "t-test, log(1+x)": "mean log(1+x)",
    "Mann-Whitney": "P(T>C) - 1/2",
}
null, lift, shift = run({}), run(LIFT), run(SHIFT)
print("A/A, lift: share of p < 0.05; est.: mean estimate; up, down: share significant")
print(
    f"{'method':<16} {'estimand':<15} {'A/A':>5} {'lift':>5} {'lift est.':>9} "
    f"{'shift est.':>10} {'shift up':>8} {'shift down':>10}"
)
for m, unit in METHODS.items():
    (p0, _), (p1, d1), (p2, d2) = null[m], lift[m], shift[m]
    pct = unit.endswith("%")
    e1, e2 = (f"{100 * d.mean():+.1f}" if pct else f"{d.mean():+.3f}" for d in (d1, d2))
    print(
        f"{m:<16} {unit:<15} {np.mean(p0 < 0.05):>5.3f} {np.mean(p1 < 0.05):>5.3f} "
        f"{e1:>9} {e2:>10} {np.mean((p2 < 0.05) & (d2 > 0)):>8.3f} "
        f"{np.mean((p2 < 0.05) & (d2 < 0)):>10.3f}"
    )
sd = [100 * null[m][1].std() for m in list(METHODS)[:3]]
print(
    f"SD of the A/A estimates: mean {sd[0]:.1f}%, capped {sd[1]:.1f}%, "
    f"CUPED {sd[2]:.1f}% (variance x {(sd[2] / sd[1]) ** 2:.2f})"
)
