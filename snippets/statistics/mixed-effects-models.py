import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

# statsmodels warns when a variance estimate sits on the boundary
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
users, sessions, tau2, sigma2 = 100, 20, 0.3, 0.7
sims, mixed_sims, alpha = 200, 25, 0.05
user = np.repeat(np.arange(users), sessions)
treat_user = np.repeat([0.0, 1.0], users // 2)


def simulate(effect_treat, effect_x):
    # user-level random intercept u_j (ICC = tau2 / (tau2 + sigma2) = 0.3),
    # user-level treatment, session-level covariate x
    u = rng.normal(0, np.sqrt(tau2), users)
    x = rng.normal(0, 1, users * sessions)
    noise = rng.normal(0, np.sqrt(sigma2), users * sessions)
    y = effect_treat * treat_user[user] + effect_x * x + u[user] + noise
    return pd.DataFrame({"y": y, "treat": treat_user[user], "x": x, "user": user})


def icc_anova(df):
    # one-way ANOVA estimator of the intra-class correlation
    g = df.groupby("user")["y"]
    msb = sessions * g.mean().var(ddof=1)
    msw = g.var(ddof=1).mean()
    s2u = (msb - msw) / sessions
    return s2u / (s2u + msw)


reject = {"OLS on sessions": [], "OLS on user means": [], "cluster-robust": []}
reject_mixed, p_mixed_vs_means, iccs, se_ratio = [], [], [], []
X = sm.add_constant(treat_user[user])
Xm = sm.add_constant(treat_user)
for i in range(sims):
    df = simulate(0.0, 0.0)
    iccs.append(icc_anova(df))
    ols = sm.OLS(df["y"].to_numpy(), X).fit()
    clu = sm.OLS(df["y"].to_numpy(), X).fit(
        cov_type="cluster", cov_kwds={"groups": user}
    )
    # users are stored in order, so a reshape gives the per-user means
    ybar = df["y"].to_numpy().reshape(users, sessions).mean(axis=1)
    means = sm.OLS(ybar, Xm).fit()
    reject["OLS on sessions"].append(ols.pvalues[1] < alpha)
    reject["OLS on user means"].append(means.pvalues[1] < alpha)
    reject["cluster-robust"].append(clu.pvalues[1] < alpha)
    se_ratio.append(ols.bse[1] / clu.bse[1])
    if i < mixed_sims:
        mix = smf.mixedlm("y ~ treat", df, groups=df["user"]).fit(reml=True)
        reject_mixed.append(mix.pvalues["treat"] < alpha)
        p_mixed_vs_means.append(abs(mix.pvalues["treat"] - means.pvalues[1]))

icc = float(np.mean(iccs))
deff = 1 + (sessions - 1) * icc
print(f"{users} users x {sessions} sessions, true ICC {tau2 / (tau2 + sigma2):.3f}")
print(f"observed ICC (mean over {sims} data sets): {icc:.3f}")
print(f"design effect 1 + (m - 1) ICC = {deff:.3f}, 1 / sqrt = {deff**-0.5:.3f}")
print(f"SE ratio OLS / cluster-robust (mean): {np.mean(se_ratio):.3f}")
z = stats.norm.ppf(1 - alpha / 2)
print(f"predicted OLS false-positive rate: {2 * stats.norm.sf(z / np.sqrt(deff)):.3f}")
print(f"\nno true effect, false-positive rate at alpha = {alpha}:")
for name, r in reject.items():
    print(f"  {name:28s} {np.mean(r):.3f}  ({sims} data sets)")
print(f"  {'random-intercept MixedLM':28s} {np.mean(reject_mixed):.3f}", end="")
print(f"  (first {mixed_sims} data sets only)")
first = np.mean(reject["OLS on user means"][:mixed_sims])
print(f"  OLS on user means, same {mixed_sims} data sets: {first:.3f}")
print(f"  max |p MixedLM - p user means| on them: {max(p_mixed_vs_means):.3f}")

# one data set with real effects: treatment 0.3 (user level), x 0.2 (session level)
df = simulate(0.3, 0.2)
Xf = sm.add_constant(df[["treat", "x"]].to_numpy())
fits = {
    "OLS on sessions": sm.OLS(df["y"].to_numpy(), Xf).fit(),
    "cluster-robust": sm.OLS(df["y"].to_numpy(), Xf).fit(
        cov_type="cluster", cov_kwds={"groups": user}
    ),
    "MixedLM (REML)": smf.mixedlm("y ~ treat + x", df, groups=df["user"]).fit(),
}
means = smf.ols("y ~ treat", df.groupby("user").mean()).fit()
fe = smf.ols("y ~ x + C(user)", df).fit()
print("\nreal effects: treat 0.3 (per user), x 0.2 (per session)")
print(f"{'method':24s} {'treat':>7s} {'SE':>7s} {'x':>7s} {'SE':>7s}")
for name, f in fits.items():
    b, s = np.asarray(f.params)[:3], np.asarray(f.bse)[:3]
    print(f"{name:24s} {b[1]:7.3f} {s[1]:7.3f} {b[2]:7.3f} {s[2]:7.3f}")
b, s = means.params["treat"], means.bse["treat"]
print(f"{'OLS on user means':24s} {b:7.3f} {s:7.3f} {'-':>7s} {'-':>7s}")
b, s = fe.params["x"], fe.bse["x"]
print(f"{'user fixed effects':24s} {'-':>7s} {'-':>7s} {b:7.3f} {s:7.3f}")
mix = fits["MixedLM (REML)"]
tau2_hat = float(mix.cov_re.iloc[0, 0])
icc_hat = tau2_hat / (tau2_hat + mix.scale)
print(f"MixedLM: tau^2 {tau2_hat:.3f}, sigma^2 {mix.scale:.3f}, ICC {icc_hat:.3f}")
