import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests


def bonferroni(p, alpha=0.05):
    return p <= alpha / len(p)


def holm(p, alpha=0.05):
    """Step-down: compare the k-th smallest p to alpha / (m - k + 1), stop at the
    first miss."""
    m = len(p)
    order = np.argsort(p)
    passed = p[order] <= alpha / (m - np.arange(m))
    n_reject = m if passed.all() else np.argmin(passed)
    reject = np.zeros(m, bool)
    reject[order[:n_reject]] = True
    return reject


def benjamini_hochberg(p, alpha=0.05):
    """Step-up: find the largest k with p_(k) <= k alpha / m, reject the k smallest."""
    m = len(p)
    order = np.argsort(p)
    below = np.nonzero(p[order] <= alpha * np.arange(1, m + 1) / m)[0]
    reject = np.zeros(m, bool)
    if below.size:
        reject[order[: below[-1] + 1]] = True
    return reject


rng = np.random.default_rng(0)
p = rng.uniform(size=200) ** 3
same = all(
    np.array_equal(mine(p), multipletests(p, alpha=0.05, method=name)[0])
    for mine, name in [
        (bonferroni, "bonferroni"),
        (holm, "holm"),
        (benjamini_hochberg, "fdr_bh"),
    ]
)
print(f"from-scratch decisions match statsmodels multipletests: {same}")
print(
    f"BH matches scipy.stats.false_discovery_control: "
    f"{np.array_equal(benjamini_hochberg(p), stats.false_discovery_control(p) <= 0.05)}"
)

# 1,000 metrics tested at once, 100 with a real effect (z-tests, effect 3 sd);
# 500 repetitions; FDR = E[false rejections / rejections]
rng = np.random.default_rng(1)
m, m_true, reps = 1000, 100, 500
is_real = np.arange(m) < m_true
rows = {
    name: [] for name in ["none (p < 0.05)", "Bonferroni", "Holm", "Benjamini-Hochberg"]
}
for _ in range(reps):
    z = rng.normal(size=m) + 3.0 * is_real
    p = 2 * stats.norm.sf(np.abs(z))
    for name, reject in [
        ("none (p < 0.05)", p < 0.05),
        ("Bonferroni", bonferroni(p)),
        ("Holm", holm(p)),
        ("Benjamini-Hochberg", benjamini_hochberg(p)),
    ]:
        false = np.sum(reject & ~is_real)
        rows[name].append(
            (false > 0, false / max(reject.sum(), 1), np.mean(reject[is_real]), false)
        )
print("correction           FWER    FDR   power  false positives per run")
for name, r in rows.items():
    fwer, fdr, power, n_false = np.mean(r, axis=0)
    print(f"{name:<19} {fwer:>5.3f} {fdr:>6.3f} {power:>6.3f} {n_false:>13.1f}")
fdp = np.array(rows["Benjamini-Hochberg"])[:, 1]
print(
    f"BH: measured FDR {fdp.mean():.4f} (simulation standard error "
    f"{fdp.std() / np.sqrt(reps):.4f}); theory alpha * m0 / m = {0.05 * 900 / 1000:.4f}"
)
