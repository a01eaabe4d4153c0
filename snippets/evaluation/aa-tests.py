import numpy as np
from scipy import stats

rng = np.random.default_rng(19)
N, REPS, CHUNK = 50_000, 2_000, 100

# Last week's log, one row per user: page views (1 + negative binomial, mean 8),
# each user's own click propensity (Beta, mean 0.1), clicks on those page views
views = 1 + rng.negative_binomial(0.8, 0.8 / 7.8, size=N)
clicks = rng.binomial(views, rng.beta(1, 9, size=N))
# Part 3: a redirect in arm B loses a fixed fifth of the single-view users
bounces = np.flatnonzero((views == 1) & (rng.random(N) < 0.2))


def hash_bucket(ids, seed, n_buckets):
    # splitmix64 finaliser of (user id, seed): a stand-in for the platform's hash
    x = ids + np.uint64(seed * 0x9E3779B97F4A7C15 % 2**64)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (x ^ (x >> np.uint64(31))) % np.uint64(n_buckets)


# Part 4: the platform hashed users into 20 buckets once, with one seed; an
# earlier experiment on bucket 0 left its users clicking 30% less
ids = np.arange(N, dtype=np.uint64)
bucket = hash_bucket(ids, 2024, 20).astype(int)
clicks_carry = np.where(bucket == 0, rng.binomial(clicks, 0.7), clicks)


def per_user(c, v):
    # Columns: 1, c, c^2, v, v^2, c*v. Integer-valued floats, so every sum of
    # them below is exact whatever the summation order (same digits anywhere).
    return np.stack([np.ones_like(c), c, c * c, v, v * v, c * v], axis=1).astype(float)


def arms(assign, x):
    # Sums of the columns in arm B (rows of `assign` = one split each) and arm A
    sb = assign @ x
    return x.sum(0) - sb, sb


def welch_p(sa, sb):
    # User-level Welch t-test on clicks per user
    m, se2 = [], []
    for s in (sa, sb):
        n = s[:, 0]
        m.append(s[:, 1] / n)
        # Squared standard error of the arm's mean: sample variance / n
        se2.append((s[:, 2] - s[:, 1] * m[-1]) / (n - 1) / n)
    se = np.sqrt(se2[0] + se2[1])
    df = se**4 / (se2[0] ** 2 / (sa[:, 0] - 1) + se2[1] ** 2 / (sb[:, 0] - 1))
    return 2 * stats.t.sf(np.abs((m[1] - m[0]) / se), df), m[1] - m[0], se


def ctr_p(sa, sb):
    # CTR = clicks / views: naive z-test on page views, and the delta method
    r = [s[:, 1] / s[:, 3] for s in (sa, sb)]
    pool = (sa[:, 1] + sb[:, 1]) / (sa[:, 3] + sb[:, 3])
    se_naive = np.sqrt(pool * (1 - pool) * (1 / sa[:, 3] + 1 / sb[:, 3]))
    var = []
    for s, ri in zip((sa, sb), r):
        n = s[:, 0]
        mc, mv = s[:, 1] / n, s[:, 3] / n
        vc, vv, cov = s[:, 2] / n - mc**2, s[:, 4] / n - mv**2, s[:, 5] / n - mc * mv
        var.append((vc - 2 * ri * cov + ri**2 * vv) / (n * mv**2))
    z_naive = (r[1] - r[0]) / se_naive
    z_delta = (r[1] - r[0]) / np.sqrt(var[0] + var[1])
    return 2 * stats.norm.sf(np.abs(z_naive)), 2 * stats.norm.sf(np.abs(z_delta))


def srm_p(sa, sb):
    # Chi-square goodness of fit of the user counts to the 50/50 design
    return stats.chisquare(np.stack([sa[:, 0], sb[:, 0]], axis=1), axis=1).pvalue


