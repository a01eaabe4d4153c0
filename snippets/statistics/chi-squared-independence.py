# --8<-- [start:table]
import numpy as np
from scipy import stats
from scipy.stats.contingency import association, expected_freq

# acquisition channel (rows) x plan chosen (columns: free, basic, pro)
table = np.array([[180, 90, 30], [160, 50, 10], [90, 60, 30]])
n = table.sum()
# expected counts under independence: row total x column total / n
expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / n
pearson = ((table - expected) ** 2 / expected).sum()
dof = (table.shape[0] - 1) * (table.shape[1] - 1)
p = stats.chi2.sf(pearson, dof)
res = stats.chi2_contingency(table)
print(f"Pearson chi2 = {pearson:.2f}, dof = {dof}, p = {p:.1e}")
print(f"smallest expected count {expected.min():.1f}")
same = np.isclose(pearson, res.statistic) and np.isclose(p, res.pvalue)
print(f"matches scipy.stats.chi2_contingency: {same and res.dof == dof}")
print(f"expected counts match: {np.allclose(expected, expected_freq(table))}")

# G-test: the likelihood-ratio statistic, same chi2 reference distribution
G = 2 * (table * np.log(table / expected)).sum()
g_res = stats.chi2_contingency(table, lambda_="log-likelihood")
p_g = stats.chi2.sf(G, dof)
print(f"G = {G:.2f}, p = {p_g:.1e}; matches scipy: {np.isclose(G, g_res.statistic)}")

# which cells drive it: adjusted residuals (Haberman 1973), about N(0, 1) under H0
row_share = table.sum(axis=1, keepdims=True) / n
col_share = table.sum(axis=0) / n
adjusted = (table - expected) / np.sqrt(expected * (1 - row_share) * (1 - col_share))
print("adjusted residuals (rows search, social, referral; cols free, basic, pro):")
print(np.round(adjusted, 2))

# effect size: Cramer's V = sqrt(chi2 / (n (min(r, c) - 1))), from 0 to 1
V = np.sqrt(pearson / (n * (min(table.shape) - 1)))
print(f"Cramer's V = {V:.3f}; scipy association: {np.isclose(V, association(table))}")
# --8<-- [end:table]

# --8<-- [start:small]
import numpy as np
from scipy import stats

# 4 of 10 users on version B crashed, 0 of 10 on version A
small = np.array([[4, 6], [0, 10]])
E = stats.contingency.expected_freq(small)
print(f"expected counts: {E.ravel()} (two cells below 5)")
plain = stats.chi2_contingency(small, correction=False)
# correction=True (Yates) is scipy's default whenever dof = 1
yates = stats.chi2_contingency(small)
fisher = stats.fisher_exact(small)
print(f"Pearson chi2 {plain.statistic:.2f}, p = {plain.pvalue:.3f}")
print(f"Yates-corrected (scipy's default for 2x2) p = {yates.pvalue:.3f}")
print(f"Fisher's exact p = {fisher.pvalue:.3f}")
# unconditional exact tests: only the row totals (10 users per version) are fixed
boschloo, barnard = stats.boschloo_exact(small), stats.barnard_exact(small)
print(f"Boschloo's exact p = {boschloo.pvalue:.3f}, Barnard's = {barnard.pvalue:.3f}")
# Fisher from scratch: hypergeometric probability of every table with these
# margins that is no more likely than the observed one
rows, col0 = small.sum(axis=1), small[:, 0].sum()
hyper = stats.hypergeom(small.sum(), col0, rows[0])
support = np.arange(max(0, col0 - rows[1]), min(col0, rows[0]) + 1)
probs = hyper.pmf(support)
p_exact = probs[probs <= hyper.pmf(small[0, 0]) * (1 + 1e-7)].sum()
print(f"from scratch {p_exact:.3f}; matches: {np.isclose(p_exact, fisher.pvalue)}")
# --8<-- [end:small]

# --8<-- [start:large]
import numpy as np
from scipy import stats
from scipy.stats.contingency import association

