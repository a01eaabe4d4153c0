import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
N, POSITIVES, BUDGET, DRAWS = 100_000, 1_000, 500, 2_000
THRESHOLD = 0.3
Z = 1.959964

# A production population: 1% positives. The model sees evidence x; most
# positives have x near 3.5, a fifth ("hard" ones) near 1, negatives near 0. Its
# score is the exact posterior P(positive | x), so it is calibrated.
is_positive = np.zeros(N, dtype=bool)
is_positive[:POSITIVES] = True
hard = rng.random(N) < 0.2
x = np.where(
    is_positive,
    np.where(hard, rng.normal(1.0, 1.0, N), rng.normal(3.5, 1.0, N)),
    rng.normal(0.0, 1.0, N),
)
prior = POSITIVES / N
lik_positive = 0.8 * norm.pdf(x, 3.5) + 0.2 * norm.pdf(x, 1.0)
score = prior * lik_positive / (prior * lik_positive + (1 - prior) * norm.pdf(x))
flagged = score >= THRESHOLD
y = is_positive.astype(float)
f = flagged.astype(float)
n_flagged = flagged.sum()
true_precision = (y * f).sum() / n_flagged
true_recall = (y * f).sum() / POSITIVES

# Strata by score, with the threshold as one boundary.
cuts = np.array([0.001, 0.01, 0.05, THRESHOLD, 0.7])
stratum = np.digitize(score, cuts)
H = cuts.size + 1
members = [np.flatnonzero(stratum == h) for h in range(H)]
N_h = np.array([m.size for m in members])

# Planning values from the model's own scores (a pilot sample would do too).
p_h = np.array([score[m].mean() for m in members])
f_h = np.array([flagged[m][0] for m in members], dtype=float)
T_plan = score.sum()
P_plan = score[flagged].sum() / n_flagged
R_plan = score[flagged].sum() / T_plan
# Within-stratum sd of the linearised precision and recall, summed as variances:
# Neyman allocation for the sum of the two variances.
S_h = np.sqrt(p_h * (1 - p_h) * (f_h / n_flagged**2 + (f_h - R_plan) ** 2 / T_plan**2))


def allocate(weights, floor, budget=BUDGET):
    extra = (budget - floor * H) * weights / weights.sum()
    n = floor + np.floor(extra).astype(int)
    n[np.argsort(np.floor(extra) - extra)[: budget - n.sum()]] += 1
    return n


n_proportional = allocate(N_h.astype(float), floor=2)
n_neyman = allocate(N_h * S_h, floor=10)

# Importance sampling as Poisson sampling: label item i with probability pi_i,
# proportional to the root mean square of its contribution to the linearised
# precision and recall, mixed with 10% uniform so that no pi_i is tiny.
contribution = np.sqrt(
    f * (score * (1 - P_plan) ** 2 + (1 - score) * P_plan**2) / n_flagged**2
    + score * (f - R_plan) ** 2 / T_plan**2
)
proposal = 0.9 * contribution / contribution.sum() + 0.1 / N
pi = BUDGET * proposal
assert pi.max() < 1


def wilson(k, m, population=None):
    """Wilson interval for k of m; a finite-population correction via the
    effective sample size when m is a sizeable share of the population."""
    if m == 0:
        return np.nan, np.nan, np.nan
    m_eff = m if population is None else m * (population - 1) / (population - m)
    p = k / m
    centre = (p + Z**2 / (2 * m_eff)) / (1 + Z**2 / m_eff)
    half = Z * np.sqrt(p * (1 - p) / m_eff + Z**2 / (4 * m_eff**2))
    half /= 1 + Z**2 / m_eff
    return p, centre - half, centre + half


