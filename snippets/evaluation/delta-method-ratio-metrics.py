import numpy as np

rng = np.random.default_rng(0)


def simulate(n_users, n_tests, lift=0.0):
    """Users with their own click propensity and activity; clicks ~ Bin(views, p)."""
    shape = (n_tests, n_users)
    pre_views = 1 + rng.poisson(rng.gamma(2.0, 4.0, shape))  # heavy users exist
    p = rng.beta(2, 18, shape)  # each user's own CTR, mean 0.10
    views = 1 + rng.poisson(pre_views)  # activity persists into the test period
    clicks = rng.binomial(views, np.clip(p * (1 + lift), 0, 1))
    pre_clicks = rng.binomial(pre_views, p)  # the same users before the test
    return clicks, views, pre_clicks


def ctr_and_se(clicks, views):
    """Ratio of sums, with the naive and the delta-method standard error."""
    n = clicks.shape[-1]
    ctr = clicks.sum(-1) / views.sum(-1)
    naive = np.sqrt(ctr * (1 - ctr) / views.sum(-1))  # page views as if independent
    mx, my = views.mean(-1), clicks.mean(-1)
    vx, vy = views.var(-1, ddof=1), clicks.var(-1, ddof=1)
    cxy = ((views - mx[..., None]) * (clicks - my[..., None])).sum(-1) / (n - 1)
    r = my / mx
    delta = np.sqrt((vy - 2 * r * cxy + r**2 * vx) / (n * mx**2))
    return ctr, naive, delta


# 1) 2,000 A/A tests with 2,000 users per arm: how often is "no effect" significant?
ca, va, _ = simulate(2000, 2000)
cb, vb, _ = simulate(2000, 2000)
(ra, na, da), (rb, nb, db) = ctr_and_se(ca, va), ctr_and_se(cb, vb)
for name, se in [
    ("naive (per page view)", np.hypot(na, nb)),
    ("delta method", np.hypot(da, db)),
]:
    print(f"{name:<22}: false-positive rate {np.mean(np.abs(rb - ra) / se > 1.96):.3f}")

# 2) One test: the delta-method SE against a bootstrap that resamples users.
clicks, views = ca[0], va[0]
idx = rng.integers(0, len(clicks), (2000, len(clicks)))
boot = clicks[idx].sum(1) / views[idx].sum(1)
ctr, naive, delta = ctr_and_se(clicks, views)
print(
    f"CTR {ctr:.4f}: naive SE {naive:.5f}, delta SE {delta:.5f}, "
    f"user bootstrap SE {boot.std(ddof=1):.5f}"
)

# 3) CUPED on clicks per user: subtract theta * (pre-period clicks - their mean).
ca, _, pa = simulate(2000, 2000)
cb, _, pb = simulate(2000, 2000, lift=0.05)
x = np.concatenate([pa, pb], 1)
y = np.concatenate([ca, cb], 1)
theta = ((x - x.mean(1, keepdims=True)) * (y - y.mean(1, keepdims=True))).sum(1)
theta /= ((x - x.mean(1, keepdims=True)) ** 2).sum(1)
adj_a = ca - theta[:, None] * (pa - x.mean(1, keepdims=True))
adj_b = cb - theta[:, None] * (pb - x.mean(1, keepdims=True))
raw = cb.mean(1) - ca.mean(1)
cuped = adj_b.mean(1) - adj_a.mean(1)
rho = np.mean([np.corrcoef(x[i], y[i])[0, 1] for i in range(50)])
true = 10 * 0.10 * 0.05  # E[views] * E[p] * lift
print(
    f"clicks per user, true effect {true:.3f}: mean estimate raw {raw.mean():.3f}, "
    f"CUPED {cuped.mean():.3f}"
)
print(
    f"spread over 2,000 tests: raw SD {raw.std():.4f}, CUPED SD {cuped.std():.4f} "
    f"(variance ratio {cuped.var() / raw.var():.2f}, 1 - rho^2 = {1 - rho**2:.2f})"
)
se_raw = np.sqrt(ca.var(1, ddof=1) / 2000 + cb.var(1, ddof=1) / 2000)
se_cup = np.sqrt(adj_a.var(1, ddof=1) / 2000 + adj_b.var(1, ddof=1) / 2000)
print(
    f"power at alpha 0.05: raw {np.mean(raw / se_raw > 1.96):.2f}, "
    f"CUPED {np.mean(cuped / se_cup > 1.96):.2f}"
)