x, x_carry = per_user(clicks, views), per_user(clicks_carry, views)
# Part 4 needs only the 20 buckets' sums: one row of column sums per bucket
x_bucket = np.zeros((20, 6))
np.add.at(x_bucket, bucket, x_carry)
keys = ["user", "naive", "delta", "diff", "se", "srm"]
res = {k: [] for k in keys + ["srm_bug", "bug", "bug_diff", "reuse", "gap", "rehash"]}
for start in range(0, REPS, CHUNK):
    # A/A replay: each row is a fresh random 50/50 split of the same users
    b = rng.integers(0, 2, size=(CHUNK, N), dtype=np.int8).astype(float)
    sa, sb = arms(b, x)
    p, d, se = welch_p(sa, sb)
    naive, delta = ctr_p(sa, sb)
    for k, v in zip(keys, [p, naive, delta, d, se, srm_p(sa, sb)]):
        res[k].append(v)
    # Part 3: the same splits, but arm B's bouncing users never reach the log
    sb_bug = sb - b[:, bounces] @ x[bounces]
    res["srm_bug"].append(srm_p(sa, sb_bug))
    p_bug, d_bug, _ = welch_p(sa, sb_bug)
    res["bug"].append(p_bug)
    res["bug_diff"].append(d_bug)
    # Part 4: the A/A reuses the buckets (10 random buckets of 20 per arm) ...
    on = np.argsort(rng.random((CHUNK, 20)), axis=1)[:, :10]
    in_b = np.zeros((CHUNK, 20))
    np.put_along_axis(in_b, on, 1.0, axis=1)
    p_reuse, d_reuse, _ = welch_p(*arms(in_b, x_bucket))
    # Gap of the arm that holds bucket 0 (arm B when in_b[:, 0] is 1)
    res["reuse"].append(p_reuse)
    res["gap"].append(d_reuse * (2 * in_b[:, 0] - 1))
    # ... or re-hashes every user with a new seed for each experiment
    seeds = range(start + 1, start + CHUNK + 1)
    rehash = np.stack([hash_bucket(ids, s, 2) for s in seeds]).astype(float)
    res["rehash"].append(welch_p(*arms(rehash, x_carry))[0])
res = {k: np.concatenate(v) for k, v in res.items()}


def share(p):
    return f"{np.mean(p < 0.05):.3f}"


print(f"A/A replay: {REPS:,} random 50/50 splits of {N:,} users' logs")
print(f"page views per user {views.mean():.1f}, clicks per user {clicks.mean():.3f}")
print(f"{'A/A analysis':40s} {'p < 0.05':>8s} {'KS p':>6s}")
for name, key in [
    ("clicks per user, user-level t-test", "user"),
    ("CTR, z-test per page view (wrong unit)", "naive"),
    ("CTR, delta method (user level)", "delta"),
]:
    ks = stats.kstest(res[key], "uniform").pvalue
    print(f"{name:40s} {share(res[key]):>8s} {ks:6.3f}")
sd, se = res["diff"].std(), res["se"].mean()
print(f"clicks per user: SD of A/A differences {sd:.4f}, mean t-test SE {se:.4f}")
print(f"  80% power at alpha 0.05: MDE = 2.80 x SE = {2.80 * se / clicks.mean():.1%}")
print(f"redirect bug: arm B loses {bounces.size / N:.1%} of its users (A/A, no effect)")
flag = [np.mean(res[k] < 0.001) for k in ("srm", "srm_bug")]
print(f"  SRM check p < 0.001: correct split {flag[0]:.3f}, buggy {flag[1]:.3f}")
print(
    f"  clicks per user: B - A = {res['bug_diff'].mean():+.4f} on average, "
    f"p < 0.05 in {share(res['bug'])}"
)
print("carry-over: bucket 0 of 20 clicks 30% less after an earlier experiment")
print(
    f"  A/A on reused buckets: the arm with bucket 0 is {-res['gap'].mean():.4f} "
    f"behind, p < 0.05 in {share(res['reuse'])}"
)
print(f"  A/A re-hashed with a new seed: p < 0.05 in {share(res['rehash'])}")
