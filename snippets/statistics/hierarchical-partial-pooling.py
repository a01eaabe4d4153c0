# --8<-- [start:pooling]
import numpy as np

G = 50
# true CTRs come from Beta(a, b): mean a / (a + b) = 0.04, a + b = 200
A_TRUE, B_TRUE = 8.0, 192.0


def simulate(rng):
    # impressions log-uniform from 5 to 5,000: many small sellers, a few big ones
    n = np.round(np.exp(rng.uniform(np.log(5), np.log(5000), G))).astype(int)
    p = rng.beta(A_TRUE, B_TRUE, G)
    return n, p, rng.binomial(n, p)


def fit_prior(n, k):
    """Beta prior by the method of moments, each seller weighted by n."""
    N, mu = n.sum(), k.sum() / n.sum()
    v = mu * (1 - mu)
    # E[sum n (k/n - mu)^2] = tau2 (N - sum n^2 / N - (G - 1)) + (G - 1) v
    s = np.sum(n * (k / n - mu) ** 2)
    tau2 = max((s - (G - 1) * v) / (N - np.sum(n**2) / N - (G - 1)), 1e-9)
    # Var(p) = v / (a + b + 1): a + b is the prior's worth in impressions
    return mu, v / tau2 - 1


def estimates(n, k):
    mu, m = fit_prior(n, k)
    return {
        "no pooling (k/n)": k / n,
        "complete pooling": np.full(G, k.sum() / n.sum()),
        # posterior mean (k + a) / (n + a + b): weight n / (n + a + b) on k / n
        "partial pooling (EB)": (k + mu * m) / (n + m),
    }


def top10(x):
    return np.argsort(-x, kind="stable")[:10]


# One marketplace
n, p, k = simulate(np.random.default_rng(0))
mu, m = fit_prior(n, k)
pooled = estimates(n, k)["partial pooling (EB)"]
print(f"prior fitted by moments: mean {mu:.3f}, a + b {m:.0f} (true 0.040, 200)")
sizes = np.array([5, 50, 500, 5000])
print("weight on own rate at n = 5, 50, 500, 5000:", np.round(sizes / (sizes + m), 2))
true_rank = np.argsort(np.argsort(-p)) + 1
print(
    f"top 10 by raw rate{'n':>6}{'clicks':>8}{'raw':>8}{'pooled':>8}{'true':>8}"
    "  true rank"
)
for j in top10(k / n):
    print(
        f"{'':<18}{n[j]:6d}{k[j]:8d}{k[j] / n[j]:8.3f}{pooled[j]:8.3f}{p[j]:8.3f}"
        f"{true_rank[j]:11d}"
    )

# 500 simulated marketplaces
bins = {"all": (0, 1e9), "n<50": (0, 50), "50-499": (50, 500), "n>=500": (500, 1e9)}
sq_err = {b: np.zeros(3) for b in bins}
count = dict.fromkeys(bins, 0)
wins, small_top, small_bottom, hits, ctr = [], [], [], [], []
for seed in range(1, 501):
    n, p, k = simulate(np.random.default_rng(seed))
    est = estimates(n, k)
    for b, (lo, hi) in bins.items():
        i = (n >= lo) & (n < hi)
        sq_err[b] += [np.sum((e[i] - p[i]) ** 2) for e in est.values()]
        count[b] += i.sum()
    total = [np.sum((e - p) ** 2) for e in est.values()]
    wins.append([total[2] < total[0], total[2] < total[1]])
    scores = [p, k / n, est["partial pooling (EB)"]]
    tops = [top10(s) for s in scores]
    small_top.append([np.sum(n[t] < 50) for t in tops])
    small_bottom.append([np.sum(n[top10(-s)] < 50) for s in scores])
    hits.append([len(set(t) & set(tops[0])) for t in tops])
    ctr.append([p[t].mean() for t in tops])
print("\nRMSE, 500 marketplaces" + "".join(f"{b:>8}" for b in bins))
for j, name in enumerate(est):
    rmse = [np.sqrt(sq_err[b][j] / count[b]) for b in bins]
    print(f"{name:<22}" + "".join(f"{r:8.4f}" for r in rmse))
wins = np.sum(wins, axis=0)
print("partial pooling has the lower total squared error, in runs out of 500:")
print(f"  than no pooling {wins[0]}, than complete pooling {wins[1]}")
print(
    f"{'mean of 500 runs':<20}{'n<50 in':>10}{'n<50 in':>11}{'in true':>9}{'true':>8}"
)
print(f"{'ranked by':<20}{'top 10':>10}{'bottom 10':>11}{'top 10':>9}{'CTR':>8}")
for j, name in enumerate(["true CTR", "raw rate", "partial pooling"]):
    print(
        f"{name:<20}{np.mean(small_top, 0)[j]:10.2f}"
        f"{np.mean(small_bottom, 0)[j]:11.2f}{np.mean(hits, 0)[j]:9.2f}"
        f"{np.mean(ctr, 0)[j]:8.4f}"
    )
hits, ctr = np.array(hits), np.array(ctr)
print("pooled against raw top 10, share of runs where it has")
print(
    f"  more true top-10 sellers {np.mean(hits[:, 2] > hits[:, 1]):.2f}, "
    f"as many {np.mean(hits[:, 2] == hits[:, 1]):.2f}, "
    f"fewer {np.mean(hits[:, 2] < hits[:, 1]):.2f}; "
    f"a higher true CTR {np.mean(ctr[:, 2] > ctr[:, 1]):.2f}"
)
# --8<-- [end:pooling]

# --8<-- [start:mixedlm]
import numpy as np
from statsmodels.regression.mixed_linear_model import MixedLM

# 30 stores with 2 to 199 baskets each: basket value = 10 + store effect + noise
rng = np.random.default_rng(0)
J, TAU, SIGMA = 30, 1.0, 4.0
n = rng.integers(2, 200, J)
u = rng.normal(0, TAU, J)
store = np.repeat(np.arange(J), n)
y = 10 + u[store] + rng.normal(0, SIGMA, store.size)

# random-intercept model y = beta + u_store + e, fitted by REML
fit = MixedLM(y, np.ones((y.size, 1)), groups=store).fit()
beta, tau2, sigma2 = fit.fe_params[0], fit.cov_re[0, 0], fit.scale
print(
    f"MixedLM: intercept {beta:.2f}, tau {np.sqrt(tau2):.2f}, "
    f"sigma {np.sqrt(sigma2):.2f} (true 10, {TAU}, {SIGMA})"
)
blup = np.array([fit.random_effects[j].iloc[0] for j in range(J)])
ybar = np.bincount(store, y) / n
# the partial-pooling weight (n / sigma^2) / (n / sigma^2 + 1 / tau^2)
w = (n / sigma2) / (n / sigma2 + 1 / tau2)
shrunk = w * (ybar - beta)
print(f"random effects = w * (store mean - intercept): {np.allclose(blup, shrunk)}")
lo, hi = n.argmin(), n.argmax()
print(f"weight w at n = {n[lo]}: {w[lo]:.2f}, at n = {n[hi]}: {w[hi]:.2f}")
rmse_raw = np.sqrt(np.mean((ybar - 10 - u) ** 2))
rmse_mixed = np.sqrt(np.mean((beta + blup - 10 - u) ** 2))
print(f"RMSE of store means: raw {rmse_raw:.3f}, mixed model {rmse_mixed:.3f}")
# --8<-- [end:mixedlm]
