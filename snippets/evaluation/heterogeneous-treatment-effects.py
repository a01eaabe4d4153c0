from itertools import combinations

import numpy as np
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(0)
N, K = 40_000, 8  # users, binary user attributes (new user, Android, country A, ...)


def experiment(hurt):
    """Conversion 20%; treatment adds 3 points, except for users with x0 = x1 = 1."""
    x = rng.random((N, K)) < 0.5
    t = rng.random(N) < 0.5
    effect = np.where(x[:, 0] & x[:, 1], -hurt, 0.03) if hurt else np.zeros(N)
    y = rng.random(N) < 0.20 + t * effect
    return x, t, y


SEGMENTS = [((i, a),) for i in range(K) for a in (0, 1)]
SEGMENTS += [
    ((i, a), (j, b))
    for i, j in combinations(range(K), 2)
    for a in (0, 1)
    for b in (0, 1)
]


def segment_tests(x, t, y, rows):
    """Treatment effect and two-sided p-value in every segment, on the given rows."""
    out = []
    for seg in SEGMENTS:
        m = rows.copy()
        for i, a in seg:
            m &= x[:, i] == a
        p1, p0 = y[m & t].mean(), y[m & ~t].mean()
        se = np.sqrt(p1 * (1 - p1) / (m & t).sum() + p0 * (1 - p0) / (m & ~t).sum())
        out.append((p1 - p0, 2 * norm.sf(abs(p1 - p0) / se)))
    return np.array(out)


# 1) No effect anywhere: search 128 segments for one that "is hurt".
x, t, y = experiment(hurt=0.0)
eff, p = segment_tests(x, t, y, np.ones(N, bool)).T
print(f"null experiment, {len(SEGMENTS)} segments tested:")
print(
    f"  p < 0.05 uncorrected: {(p < 0.05).sum()}, "
    f"after Benjamini-Hochberg: {multipletests(p, method='fdr_bh')[0].sum()}, "
    f"after Holm: {multipletests(p, method='holm')[0].sum()}"
)

# 2) A real launch: +3 points overall, -8 points for the x0 = x1 = 1 segment (25%).
x, t, y = experiment(hurt=0.08)
ate = y[t].mean() - y[~t].mean()
print(
    f"real experiment: average effect {ate:+.4f} "
    "(true 0.75 * 0.03 - 0.25 * 0.08 = +0.0025)"
)
half = rng.random(N) < 0.5  # discovery half and confirmation half
found = segment_tests(x, t, y, half)
worst = int(np.argmin(found[:, 0]))
confirm = segment_tests(x, t, y, ~half)[worst]
print(f"  worst segment on the discovery half: {SEGMENTS[worst]} (truth: x0=1, x1=1)")
print(
    f"  its effect on the discovery half {found[worst, 0]:+.4f}, "
    f"on the held-out half {confirm[0]:+.4f} (p = {confirm[1]:.1e}), true -0.0800"
)
