# --8<-- [start:capacity]
import math


def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 500M posts a day, 3 countable
# terms each (hashtags, entities, normalised phrases), peak 3x the mean; each term is
# counted for its city, country and the world (3 keys); 10-minute windows; a
# count-min sketch per window whose additive error stays below 10 posts with
# probability 0.99; 20M distinct keys a window if counted exactly (64 bytes each);
# distinct accounts by HyperLogLog (2^11 one-byte registers) for 200k tracked
# candidates; 300M daily users who see the trends module 5 times a day.
posts, terms, peak, keys = 500e6, 3, 3, 3
events = posts * terms
peak_per_s = events / 86_400 * peak
window_peak = peak_per_s * keys * 600
eps = 10 / window_peak
width, depth = math.ceil(math.e / eps), math.ceil(math.log(1 / 0.01))
rows = [
    ("term events/day", si(events)),
    ("term events/s, mean", si(events / 86_400)),
    ("term events/s, peak", si(peak_per_s)),
    ("key updates per 10-min window, peak", si(window_peak)),
    ("count-min width (e / eps), error <= 10", si(width)),
    ("count-min depth (ln 1/delta), delta 0.01", f"{depth}"),
    ("count-min bytes per window (4-byte)", si(width * depth * 4)),
    ("exact map bytes per window (20M keys)", si(20e6 * 64)),
    ("HyperLogLog bytes, 200k candidates", si(200e3 * 2**11)),
    ("HyperLogLog relative error", f"{1.04 / math.sqrt(2**11):.3f}"),
    ("trend-list reads/s, mean", si(300e6 * 5 / 86_400)),
]
for name, value in rows:
    print(f"{name:<42}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:detect]
import numpy as np

rng = np.random.default_rng(7)
# Minute counts for 3,000 topics over 3 days: day 1 is history, days 2-3 are scored.
# Base rates are heavy-tailed (Zipf, 150 posts/min for the biggest topic, 0.02 for
# the smallest); each topic has a daily cycle (most peak in the evening, a fifth at
# another hour) and a day-to-day level that wanders by about 10%.
n, days, W = 3_000, 3, 10
T, day = days * 1_440, 1_440
base = 150.0 * np.arange(1, n + 1) ** -1.1
rng.shuffle(base)
phase = np.where(rng.random(n) < 0.8, 0.8, rng.random(n))
amp = rng.uniform(0.3, 0.8, n)
level = np.exp(0.1 * rng.standard_normal((days, n)))
rate = np.sin(2 * np.pi * (np.arange(T)[:, None] / day - phase + 0.25))
rate *= amp
rate += 1
rate *= base
for d in range(days):
    rate[d * day : (d + 1) * day] *= level[d]

# 240 real bursts on distinct random topics during days 2-3 (so most fall on small
# topics): extra rate max(lift x base, floor), a linear rise over 5-30 minutes, then an
# exponential decay; the truth is "a burst is on" from its start to its end + W.
nb = 240
b_topic = rng.choice(n, nb, replace=False)
b_start = rng.integers(day + 60, T - 200, nb)
b_len = rng.integers(60, 181, nb)
b_rise = rng.integers(5, 31, nb)
b_peak = np.maximum(
    np.exp(rng.uniform(np.log(1.5), np.log(10), nb)) * base[b_topic],
    np.exp(rng.uniform(np.log(1), np.log(20), nb)),
)
truth = np.zeros((T, n + 1), bool)
for i, s, d, r, p in zip(b_topic, b_start, b_len, b_rise, b_peak):
    t = np.arange(d)
    rate[s : s + d, i] += p * np.where(t < r, (t + 1) / r, np.exp(-(t - r) / (d / 3)))
    truth[s : s + d + W, i] = True
# Organic posts come from established (trusted) accounts 80% of the time; an
# organic account posts a topic at most once per window, so posts = accounts.
trusted = np.zeros((T, n + 1), np.int32)
posts = np.zeros((T, n + 1), np.int32)
trusted[:, :n] = rng.poisson(0.8 * rate)
posts[:, :n] = trusted[:, :n] + rng.poisson(0.2 * rate)
# One coordinated campaign: a new hashtag (an extra topic with no history) pushed by
# 1,000 accounts created this week, 2 posts each within the same 15 minutes.
camp_start, bots = 2 * day + 1_200, 1_000
np.add.at(posts[:, n], camp_start + rng.integers(0, 15, 2 * bots), 1)

# Scored every minute from the second hour of day 2. Window: the last W minutes.
# Baseline: the same hour yesterday (60 minutes centred on the window's middle)
# scaled to W minutes, plus a pseudo-count.
now = np.arange(day + 60, T)
cum_p = np.vstack([np.zeros((1, n + 1), np.int32), posts.cumsum(0, np.int32)])
cum_t = np.vstack([np.zeros((1, n + 1), np.int32), trusted.cumsum(0, np.int32)])


def window(cum, end, width):
    # counts in the `width` minutes ending at each minute in `end`
    return (cum[end + 1] - cum[end + 1 - width]).astype(float)


c, c_t, prev = window(cum_p, now, W), window(cum_t, now, W), window(cum_p, now - W, W)
base_p = window(cum_p, now - day + 25, 60) * W / 60
base_t = window(cum_t, now - day + 25, 60) * W / 60


def surprise(count, mu, k=np.inf):
    # signed root of the likelihood-ratio statistic: Poisson (k = inf) or negative
    # binomial with variance mu + mu^2 / k
    g = count * np.log(np.maximum(count, 1) / mu)
    if np.isfinite(k):
        g -= (count + k) * np.log((count + k) / (mu + k))
    else:
        g -= count - mu
    return np.sign(count - mu) * np.sqrt(np.maximum(2 * g, 0))


# Dispersion of the big topics (expected > 100 posts a window) around yesterday's
# baseline, robustly (MAD of the relative residual, less the Poisson part): no labels.
big = base_p > 100
rel = (c - base_p)[big] / base_p[big]
phi = (1.4826 * np.median(np.abs(rel))) ** 2 - np.median(1 / base_p[big])
detectors = {
    "raw volume": lambda: c,
    "ratio to previous window": lambda: c / np.maximum(prev, 1),
    "Poisson, pseudo-count 0.1": lambda: surprise(c, base_p + 0.1),
    "Poisson, pseudo-count 5": lambda: surprise(c, base_p + 5),
    "Poisson 5, trusted accounts": lambda: surprise(c_t, base_t + 5),
    "neg. binomial 0.1, trusted": lambda: surprise(c_t, base_t + 0.1, 1 / phi),
}
tie = 1e-6 * rng.random(n + 1)
live = truth[now]
ceiling = np.minimum(live.sum(1), 10).mean() / 10
small = base[b_topic] < 0.2
base_all = np.append(base, 0.0)
print(f"bursts {nb}, on small topics (<0.2/min) {small.sum()}; ceiling {ceiling:.3f}")
print(f"dispersion of big topics around yesterday: {phi:.3f}")
print(
    f"{'detector':<28}{'prec@10':>8}{'found':>7}{'small':>7}"
    f"{'delay':>7}{'bot min':>8}{'FP base':>8}"
)
for name, score in detectors.items():
    top = np.argpartition(-(score() + tie), 10, axis=1)[:, :10]
    listed = np.zeros_like(live)
    np.put_along_axis(listed, top, True, axis=1)
    precision = (listed & live).sum(1).mean() / 10
    delay = np.full(nb, -1)
    for b, (i, st, d) in enumerate(zip(b_topic, b_start, b_len)):
        hit = np.flatnonzero(listed[st - now[0] : st - now[0] + d, i])
        delay[b] = hit[0] if hit.size else -1
    found = delay >= 0
    false = listed & ~live
    fp_base = np.median(np.broadcast_to(base_all, false.shape)[false])
    print(
        f"{name:<28}{precision:>8.3f}{found.mean():>7.3f}"
        f"{found[small].mean():>7.3f}{np.median(delay[found]):>7.1f}"
        f"{listed[:, n].sum():>8d}{fp_base:>8.2f}"
    )
# --8<-- [end:detect]
