import numpy as np
from scipy import stats

rng = np.random.default_rng(11)
USERS, TESTS, RESAMPLES = 1000, 500, 200  # users per arm, experiments, bootstrap draws
MEDIAN, SD_USER, SD_REQUEST = 0.3, 0.3, 0.6  # seconds; log-scale spreads
P, THRESHOLD, SLOWER = 0.95, 1.0, 1.05  # p95; "slow" above 1 s; tail made 5% slower
Z = stats.norm.ppf(0.975)


def arm(slower=1.0):
    """One arm: heavy-tailed requests per user, each user with a latency multiplier.
    The treatment makes every request above the median `slower` times longer."""
    counts = np.ceil(np.exp(rng.normal(np.log(10), 1.2, USERS))).astype(int)
    user = np.repeat(np.arange(USERS), counts)
    log_lat = rng.normal(0, SD_USER, USERS)[user] + rng.normal(0, SD_REQUEST, user.size)
    latency = MEDIAN * np.exp(log_lat)
    latency = np.where(latency > MEDIAN, latency * slower, latency)
    return latency, user, counts


def ratio_var(num, den):
    """Delta-method variance of sum(num) / sum(den) over independent users."""
    r = num.sum() / den.sum()
    resid = num - r * den
    return resid.var(ddof=1) / (len(den) * den.mean() ** 2)


def p95_and_ses(latency, user, counts):
    """The sample p95 and three standard errors for it: requests treated as
    i.i.d., the delta method over users (Deng, Knoblich and Lu), a user bootstrap."""
    n = latency.size
    k = int(np.ceil(n * P)) - 1
    q = np.partition(latency, k)[k]
    # SD of the share of requests below q: as if i.i.d., and with users as units
    sd_iid = np.sqrt(P * (1 - P) / n)
    below = np.bincount(user, weights=latency <= q, minlength=USERS)
    sd_users = np.sqrt(ratio_var(below, counts))
    # Sort only the ranks within 6 SDs of the p95: no interval or resample leaves them.
    width = 6 * max(sd_iid, sd_users)
    lo, hi = max(0, int(n * (P - width))), min(n, int(n * (P + width)) + 1)
    part = np.argpartition(latency, [lo, hi - 1])
    band = part[lo:hi][np.argsort(latency[part[lo:hi]], kind="stable")]
    srt, srt_user = latency[band], user[band]

    def se(sd):
        # the order statistics at shares p -+ z*sd: (upper - lower) / 2z
        upper = srt[int(np.ceil(n * (P + Z * sd))) - 1 - lo]
        lower = srt[int(np.ceil(n * (P - Z * sd))) - 1 - lo]
        return (upper - lower) / (2 * Z)

    # User bootstrap: weight each user by how often the resample drew them, add
    # the requests below the band, then walk the band in order to the 95% mark.
    draws = rng.integers(0, USERS, (RESAMPLES, USERS))
    draws += USERS * np.arange(RESAMPLES)[:, None]
    weights = np.bincount(draws.ravel(), minlength=RESAMPLES * USERS)
    weights = weights.reshape(RESAMPLES, USERS)
    needed = P * (weights @ counts)
    start = weights @ np.bincount(user[part[:lo]], minlength=USERS)
    running = start[:, None] + np.cumsum(weights[:, srt_user], 1)
    assert np.all((start < needed) & (running[:, -1] >= needed))
    boot = srt[np.argmax(running >= needed[:, None], axis=1)]
    return q, se(sd_iid), se(sd_users), boot.std(ddof=1)


# Truth: latencies are log-normal with both spreads, whoever sends the requests.
sd_total = np.hypot(SD_USER, SD_REQUEST)
true_p95 = MEDIAN * np.exp(stats.norm.ppf(P) * sd_total)
true_share = stats.norm.sf(np.log(THRESHOLD / MEDIAN) / sd_total)
true_share_b = stats.norm.sf(np.log(THRESHOLD / SLOWER / MEDIAN) / sd_total)
print(f"control p95 {true_p95:.3f} s, treatment p95 {SLOWER * true_p95:.3f} s")
print(f"requests above 1 s: control {true_share:.4f}, treatment {true_share_b:.4f}")

