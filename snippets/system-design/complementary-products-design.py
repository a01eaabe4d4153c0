import numpy as np

rng = np.random.default_rng(0)

# A shop whose answer is known. 16 main categories (phones, say), each with two
# accessory categories (cases, screen protectors). Every item of those 48 categories
# fits one of 3 platforms (a phone model and its cases). A complement is an item of a
# complementary category that fits the same platform: main -> accessory, and the two
# accessories of a main category with each other; accessory -> main is not one
# (nobody buying a case needs a second phone). Items of one category are substitutes,
# with a long tail of rarely bought ones. Four "everywhere" items (batteries, a bag,
# gift wrap, a cable) land in many baskets and complement nothing. One item per
# category is launched after the training period.
n_main, per_cat, n_platforms = 16, 24, 3
n_cat = 3 * n_main
popular = np.arange(n_cat * per_cat, n_cat * per_cat + 4)
n_items = n_cat * per_cat + 4
category = np.r_[np.repeat(np.arange(n_cat), per_cat), np.full(4, n_cat)]
rank = np.arange(per_cat)
platform = np.r_[np.tile(rank % n_platforms, n_cat), np.full(4, -1)]
accessories = {m: (n_main + 2 * m, n_main + 2 * m + 1) for m in range(n_main)}
is_complement = np.zeros((n_cat + 1, n_cat + 1), bool)
for m, (a, b) in accessories.items():
    is_complement[m, [a, b]] = True
    is_complement[a, b] = is_complement[b, a] = True
is_reverse = is_complement.T & ~is_complement
fits = is_complement[category[:, None], category] & (platform[:, None] == platform)
new_rank = 2
within = 1 / (rank + 1) ** 1.1
cdfs = {
    (launched, plat): np.cumsum(
        within
        * (launched | (rank != new_rank))
        * ((plat < 0) | (rank % n_platforms == plat))
    )
    for launched in (False, True)
    for plat in range(-1, n_platforms)
}


def pick(cat, launched, plat=-1):
    cdf = cdfs[launched, plat]
    return cat * per_cat + int(np.searchsorted(cdf, rng.random() * cdf[-1]))


def basket(launched):
    kind = rng.random()
    if kind < 0.45:
        main = int(rng.integers(n_main))
        items = [pick(main, launched)]
        plat = platform[items[0]] if rng.random() < 0.9 else rng.integers(n_platforms)
        for acc in rng.permutation(accessories[main]):
            if rng.random() < 0.45:
                items.append(pick(int(acc), launched, int(plat)))
        if len(items) > 1 and rng.random() < 0.1:
            items = items[1:] + items[:1]
    elif kind < 0.75:
        acc = int(rng.integers(n_main, n_cat))
        pair = acc + 1 if (acc - n_main) % 2 == 0 else acc - 1
        items = [pick(acc, launched)]
        if rng.random() < 0.35:
            plat = (
                platform[items[0]] if rng.random() < 0.9 else rng.integers(n_platforms)
            )
            items.insert(int(rng.integers(2)), pick(pair, launched, int(plat)))
    else:
        n = int(rng.integers(1, 4))
        return list(
            dict.fromkeys(pick(int(rng.integers(n_cat)), launched) for _ in range(n))
        )
    if rng.random() < 0.06:
        # Bracketing: two sizes or colours of one thing, one of them to be returned.
        items.append(pick(category[items[0]], launched))
    if rng.random() < 0.4:
        items.append(pick(int(rng.integers(n_cat)), launched))
    items += [int(p) for p in popular if rng.random() < 0.15]
    return list(dict.fromkeys(items))


n_train, n_test = 60_000, 15_000
train = [basket(False) for _ in range(n_train)]
test = [basket(True) for _ in range(n_test)]

# Co-view sessions of the training period: shoppers compare alternatives, so most
# views stay in one category.
coview = np.zeros((n_items, n_items))
for _ in range(60_000):
    cat = int(rng.integers(n_cat))
    views = [pick(cat, False)]
    for _ in range(int(rng.integers(2, 6))):
        u = rng.random()
        targets = np.flatnonzero(is_complement[cat])
        nxt = (
            cat if u < 0.75 else rng.choice(targets) if u < 0.9 else rng.integers(n_cat)
        )
        views.append(pick(int(nxt), False))
    views = np.unique(views)
    coview[np.ix_(views, views)] += 1
np.fill_diagonal(coview, 0)

# Training statistics: item counts, pair counts, and which of two items went into the
# cart first.
i_idx, j_idx, i_first = [], [], []
for items in train:
    for pos_a, a in enumerate(items):
        for pos_b, b in enumerate(items):
            if a != b:
                i_idx.append(a)
                j_idx.append(b)
                i_first.append(pos_a < pos_b)
i_idx, j_idx, i_first = np.array(i_idx), np.array(j_idx), np.array(i_first)
n_i = np.bincount(np.concatenate(train), minlength=n_items).astype(float)
co = np.zeros((n_items, n_items))
np.add.at(co, (i_idx, j_idx), 1)
first = np.zeros((n_items, n_items))
np.add.at(first, (i_idx[i_first], j_idx[i_first]), 1)
with np.errstate(divide="ignore", invalid="ignore"):
    confidence = co / n_i[:, None]
    lift = co * n_train / np.outer(n_i, n_i)
    pmi = np.log(lift)
    norms = np.linalg.norm(coview, axis=1)
    cosine = coview @ coview.T / np.outer(norms, norms)
