import warnings

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.stattools import durbin_watson
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import acf, adfuller, kpss

# KPSS p-values are interpolated from a table that stops at 0.01 and 0.10; outside it
# statsmodels returns the boundary and warns. We silence the warning and print the
# clipped values as "<0.01" and ">0.10".
warnings.simplefilter("ignore", InterpolationWarning)

rng = np.random.default_rng(0)
n, m = 364, 7  # 52 weeks of daily data, weekly season
t = np.arange(n)

# (a) white noise; (b) linear trend + noise (trend-stationary); (c) random walk
# (a unit root); (d) random walk with drift + a weekly profile that itself drifts
# slowly (a seasonal unit root) + noise
noise = rng.normal(0, 1, n)
trend_noise = 0.02 * t + rng.normal(0, 1, n)
walk = np.cumsum(rng.normal(0, 1, n))
profile = np.array([0, 1, 1.5, 1, 0.5, 3, 4]) * 2
# each weekday's value is a random walk from week to week
wander = np.cumsum(rng.normal(0, 0.2, (n // m, m)), axis=0).ravel()
season = np.tile(profile, n // m) + wander
weekly = np.cumsum(0.05 + rng.normal(0, 0.5, n)) + season + rng.normal(0, 1, n)


def detrend(y):
    # residuals of a least-squares line in time
    return y - np.polyval(np.polyfit(t, y, 1), t)


def verdict(adf_p, kpss_p):
    # ADF null: unit root. KPSS null: stationary (around a level or a trend).
    adf_rejects, kpss_rejects = adf_p < 0.05, kpss_p < 0.05
    if adf_rejects and not kpss_rejects:
        return "stationary"
    if kpss_rejects and not adf_rejects:
        return "unit root"
    return "both reject" if adf_rejects else "neither rejects"


def fmt_kpss(p):
    return "<0.01" if p <= 0.01 else ">0.10" if p >= 0.1 else f"{p:.3f}"


rows = [
    ("(a) white noise", noise, "c"),
    ("(b) trend + noise", trend_noise, "c"),
    ("(b) trend + noise", trend_noise, "ct"),
    ("(b) detrended", detrend(trend_noise), "c"),
    ("(b) differenced (wrong)", np.diff(trend_noise), "c"),
    ("(c) random walk", walk, "c"),
    ("(c) random walk", walk, "ct"),
    ("(c) detrended (wrong)", detrend(walk), "c"),
    ("(c) differenced", np.diff(walk), "c"),
    ("(d) weekly + trend", weekly, "ct"),
    ("(d) seasonal diff, lag 7", weekly[m:] - weekly[:-m], "c"),
]
print(f"{'series':25} terms  ADF p KPSS p  {'verdict':15} ACF lag 1, 7, 14")
for name, y, terms in rows:
    adf_p = adfuller(y, regression=terms, autolag="AIC", result_object=True).pvalue
    kpss_p = kpss(y, regression=terms, result_object=True).pvalue
    r = acf(y, nlags=14, result_object=False)[[1, 7, 14]]
    print(
        f"{name:25} {terms:5} {adf_p:6.3f} {fmt_kpss(kpss_p):>6}  "
        f"{verdict(adf_p, kpss_p):15} {r[0]:5.2f} {r[1]:5.2f} {r[2]:5.2f}"
    )

# STL strengths of trend and season (Wang, Smith and Hyndman 2006; FPP3 section 4.3):
# F = max(0, 1 - Var(R) / Var(component + R)), 0 = none, near 1 = strong. Seasonal
# window 11, the default of feasts' feat_stl.
print("STL, period 7      trend strength  seasonal strength")
for name, y in [("(a)", noise), ("(b)", trend_noise), ("(c)", walk), ("(d)", weekly)]:
    fit = STL(y, period=m, seasonal=11).fit()
    resid = fit.resid
    f_t = max(0.0, 1 - resid.var() / (fit.trend + resid).var())
    f_s = max(0.0, 1 - resid.var() / (fit.seasonal + resid).var())
    print(f"{name:18} {f_t:14.2f} {f_s:18.2f}")

# Spurious regression (Granger and Newbold 1974): regress one random walk on another,
# independent one; count slope p-values below 0.05, in levels and in differences.
sims = 200
print(f"spurious regression: {sims} pairs of independent random walks, slope p < 0.05")
print("length  share, levels  share, differences  median R^2  median Durbin-Watson")
for length in (100, 400):
    p_lev, p_dif, r2, dw = [], [], [], []
    for _ in range(sims):
        x, y = np.cumsum(rng.normal(size=(2, length)), axis=1)
        fit = sm.OLS(y, sm.add_constant(x)).fit()
        p_lev.append(fit.pvalues[1])
        r2.append(fit.rsquared)
        dw.append(durbin_watson(fit.resid))
        p_dif.append(sm.OLS(np.diff(y), sm.add_constant(np.diff(x))).fit().pvalues[1])
    share_lev = np.mean(np.array(p_lev) < 0.05)
    share_dif = np.mean(np.array(p_dif) < 0.05)
    print(
        f"{length:6} {share_lev:14.3f} {share_dif:19.3f} {np.median(r2):11.2f} "
        f"{np.median(dw):20.2f}"
    )
