# --8<-- [start:capacity]
from scipy.stats import norm

# Illustrative assumptions: 2,000 business metrics x 50 slices (country x platform),
# checked hourly. If every check is an independent two-sided test on a well-behaved
# residual, the false alarms per day follow from the threshold alone.
series, checks_per_day = 2_000 * 50, 24
tests = series * checks_per_day
print(f"series: {series:,}; checks/day: {tests:,}")
print(f"{'|z| threshold':<14}{'false alarms/day':>17}")
for z in (3.0, 4.0, 5.0, norm.isf(1 / tests / 2)):
    print(f"{z:<14.2f}{tests * 2 * norm.sf(z):17.1f}")
# --8<-- [end:capacity]

# --8<-- [start:detectors]
import numpy as np

rng = np.random.default_rng(0)
# 200 hourly series, 10 weeks: trend, daily and weekly seasonality, Poisson noise around
# a level of 2,000 an hour. In the last 2 weeks, 60 incidents (known ground truth) cut a
# series by 10-40% for 2-12 hours.
n_series, hours = 200, 24 * 7 * 10
t = np.arange(hours)
level = rng.uniform(500, 4_000, (n_series, 1))
daily = 1 + 0.5 * np.sin(2 * np.pi * (t - 6) / 24)
weekly = 1 - 0.25 * (t // 24 % 7 >= 5)
trend = 1 + rng.normal(0, 0.001, (n_series, 1)) * t / 24
expected = level * daily * weekly * trend
truth = np.zeros((n_series, hours), bool)
scale = np.ones((n_series, hours))
for _ in range(60):
    s = rng.integers(n_series)
    start = rng.integers(hours - 24 * 14, hours - 12)
    length = rng.integers(2, 13)
    truth[s, start : start + length] = True
    scale[s, start : start + length] *= 1 - rng.uniform(0.1, 0.4)
y = rng.poisson(expected * scale).astype(float)

week, eval_from = 24 * 7, hours - 24 * 14


def seasonal_median(h):
    # Median of the same hour in the previous 4 weeks: robust to one bad week.
    return np.median(np.stack([y[:, h - week * i] for i in range(1, 5)]), axis=0)


# Residuals of the seasonal-median forecast, re-levelled by the median ratio of the
# previous 24 hours (which follows the trend and ignores a short incident), divided by
# the square root of the forecast because count noise grows with the count.
first = eval_from - 2 * week - 24
ratio = np.full(y.shape, np.nan)
for h in range(first, hours):
    ratio[:, h] = y[:, h] / seasonal_median(h)
resid = np.full(y.shape, np.nan)
for h in range(first + 24, hours):
    forecast = seasonal_median(h) * np.median(ratio[:, h - 24 : h], axis=1)
    resid[:, h] = (y[:, h] - forecast) / np.sqrt(forecast)


def z_scores(kind):
    """A z-score for every series and evaluated hour, using past data only."""
    z = np.zeros((n_series, hours - eval_from))
    past = resid[:, eval_from - 2 * week : eval_from]
    mad = 1.4826 * np.median(np.abs(past - np.median(past, 1, keepdims=True)), 1)
    for i, h in enumerate(range(eval_from, hours)):
        if kind == "trailing 7-day mean and sd":
            window = y[:, h - week : h]
            z[:, i] = (y[:, h] - window.mean(1)) / window.std(1)
        elif kind == "same hour last week":
            z[:, i] = (y[:, h] - y[:, h - week]) / np.sqrt(y[:, h] + y[:, h - week])
        else:
            z[:, i] = resid[:, h] / mad
    return z


def score(alerts):
    incidents = truth[:, eval_from:]
    found = delays = n_incidents = 0
    false_events = 0
    for s in range(n_series):
        a, inc = alerts[s], incidents[s]
        starts = np.flatnonzero(inc & ~np.r_[False, inc[:-1]])
        for st in starts:
            end = st + np.argmax(~inc[st:]) if (~inc[st:]).any() else inc.size
            n_incidents += 1
            hit = np.flatnonzero(a[st:end])
            if hit.size:
                found += 1
                delays += hit[0]
        fa = a & ~inc
        false_events += (fa & ~np.r_[False, fa[:-1]]).sum()
    return found / n_incidents, delays / max(found, 1), false_events / n_series / 2


print(
    f"{'detector (|z| > 4)':<32}{'recall':>7}{'delay h':>8}"
    f"{'false alerts/series/wk':>23}"
)
for kind in (
    "trailing 7-day mean and sd",
    "same hour last week",
    "seasonal median, re-levelled",
):
    recall, delay, false_rate = score(np.abs(z_scores(kind)) > 4)
    print(f"{kind:<32}{recall:7.3f}{delay:8.2f}{false_rate:23.2f}")

# Where do the week-over-week false alerts come from? An incident last week makes this
# week's normal value look like a jump.
alerts = np.abs(z_scores("same hour last week")) > 4
false_hours = alerts & ~truth[:, eval_from:]
echo = truth[:, eval_from - week : hours - week]
print(
    f"same hour last week: {(false_hours & echo).sum() / false_hours.sum():.2f} of its "
    "false alert hours sit one week after an incident"
)
# --8<-- [end:detectors]