def stratified_ratio(a, b, strata, n_h):
    """sum(w a) / sum(w b) with w = N_h / n_h, and a Taylor-linearised
    stratified variance with the finite-population correction."""
    weight = (N_h / n_h)[strata]
    A, B = (weight * a).sum(), (weight * b).sum()
    if B == 0:
        return np.nan, np.nan, np.nan
    ratio = A / B
    u = (a - ratio * b) / B
    count = np.bincount(strata, minlength=H)
    total = np.bincount(strata, u, H)
    var_h = (np.bincount(strata, u * u, H) - total**2 / count) / (count - 1)
    se = np.sqrt((N_h**2 * (1 - n_h / N_h) * var_h / n_h).sum())
    return ratio, ratio - Z * se, ratio + Z * se


def horvitz_thompson_ratio(a, b, pi_s):
    """sum(a / pi) / sum(b / pi) with the Poisson-sampling variance."""
    A, B = (a / pi_s).sum(), (b / pi_s).sum()
    if B == 0:
        return np.nan, np.nan, np.nan
    ratio = A / B
    u = (a - ratio * b) / B
    se = np.sqrt(((1 - pi_s) * (u / pi_s) ** 2).sum())
    return ratio, ratio - Z * se, ratio + Z * se


def stratified_sample(n_h):
    parts = [members[h][rng.choice(N_h[h], n_h[h], replace=False)] for h in range(H)]
    return np.concatenate(parts)


def neyman_draw(n_h, resamples=1_000):
    """One Neyman-like stratified draw: precision, recall, a percentile bootstrap
    of recall that resamples within strata, and whether the labels below score
    0.01 held any positive."""
    s = stratified_sample(n_h)
    a, g = y[s] * f[s], stratum[s]
    precision = stratified_ratio(a, f[s], g, n_h)
    recall = stratified_ratio(a, y[s], g, n_h)
    # Resampling n_h labels with replacement from a stratum with k_h positives
    # draws Binomial(n_h, k_h / n_h) positives.
    k_h = np.bincount(g, y[s], H)
    boot = rng.binomial(n_h, k_h / n_h, size=(resamples, H)) * (N_h / n_h)
    boot_recall = (boot * f_h).sum(1) / boot.sum(1)
    boot_ci = np.quantile(boot_recall, [0.025, 0.975])
    low_empty = y[s][stratum[s] <= 1].sum() == 0
    return s, precision, recall, boot_ci, low_empty


designs = [
    "simple random",
    "flagged only",
    "strata, proportional",
    "strata, Neyman-like",
    "  same, unweighted",
    "importance sampling",
]
results = {(d, m): [] for d in designs for m in ("precision", "recall")}
positives_seen = {d: [] for d in designs}
neyman_extra = {BUDGET: []}
flagged_ids = np.flatnonzero(flagged)

for _ in range(DRAWS):
    s = rng.choice(N, BUDGET, replace=False)
    tp = (y[s] * f[s]).sum()
    results["simple random", "precision"].append(wilson(tp, f[s].sum()))
    results["simple random", "recall"].append(wilson(tp, y[s].sum()))
    positives_seen["simple random"].append(y[s].sum())

    s = flagged_ids[rng.choice(n_flagged, BUDGET, replace=False)]
    results["flagged only", "precision"].append(wilson(y[s].sum(), BUDGET, n_flagged))
    results["flagged only", "recall"].append((np.nan, np.nan, np.nan))
    positives_seen["flagged only"].append(y[s].sum())

    s = stratified_sample(n_proportional)
    a, g = y[s] * f[s], stratum[s]
    results["strata, proportional", "precision"].append(
        stratified_ratio(a, f[s], g, n_proportional)
    )
    results["strata, proportional", "recall"].append(
        stratified_ratio(a, y[s], g, n_proportional)
    )
    positives_seen["strata, proportional"].append(y[s].sum())

    s, precision, recall, boot_ci, low_empty = neyman_draw(n_neyman)
    results["strata, Neyman-like", "precision"].append(precision)
    results["strata, Neyman-like", "recall"].append(recall)
    positives_seen["strata, Neyman-like"].append(y[s].sum())
    neyman_extra[BUDGET].append((*recall, *boot_ci, low_empty))
    # The same labels, read as if they were a simple random sample.
    tp = (y[s] * f[s]).sum()
    results["  same, unweighted", "precision"].append(wilson(tp, f[s].sum()))
    results["  same, unweighted", "recall"].append(wilson(tp, y[s].sum()))
    positives_seen["  same, unweighted"].append(y[s].sum())

    s = np.flatnonzero(rng.random(N) < pi)
    a = y[s] * f[s]
    results["importance sampling", "precision"].append(
        horvitz_thompson_ratio(a, f[s], pi[s])
    )
    results["importance sampling", "recall"].append(
        horvitz_thompson_ratio(a, y[s], pi[s])
    )
    positives_seen["importance sampling"].append(y[s].sum())

