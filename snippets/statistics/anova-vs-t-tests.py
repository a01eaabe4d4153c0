# --8<-- [start:familywise]
from itertools import combinations

import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
alpha, n, sims = 0.05, 20, 10_000
agree = []
print(f"H0 true: k groups of n = {n}, equal means, {sims:,} experiments per row")
print(" k  pairs m  a*m  1-(1-a)^m  mean false pairs  any pair rejects  ANOVA F  Tukey")
for k in (3, 5, 10):
    data = rng.standard_normal((sims, k, n))
    pairs = list(combinations(range(k), 2))
    m = len(pairs)
    # every pair tested with an unadjusted Student t-test at alpha
    p_pairs = np.column_stack(
        [stats.ttest_ind(data[:, i], data[:, j], axis=1).pvalue for i, j in pairs]
    )
    false_pairs = (p_pairs < alpha).sum(axis=1)
    p_anova = stats.f_oneway(*data.transpose(1, 0, 2), axis=1).pvalue
    # Tukey's HSD rejects something iff the studentized range of the group means
    # exceeds its critical value (equal n; pooled within-group variance, N - k dof)
    means = data.mean(axis=2)
    mse = data.var(axis=2, ddof=1).mean(axis=1)
    q = (means.max(axis=1) - means.min(axis=1)) / np.sqrt(mse / n)
    q_crit = stats.studentized_range.ppf(1 - alpha, k, k * (n - 1))
    print(
        f"{k:2d}  {m:7d}  {alpha * m:.2f}  {1 - (1 - alpha) ** m:9.3f}"
        f"  {false_pairs.mean():16.3f}  {(false_pairs > 0).mean():16.3f}"
        f"  {(p_anova < alpha).mean():7.3f}  {(q > q_crit).mean():.3f}"
    )
    # scipy.stats.tukey_hsd's smallest p-value is the tail of the same range
    for x, qs in zip(data[:3], q[:3]):
        p_min = stats.tukey_hsd(*x).pvalue.min()
        agree.append(np.isclose(p_min, stats.studentized_range.sf(qs, k, k * (n - 1))))
print(f"range shortcut matches scipy.stats.tukey_hsd: {all(agree)}")
# --8<-- [end:familywise]

# --8<-- [start:by-hand]
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

# minutes to first purchase under three checkout designs (unequal group sizes)
rng = np.random.default_rng(1)
groups = {
    "A": rng.normal(10.0, 2.0, 12),
    "B": rng.normal(11.0, 2.0, 15),
    "C": rng.normal(12.5, 2.0, 10),
}
values = np.concatenate(list(groups.values()))
N, k = len(values), len(groups)
grand_mean = values.mean()
ss_between = sum(len(g) * (g.mean() - grand_mean) ** 2 for g in groups.values())
ss_within = sum(((g - g.mean()) ** 2).sum() for g in groups.values())
df_between, df_within = k - 1, N - k
ms_between, ms_within = ss_between / df_between, ss_within / df_within
F = ms_between / ms_within
p = stats.f.sf(F, df_between, df_within)
print("source    sum sq  df  mean sq      F        p")
print(
    f"between  {ss_between:7.2f}  {df_between:2d}  {ms_between:7.2f}  {F:5.2f}  {p:.5f}"
)
print(f"within   {ss_within:7.2f}  {df_within:2d}  {ms_within:7.2f}")
print(f"total    {ss_between + ss_within:7.2f}  {N - 1:2d}")
res = stats.f_oneway(*groups.values())
print(f"matches scipy.stats.f_oneway: {np.isclose(F, res.statistic)}")
print(
    f"eta squared = SS_between / SS_total = {ss_between / (ss_between + ss_within):.3f}"
)
# the same test as a regression on dummy variables: F-test of all slopes = 0
frame = pd.DataFrame({"y": values, "design": np.repeat(list(groups), [12, 15, 10])})
ols = smf.ols("y ~ C(design)", data=frame).fit()
print(f"OLS on dummies: F = {ols.fvalue:.2f}, R^2 = {ols.rsquared:.3f}, ", end="")
print(f"same F: {np.isclose(ols.fvalue, F)}")
# --8<-- [end:by-hand]

# --8<-- [start:welch]
import numpy as np
from scipy import stats
from statsmodels.stats.oneway import anova_oneway


