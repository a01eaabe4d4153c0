import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats
from statsmodels.stats.stattools import medcouple

rng = np.random.default_rng(0)
N, REPS = 1000, 20


def z_rule(x, cut=3.0):
    # classical z-score: mean and sd, both pulled by the outliers themselves
    return np.abs(x - x.mean()) / x.std(ddof=1) > cut


def tukey_rule(x, k=1.5):
    q1, q3 = np.percentile(x, [25, 75])
    return (x < q1 - k * (q3 - q1)) | (x > q3 + k * (q3 - q1))


def mad_rule(x, cut=3.5):
    # modified z-score of Iglewicz and Hoaglin: 0.6745 (x - median) / MAD
    med = np.median(x)
    return 0.6745 * np.abs(x - med) / np.median(np.abs(x - med)) > cut


def mc_fast(x):
    # medcouple: median of ((xi - med) - (med - xj)) / (xi - xj) over xi >= med >= xj
    # (no tie handling: enough for continuous data with an even n)
    med = np.median(x)
    up, low = x[x >= med][:, None], x[x <= med][None, :]
    return np.median(((up - med) - (med - low)) / (up - low))


def adjusted_boxplot(x):
    # Hubert and Vandervieren (2008): Tukey's fences bent by the medcouple
    q1, q3 = np.percentile(x, [25, 75])
    mc, iqr = mc_fast(x), q3 - q1
    a, b = (-4, 3) if mc >= 0 else (-3, 4)
    return (x < q1 - 1.5 * np.exp(a * mc) * iqr) | (x > q3 + 1.5 * np.exp(b * mc) * iqr)


def esd(x, max_out, alpha=0.05, stop_at_first=False):
    # Rosner's generalized ESD: remove the most extreme point max_out times and
    # keep the largest i whose statistic beats its critical value. Stopping at
    # the first non-significant step instead is Grubbs' test repeated.
    n, order = len(x), np.argsort(x)
    xs = x[order]
    lo, hi, s1, s2, n_out = 0, n - 1, xs.sum(), (xs**2).sum(), 0
    removed = []
    # critical values for the m = n, n-1, ... points left at each step
    m_left = n - np.arange(max_out)
    t = stats.t.ppf(1 - alpha / (2 * m_left), m_left - 2)
    lam = (m_left - 1) * t / np.sqrt((m_left - 2 + t**2) * m_left)
    for i in range(1, max_out + 1):
        m = n - i + 1
        mean = s1 / m
        sd = np.sqrt((s2 - m * mean**2) / (m - 1))
        j = hi if xs[hi] - mean >= mean - xs[lo] else lo
        if abs(xs[j] - mean) / sd > lam[i - 1]:
            n_out = i
        elif stop_at_first:
            break
        removed.append(order[j])
        s1, s2 = s1 - xs[j], s2 - xs[j] ** 2
        lo, hi = (lo + 1, hi) if j == lo else (lo, hi - 1)
    flags = np.zeros(n, dtype=bool)
    flags[removed[:n_out]] = True
    return flags


def grubbs_repeated(x):
    return esd(x, len(x) - 3, stop_at_first=True)


