# --8<-- [start:null]
import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
reps, n = 100_000, 20
# Under the null (both groups N(0, 1)) the p-value is uniform on [0, 1]
a, b = rng.normal(size=(2, reps, n))
p_null = stats.ttest_ind(a, b, axis=1).pvalue
# Under an alternative (true effect d = 0.5) it piles up near 0
p_alt = stats.ttest_ind(a + 0.5, b, axis=1).pvalue
bins = [0, 0.01, 0.05, 0.1, 0.5, 1]
print("p-value bin   " + "  ".join(f"{lo}-{hi}" for lo, hi in zip(bins, bins[1:])))
print(
    "null          "
    + "  ".join(f"{c / reps:.3f}" for c in np.histogram(p_null, bins)[0])
)
print(
    "effect d=0.5  "
    + "  ".join(f"{c / reps:.3f}" for c in np.histogram(p_alt, bins)[0])
)
print(
    "null p-values uniform (Kolmogorov-Smirnov p): "
    f"{stats.kstest(p_null, 'uniform').pvalue:.3f}"
)
# --8<-- [end:null]

# --8<-- [start:not]
import numpy as np
from scipy import stats

rng = np.random.default_rng(1)
reps = 100_000
# p is not P(null | data): it depends on how many tested ideas were null to begin with.
# Ideas with a real effect have d = 0.5, n = 50 per arm (power about 0.7)
n = 50
for share_null in [0.5, 0.9]:
    null_true = rng.random(reps) < share_null
    a, b = rng.normal(size=(2, reps, n))
    p = stats.ttest_ind(a + 0.5 * ~null_true[:, None], b, axis=1).pvalue
    sig = p < 0.05
    near = (p > 0.04) & (p < 0.05)
    print(
        f"{share_null:.0%} of ideas null: among p < 0.05 the null is true "
        f"{np.mean(null_true[sig]):.3f}, "
        f"among 0.04 < p < 0.05 {np.mean(null_true[near]):.3f}"
    )

# p is not the size of the effect: a negligible effect with a million users per arm
a = rng.normal(0.005, 1, size=1_000_000)
b = rng.normal(0.0, 1, size=1_000_000)
res = stats.ttest_ind(a, b)
print(
    f"effect d = 0.005 with 1,000,000 per arm: p = {res.pvalue:.1e}, "
    f"difference {a.mean() - b.mean():+.4f} (95% CI "
    f"{res.confidence_interval().low:+.4f} to {res.confidence_interval().high:+.4f})"
)
# --8<-- [end:not]
