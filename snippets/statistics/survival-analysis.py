import numpy as np
from scipy import stats
from statsmodels.duration.api import PHReg


def kaplan_meier(time, event):
    """Distinct event times and S(t) just after each: product of (1 - d_j / n_j)."""
    t_event, deaths = np.unique(time[event], return_counts=True)
    # n_j: still observed (neither churned nor censored) just before t_j
    at_risk = len(time) - np.searchsorted(np.sort(time), t_event, side="left")
    return t_event, np.cumprod(1 - deaths / at_risk)


def km_median(time, event):
    t, surv = kaplan_meier(time, event)
    below = surv <= 0.5
    # no time with S(t) <= 0.5: the median is not reached in this follow-up
    return t[np.argmax(below)] if below.any() else np.inf


def risk_table(time, event, group):
    """Per distinct churn time: churns d (d1 in group 1), at risk n (n1)."""
    t, d = np.unique(time[event], return_counts=True)
    n = len(time) - np.searchsorted(np.sort(time), t, side="left")
    n1 = group.sum() - np.searchsorted(np.sort(time[group]), t, side="left")
    ev1 = np.sort(time[event & group])
    d1 = np.searchsorted(ev1, t, side="right") - np.searchsorted(ev1, t, side="left")
    return d, d1, n, n1


def log_rank(time, event, group):
    """Observed minus expected churns in group 1, summed over churn times."""
    d, d1, n, n1 = risk_table(time, event, group)
    # under H0 the d churns at a time fall in group 1 in proportion n1 / n
    # (hypergeometric mean and variance)
    expected = d * n1 / n
    var = d * (n1 / n) * (1 - n1 / n) * (n - d) / np.maximum(n - 1, 1)
    chi2 = (d1 - expected).sum() ** 2 / var.sum()
    return chi2, stats.chi2.sf(chi2, df=1)


def cox_log_hr(time, event, group, steps=8):
    """Cox model with one binary covariate: Newton steps on the partial likelihood
    sum_t [d1 beta - d log(n0 + n1 e^beta)] (Breslow ties)."""
    d, d1, n, n1 = risk_table(time, event, group)
    beta = 0.0
    for _ in range(steps):
        p1 = n1 * np.exp(beta) / (n - n1 + n1 * np.exp(beta))
        beta += (d1 - d * p1).sum() / (d * p1 * (1 - p1)).sum()
    return beta, 1 / (d * p1 * (1 - p1)).sum()


def window_log_hr(time, event, group, lo, hi):
    """log(churns per user-month in B / in A) over [lo, hi), and its variance
    1/d_A + 1/d_B (piecewise-constant hazard: the rate is churns / exposure)."""
    exposure = np.clip(time, lo, hi) - lo
    churned = event & (time >= lo) & (time < hi)
    d_a, d_b = churned[~group].sum(), churned[group].sum()
    log_hr = np.log(d_b / exposure[group].sum()) - np.log(d_a / exposure[~group].sum())
    return log_hr, 1 / d_a + 1 / d_b


def observe(churn_time, rng):
    # users signed up uniformly over the last 24 months; the analysis is today,
    # so each user is followed for U(0, 24) months (administrative censoring)
    follow_up = rng.uniform(0, 24, len(churn_time))
    return np.minimum(churn_time, follow_up), churn_time <= follow_up


rng = np.random.default_rng(0)
n, true_median = 2000, 12.0
# exponential churn: constant hazard log(2) / median per month
churn = rng.exponential(true_median / np.log(2), n)
time, event = observe(churn, rng)
print(
    f"{n} users, true median {true_median:.1f} months, censored {1 - event.mean():.2f}"
)
print(f"naive median over churners only:       {np.median(time[event]):5.1f}")
print(f"naive median, censoring time as churn: {np.median(time):5.1f}")
print(f"Kaplan-Meier median:                   {km_median(time, event):5.1f}")
t_km, s_km = kaplan_meier(time, event)
# SciPy's Kaplan-Meier: scipy.stats.ecdf on right-censored data
scipy_sf = stats.ecdf(stats.CensoredData.right_censored(time, ~event)).sf.evaluate
print(f"Kaplan-Meier matches scipy.stats.ecdf: {np.allclose(s_km, scipy_sf(t_km))}")
# share churned by month 12 (truth 0.5): censored users counted as "not churned"
naive_share = np.mean(event & (time <= 12))
km_share = 1 - s_km[t_km <= 12][-1]
print(f"churned by month 12: naive {naive_share:.3f}, Kaplan-Meier {km_share:.3f}")

