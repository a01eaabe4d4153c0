import numpy as np
from scipy.stats import binomtest, ttest_ind

rng = np.random.default_rng(0)
n_queries, n_docs, k = 200, 30, 10
# Graded relevance 0-3 for each query's candidate documents
rel = rng.choice(4, size=(n_queries, n_docs), p=[0.6, 0.25, 0.1, 0.05])
# Ranker A: relevance plus noise. Ranker B: A's ranking with the best document that
# A leaves below position 3 promoted to position 2 (on a few queries only).
rank_a = np.argsort(-(rel + rng.normal(0, 1.5, rel.shape)), axis=1)
rank_b = rank_a.copy()
for q in rng.choice(n_queries, size=n_queries // 4, replace=False):
    lower = rank_a[q, 3:]
    best = lower[np.argmax(rel[q, lower])]
    rank_b[q] = np.r_[rank_a[q, :1], best, rank_a[q, 1:][rank_a[q, 1:] != best]]

# Position-based click model: P(click) = P(examine rank) * user engagement * P(click
# | relevance grade). Engagement varies between users, which is noise for an A/B test.
examine = 1 / np.arange(1, k + 1) ** 0.7
attract = np.array([0.05, 0.3, 0.6, 0.9])


def clicks(grades, n):
    """Simulate clicks for n impressions, given the grades shown at each rank."""
    user = rng.uniform(0.1, 1.0, size=(n, 1))
    return rng.random((n, k), dtype=np.float32) < examine * user * attract[grades]


def team_draft(a, b, coins):
    """Team-draft interleaving of rankings a and b into k slots.

    Each round a coin flip decides which team picks first; each team then adds its
    highest-ranked document not yet in the list. Returns the list and the team
    (0 = A, 1 = B) that contributed each document.
    """
    shown, team = [], []
    for coin in coins:
        for t in (coin, 1 - coin):
            doc = next(d for d in (a, b)[t] if d not in shown)
            shown.append(doc)
            team.append(t)
    return np.array(shown), np.array(team)


# With k slots there are k/2 rounds, so 2**(k/2) equally likely coin sequences per
# query: precompute every interleaved list once, then sample (query, coins) uniformly.
seqs = [[(c >> r) & 1 for r in range(k // 2)] for c in range(2 ** (k // 2))]


def interleavings(ra, rb):
    pairs = [[team_draft(ra[q], rb[q], s) for s in seqs] for q in range(n_queries)]
    docs = np.array([[p[0] for p in row] for row in pairs])
    teams = np.array([[p[1] for p in row] for row in pairs])
    return docs, teams


def interleave_outcomes(ra, rb, docs, teams, n):
    """+1 if B's team gets more clicks, -1 if A's does, 0 for a tie."""
    q = rng.integers(n_queries, size=n)
    s = rng.integers(len(seqs), size=n)
    c = clicks(rel[q[:, None], docs[q, s]], n)
    return np.sign((c * teams[q, s]).sum(1) - (c * (1 - teams[q, s])).sum(1))


def ab_clicks(ranking, n):
    """Clicks per impression when every impression shows one ranker's top k."""
    q = rng.integers(n_queries, size=n)
    return clicks(rel[q[:, None], ranking[q, :k]], n).sum(1)


ab_docs, ab_teams = interleavings(rank_a, rank_b)
big = 400_000
ctr_a, ctr_b = ab_clicks(rank_a, big).mean(), ab_clicks(rank_b, big).mean()
w = interleave_outcomes(rank_a, rank_b, ab_docs, ab_teams, big)
print(f"clicks per impression: A {ctr_a:.4f}, B {ctr_b:.4f} ({ctr_b / ctr_a - 1:+.1%})")
print(
    f"interleaved: B wins {(w > 0).sum() / (w != 0).sum():.3f} of impressions "
    f"with a preference; {(w == 0).mean():.0%} are ties"
)
# Normal approximation, 5% two-sided level and 80% power: (1.96 + 0.84)^2 = 7.85
xa, xb = ab_clicks(rank_a, big), ab_clicks(rank_b, big)
n_ab = 2 * 7.85 * (xa.var() + xb.var()) / (ctr_b - ctr_a) ** 2
n_il = 7.85 * w.var() / w.mean() ** 2
print(
    f"impressions for 80% power: A/B {n_ab:,.0f}, interleaving {n_il:,.0f} "
    f"({n_ab / n_il:.0f}x fewer)"
)

n_exp = 200
print(f"\npower: share of {n_exp} experiments with p < 0.05 (n = total impressions)")
print(f"{'n':>7} {'A/B t-test':>11} {'interleaving':>13}")
for n in [500, 2_000, 8_000, 32_000]:
    # A/B test: half the impressions see A, half see B; Welch t-test on clicks
    xa = ab_clicks(rank_a, n_exp * n // 2).reshape(n_exp, -1)
    xb = ab_clicks(rank_b, n_exp * n // 2).reshape(n_exp, -1)
    p_ab = ttest_ind(xb, xa, axis=1, equal_var=False).pvalue
    # Interleaving: every impression compares both; sign test on non-tied wins
    o = interleave_outcomes(rank_a, rank_b, ab_docs, ab_teams, n_exp * n)
    o = o.reshape(n_exp, n)
    p_il = [binomtest(int((r > 0).sum()), int((r != 0).sum())).pvalue for r in o]
    print(
        f"{n:>7} {(p_ab < 0.05).mean():>11.2f} {(np.array(p_il) < 0.05).mean():>13.2f}"
    )

# Sanity check: interleave A with itself; there must be no preference
aa_docs, aa_teams = interleavings(rank_a, rank_a)
o = interleave_outcomes(rank_a, rank_a, aa_docs, aa_teams, n_exp * 2_000)
o = o.reshape(n_exp, -1)
p_aa = [binomtest(int((r > 0).sum()), int((r != 0).sum())).pvalue for r in o]
share = (o > 0).sum() / (o != 0).sum()
print(f"\nA vs A (identical rankers): B wins {share:.3f} of non-tied impressions,")
print(f"p < 0.05 in {np.mean(np.array(p_aa) < 0.05):.3f} of {n_exp} experiments")