latency, user, counts = arm()
top = np.sort(counts)[-USERS // 100 :].sum() / counts.sum()
print(
    f"one arm: {counts.sum():,} requests from {USERS:,} users, "
    f"the top 1% of users send {top:.0%}"
)
# The density at the p95, which every analytic standard error needs.
q = np.quantile(latency, P, method="inverted_cdf")
bandwidth = 1.06 * latency.std() * latency.size ** (-1 / 5)
kernel = stats.norm.pdf((q - latency) / bandwidth).mean() / bandwidth
_, se_iid, _, _ = p95_and_ses(latency, user, counts)
from_ranks = np.sqrt(P * (1 - P) / latency.size) / se_iid
true_density = stats.lognorm.pdf(true_p95, sd_total, scale=MEDIAN)
print(
    f"density at the p95: true {true_density:.3f}, kernel {kernel:.3f}, "
    f"order statistics {from_ranks:.3f}"
)


def one_experiment(slower):
    """Estimates and standard errors of the change, for each method."""
    estimates, ses = [], []
    for latency, user, counts in (arm(), arm(slower)):
        q, se_iid, se_users, se_boot = p95_and_ses(latency, user, counts)
        above = np.bincount(user, weights=latency > THRESHOLD, minlength=USERS)
        share_se = np.sqrt(ratio_var(above, counts))
        estimates.append([q, q, q, above.sum() / counts.sum()])
        ses.append([se_iid, se_boot, se_users, share_se])
    return np.subtract(*estimates[::-1]), np.hypot(*ses)


METHODS = ["i.i.d. requests", "user bootstrap", "delta method (Deng)", "share > 1 s"]
truth_ab = np.array([(SLOWER - 1) * true_p95] * 3 + [true_share_b - true_share])
cover, reject = {}, {}
for scenario, slower, truth in [("A/A", 1.0, 0.0), ("A/B", SLOWER, truth_ab)]:
    runs = [one_experiment(slower) for _ in range(TESTS)]
    change, se = np.array([r[0] for r in runs]), np.array([r[1] for r in runs])
    cover[scenario] = np.mean(np.abs(change - truth) <= Z * se, axis=0)
    reject[scenario] = np.mean(np.abs(change) > Z * se, axis=0)
    if scenario == "A/A":
        se_vs_iid = np.median(se[:, 1:3] / se[:, :1], axis=0)
    else:
        # users per arm for 80% power: SE shrinks as 1/sqrt(users)
        z_sum = Z + stats.norm.ppf(0.8)
        users_80 = USERS * (z_sum * np.median(se, axis=0) / truth_ab) ** 2

print(f"\n{TESTS} experiments per scenario, {USERS:,} users per arm, 95% intervals")
print(f"{'interval for the change':<24}{'A/A cover':>10}{'A/A reject':>11}", end="")
print(f"{'A/B cover':>10}{'power':>7}")
for k, name in enumerate(METHODS):
    print(
        f"{name:<24}{cover['A/A'][k]:>10.3f}{reject['A/A'][k]:>11.3f}"
        f"{cover['A/B'][k]:>10.3f}{reject['A/B'][k]:>7.3f}"
    )
print(
    f"median SE of the p95 change vs i.i.d.: bootstrap x{se_vs_iid[0]:.2f}, "
    f"delta method x{se_vs_iid[1]:.2f}"
)
print(f"quantiles computed per experiment: bootstrap {2 * RESAMPLES}, delta method 2")
print(
    f"users per arm for 80% power: i.i.d. formula {users_80[0]:,.0f}, "
    f"delta method {users_80[2]:,.0f}, share > 1 s {users_80[3]:,.0f}"
)
