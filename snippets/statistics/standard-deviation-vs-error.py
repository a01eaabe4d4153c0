import numpy as np

rng = np.random.default_rng(0)
reps = 2_000

# 1. One population, growing samples: the SD stays, the SE of the mean shrinks
mu, sigma = np.exp(0.5), np.sqrt((np.e - 1) * np.e)
print(f"log-normal(0, 1) population: mean {mu:.3f}, SD sigma {sigma:.3f}")
print("     n  s (one)  s/sqrt(n)  mean s  SD of sample means  sigma/sqrt(n)")
for n in [10, 100, 1_000, 10_000]:
    x = rng.lognormal(0.0, 1.0, size=n)
    s = x.std(ddof=1)
    # 2,000 more samples of the same size: the spread of their means is the true SE
    samples = [rng.lognormal(0.0, 1.0, size=n) for _ in range(reps)]
    mean_s = np.mean([xs.std(ddof=1) for xs in samples])
    sd_means = np.std([xs.mean() for xs in samples])
    print(
        f"{n:6d} {s:8.3f} {s / np.sqrt(n):10.4f} {mean_s:7.3f} {sd_means:19.4f} "
        f"{sigma / np.sqrt(n):14.4f}"
    )
print("(mean s and SD of sample means over 2,000 samples of each size)")

# 2. Clustered data: each user has m sessions that share a user effect
users, m, rho = 200, 20, 0.1
deff = 1 + (m - 1) * rho
est, naive_se, user_se = np.empty(reps), np.empty(reps), np.empty(reps)
for r in range(reps):
    user_effect = rng.normal(0.0, np.sqrt(rho), size=(users, 1))
    y = user_effect + rng.normal(0.0, np.sqrt(1 - rho), size=(users, m))
    est[r] = y.mean()
    # Naive: all users * m sessions treated as independent observations
    naive_se[r] = y.std(ddof=1) / np.sqrt(y.size)
    # Cluster (user-level): one mean per user, the user is the independent unit
    user_se[r] = y.mean(axis=1).std(ddof=1) / np.sqrt(users)
true_se = est.std()
print(f"\nclustered: {users} users x {m} sessions, intra-user correlation rho = {rho}")
print(f"design effect 1 + (m - 1) rho = {deff:.2f}, sqrt = {np.sqrt(deff):.3f}")
print(f"true SE of the mean (SD over {reps:,} samples): {true_se:.4f}")
print(f"naive session-level SE (average): {naive_se.mean():.4f}")
print(f"  true / naive = {true_se / naive_se.mean():.3f}")
print(f"  naive x sqrt(design effect) = {naive_se.mean() * np.sqrt(deff):.4f}")
print(f"user-level SE (average): {user_se.mean():.4f}")
n_eff = users * m / deff
print(f"effective sample size: {users * m:,} sessions / {deff:.2f} = {n_eff:.0f}")
# The true mean is 0; with 200 users, 1.96 is close to the t quantile (1.972)
cover_naive = np.mean(np.abs(est) < 1.96 * naive_se)
cover_user = np.mean(np.abs(est) < 1.96 * user_se)
print(f"coverage of 95% CIs: naive {cover_naive:.3f}, user-level {cover_user:.3f}")

# 3. An AR(1) series: x_t = phi * x_(t-1) + noise, true mean 0
phi, n, blocks = 0.6, 1_000, 20
x = np.empty((reps, n))
x[:, 0] = rng.normal(0.0, 1 / np.sqrt(1 - phi**2), size=reps)
noise = rng.normal(size=(reps, n))
for t in range(1, n):
    x[:, t] = phi * x[:, t - 1] + noise[:, t]
est = x.mean(axis=1)
naive_se = x.std(axis=1, ddof=1) / np.sqrt(n)
# Batch means: 20 non-overlapping blocks of 50 points, nearly independent
block_means = x.reshape(reps, blocks, n // blocks).mean(axis=2)
batch_se = block_means.std(axis=1, ddof=1) / np.sqrt(blocks)
true_se = est.std()
print(f"\nAR(1), phi = {phi}, {n:,} points, {reps:,} series")
print(f"true SE {true_se:.4f}, naive s/sqrt(n) {naive_se.mean():.4f}")
# Exact variance inflation of the mean of n points: 1 + 2 sum (1 - k/n) phi^k
k = np.arange(1, n)
exact = 1 + 2 * np.sum((1 - k / n) * phi**k)
print(
    f"  variance ratio {(true_se / naive_se.mean()) ** 2:.2f}; "
    f"exact at n = {n:,}: {exact:.2f}; "
    f"(1 + phi) / (1 - phi) = {(1 + phi) / (1 - phi):.2f}"
)
print(f"batch-means SE ({blocks} blocks of {n // blocks}) {batch_se.mean():.4f}")
# Only 20 blocks: use the t quantile with 19 degrees of freedom, 2.093, not 1.96
cover_naive = np.mean(np.abs(est) < 1.96 * naive_se)
cover_batch = np.mean(np.abs(est) < 2.093 * batch_se)
print(f"coverage of 95% CIs: naive {cover_naive:.3f}, batch means {cover_batch:.3f}")