floor = 10
same_cat = category[:, None] == category[None, :]
# j mostly went into the cart before i: j is the main item, i its accessory.
j_leads = 2 * first < first.T

# Category-level statistics, for backfill and for new items.
cat_co = np.zeros((n_cat + 1, n_cat + 1))
np.add.at(cat_co, (category[i_idx], category[j_idx]), 1)
cat_first = np.zeros_like(cat_co)
np.add.at(cat_first, (category[i_idx[i_first]], category[j_idx[i_first]]), 1)
cat_n = np.bincount(category[np.concatenate(train)], minlength=n_cat + 1)
with np.errstate(divide="ignore", invalid="ignore"):
    cat_lift = cat_co * n_train / np.outer(cat_n, cat_n)
cat_ok = (cat_co >= 100) & (cat_lift > 1.5) & ~(2 * cat_first < cat_first.T)
np.fill_diagonal(cat_ok, False)
cat_ok[:, n_cat] = False


def top5(scores, allowed):
    candidates = np.flatnonzero(allowed)
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order[:5]].tolist()


def category_prior(i, match_platform):
    targets = np.flatnonzero(cat_ok[category[i]])
    targets = targets[np.argsort(-cat_lift[category[i], targets], kind="stable")]
    ranked = []
    for c in targets:
        items = np.arange(c * per_cat, (c + 1) * per_cat)
        if match_platform:
            items = items[platform[items] == platform[i]]
        ranked += items[np.argsort(-n_i[items], kind="stable")].tolist()
    return ranked


def rule(i):
    allowed = (co[i] >= floor) & (lift[i] > 1.5) & ~same_cat[i] & ~j_leads[i]
    return top5(pmi[i], allowed)


def rule_with_backfill(i):
    picks = rule(i)
    return (picks + [j for j in category_prior(i, True) if j not in picks])[:5]


other = ~np.eye(n_items, dtype=bool)
methods = {
    "co-occurrence count": lambda i: top5(co[i], other[i] & (co[i] > 0)),
    "confidence P(j|i)": lambda i: top5(confidence[i], other[i] & (co[i] > 0)),
    "lift": lambda i: top5(lift[i], other[i] & (co[i] > 0)),
    f"PMI, count >= {floor}": lambda i: top5(pmi[i], other[i] & (co[i] >= floor)),
    "co-view cosine": lambda i: top5(cosine[i], other[i] & (coview[i] > 0)),
    "rule: PMI + filters": rule,
    "rule + backfill": rule_with_backfill,
}


def evaluate(lists, baskets):
    slots = 5 * len(lists)
    flat = [(i, j) for i, js in lists.items() for j in js]
    hits, hits_no_pop = [], []
    for b in baskets:
        if len(b) > 1 and b[0] in lists:
            rest = set(b[1:])
            hits.append(bool(rest & set(lists[b[0]])))
            hits_no_pop.append(bool(rest.difference(popular) & set(lists[b[0]])))
    return [
        sum(fits[i, j] for i, j in flat) / slots,
        sum(is_reverse[category[i], category[j]] for i, j in flat) / slots,
        sum(category[i] == category[j] for i, j in flat) / slots,
        sum(j in popular for _, j in flat) / slots,
        1 - len(flat) / slots,
        len({j for _, j in flat}) / n_items,
        np.mean(hits),
        np.mean(hits_no_pop),
    ]


anchors = [i for i in range(n_cat * per_cat) if n_i[i] > 0]
in_baskets = np.mean([bool(set(b) & set(popular.tolist())) for b in train])
print(f"{n_items} items; {n_train} training baskets, then {n_test} test baskets")
print(f"training baskets with one of the 4 popular items: {in_baskets:.3f}")
print("per anchor, shares of its 5 slots: P@5 true complements, rev accessory -> main,")
print("sub same category, pop the 4 popular items, empty nothing to show")
print("cov: share of the catalogue recommended at all")
print("hit: test baskets whose first item's top 5 holds another item of the basket")
print("no-pop: the same, not counting the 4 popular items")
header = ["P@5", "rev", "sub", "pop", "empty", "cov", "hit", "no-pop"]
print(f"{'method':<21}" + "".join(f"{h:>7}" for h in header))
tops = {}
for name, recommend in methods.items():
    tops[name] = {i: recommend(i) for i in anchors}
    row = evaluate(tops[name], test)
    print(f"{name:<21}" + "".join(f"{x:>7.3f}" for x in row))
count, conf = tops["co-occurrence count"], tops["confidence P(j|i)"]
same = all(count[i] == conf[i] for i in anchors)
print(f"count and confidence give the same top 5 for every anchor: {same}")

new_items = np.arange(n_cat) * per_cat + new_rank
print(f"{len(new_items)} items launched after training, served by the category prior")
for name, match in (("category prior", False), ("+ same platform", True)):
    row = evaluate({int(i): category_prior(i, match)[:5] for i in new_items}, test)
    print(f"{name:<21}" + "".join(f"{x:>7.3f}" for x in row))