# Two groups: B gets a retention feature that multiplies the hazard by 0.7
hr_true, m = 0.7, 1000
group = np.repeat([False, True], m)
churn = rng.exponential(true_median / np.log(2), 2 * m)
churn[group] /= hr_true  # hazard x 0.7 = time / 0.7 for an exponential
time, event = observe(churn, rng)
chi2, p = log_rank(time, event, group)
scipy_lr = stats.logrank(
    stats.CensoredData.right_censored(time[group], ~event[group]),
    stats.CensoredData.right_censored(time[~group], ~event[~group]),
)
print(
    f"\nKaplan-Meier median A {km_median(time[~group], event[~group]):.1f} "
    f"(true {true_median:.1f}), B {km_median(time[group], event[group]):.1f} "
    f"(true {true_median / hr_true:.1f}) months"
)
print(f"log-rank chi2 {chi2:.2f}, p {p:.1e}", end="; ")
# scipy.stats.logrank returns the signed z statistic: z^2 is the chi-square
print(f"matches scipy.stats.logrank: {np.isclose(chi2, scipy_lr.statistic**2)}")
beta, var = cox_log_hr(time, event, group)
lo, hi = np.exp(beta + np.array([-1.96, 1.96]) * np.sqrt(var))
cox = PHReg(time, group.astype(float)[:, None], status=event.astype(int)).fit()
print(
    f"Cox hazard ratio B/A {np.exp(beta):.2f} (95% CI {lo:.2f}-{hi:.2f}); "
    f"matches statsmodels PHReg: {np.isclose(beta, cox.params[0])}"
)

# Type I error of the hand-written test: 2,000 A/A experiments of 2 x 200 users
null_p = []
for _ in range(2000):
    t_aa, e_aa = observe(rng.exponential(true_median / np.log(2), 400), rng)
    null_p.append(log_rank(t_aa, e_aa, np.arange(400) < 200)[1])
print(f"A/A tests with log-rank p < 0.05: {np.mean(np.array(null_p) < 0.05):.3f}")


# Proportional hazards check: is the hazard ratio the same early and late?
# 500 experiments of 2 x 1,000 users per scenario. Crossing hazards: A churns
# early then stays (Weibull shape 0.5), B churns late (shape 2), same median
shape = np.where(group, 2.0, 0.5)
scale = np.where(group, 1 / hr_true, 1.0) * true_median / np.log(2)
print(f"\n{'hazards':13}{'HR 0-6 mo':>10}{'HR 6-24 mo':>11}{'PH rejected':>12}", end="")
print(f"{'log-rank rejects':>17}{'Cox HR':>7}")
for name in ["proportional", "crossing"]:
    rows = []
    for _ in range(500):
        if name == "proportional":
            # exponential, hazard ratio B/A 0.7 at every time
            churn = rng.exponential(scale)
        else:
            churn = rng.weibull(shape) * true_median / np.log(2) ** (1 / shape)
        t, e = observe(churn, rng)
        (early, v_early), (late, v_late) = (
            window_log_hr(t, e, group, 0, 6),
            window_log_hr(t, e, group, 6, 24),
        )
        same_p = 2 * stats.norm.sf(abs(early - late) / np.sqrt(v_early + v_late))
        lr_p = log_rank(t, e, group)[1]
        rows.append(
            [early, late, same_p < 0.05, lr_p < 0.05, cox_log_hr(t, e, group)[0]]
        )
    early, late, ph_rej, lr_rej, cox_beta = np.array(rows).T
    # median over experiments of each hazard ratio; share of experiments rejecting
    print(
        f"{name:13}{np.exp(np.median(early)):10.2f}{np.exp(np.median(late)):11.2f}"
        f"{ph_rej.mean():12.3f}{lr_rej.mean():17.3f}{np.exp(np.median(cox_beta)):7.2f}"
    )
