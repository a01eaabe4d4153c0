# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 2,000 pumps and motors, 4 accelerometers each sampled
# continuously at 10 kHz in 16 bits; an edge gateway turns each sensor's minute of
# waveform into 70 float32 features (64 spectral bands, RMS, peak, kurtosis, ...);
# the model scores one row per machine per day, trained on two years of history.
machines, sensors, hz = 2_000, 4, 10_000
raw_day = machines * sensors * hz * 2 * 86_400
features_day = machines * sensors * 70 * 4 * 1_440
for name, value in [
    ("raw waveform bytes/day", si(raw_day)),
    ("edge features bytes/day", si(features_day)),
    ("reduction at the edge", f"{raw_day / features_day:,.0f}x"),
    ("scored machine-days/day", si(machines)),
    ("training rows, 2 years", si(machines * 730)),
]:
    print(f"{name:<26}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:fleet]
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score

# Known ground truth, one reading a day per machine (vibration level). A machine runs
# healthy for an exponential time (mean 250 days), then degrades for 15-60 days: the
# reading rises by up to 30-100% (quadratic in time) until it fails. 1 in 1,000 days
# a machine also fails with no warning. A failure stops it for 4 days (no readings).
# The load regime (changes weekly) scales the reading; features divide it out.
# Label: fails within H = 14 days. Acting needs LEAD = 5 days (parts, crew).
H, LEAD, BURN = 14, 5, 90
LOAD = np.array([0.8, 1.0, 1.3]) ** 1.5


def window(cs, cn, a, b):
    # mean reading over days [a, b), skipping days the machine was down
    with np.errstate(invalid="ignore", divide="ignore"):
        return (cs[:, b] - cs[:, a]) / (cn[:, b] - cn[:, a])


def simulate(n, days, seed, model=None, thr=1.0, act_share=0.0):
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0.0, 0.3, n)
    cs, cn = np.zeros((n, days + 1)), np.zeros((n, days + 1))
    X = np.full((n, days, 5), np.nan)
    fail, sudden, found = (np.zeros((n, days), bool) for _ in range(3))
    acted = rng.random(n) < act_share
    to_onset = rng.exponential(250, n)
    age, length, amp = np.zeros(n), np.ones(n), np.zeros(n)
    degrading = np.zeros(n, bool)
    down, last_fix = np.zeros(n, int), np.full(n, -30)
    repair_on, work_order = np.full(n, -1), np.zeros(n, int)
    for t in range(days):
        if t % 7 == 0:
            regime = rng.integers(0, 3, n)
        up = down == 0
        # a planned repair ordered after an alert: finds the defect if there is one
        fix = up & (repair_on == t)
        found[fix, t] = degrading[fix]
        degrading[fix], last_fix[fix], repair_on[fix] = False, t, -1
        to_onset[fix] = rng.exponential(250, fix.sum())
        to_onset[up & ~degrading] -= 1
        start = up & ~degrading & (to_onset <= 0)
        degrading[start], age[start] = True, 0
        length[start] = rng.uniform(15, 60, start.sum())
        amp[start] = rng.uniform(0.3, 1.0, start.sum())
        age[degrading & up] += 1
        worn_out = up & degrading & (age >= length)
        shock = up & (rng.random(n) < 1 / 1000)
        failed = worn_out | shock
        fail[failed, t], sudden[shock & ~worn_out, t] = True, True
        degrading[failed], repair_on[failed] = False, -1
        down[failed], last_fix[failed] = 4, t + 4
        to_onset[failed] = rng.exponential(250, failed.sum())
        up = down == 0
        wear = np.where(degrading, amp * (age / length) ** 2, 0.0)
        reading = level * LOAD[regime] * (1 + wear) * rng.lognormal(0, 0.1, n)
        cs[:, t + 1] = cs[:, t] + np.where(up, reading / LOAD[regime], 0)
        cn[:, t + 1] = cn[:, t] + up
        down[~up] -= 1
        if t < BURN:
            continue
        # features from the past only: 7-day mean, its ratio to the machine's own
        # baseline (days t-89 to t-30), 7-day trend, days since repair, load regime
        m7, prev = window(cs, cn, t - 6, t + 1), window(cs, cn, t - 13, t - 6)
        base = window(cs, cn, t - 89, t - 29)
        f = np.column_stack([m7, m7 / base, (m7 - prev) / base, t - last_fix, regime])
        f[~up] = np.nan
        X[:, t] = f
        if model is not None:
            # deployed: an alert opens a work order (no new alert for H days); on
            # acted machines a degrading one is repaired LEAD days later
            ok = up & (work_order == 0)
            alert = np.zeros(n, bool)
            alert[ok] = model.predict_proba(f[ok])[:, 1] > thr
            work_order[alert] = H + 1
            repair_on[alert & acted & degrading] = t + LEAD
        work_order = np.maximum(work_order - 1, 0)
    return dict(X=X, fail=fail, sudden=sudden, found=found, acted=acted)


