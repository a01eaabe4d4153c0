import numpy as np
from scipy import stats

rng = np.random.default_rng(2020)
USERS = 100_000  # per experiment, each user assigned to an arm by a fair coin
DAYS = 14
Z_ALPHA, Z_POWER = stats.norm.ppf(0.975), stats.norm.ppf(0.80)
LATENCY_MARGIN_MS = 10.0  # pre-registered non-inferiority margin, ms per page view
BAIT_LONG_PROB = 0.15  # a click on a clickbait item rarely lasts 30 s

# Variants: multiplier on the click rate of ordinary items, shift in the chance that a
# click is long (dwell >= 30 s), extra clickbait click rate, added page-load time (ms).
VARIANTS = {
    "clickbait headlines": (1.00, -0.03, 0.008, 8.0),
    "better ranker": (1.02, 0.01, 0.0, 2.0),
    "better ranker, big model": (1.02, 0.01, 0.0, 15.0),
}
CONTROL = (1.00, 0.0, 0.0, 0.0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def new_users(n):
    """Traits that persist across periods, and a pre-period under the old product."""
    users = {
        "activity": 0.5 * rng.lognormal(0.0, 0.8, n),  # sessions per day
        "ctr": rng.beta(2, 18, n),
        "long_prob": rng.beta(6, 4, n),
        "dwell": rng.lognormal(0.5, 1.0, n),  # minutes per long click
        "latency": 250 * rng.lognormal(0.0, 0.3, n),  # ms, device and network
    }
    users["pre"] = behave(users, CONTROL)
    return users


def rates(users, variant):
    """Each user's expected behaviour over two weeks under a variant. Satisfaction is
    the expected share of long clicks; a drop in it costs sessions and returns.
    """
    ctr_mult, long_shift, bait_rate, extra_ms = variant
    ctr, q = users["ctr"] * ctr_mult, np.clip(users["long_prob"] + long_shift, 0, 1)
    satisfaction = (ctr * q + bait_rate * BAIT_LONG_PROB) / (ctr + bait_rate)
    change = satisfaction - users["long_prob"]
    logit = -1.5 + 0.8 * np.log1p(7 * users["activity"]) + 0.7 * change
    sessions = DAYS * users["activity"] * np.exp(0.2 * change)
    return sessions, ctr, q, bait_rate, extra_ms, sigmoid(logit)


def behave(users, variant):
    """One draw of two weeks of behaviour, per user."""
    sessions, ctr, q, bait_rate, extra_ms, p_return = rates(users, variant)
    sessions = rng.poisson(sessions)
    pages = rng.poisson(8 * sessions)
    ordinary = rng.binomial(pages, ctr)
    bait = rng.binomial(pages, bait_rate)
    long = rng.binomial(ordinary, q) + rng.binomial(bait, BAIT_LONG_PROB)
    clicks = ordinary + bait
    minutes = long * users["dwell"] * rng.lognormal(-0.125, 0.5, len(pages))
    sd = 0.2 / np.sqrt(np.maximum(sessions, 1))
    # Each user's mean page-load time this period: mean latency times noise of mean 1.
    noise = np.exp(rng.normal(0, 1, len(pages)) * sd - sd**2 / 2)
    return {
        "clicks": clicks.astype(float),
        "pages": pages.astype(float),
        "sessions": sessions.astype(float),
        "long": long.astype(float),
        "minutes": minutes + 0.2 * (clicks - long),
        "load_ms": pages * (users["latency"] * noise + extra_ms),
        "returned": (rng.random(len(pages)) < p_return).astype(float),
    }


def expected(users, variant):
    """The same outcomes' expectations, per user: what the truth is made of."""
    sessions, ctr, q, bait_rate, extra_ms, p_return = rates(users, variant)
    pages = 8 * sessions
    clicks = pages * (ctr + bait_rate)
    long = pages * (ctr * q + bait_rate * BAIT_LONG_PROB)
    return {
        "clicks": clicks,
        "pages": pages,
        "sessions": sessions,
        "long": long,
        "minutes": long * users["dwell"] + 0.2 * (clicks - long),
        "load_ms": pages * (users["latency"] + extra_ms),
        "returned": p_return,
    }


def per_user_metrics(o, pre, cap=None):
    """Each metric as a per-user array, or a (numerator, denominator) pair for a ratio
    of sums, with the pre-period covariate CUPED adjusts for (None: no adjustment).
    The capped metric needs a cap; its expectation has no closed form here.
    """
    # The OEC: equal weights on long clicks and next-week return, each divided by its
    # pre-period mean, a constant fixed before the experiment starts.
    scale_long, scale_ret = pre["long"].mean(), pre["returned"].mean()
    oec = 0.5 * o["long"] / scale_long + 0.5 * o["returned"] / scale_ret
    oec_pre = 0.5 * pre["long"] / scale_long + 0.5 * pre["returned"] / scale_ret
    capped = np.minimum(o["minutes"], cap) if cap is not None else None
    metrics = {
        "clicks per user": (o["clicks"], None),
        "click-through rate (delta)": ((o["clicks"], o["pages"]), None),
        "sessions per user": (o["sessions"], None),
        "sessions per user, CUPED": (o["sessions"], pre["sessions"]),
        "minutes per user, raw": (o["minutes"], None),
        "minutes, capped (pre p99)": (capped, None),
        "long clicks per user": (o["long"], None),
        "returned next week": (o["returned"], None),
        "page load ms (guardrail)": ((o["load_ms"], o["pages"]), None),
        "OEC": (oec, None),
        "OEC, CUPED": (oec, oec_pre),
    }
    return {name: m for name, m in metrics.items() if m[0] is not None}


def mean_effect(y, arm):
    """Difference in means (treatment - control) and its standard error."""
    yt, yc = y[arm], y[~arm]
    se = np.sqrt(yt.var(ddof=1) / yt.size + yc.var(ddof=1) / yc.size)
    return yt.mean() - yc.mean(), se


def ratio_effect(num, den, arm):
    """Ratio of sums per arm, with the delta-method variance at the user level."""
    out = []
    for a in (arm, ~arm):
        ratio = num[a].sum() / den[a].sum()
        linear = (num[a] - ratio * den[a]) / den[a].mean()
        out.append((ratio, linear.var(ddof=1) / a.sum()))
    (rt, vt), (rc, vc) = out
    return rt - rc, np.sqrt(vt + vc)


def average(value):
    return value[0].sum() / value[1].sum() if isinstance(value, tuple) else value.mean()


def control_part(value, arm):
    return tuple(v[~arm] for v in value) if isinstance(value, tuple) else value[~arm]


def experiment(variant):
    users = new_users(USERS)
    arm = rng.random(USERS) < 0.5
    ctrl, treat = behave(users, CONTROL), behave(users, variant)
    seen = {k: np.where(arm, treat[k], ctrl[k]) for k in ctrl}
    # One cap for both arms, fixed from pre-period data.
    cap = np.quantile(users["pre"]["minutes"], 0.99)
    # The truth: the effect on the expected outcomes of these users.
    truth_ctrl = per_user_metrics(expected(users, CONTROL), users["pre"])
    truth_treat = per_user_metrics(expected(users, variant), users["pre"])
    rows = {}
    for name, (value, covariate) in per_user_metrics(seen, users["pre"], cap).items():
        if isinstance(value, tuple):
            diff, se = ratio_effect(*value, arm)
        elif covariate is None:
            diff, se = mean_effect(value, arm)
        else:
            # CUPED: subtract the part of the metric the pre-period value predicts.
            theta = np.cov(value, covariate)[0, 1] / covariate.var(ddof=1)
            diff, se = mean_effect(value - theta * covariate, arm)
        truth = np.nan
        if name in truth_ctrl:
            expected_base = average(truth_ctrl[name][0])
            truth = (average(truth_treat[name][0]) - expected_base) / expected_base
        rows[name] = (average(control_part(value, arm)), diff, se, truth)
    srm_p = stats.chisquare([arm.sum(), (~arm).sum()]).pvalue
    return rows, srm_p, arm, seen, users["pre"], cap


results = {name: experiment(v) for name, v in VARIANTS.items()}

rows, srm_p, arm, seen, pre, cap = results["clickbait headlines"]
print(
    f"clickbait headlines: {(~arm).sum():,} control and {arm.sum():,} treatment "
    f"users, two weeks, SRM p = {srm_p:.2f}"
)
print("effect, se, MDE (80% power) in % of the control mean; truth: expected effect")
print(
    f"{'metric':<27}{'control':>9}{'effect':>8}{'se':>6}{'z':>8}{'MDE':>6}{'truth':>8}"
)
for name, (base, diff, se, truth) in rows.items():
    mde = (Z_ALPHA + Z_POWER) * se
    print(
        f"{name:<27}{base:>9.4g}{100 * diff / base:>+8.2f}{100 * se / base:>6.2f}"
        f"{diff / se:>+8.2f}{100 * mde / base:>6.2f}"
        + (f"{100 * truth:>+8.2f}" if np.isfinite(truth) else f"{'-':>8}")
    )

# Multiple comparisons: split the control users of this experiment in two at random
# many times (A/A tests) and test each distinct metric (CUPED rows aside) each time.
ctrl = ~arm
columns = []
for value, covariate in per_user_metrics(
    {k: v[ctrl] for k, v in seen.items()}, {k: v[ctrl] for k, v in pre.items()}, cap
).values():
    if isinstance(value, tuple):
        # A ratio metric's difference is, to first order, a difference in means of
        # its linearisation (the delta method).
        num, den = value
        columns.append((num - num.sum() / den.sum() * den) / den.mean())
    elif covariate is None:
        columns.append(value)
metrics = np.column_stack(columns)
metrics -= metrics.mean(axis=0)
total, total_sq = metrics.sum(axis=0), (metrics**2).sum(axis=0)
p = []
for _ in range(10):
    # 100 A/A splits at a time: each control user goes to half A by a fair coin.
    half = (rng.random((100, metrics.shape[0])) < 0.5).astype(float)
    n_a = half.sum(axis=1, keepdims=True)
    n_b = metrics.shape[0] - n_a
    sum_a, sq_a = half @ metrics, half @ metrics**2
    sum_b, sq_b = total - sum_a, total_sq - sq_a
    var_a = (sq_a - sum_a**2 / n_a) / (n_a - 1)
    var_b = (sq_b - sum_b**2 / n_b) / (n_b - 1)
    z = (sum_a / n_a - sum_b / n_b) / np.sqrt(var_a / n_a + var_b / n_b)
    p.append(2 * stats.norm.sf(np.abs(z)))
p = np.vstack(p)
k = metrics.shape[1]
print(f"A/A: {len(p):,} random halvings of the control users, {k} metrics each")
print(
    f"  at least one p < 0.05: {np.mean((p < 0.05).any(axis=1)):.3f} "
    f"({1 - 0.95**k:.3f} if independent); Bonferroni, p < 0.05/{k}: "
    f"{np.mean((p < 0.05 / k).any(axis=1)):.3f}"
)
print()
print("pre-registered rule: ship if OEC (CUPED) z > 1.96, SRM p > 0.0005 and the")
print(
    f"upper 95% bound of the page-load change < +{LATENCY_MARGIN_MS:.0f} ms; "
    "'clicks only': ship if clicks z > 1.96"
)
print(
    f"{'variant':<25}{'clicks z':>9}{'OEC z':>7}{'load ms (upper)':>17}"
    f"{'clicks only':>12}  OEC + guardrails"
)
for name, (rows, srm_p, *_) in results.items():
    clicks_z = rows["clicks per user"][1] / rows["clicks per user"][2]
    oec_z = rows["OEC, CUPED"][1] / rows["OEC, CUPED"][2]
    _, load, load_se, _ = rows["page load ms (guardrail)"]
    upper = load + stats.norm.ppf(0.95) * load_se
    failed = [
        label
        for label, ok in (
            ("OEC", oec_z > Z_ALPHA),
            ("SRM", srm_p > 0.0005),
            ("latency", upper < LATENCY_MARGIN_MS),
        )
        if not ok
    ]
    verdict = "no ship: " + ", ".join(failed) if failed else "ship"
    print(
        f"{name:<25}{clicks_z:>+9.2f}{oec_z:>+7.2f}{load:>+9.1f} ({upper:>+5.1f})"
        f"{'ship' if clicks_z > Z_ALPHA else 'no ship':>12}  {verdict}"
    )
