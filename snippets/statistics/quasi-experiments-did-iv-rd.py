# --8<-- [start:did]
import numpy as np

rng = np.random.default_rng(0)

# 1,000 treated and 1,000 control units, 8 periods; the treated group starts at
# a higher level, and from period 4 the treatment adds 2.0 to its outcome
periods, start, effect = np.arange(8), 4, 2.0


def panel(extra_trend):
    """Outcomes (units x periods); the treated group may have its own trend."""
    group = np.repeat([1, 0], 1000)
    unit = rng.normal(0, 1, (2000, 1)) + 1.0 * group[:, None]
    common = 0.5 * periods + rng.normal(0, 0.3, 8)
    trend = extra_trend * group[:, None] * periods
    treated = group[:, None] * (periods >= start)
    y = unit + common + trend + effect * treated + rng.normal(0, 1, (2000, 8))
    return y, group


print("difference-in-differences, true effect +2.00 from period 4")
print(f"{'':18}{'2x2 DiD':>8}   event study: periods 0-7 minus period 3")
for name, extra in (("parallel trends", 0.0), ("diverging trends", 0.3)):
    y, group = panel(extra)
    gap = y[group == 1].mean(0) - y[group == 0].mean(0)
    did = gap[periods >= start].mean() - gap[periods < start].mean()
    event = gap - gap[start - 1]
    print(f"{name:18}{did:+8.2f}   " + " ".join(f"{v:+.2f}" for v in event))

# Staggered adoption: cohorts of 1,000 start in period 2 and in period 5, and
# 1,000 units are never treated; the effect grows with time since adoption
cohort = np.repeat([2, 5, 99], 1000)
since = periods[None, :] - cohort[:, None]
tau = np.where(since >= 0, 0.5 * (since + 1), 0.0)
y = rng.normal(0, 1, (3000, 1)) + 0.5 * periods + tau + rng.normal(0, 1, (3000, 8))
d = (since >= 0).astype(float)
# two-way fixed effects on a balanced panel: demean d by unit and by period
dd = d - d.mean(1, keepdims=True) - d.mean(0) + d.mean()
twfe = (dd * y).sum() / (dd * d).sum()
# Callaway-Sant'Anna: each cohort g against the units not yet treated in period
# t, both measured as changes from period g - 1; then average the (g, t) cells
att, true = [], []
for g in (2, 5):
    for t in range(g, 8):
        change = y[:, t] - y[:, g - 1]
        att.append(change[cohort == g].mean() - change[cohort > t].mean())
        true.append(tau[cohort == g, t].mean())
print(f"staggered adoption: true average effect on treated cells {np.mean(true):+.2f}")
print(f"  two-way fixed effects {twfe:+.2f}, Callaway-Sant'Anna {np.mean(att):+.2f}")
# --8<-- [end:did]

# --8<-- [start:iv]
import numpy as np

rng = np.random.default_rng(0)


def encouragement(n, nudge):
    """A randomised prompt z nudges users to adopt a feature (t); engagement u,
    which the analyst does not see, drives both adoption and the outcome y."""
    u = rng.normal(0, 1, n)
    z = rng.integers(0, 2, n)
    noise = rng.normal(0, 1, n)
    # potential adoption without and with the prompt: the prompt only ever helps
    t0 = (u + noise > 1.5).astype(float)
    t1 = (u + noise + nudge > 1.5).astype(float)
    t = np.where(z == 1, t1, t0)
    # engaged users gain more from the feature: the effect differs between users
    gain = 1.0 + u
    y = 2.0 * u + gain * t + rng.normal(0, 1, n)
    complier = (t1 == 1) & (t0 == 0)
    return z, t, y, gain, complier