def rows(sim, event):
    # y = an event in (t, t+H]; the last H days are censored (window not over yet)
    n, days = event.shape
    c = np.concatenate([np.zeros((n, 1)), np.cumsum(event, 1)], 1)
    t = np.arange(days - H)
    y = c[:, t + H + 1] - c[:, t + 1] > 0
    keep = ~np.isnan(sim["X"][:, : days - H, 0])
    m, t = np.nonzero(keep)
    return sim["X"][m, t], y[m, t], m, t


def fit(X, y):
    params = dict(max_iter=60, early_stopping=False, random_state=0)
    return HistGradientBoostingClassifier(**params).fit(X, y)


hist = simulate(200, 730, seed=1)
X, y, m, t = rows(hist, hist["fail"])
new = simulate(200, BURN + 365 + H, seed=2)
Xn, yn, mn, tn = rows(new, new["fail"])
f = hist["fail"][:, BURN : 730 - H]
print(f"history: 200 machines x 626 days, {len(y):,} rows, {f.sum()} failures")
print(f"rows labelled 'fails within 14 days' {y.mean():.3f}")
print(
    f"failures with no warning {hist['sudden'][:, BURN : 730 - H].sum() / f.sum():.2f}"
)

rng = np.random.default_rng(0)
held_out = np.isin(m, rng.permutation(200)[:67])
cut = 410
splits = {
    "random rows": (rng.random(len(y)) < 0.25, None),
    "by time": (t >= cut, t < cut - H),
    "by machine": (held_out, ~held_out),
    "by machine and time": (held_out & (t >= cut), ~held_out & (t < cut - H)),
}
print(f"{'split':<22}{'AP on its test':>15}{'AP, new fleet':>15}")
for name, (test, train) in splits.items():
    train = ~test if train is None else train
    model = fit(X[train], y[train])
    p_test, p_new = model.predict_proba(X[test])[:, 1], model.predict_proba(Xn)[:, 1]
    estimate = average_precision_score(y[test], p_test)
    print(f"{name:<22}{estimate:15.3f}{average_precision_score(yn, p_new):15.3f}")
# v1 is the model of the last split; its test rows are the validation set.
v1, val = model, test


def as_grid(shape, m, t, p):
    score = np.full(shape, np.nan)
    score[m, t] = p
    return score


def alerts(score, thr):
    # an alert opens a work order: no new alert on that machine for H days
    above = np.nan_to_num(score) > thr
    alert = np.zeros(score.shape, bool)
    wait = np.zeros(len(score), int)
    for t in range(score.shape[1]):
        alert[:, t] = above[:, t] & (wait == 0)
        wait = np.maximum(np.where(alert[:, t], H + 1, wait) - 1, 0)
    return alert


# Illustrative costs, $k: an unplanned failure 50; a caught one is a planned repair,
# 10; every alert sends a technician to inspect, 2.
C_FAIL, C_REPAIR, C_VISIT = 50, 10, 2


def evaluate(score, fail, first, thr):
    # alerts and failures from day `first` to the last day with a complete window
    alert = alerts(score, thr)
    n, days = fail.shape
    a = np.concatenate([np.zeros((n, 1)), np.cumsum(alert, 1)], 1)
    e = np.concatenate([np.zeros((n, 1)), np.cumsum(fail, 1)], 1)
    fm, ft = np.nonzero(fail[:, first : days - H])
    ft += first
    lo = np.maximum(ft - H, 0)
    # caught: an alert 5 to 14 days ahead; late: only 1 to 4 days ahead
    caught = a[fm, ft - LEAD + 1] - a[fm, lo] > 0
    late = ~caught & (a[fm, ft] - a[fm, lo] > 0)
    am, at = np.nonzero(alert[:, first : days - H])
    at += first
    true = e[am, at + H + 1] - e[am, at + 1] > 0
    leads = [
        ft[i] - at[(am == fm[i]) & (at >= lo[i])].min() for i in np.nonzero(caught)[0]
    ]
    years = (days - H - first) / 365
    cost = C_FAIL * (~caught).sum() + C_REPAIR * caught.sum() + C_VISIT * len(at)
    return dict(
        caught=caught.mean(),
        late=late.mean(),
        precision=true.mean(),
        per_week=len(at) / (years * 365 / 7) / n * 100,
        cost=cost / n / years,
        lead=np.median(leads),
    )