# Larger budgets, same Neyman-like design.
for budget in (1_000, 2_000):
    n_h = allocate(N_h * S_h, floor=10, budget=budget)
    neyman_extra[budget] = [
        (*recall, *boot_ci, low_empty)
        for _, _, recall, boot_ci, low_empty in (neyman_draw(n_h) for _ in range(DRAWS))
    ]

print(
    f"{N:,} predictions, {POSITIVES:,} positives, {n_flagged:,} flagged "
    f"(score >= {THRESHOLD})"
)
print(
    f"truth: precision {true_precision:.3f}, recall {true_recall:.3f} "
    f"({POSITIVES - int((y * f).sum())} positives missed)"
)
print()
print("score stratum       items  positives  mean score  labels: prop.  Neyman-like")
edges = np.concatenate([[0.0], cuts, [1.0]])
for h in range(H):
    label = f"[{edges[h]:g}, {edges[h + 1]:g})"
    print(
        f"{label:<16} {N_h[h]:>8,} {int(y[members[h]].sum()):>10}"
        f" {p_h[h]:>11.4f} {n_proportional[h]:>14} {n_neyman[h]:>12}"
    )
print(
    f"importance sampling: label each item with probability pi_i, "
    f"from {pi.min():.4f} to {pi.max():.3f}"
)
print()
print(f"{BUDGET} labels, {DRAWS:,} draws; cover = share of 95% intervals that hold")
print("                     positives       precision                recall")
print("design                labelled   bias   rmse  cover     bias   rmse  cover")
missing = {}
for d in designs:
    row = f"{d:<20} {np.mean(positives_seen[d]):>9.1f}"
    for metric, truth in (("precision", true_precision), ("recall", true_recall)):
        est, lo, hi = np.array(results[d, metric]).T
        ok = ~np.isnan(est)
        if not ok.any():
            row += "        -      -      -"
            continue
        missing[d, metric] = 1 - ok.mean()
        err = est[ok] - truth
        cover = ((lo[ok] <= truth) & (truth <= hi[ok])).mean()
        row += f"   {err.mean():+.3f}  {np.sqrt(np.mean(err**2)):.3f}  {cover:.3f}"
    print(row)
print(
    f"simple random: no flagged label in {missing['simple random', 'precision']:.3f}"
    f" of draws, no positive in {missing['simple random', 'recall']:.3f} (left out)"
)

print()
print(
    f"Neyman-like recall by budget ({int(y[stratum <= 1].sum())} missed positives "
    f"score below 0.01)"
)
print("        labels   share with        coverage of 95% intervals")
print("labels  < 0.01   no positive   rmse  linearised  if none  bootstrap")
for budget, rows in neyman_extra.items():
    est, lo, hi, boot_lo, boot_hi, empty = np.array(rows).T
    empty = empty.astype(bool)
    covered = (lo <= true_recall) & (true_recall <= hi)
    boot_covered = (boot_lo <= true_recall) & (true_recall <= boot_hi)
    n_low = allocate(N_h * S_h, floor=10, budget=budget)[:2].sum()
    rmse = np.sqrt(np.mean((est - true_recall) ** 2))
    print(
        f"{budget:>6,} {n_low:>7,} {empty.mean():>13.3f} {rmse:>6.3f}"
        f" {covered.mean():>11.3f} {covered[empty].mean():>8.3f}"
        f" {boot_covered.mean():>10.3f}"
    )