def two_sls(z, t, y):
    """One binary instrument: 2SLS = ITT / first stage (the Wald estimator).
    Returns it with its robust SE and the first-stage F statistic."""
    zc = z - z.mean()
    first = zc @ t / (zc @ zc)
    beta = zc @ y / (zc @ t)
    resid = y - y.mean() - beta * (t - t.mean())
    se = np.sqrt(np.sum(zc**2 * resid**2)) / abs(zc @ t)
    t_resid = t - t.mean() - first * zc
    f_stat = first**2 / (t_resid @ t_resid / (len(t) - 2) / (zc @ zc))
    return beta, se, f_stat


z, t, y, gain, complier = encouragement(20_000, nudge=1.5)
beta, se, f_stat = two_sls(z, t, y)
ols = np.polyfit(t, y, 1)[0]
itt = y[z == 1].mean() - y[z == 0].mean()
print("instrumental variables: randomised prompt z -> adoption t -> outcome y")
print(f"  compliers {complier.mean():.2f}; true ATE {gain.mean():+.2f},", end="")
print(f" true LATE (compliers) {gain[complier].mean():+.2f}")
print(f"  OLS of y on t {ols:+.2f}; ITT {itt:+.2f};", end="")
print(f" 2SLS {beta:+.2f} (SE {se:.2f}), first-stage F {f_stat:.0f}")
print("300 experiments of 20,000 users, strong and weak prompt:")
for nudge in (1.5, 0.08):
    sims = []
    for _ in range(300):
        z, t, y, gain, complier = encouragement(20_000, nudge)
        beta, se, f_stat = two_sls(z, t, y)
        sims.append((beta, f_stat, gain[complier].mean()))
    b, f, late = np.array(sims).T
    q5, q50, q95 = np.percentile(b, [5, 50, 95])
    print(
        f"  nudge {nudge:4}: median F {np.median(f):4.0f}, LATE {late.mean():+.2f};",
        end="",
    )
    print(f" 2SLS median {q50:+.2f}, 90% in [{q5:+.2f}, {q95:+.2f}]")
# --8<-- [end:iv]

# --8<-- [start:rd]
import numpy as np
from scipy.stats import binomtest

rng = np.random.default_rng(0)


def rd_sample(n=2000):
    """Sharp RD: treated when the score r >= 0. The effect is 1.0 at the cutoff
    and shrinks away from it, so the two sides curve differently."""
    r = rng.uniform(-1, 1, n)
    y0 = 1 + r + 1.5 * r**2 + rng.normal(0, 0.5, n)
    effect = 1.0 - 3.0 * r**2
    return r, y0 + effect * (r >= 0)


def local_linear(r, y, h):
    """The jump at 0: a line on each side, triangular kernel weights within h."""
    ends = []
    for side in (r < 0, r >= 0):
        w = np.clip(1 - np.abs(r) / h, 0, None) * side
        A = np.column_stack([np.ones_like(r), r]) * np.sqrt(w)[:, None]
        ends.append(np.linalg.lstsq(A, y * np.sqrt(w), rcond=None)[0][0])
    return ends[1] - ends[0]


print("sharp regression discontinuity, true jump +1.00 (300 samples of 2,000)")
for h in (0.1, 0.3, 1.0):
    jumps = np.array([local_linear(*rd_sample(), h) for _ in range(300)])
    print(f"  bandwidth {h}: bias {jumps.mean() - 1:+.3f}, sd {jumps.std():.3f}")
# Density check, McCrary's idea in its crudest form: are units bunched just
# above the cutoff? Then half the units just below it move themselves above.
r, _ = rd_sample()
moved = (r > -0.05) & (r < 0) & (rng.random(len(r)) < 0.5)
for name, score in (("no manipulation", r), ("manipulated", np.where(moved, -r, r))):
    near = np.abs(score) < 0.05
    above = int(np.sum(score[near] >= 0))
    p = binomtest(above, int(near.sum())).pvalue
    print(f"  {name}: {above} of {near.sum()} within 0.05 are above, p = {p:.2g}")
# --8<-- [end:rd]