val_machines = np.unique(m[val])
val_score = as_grid(hist["fail"].shape, m[val], t[val], p_test)
val_score, val_fail = val_score[val_machines], hist["fail"][val_machines]
grid = np.round(np.arange(0.05, 1.0, 0.05), 2)
val_cost = [evaluate(val_score, val_fail, cut, thr)["cost"] for thr in grid]
chosen = grid[np.argmin(val_cost)]
print(f"threshold with the lowest cost on validation machines: {chosen:.2f}")
new_score = as_grid(new["fail"].shape, mn, tn, p_new)
nf = new["fail"][:, BURN:-H].sum()
warnable = nf - new["sudden"][:, BURN:-H].sum()
print(f"new fleet: 200 machines, 1 year, {nf} failures ({warnable} with a warning)")
print(
    f"{'threshold':<17}{'caught':>7}{'late':>6}{'prec':>6}{'/wk/100':>8}"
    f"{'lead d':>7}{'$k/yr':>7}"
)
bayes = C_VISIT / (C_VISIT + C_FAIL - C_REPAIR)
for name, thr in [
    ("row rule 2/42", bayes),
    ("0.20", 0.2),
    ("0.40", 0.4),
    (f"chosen {chosen:.2f}", chosen),
    ("0.80", 0.8),
    ("0.95", 0.95),
]:
    r = evaluate(new_score, new["fail"], BURN, thr)
    print(
        f"{name:<17}{r['caught']:7.3f}{r['late']:6.3f}{r['precision']:6.3f}"
        f"{r['per_week']:8.2f}{r['lead']:7.1f}{r['cost']:7.1f}"
    )
print(f"{'no model':<17}{'':34}{C_FAIL * nf / 200:7.1f}")
best = (C_FAIL * (nf - warnable) + (C_REPAIR + C_VISIT) * warnable) / 200
print(f"{'perfect alerts':<17}{'':34}{best:7.1f}")

# Deploy v1 for a year on a third fleet: alerts on 80% of machines lead to repairs,
# 20% are a holdout whose alerts are logged but not acted on. Then retrain on that year.
year = simulate(200, BURN + 365 + H, seed=3, model=v1, thr=chosen, act_share=0.8)
acted, f = year["acted"], year["fail"][:, BURN:-H]
for name, group in [("acted on", acted), ("holdout", ~acted)]:
    rate = f[group].sum() / group.sum()
    print(f"deployed, {name:<9}{group.sum():4d} machines, {rate:.2f} failures/yr")
print(f"planned repairs that found a defect: {year['found'][:, BURN:-H].sum()}")
Xy, yy, my, _ = rows(year, year["fail"])
Xr, yr, _, _ = rows(year, year["fail"] | year["found"])
r = evaluate(new_score, new["fail"], BURN, chosen)
target = r["per_week"]
print(f"{'model':<26}{'positives':>9}{'AP new':>8}{'/wk/100':>8}{'caught':>8}")
print(
    f"{'v1 (history, no actions)':<26}{y[~held_out & (t < cut - H)].mean():9.3f}"
    f"{average_precision_score(yn, p_new):8.3f}{target:8.2f}"
    f"{r['caught']:8.3f}"
)
for name, Xa, ya in [
    ("v2: failures as labels", Xy, yy),
    ("v2: holdout machines only", Xy[~acted[my]], yy[~acted[my]]),
    ("v2: failures + repairs", Xr, yr),
]:
    p = fit(Xa, ya).predict_proba(Xn)[:, 1]
    score = as_grid(new["fail"].shape, mn, tn, p)
    # the threshold that sends v1's number of alerts, by bisection
    lo, hi = 0.0, 1.0
    for _ in range(14):
        mid = (lo + hi) / 2
        fewer = evaluate(score, new["fail"], BURN, mid)["per_week"] <= target
        lo, hi = (lo, mid) if fewer else (mid, hi)
    r = evaluate(score, new["fail"], BURN, hi)
    print(
        f"{name:<26}{ya.mean():9.3f}{average_precision_score(yn, p):8.3f}"
        f"{r['per_week']:8.2f}{r['caught']:8.3f}"
    )
# --8<-- [end:fleet]
