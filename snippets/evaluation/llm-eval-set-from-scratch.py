import numpy as np
from scipy.stats import binom, norm

rng = np.random.default_rng(0)
Z = norm.ppf(0.975) + norm.ppf(0.80)  # two-sided 5% test with 80% power


def paired_outcomes(p_a, p_b, n_items, keep=0.95):
    """Per-item correctness of prompt versions A and B on the same items.

    B gives A's verdict on most items and changes the rest, so the two columns are
    correlated as they are for two prompts on one model. A's wins are broken with
    probability 1 - keep (B regresses), or A's losses are fixed (B improves), at the
    rate that makes B's accuracy p_b.
    """
    a = rng.random(n_items) < p_a
    flip = rng.random(n_items)
    if p_b >= p_a:
        fix = (p_b - p_a * keep) / (1 - p_a)
        b = np.where(a, flip < keep, flip < fix)
    else:
        keep_b = (p_b - (1 - p_a) * (1 - keep)) / p_a
        b = np.where(a, flip < keep_b, flip < 1 - keep)
    return a.astype(float), b.astype(float)


# 1. How many items to detect a 3-point gain, 0.70 -> 0.73?
a, b = paired_outcomes(0.70, 0.73, 1_000_000)
var_d = np.var(b - a)
var_unpaired = a.var() + b.var()
n_paired = int(np.ceil(Z**2 * var_d / 0.03**2))
n_unpaired = int(np.ceil(Z**2 * var_unpaired / 0.03**2))
print("A 0.70 -> B 0.73 on the same items")
print(f"items whose verdict changes: {np.mean(a != b):.3f}")
print(f"item-level correlation of A and B: {np.corrcoef(a, b)[0, 1]:.2f}")
se_unpaired, se_paired = np.sqrt([var_unpaired / n_paired, var_d / n_paired])
print(
    f"SE of B - A on {n_paired} shared items: "
    f"unpaired {se_unpaired:.4f}, paired {se_paired:.4f}"
)
print(
    f"items for 80% power: {n_unpaired} per version on separate items, "
    f"{n_paired} shared and paired"
)
hits = np.zeros(2)  # detections: analysed unpaired, analysed paired
SETS = 2000
for _ in range(SETS):
    a, b = paired_outcomes(0.70, 0.73, n_paired)
    d = b.mean() - a.mean()
    se_unpaired = np.sqrt((a.var() + b.var()) / n_paired)
    se_paired = (b - a).std() / np.sqrt(n_paired)
    hits += d / np.array([se_unpaired, se_paired]) > norm.ppf(0.975)
print(
    f"{SETS} sets of {n_paired} shared items, gain detected: "
    f"analysed unpaired {hits[0] / SETS:.2f}, paired {hits[1] / SETS:.2f}"
)

# 2. Random vs stratified sampling: does a 300-item set catch a regression on a
# type that is 2% of traffic?
TYPES = ["short question", "long document", "multi-turn", "code", "non-English"]
TRAFFIC = np.array([0.55, 0.25, 0.12, 0.06, 0.02])
ACC_A = np.array([0.80, 0.70, 0.65, 0.60, 0.70])
ACC_B = np.array([0.84, 0.74, 0.69, 0.64, 0.40])  # better everywhere but non-English
N_ITEMS, DRAWS, ALPHA = 300, 2000, 0.05 / len(TYPES)  # Bonferroni over 5 types
print(f"\ntrue overall B - A: {TRAFFIC @ (ACC_B - ACC_A):+.3f}")


def evaluate(counts):
    """Per type: B - A on the sampled items, and whether a regression is flagged by an
    exact one-sided sign test on the items where A and B disagree."""
    diffs, flagged = [], []
    for t, n_t in enumerate(counts):
        a, b = paired_outcomes(ACC_A[t], ACC_B[t], n_t)
        broken, fixed = np.sum(a > b), np.sum(b > a)
        diffs.append(np.sum(b - a))
        # P(at least `broken` of the disagreements go A's way if A and B were equal)
        flagged.append(binom.sf(broken - 1, broken + fixed, 0.5) < ALPHA)
    return np.array(diffs), np.array(flagged)


stratified = np.full(len(TYPES), N_ITEMS // len(TYPES))  # 60 items per type
flags = {"random": [], "stratified": []}
raw, reweighted, rare_counts = [], [], []
for _ in range(DRAWS):
    counts = rng.multinomial(N_ITEMS, TRAFFIC)
    rare_counts.append(counts[-1])
    flags["random"].append(evaluate(counts)[1])
    diffs, flagged = evaluate(stratified)
    flags["stratified"].append(flagged)
    raw.append(diffs.sum() / N_ITEMS)
    reweighted.append(TRAFFIC @ (diffs / stratified))
print(f"non-English items in a random 300: median {np.median(rare_counts):.0f}")
for name, f in flags.items():
    f = np.array(f)
    print(
        f"{name:<10}: non-English regression flagged in {f[:, -1].sum()} of {DRAWS} "
        f"draws, false alarms in {f[:, :-1].any(axis=1).sum()}"
    )
print(
    f"stratified set, mean B - A: raw {np.mean(raw):+.3f}, "
    f"reweighted by traffic {np.mean(reweighted):+.3f}"
)
