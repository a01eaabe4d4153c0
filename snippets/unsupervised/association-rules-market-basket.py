from collections import namedtuple
from functools import reduce
from itertools import combinations
from math import comb
from operator import and_

import numpy as np
from scipy.stats import hypergeom

# 27 other products, each bought independently of everything else
NAMES = (
    "eggs butter cheese apples bananas yogurt coffee tea rice chips soda beer wine "
    "chocolate cereal tomatoes onions garlic lemons chicken fish soap shampoo "
    "batteries candles flowers spices"
)
OTHERS = NAMES.split()
ITEMS = ["bread", "pasta", "sauce", "milk", *OTHERS]
Rule = namedtuple("Rule", "x y support confidence lift leverage")


def make_baskets(seed, n=2000):
    """Boolean matrix baskets x items: one planted pair, a popular item, a long tail."""
    rng = np.random.default_rng(seed)
    B = np.zeros((n, len(ITEMS)), dtype=bool)
    # bread in 60% of baskets, pasta in 15%, milk in 30%, all independent
    B[:, 0] = rng.random(n) < 0.60
    B[:, 1] = rng.random(n) < 0.15
    # planted: sauce in 80% of the baskets with pasta, 5% of the others
    B[:, 2] = rng.random(n) < np.where(B[:, 1], 0.80, 0.05)
    B[:, 3] = rng.random(n) < 0.30
    # 27 independent items, popularity from 25% down to 0.4%: a long tail
    B[:, 4:] = rng.random((n, len(OTHERS))) < np.geomspace(0.25, 0.004, len(OTHERS))
    return B


def apriori(B, min_support):
    """Frequent itemsets {sorted tuple of columns: support}, and counts per size."""
    support, table = {}, []
    candidates, joined, pruned = [(i,) for i in range(B.shape[1])], "-", "-"
    while candidates:
        counted = {c: B[:, list(c)].all(axis=1).mean() for c in candidates}
        frequent = sorted(c for c, s in counted.items() if s >= min_support)
        support.update((c, counted[c]) for c in frequent)
        size = len(candidates[0])
        table.append((size, joined, pruned, len(candidates), len(frequent)))
        # join: two frequent k-itemsets that share their first k-1 items
        new = [a + b[-1:] for a, b in combinations(frequent, 2) if a[:-1] == b[:-1]]
        # prune (downward closure): every k-subset of a candidate must be frequent
        keep = set(frequent)
        candidates = [c for c in new if all(s in keep for s in combinations(c, size))]
        joined, pruned = len(new), len(new) - len(candidates)
    return support, table


def rules(support):
    """Every rule X -> Y from a frequent itemset: the subsets are frequent too."""
    out = []
    for itemset, s_xy in support.items():
        for r in range(1, len(itemset)):
            for x in combinations(itemset, r):
                y = tuple(i for i in itemset if i not in x)
                conf = s_xy / support[x]
                lift = conf / support[y]
                out.append(Rule(x, y, s_xy, conf, lift, s_xy - support[x] * support[y]))
    return out


def name(items):
    return "+".join(ITEMS[i] for i in items)


min_support = 0.02
B = make_baskets(seed=0)
n, m = B.shape
print(f"{n} baskets, {m} items, {B.sum(1).mean():.2f} items per basket")
print("share of baskets with bread, pasta, sauce, milk:", np.round(B[:, :4].mean(0), 3))
support, table = apriori(B, min_support)

print(f"\nmin support {min_support}")
print("size  all itemsets  after join  pruned  counted  frequent")
for k, joined, pruned, counted, frequent in table:
    print(
        f"{k:>4} {comb(m, k):>13} {joined:>11} {pruned:>7} {counted:>8} {frequent:>9}"
    )
total = sum(row[3] for row in table)
print(f"itemsets counted: Apriori {total}, brute force over all sizes {2**m - 1:,}")

