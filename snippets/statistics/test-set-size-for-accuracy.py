import math

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import (
    proportion_confint,
    samplesize_confint_proportion,
)

rng = np.random.default_rng(0)
alpha = 0.05
z = stats.norm.ppf(1 - alpha / 2)
log_term = np.log(2 / alpha)


def wald(x, n):
    p = x / n
    h = z * np.sqrt(p * (1 - p) / n)
    return p - h, p + h


def wilson(x, n):
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    h = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - h, centre + h


def clopper_pearson(x, n):
    # x may be fractional (x = n * p when planning); 0 and n are handled apart
    x = np.asarray(x, dtype=float)
    safe = np.clip(x, 1e-12, n - 1e-12)
    lo = np.where(x > 0, stats.beta.ppf(alpha / 2, safe, n - safe + 1), 0.0)
    hi = np.where(x < n, stats.beta.ppf(1 - alpha / 2, safe + 1, n - safe), 1.0)
    return lo, hi


def hoeffding(x, n):
    h = np.sqrt(log_term / (2 * n))
    return x / n - h, x / n + h


intervals = {
    "Wald": wald,
    "Wilson": wilson,
    "C-P": clopper_pearson,
    "Hoeffding": hoeffding,
}

# 1. Planning: the smallest n for a 95% guarantee of +/- eps, formula by formula
xs = np.arange(0, 41)
ok = np.allclose(wilson(xs, 40), proportion_confint(xs, 40, method="wilson"))
ok &= np.allclose(clopper_pearson(xs, 40), proportion_confint(xs, 40, method="beta"))
print(f"Wilson and Clopper-Pearson match statsmodels proportion_confint: {ok}")


def n_normal(p, eps, zz=z):
    return int(np.ceil(zz**2 * p * (1 - p) / eps**2))


def n_interval(method, p, eps):
    # smallest n whose interval around p_hat = p reaches at most eps on each side
    def fits(n):
        lo, hi = method(n * p, n)
        return max(p - lo, hi - p) <= eps

    lo_n, hi_n = 1, 10**7
    while lo_n < hi_n:
        mid = (lo_n + hi_n) // 2
        lo_n, hi_n = (lo_n, mid) if fits(mid) else (mid + 1, hi_n)
    return lo_n


print("n for a 95% interval of +/- eps around the accuracy p")
print("   p   eps  normal  Wilson     C-P  Chebyshev  Bernstein  Hoeffding")
for eps in [0.01, 0.02]:
    for p in [0.5, 0.8, 0.95, 0.99]:
        var = p * (1 - p)
        cheb = int(np.ceil(var / (alpha * eps**2)))
        bern = int(np.ceil((2 * var + 2 * eps / 3) * log_term / eps**2))
        hoef = int(np.ceil(log_term / (2 * eps**2)))
        print(
            f"{p:4.2f}  {eps:4.2f} {n_normal(p, eps):7,d} "
            f"{n_interval(wilson, p, eps):7,d} "
            f"{n_interval(clopper_pearson, p, eps):7,d} {cheb:10,d} {bern:10,d} "
            f"{hoef:10,d}"
        )
sm_n = samplesize_confint_proportion(0.5, 0.01)
print(f"statsmodels samplesize_confint_proportion(0.5, 0.01) = {sm_n:.1f}")

# 2. Coverage: exact (sum over the binomial) and simulated (20,000 test sets)
cells = [(50, 0.9), (100, 0.99), (381, 0.99), (1825, 0.95), (9604, 0.5)]
sims = 20_000
print("\ncoverage of 95% intervals (exact)")
print("    n     p   Wald  Wilson    C-P  Hoeffding   mean half-width, same order")
worst_gap = 0.0
for n, p in cells:
    x = np.arange(n + 1)
    pmf = stats.binom.pmf(x, n, p)
    x_sim = rng.binomial(n, p, size=sims)
    cover, width = [], []
    for method in intervals.values():
        lo, hi = method(x, n)
        inside = (lo <= p) & (p <= hi)
        # math.fsum: an exactly rounded sum, the same on every CPU
        cover.append(math.fsum(pmf * inside))
        width.append(math.fsum(pmf * (np.minimum(hi, 1) - np.maximum(lo, 0)) / 2))
        lo_s, hi_s = method(x_sim, n)
        sim = np.mean((lo_s <= p) & (p <= hi_s))
        worst_gap = max(worst_gap, abs(sim - cover[-1]))
    print(
        f"{n:5d}  {p:4.2f}  {cover[0]:.3f}   {cover[1]:.3f}  {cover[2]:.3f}      "
        f"{cover[3]:.3f}   " + "/".join(f"{w:.4f}" for w in width)
    )
print(f"P(no errors at all) at n=381, p=0.99: {0.99**381:.3f}")
print(f"largest |simulated - exact| coverage, {sims:,} test sets: {worst_gap:.3f}")

