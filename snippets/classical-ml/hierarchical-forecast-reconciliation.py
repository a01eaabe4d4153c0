import numpy as np

# Hierarchy: total = region A + region B; A = stores A1, A2 (noisy),
# B = stores B1, B2 (smooth). Rows of y: total, A, B, A1, A2, B1, B2.
S = np.vstack([np.ones(4), [1, 1, 0, 0], [0, 0, 1, 1], np.eye(4)])
NOISE = np.array([6.0, 6.0, 1.0, 1.0])
PHI, TRAIN, TEST, BURN = 0.95, 120, 60, 50
T = TRAIN + TEST


def ar1(rng, sd, rows):
    x = np.zeros((rows, BURN + T))
    shocks = rng.normal(0, sd, x.shape)
    for t in range(1, BURN + T):
        x[:, t] = PHI * x[:, t - 1] + shocks[:, t]
    return x[:, BURN:]


def simulate(rng):
    # a persistent factor shared by all stores, one per region, noise per store
    common, region = ar1(rng, 1.0, 1), ar1(rng, 0.3, 2)[[0, 0, 1, 1]]
    stores = 20 + common + region + NOISE[:, None] * rng.standard_normal((4, T))
    return S @ stores


def base_forecasts(y):
    # each series on its own: AR(1) y_t = a + b y_{t-1}, least squares on the
    # train days; column t forecasts y[:, t + 1] one step ahead
    f = np.empty((len(y), T - 1))
    for i, s in enumerate(y):
        X = np.column_stack([np.ones(T - 1), s[:-1]])
        coef = np.linalg.lstsq(X[: TRAIN - 1], s[1:TRAIN], rcond=None)[0]
        f[i] = X @ coef
    return f


def shrunk_covariance(e):
    # Schafer-Strimmer, as in MinT (shrink): pull the correlations towards 0
    n = len(e)
    cov = e.T @ e / n
    sd = np.sqrt(np.diag(cov))
    z = e / sd
    corr = cov / np.outer(sd, sd)
    var_corr = ((z**2).T @ z**2 - (z.T @ z) ** 2 / n) / (n * (n - 1))
    off = ~np.eye(len(cov), dtype=bool)
    lam = min(1.0, var_corr[off].sum() / (corr[off] ** 2).sum())
    return lam * np.diag(np.diag(cov)) + (1 - lam) * cov, cov, lam


def mint_G(W):
    # G = (S' W^-1 S)^-1 S' W^-1; W = I gives OLS reconciliation
    Wi = np.linalg.inv(W)
    return np.linalg.solve(S.T @ Wi @ S, S.T @ Wi)


def run(seed):
    y = simulate(np.random.default_rng(seed))
    f, actual = base_forecasts(y), y[:, 1:]
    W_shrink, W_sample, lam = shrunk_covariance((actual - f)[:, : TRAIN - 1].T)
    shares = y[3:, :TRAIN].mean(1) / y[0, :TRAIN].mean()
    G = {
        "bottom-up": np.hstack([np.zeros((4, 3)), np.eye(4)]),
        "top-down": np.hstack([shares[:, None], np.zeros((4, 6))]),
        "OLS": mint_G(np.eye(7)),
        "MinT (shrink)": mint_G(W_shrink),
        "MinT (sample)": mint_G(W_sample),
    }
    f, actual = f[:, TRAIN - 1 :], actual[:, TRAIN - 1 :]
    fc = {"base": f} | {name: S @ g @ f for name, g in G.items()}
    # how far region A's error is from its stores' summed errors
    d = np.array([0, 1, 0, -1, -1, 0, 0])
    return {
        "sq_err": {name: (v - actual) ** 2 for name, v in fc.items()},
        "gap": {name: np.abs(v[0] - v[3:].sum(0)) for name, v in fc.items()},
        "unbiased": {name: np.allclose(S @ g @ S, S) for name, g in G.items()},
        "lam": lam,
        "var_d": (d @ W_sample @ d, d @ W_shrink @ d),
    }


LEVELS = {"total": [0], "region A": [1], "region B": [2], "A stores": [3, 4]}
LEVELS["B stores"] = [5, 6]
runs = [run(seed) for seed in range(20)]
mse = {}
for m in runs[0]["sq_err"]:
    per_series = np.mean([r["sq_err"][m].mean(1) for r in runs], 0)
    mse[m] = np.array([per_series[i].mean() for i in LEVELS.values()])
base = mse["base"]
print("20 simulated hierarchies, 60 one-step forecasts each")
print(f"{'base MSE':<15}" + "".join(f"{v:>10.1f}" for v in base))
print(f"{'MSE / base':<15}" + "".join(f"{k:>10}" for k in LEVELS))
for m, v in mse.items():
    print(f"{m:<15}" + "".join(f"{x:>10.3f}" for x in v / base))

gap = np.mean([r["gap"]["base"].mean() for r in runs])
rmse_total = np.sqrt(base[0])
print(f"base: mean |total - sum of stores| {gap:.2f}; total RMSE {rmse_total:.2f}")
recon = list(runs[0]["unbiased"])
adds_up = all(r["gap"][m].max() < 1e-9 for r in runs for m in recon)
print(f"reconciled forecasts add up exactly: {adds_up}")
print("S G S = S (unbiased if the base forecasts are):")
print("  " + ", ".join(f"{m} {runs[0]['unbiased'][m]}" for m in recon))
# OLS projects orthogonally onto the coherent set, which holds the actuals, so
# the squared error summed over the 7 series cannot grow, whatever the forecasts
ols_ok = all(
    (r["sq_err"]["OLS"].sum(0) <= r["sq_err"]["base"].sum(0) + 1e-9).all() for r in runs
)
print(f"OLS: summed squared error never above base, at any step: {ols_ok}")
lam = np.mean([r["lam"] for r in runs])
var_sample, var_shrink = np.mean([r["var_d"] for r in runs], 0)
print(f"mean lambda {lam:.3f}; variance of (region A error - its stores' errors):")
print(f"  sample covariance {var_sample:.2f}, shrunk {var_shrink:.2f}")
best = min(base[0], mse["bottom-up"][0])
beats = mse["MinT (shrink)"][0] < 0.98 * best
print(f"MinT (shrink) at least 2% below base and bottom-up at the total: {beats}")