# brute force up to one size above the largest frequent itemset, on bitsets
bits = [int.from_bytes(np.packbits(B[:, j]).tobytes(), "big") for j in range(m)]
brute = set()
for k in range(1, max(map(len, support)) + 2):
    for c in combinations(range(m), k):
        if reduce(and_, (bits[j] for j in c)).bit_count() >= min_support * n:
            brute.add(c)
print("frequent itemsets equal brute force:", brute == support.keys())

R = rules(support)
by_name = {(name(r.x), name(r.y)): r for r in R}
print("\nrule              support  confidence   lift  leverage  conviction")
shown = [("pasta", "sauce"), ("sauce", "pasta"), ("milk", "bread"), ("pasta", "bread")]
for x, y in shown:
    r = by_name[(x, y)]
    conviction = (1 - support[r.y]) / (1 - r.confidence)
    rule = f"{x} -> {y}"
    print(f"{rule:<17} {r.support:>7.3f} {r.confidence:>11.3f} {r.lift:>6.2f}", end="")
    print(f" {r.leverage:>9.3f} {conviction:>11.2f}")

confident = [r for r in R if r.confidence >= 0.5]
lifts = [r.lift for r in confident if r.y == (0,)]
print(f"rules with confidence >= 0.5: {len(confident)}; X -> bread: {len(lifts)}")
print(f"  lift of those X -> bread rules: {min(lifts):.2f} to {max(lifts):.2f}")

# check against a direct count over the baskets as sets of names
baskets = [{ITEMS[j] for j in np.flatnonzero(row)} for row in B]
n_pasta = sum("pasta" in b for b in baskets)
n_both = sum({"pasta", "sauce"} <= b for b in baskets)
r = by_name[("pasta", "sauce")]
agree = np.isclose(n_both / n, r.support) and np.isclose(n_both / n_pasta, r.confidence)
print("direct count agrees:", agree)


def planted(r):
    return {1, 2} <= set(r.x + r.y)


def p_value(r, support, n):
    """One-sided hypergeometric test: X and Y together at least this often."""
    n_xy, n_x, n_y = (round(v * n) for v in (r.support, support[r.x], support[r.y]))
    return hypergeom.sf(n_xy - 1, n, n_x, n_y)


# lower min support: more rules, and chance co-occurrences of rare items
print("\nmin support  itemsets  rules  lift >= 2  not pasta+sauce  survive Bonferroni")
for ms in (0.02, 0.01, 0.005, 0.002):
    sup = apriori(B, ms)[0]
    R = rules(sup)
    spurious = [r for r in R if r.lift >= 2 and not planted(r)]
    survive = sum(p_value(r, sup, n) < 0.05 / len(R) for r in spurious)
    strong = sum(r.lift >= 2 for r in R)
    print(f"{ms:>11} {len(sup):>9} {len(R):>6} {strong:>10}", end="")
    print(f" {len(spurious):>16} {survive:>19}")
pasta_sauce = next(r for r in R if r.x == (1,) and r.y == (2,))
print(f"pasta -> sauce at min support 0.002: p = {p_value(pasta_sauce, sup, n):.0e},")
print(f"  Bonferroni threshold 0.05 / {len(R)} rules = {0.05 / len(R):.0e}")

# other seeds, min support 0.02
top_pair, clean, milk = 0, 0, []
for seed in range(20):
    B = make_baskets(seed)
    sup = apriori(B, 0.02)[0]
    R = rules(sup)
    pairs = [r for r in R if len(r.x) == len(r.y) == 1]
    top_pair += planted(max(pairs, key=lambda r: r.lift))
    clean += not any(r.lift >= 2 and not planted(r) for r in R)
    milk.append(next(r.lift for r in R if r.x == (3,) and r.y == (0,)))
print(f"\n20 seeds: pasta/sauce is the top pair by lift in {top_pair} of 20")
print(f"  no rule with lift >= 2 outside pasta+sauce in {clean} of 20")
print(f"  lift of milk -> bread from {min(milk):.2f} to {max(milk):.2f}")