def gesd_half(x):
    return esd(x, len(x) // 2)


print("largest possible |z| in a sample of n, (n-1)/sqrt(n):")
for n in [5, 10, 11, 30, 100]:
    # one point at 1, the rest at 0, attains the bound exactly
    v = np.r_[1.0, np.zeros(n - 1)]
    z_max = (v[0] - v.mean()) / v.std(ddof=1)
    bound = (n - 1) / np.sqrt(n)
    print(f"  n={n:<4} {bound:.3f}   attained: {np.isclose(z_max, bound)}")

q = stats.norm.ppf(0.75)
print(f"MAD consistency constant 1/Phi^-1(0.75) = {1 / q:.4f}")
x = rng.standard_normal(N)
print(
    "scipy median_abs_deviation(scale='normal') = 1.4826 MAD:",
    np.isclose(
        stats.median_abs_deviation(x, scale="normal"),
        np.median(np.abs(x - np.median(x))) / q,
    ),
)
x = rng.lognormal(0, 1, N)
print("medcouple from scratch = statsmodels:", np.isclose(mc_fast(x), medcouple(x)))
print("share flagged on clean normal data, in theory:")
print(
    f"  z>3 {2 * stats.norm.sf(3):.4f}   Tukey {2 * stats.norm.sf(q + 1.5 * 2 * q):.4f}"
    f"   MAD>3.5 {2 * stats.norm.sf(3.5):.4f}"
)

rules = {
    "z>3": z_rule,
    "Tukey": tukey_rule,
    "MAD>3.5": mad_rule,
    "Grubbs rep.": grubbs_repeated,
    "gen. ESD": gesd_half,
}
print(f"\n1. N(0,1) plus a cluster of outliers from N(5, 0.5); {REPS} samples of {N:,}")
print("   detection rate / false-positive rate; tests at alpha 0.05, ESD up to n/2")
print("share  " + "".join(f"{name:>14}" for name in rules))
for share in [0.0, 0.01, 0.05, 0.15, 0.30]:
    hits = {name: np.zeros(2) for name in rules}
    n_out = int(share * N)
    for _ in range(REPS):
        x = np.r_[rng.standard_normal(N - n_out), rng.normal(5, 0.5, n_out)]
        is_out = np.arange(N) >= N - n_out
        for name, rule in rules.items():
            f = rule(x)
            hits[name] += [f[is_out].sum(), f[~is_out].sum()]
    cells = []
    for name in rules:
        det = hits[name][0] / (REPS * n_out) if n_out else np.nan
        fpr = hits[name][1] / (REPS * (N - n_out))
        cells.append(f"{'   -' if n_out == 0 else f'{det:4.2f}'} / {fpr:.3f}")
    print(f"{share:4.2f}  " + "".join(f"{c:>14}" for c in cells))

skew_rules = {k: rules[k] for k in ["z>3", "Tukey", "MAD>3.5"]}
skew_rules["adj. boxplot"] = adjusted_boxplot
print(f"\n2. no outliers at all: share of points flagged, {REPS} samples of {N:,}")
print("data                " + "".join(f"{name:>13}" for name in skew_rules))
names = ["log-normal(0, 1)", "  its logarithm", "Student t, 3 df"]
flagged = {name: np.zeros(len(skew_rules)) for name in names}
for _ in range(REPS):
    ln = rng.lognormal(0, 1, N)
    for name, x in zip(names, [ln, np.log(ln), rng.standard_t(3, N)]):
        flagged[name] += [rule(x).mean() for rule in skew_rules.values()]
for name, f in flagged.items():
    print(f"{name:<20}" + "".join(f"{v / REPS:>13.3f}" for v in f))


def hampel(x, half=3, cut=3.0, trailing=False):
    # flag points more than cut robust sds from the median of their window
    if trailing:
        win = sliding_window_view(np.r_[np.full(2 * half, x[0]), x], 2 * half + 1)
        win = win[:, :-1]
    else:
        win = sliding_window_view(np.pad(x, half, mode="reflect"), 2 * half + 1)
    med = np.median(win, axis=1)
    sd = 1.4826 * np.median(np.abs(win - med[:, None]), axis=1)
    return np.abs(x - med) > cut * sd


def baseline_residual(x, period=24):
    # robust expected value: a rolling median over one period (trend), then the
    # median of each hour of the day (season); score what is left
    level = np.median(
        sliding_window_view(np.pad(x, period // 2, mode="reflect"), period + 1), axis=1
    )
    detrended = x - level
    hour = np.arange(len(x)) % period
    profile = np.array([np.median(detrended[hour == h]) for h in range(period)])
    return detrended - profile[hour]


T, N_SPIKES = 1000, 20
t = np.arange(T)
# (rule, applied to the full series or to noise + spikes alone)
ts_rules = {
    "global z>3": (z_rule, "full"),
    "global MAD>3.5": (mad_rule, "full"),
    "Hampel, centred window 7": (hampel, "full"),
    "  same, noise + spikes only": (hampel, "noise"),
    "Hampel, trailing window 6": (lambda x: hampel(x, trailing=True), "full"),
    "baseline residual, MAD>3.5": (lambda x: mad_rule(baseline_residual(x)), "full"),
}
counts = {name: np.zeros(2) for name in ts_rules}
for _ in range(REPS):
    # hourly series: trend 0 -> 6, daily season of amplitude 3, N(0, 1) noise
    noise = rng.standard_normal(T)
    spikes = rng.choice(T, N_SPIKES, replace=False)
    jumps = np.zeros(T)
    jumps[spikes] = 6 * rng.choice([-1, 1], N_SPIKES)
    series = {
        "full": 6 * t / T + 3 * np.sin(2 * np.pi * t / 24) + noise + jumps,
        "noise": noise + jumps,
    }
    is_spike = jumps != 0
    for name, (rule, kind) in ts_rules.items():
        f = rule(series[kind])
        counts[name] += [f[is_spike].sum(), f[~is_spike].sum()]
print(f"\n3. trend + daily season + noise sd 1, {N_SPIKES} spikes of +-6 in {T} hours")
print(f"   {REPS} series; 3 robust sds for the Hampel filters")
print("rule                         spikes found   false flags per 1,000 points")
for name, (found, false) in counts.items():
    print(
        f"{name:<28} {found / (REPS * N_SPIKES):>12.2f}"
        f"   {1000 * false / (REPS * (T - N_SPIKES)):>12.1f}"
    )

# why the short window misfires: the MAD of 7 points is small and noisy
win = sliding_window_view(rng.standard_normal(100_000), 7)
local_sd = 1.4826 * np.median(np.abs(win - np.median(win, axis=1)[:, None]), axis=1)
print(
    f"local robust sd, 7 points of N(0, 1) noise: median {np.median(local_sd):.2f}, "
    f"10%-90% {np.percentile(local_sd, 10):.2f}-{np.percentile(local_sd, 90):.2f}"
)