rng = np.random.default_rng(1)
users = 1_000_000
treated = rng.random(users) < 0.5
# a bug drops 1% of treatment users before they are logged (say, a crash on load)
logged = ~treated | (rng.random(users) > 0.01)
for name, keep in [("correct logging", np.ones(users, bool)), ("1% of B lost", logged)]:
    counts = np.array([(~treated & keep).sum(), (treated & keep).sum()])
    # goodness of fit to the planned 50/50 split: 2 cells, 1 dof
    srm = stats.chisquare(counts)
    share = counts[1] / counts.sum()
    print(
        f"{name:16} A {counts[0]:,} B {counts[1]:,} share B {share:.4f}"
        f"  chi2 {srm.statistic:5.2f}  p = {srm.pvalue:.1e}"
    )

rng = np.random.default_rng(2)
arm = 500_000
# conversion 10.0% in A and 10.3% in B: a real but tiny dependence
converted = rng.binomial(arm, [0.100, 0.103])
big = np.array([converted, arm - converted]).T
res = stats.chi2_contingency(big, correction=False)
print(f"n = {big.sum():,}: chi2 = {res.statistic:.1f}, p = {res.pvalue:.1e}")
print(f"Cramer's V = {association(big):.4f} (|phi| for a 2x2 table)")
# --8<-- [end:large]

# --8<-- [start:size]
import numpy as np
from scipy import stats

rng = np.random.default_rng(3)


def rejection_rates(row_sizes, col_probs, sims=20_000, alpha=0.05):
    """Share of tables with p < alpha when rows and columns are independent."""
    tables = np.stack(
        [rng.multinomial(m, col_probs, size=sims) for m in row_sizes], axis=1
    )
    n = tables.sum(axis=(1, 2), keepdims=True)
    E = tables.sum(axis=2, keepdims=True) * tables.sum(axis=1, keepdims=True) / n
    # empty columns carry no information: drop them from the dof
    dof = (len(row_sizes) - 1) * ((tables.sum(axis=1) > 0).sum(axis=1) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(E > 0, (tables - E) ** 2 / E, 0).sum(axis=(1, 2))
        g = 2 * np.where(tables > 0, tables * np.log(tables / E), 0).sum(axis=(1, 2))
    # a table with one non-empty column cannot be tested: count it as not rejected
    testable = dof > 0
    rates = {
        "Pearson": np.mean(testable & (stats.chi2.sf(x2, np.maximum(dof, 1)) < alpha)),
        "G-test": np.mean(testable & (stats.chi2.sf(g, np.maximum(dof, 1)) < alpha)),
    }
    if tables.shape[1:] == (2, 2):
        # few distinct 2x2 tables: run Fisher's test once per distinct table
        unique, inverse = np.unique(
            tables.reshape(sims, 4), axis=0, return_inverse=True
        )
        p_fisher = np.array([stats.fisher_exact(t.reshape(2, 2))[1] for t in unique])
        rates["Fisher"] = np.mean(p_fisher[inverse.ravel()] < alpha)
    return rates, np.median(E.min(axis=(1, 2)))


print("false-positive rate at alpha = 0.05 (20,000 tables each, H0 true)")
print(f"{'table':<34}{'median min E':>12}{'Pearson':>9}{'G-test':>8}{'Fisher':>8}")
cases = [
    ("2x2, 10 per row, rate 0.3", [10, 10], [0.3, 0.7]),
    ("2x2, 20 per row, rate 0.2", [20, 20], [0.2, 0.8]),
    ("3x4, 30 per row, sparse columns", [30, 30, 30], [0.04, 0.06, 0.1, 0.8]),
    ("3x4, 300 per row, same columns", [300, 300, 300], [0.04, 0.06, 0.1, 0.8]),
]
for name, rows, cols in cases:
    rates, min_e = rejection_rates(rows, cols)
    fisher = f"{rates['Fisher']:8.3f}" if "Fisher" in rates else f"{'-':>8}"
    print(
        f"{name:<34}{min_e:12.1f}{rates['Pearson']:9.3f}{rates['G-test']:8.3f}{fisher}"
    )
# --8<-- [end:size]