def welch_anova(*samples):
    # Welch (1951): weight each group mean by n_i / s_i^2
    n = np.array([len(s) for s in samples])
    means = np.array([np.mean(s) for s in samples])
    w = n / np.array([np.var(s, ddof=1) for s in samples])
    k, W = len(samples), w.sum()
    weighted_mean = (w * means).sum() / W
    lam = ((1 - w / W) ** 2 / (n - 1)).sum()
    F = (w * (means - weighted_mean) ** 2).sum() / (k - 1)
    F /= 1 + 2 * (k - 2) * lam / (k**2 - 1)
    df2 = (k**2 - 1) / (3 * lam)
    return F, df2, stats.f.sf(F, k - 1, df2)


rng = np.random.default_rng(2)
sizes = (10, 20, 40)
x = [rng.normal(0, sd, size) for sd, size in zip((4, 2, 1), sizes)]
F, df2, p = welch_anova(*x)
sm = anova_oneway(x, use_var="unequal")
sp = stats.f_oneway(*x, equal_var=False)
same = np.allclose([F, p], [sm.statistic, sm.pvalue]) and np.isclose(p, sp.pvalue)
print(
    f"Welch F = {F:.3f} on (2, {df2:.1f}) dof, p = {p:.3f}; statsmodels, scipy: {same}"
)

sims = 10_000
print(f"type I error at 0.05, equal means, {sims:,} experiments per row")
print("sizes         sds        classic F  Welch  Kruskal-Wallis")
for sizes, sds in [
    ((20, 20, 20), (1, 1, 1)),
    ((20, 20, 20), (1, 2, 4)),
    ((10, 20, 40), (4, 2, 1)),
    ((10, 20, 40), (1, 2, 4)),
]:
    x = [rng.normal(0, sd, (sims, size)) for sd, size in zip(sds, sizes)]
    classic = stats.f_oneway(*x, axis=1).pvalue
    welch = stats.f_oneway(*x, axis=1, equal_var=False).pvalue
    ranks = stats.kruskal(*x, axis=1).pvalue
    rates = "  ".join(f"{(r < 0.05).mean():.3f}" for r in (classic, welch))
    print(f"{sizes!s:12}  {sds!s:9}      {rates}  {(ranks < 0.05).mean():14.3f}")
# --8<-- [end:welch]

# --8<-- [start:post-hoc]
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

# an A/B/n test: a control and four variants, one of which (C) really is better
rng = np.random.default_rng(3)
n, names = 50, ["B", "C", "D", "E"]
control = rng.normal(0.0, 1.0, n)
variants = [rng.normal(shift, 1.0, n) for shift in (0.0, 0.6, 0.0, 0.0)]
res = stats.f_oneway(control, *variants)
values = np.concatenate([control, *variants])
ss_between = sum(len(g) * (g.mean() - values.mean()) ** 2 for g in [control, *variants])
eta2 = ss_between / ((values - values.mean()) ** 2).sum()
print(f"ANOVA: F = {res.statistic:.2f}, p = {res.pvalue:.1e}, eta squared = {eta2:.3f}")
raw = np.array([stats.ttest_ind(v, control).pvalue for v in variants])
holm = multipletests(raw, method="holm")[1]
dunnett = stats.dunnett(*variants, control=control, rng=0).pvalue
# Tukey compares all 10 pairs; row 0 of its p-value matrix is the control
tukey = stats.tukey_hsd(control, *variants).pvalue[0, 1:]
print("vs control  diff  unadjusted  Holm (4)  Dunnett  Tukey (all 10 pairs)")
for i, name in enumerate(names):
    diff = variants[i].mean() - control.mean()
    print(
        f"{name:10}  {diff:+.2f}  {raw[i]:10.4f}  {holm[i]:8.4f}  {dunnett[i]:7.4f}"
        f"  {tukey[i]:20.4f}"
    )
all_pairs = stats.tukey_hsd(control, *variants).pvalue
labels = ["control", *names]
flagged = [
    f"{labels[i]}-{labels[j]}"
    for i in range(5)
    for j in range(i + 1, 5)
    if all_pairs[i, j] < 0.05
]
print(f"pairs Tukey flags at 0.05: {', '.join(flagged)}")
# --8<-- [end:post-hoc]