# 3. Correlated examples: 300 users x 20 examples each, intra-user correlation 0.05
users, m, rho, p = 300, 20, 0.05, 0.8
n = users * m
deff = 1 + (m - 1) * rho
a, b = p * (1 / rho - 1), (1 - p) * (1 / rho - 1)
reps, boots = 1_000, 500
est, naive_se, user_se = np.empty(reps), np.empty(reps), np.empty(reps)
boot_cover = np.empty(reps, dtype=bool)
for r in range(reps):
    # each user has an own accuracy; correct answers per user are binomial
    per_user = rng.binomial(m, rng.beta(a, b, size=users))
    est[r] = per_user.sum() / n
    naive_se[r] = np.sqrt(est[r] * (1 - est[r]) / n)
    user_se[r] = (per_user / m).std(ddof=1) / np.sqrt(users)
    # cluster bootstrap: resample users, integer sums keep it exact
    idx = rng.integers(0, users, size=(boots, users))
    boot_est = per_user[idx].sum(axis=1) / n
    lo, hi = np.quantile(boot_est, [alpha / 2, 1 - alpha / 2])
    boot_cover[r] = lo <= p <= hi
print(f"\nclustered: {users} users x {m} examples = {n:,}, rho = {rho}, p = {p}")
print(f"design effect 1 + (m - 1) rho = {deff:.2f}")
print(
    f"true SE {est.std():.4f}, naive SE {naive_se.mean():.4f}, "
    f"user-level SE {user_se.mean():.4f}"
)
print(f"95% half-width: planned as if independent {z * naive_se.mean():.4f}, ", end="")
print(f"actual {z * est.std():.4f}")
print(
    f"coverage: naive {np.mean(np.abs(est - p) <= z * naive_se):.3f}, "
    f"user-level {np.mean(np.abs(est - p) <= z * user_se):.3f}, "
    f"cluster bootstrap {boot_cover.mean():.3f}"
)
n_ind = n_normal(p, 0.01)
n_clu = int(np.ceil(n_ind * deff))
print(
    f"for +/- 0.01: {n_ind:,} independent examples, or {n_clu:,} examples "
    f"= {int(np.ceil(n_clu / m))} users x {m}"
)

# 4. Best of k equally good models (true accuracy 0.80) on one test set
n = n_normal(p, 0.01)
reps = 2_000
# correlated models: 10 difficulty levels shared by all models
levels = stats.beta.ppf((np.arange(10) + 0.5) / 10, 0.8, 0.2)
levels = levels * p / levels.mean()
print(f"\nbest of k models, true accuracy {p:.2f} for all, test set of {n:,}")
print("     k   optimism (independent)  P(> 0.01)   optimism (shared difficulty)")
for k in [1, 10, 100, 1000]:
    best_ind = rng.binomial(n, p, size=(reps, k)).max(axis=1) / n
    per_level = rng.multinomial(n, np.full(10, 0.1), size=reps)
    counts = rng.binomial(per_level[:, None, :], levels, size=(reps, k, 10))
    best_cor = counts.sum(axis=2).max(axis=1) / n
    print(
        f"{k:6d}   {best_ind.mean() - p:21.4f}  {np.mean(best_ind - p > 0.01):9.3f}   "
        f"{round(best_cor.mean() - p, 4) + 0.0:28.4f}"
    )
corr = np.var(levels) / (p * (1 - p))
print(f"shared difficulty: correctness correlation between two models {corr:.2f}")
for k in [10, 100, 1000]:
    n_bonf = n_normal(p, 0.01, stats.norm.ppf(1 - alpha / (2 * k)))
    n_hoef = int(np.ceil(np.log(2 * k / alpha) / (2 * 0.01**2)))
    print(f"k = {k:4d}: union bound n, normal {n_bonf:,}, Hoeffding {n_hoef:,}")
n_bonf = n_normal(p, 0.01, stats.norm.ppf(1 - alpha / 200))
best = rng.binomial(n_bonf, p, size=(reps, 100)).max(axis=1) / n_bonf
print(
    f"best of 100 at n = {n_bonf:,}: P(optimism > 0.01) {np.mean(best - p > 0.01):.3f}"
)

# 5. A difference between two models, +/- 0.01, from the same test set (paired)
print("\ndifference B - A (0.80 vs 0.81) to +/- 0.01")
pa, pb = 0.80, 0.81
unpaired = int(np.ceil(z**2 * (pa * (1 - pa) + pb * (1 - pb)) / 0.01**2))
for d in [0.04, 0.10, 0.20]:
    paired = int(np.ceil(z**2 * (d - (pb - pa) ** 2) / 0.01**2))
    print(f"discordant share {d:.2f}: paired n {paired:,} (unpaired {unpaired:,})")

# 6. Per-slice accuracy: each slice needs its own n
n_slice = n_normal(p, 0.02)
print(f"\nper slice, +/- 0.02 at p = {p}: {n_slice:,} examples in the slice")
for share in [0.5, 0.1, 0.02]:
    total = int(np.ceil(n_slice / share))
    print(f"slice share {share:.2f}: random sample of {total:,} to get them")
