# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any marketplace's figures: 1.5G live listings, 25M
# created or edited a day, peak 3x the mean. A text encoder of 110M parameters reads
# 96 tokens (title, attributes, the start of the description) and an image encoder
# of 86M parameters reads 197 patches, at 2 FLOPs per parameter per token; scoring
# against 10,000 category embeddings of 768 dimensions is one matrix product. An 8B
# LLM would read 800 tokens (the listing and 20 candidate category paths). A reviewer
# settles 400 listings a day by choosing among the model's top five. Accelerators
# sustain 100 TFLOP/s.
live, daily, peak = 1.5e9, 25e6, 3
text_flops, image_flops = 2 * 110e6 * 96, 2 * 86e6 * 197
category_flops = 2 * 10_000 * 768
llm_flops, chip, reviews_per_day = 2 * 8e9 * 800, 100e12, 400
per_listing = text_flops + image_flops + category_flops
peak_rate = daily / 86_400 * peak
# Audited listings for a leaf accuracy near 90% known to +/- 1% (95%), per vertical.
per_vertical = 1.96**2 * 0.9 * 0.1 / 0.01**2
rows = [
    ("new or edited listings/day", si(daily)),
    ("peak listings/s", f"{peak_rate:,.0f}"),
    ("encoder FLOPs per listing", si(per_listing)),
    ("accelerators at peak (suggestions)", f"{peak_rate * per_listing / chip:.2f}"),
    (
        "accelerator-hours, re-score catalogue",
        f"{live * per_listing / chip / 3600:,.0f}",
    ),
    ("same with the LLM on every listing", f"{live * llm_flops / chip / 3600:,.0f}"),
    (
        "LLM on 5% of new listings, chips",
        f"{0.05 * daily * llm_flops / chip / 86_400:.1f}",
    ),
    ("reviewers for 1% of new listings", f"{0.01 * daily / reviews_per_day:,.0f}"),
    ("audit per vertical, listings", f"{per_vertical:,.0f}"),
]
for name, value in rows:
    print(f"{name:<38}{value:>10}")
# Latency budget, in milliseconds, from the seller typing a title to suggestions.
budget = [
    ("network and request handling", 30),
    ("text encoder (batched)", 15),
    ("top-k categories + policy rules", 10),
    ("margin for the tail", 25),
]
for name, ms in budget:
    print(f"  {name:<36}{ms:>10}")
print(f"  {'total, ms':<36}{sum(ms for _, ms in budget):>10}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

rng = np.random.default_rng(0)

# A two-level taxonomy: 12 parents with 4 to 11 leaves each. Leaf 0 of each parent
# is its catch-all ("Other ...") and leaf 1 the sibling with the lowest fee.
N_PARENTS, GENERIC, PARENT_POOL, LEAF_POOL = 12, 300, 60, 8
leaves_per_parent = rng.integers(4, 12, N_PARENTS)
parent_of = np.repeat(np.arange(N_PARENTS), leaves_per_parent)
first_leaf = np.concatenate([[0], np.cumsum(leaves_per_parent)[:-1]])
N_LEAVES = parent_of.size
catch_all, cheap_sibling = first_leaf[parent_of], first_leaf[parent_of] + 1
# A long tail: Zipf weights in a random order, and the catch-alls are popular.
weight = 1.0 / (rng.permutation(N_LEAVES) + 1)
weight[first_leaf] = weight.max() / 8
prior = weight / weight.sum()
by_size = np.argsort(-prior)
rarity = np.argsort(by_size) / N_LEAVES
head, tail = by_size[:20], by_size[N_LEAVES // 2 :]
# A restricted leaf (knives, say): the largest leaf outside the top quarter that is
# neither a catch-all nor a cheapest sibling. Sellers hide half of it in a sibling.
restricted = next(
    k for k in by_size[N_LEAVES // 4 :] if k - first_leaf[parent_of[k]] >= 2
)
siblings = np.flatnonzero(parent_of == parent_of[restricted])
hide_in = next(k for k in siblings[2:] if k != restricted)

# Words: a generic pool (brand, colour, "new"), a pool per parent that its leaves
# share with different emphases (so siblings overlap), some words of the next
# parent's pool (so parents overlap too), and a few words of the leaf's own.
VOCAB = GENERIC + N_PARENTS * PARENT_POOL + N_LEAVES * LEAF_POOL
word_dist = np.zeros((N_LEAVES, VOCAB))
generic = rng.dirichlet(np.full(GENERIC, 0.3))
for k in range(N_LEAVES):
    p = parent_of[k]
    pool = GENERIC + p * PARENT_POOL + np.arange(PARENT_POOL)
    near = GENERIC + (p + 1) % N_PARENTS * PARENT_POOL + np.arange(PARENT_POOL)
    own = GENERIC + N_PARENTS * PARENT_POOL + k * LEAF_POOL + np.arange(LEAF_POOL)
    word_dist[k, :GENERIC] = 0.40 * generic
    word_dist[k, near] += 0.15 * rng.dirichlet(np.full(PARENT_POOL, 0.3))
    if k == catch_all[k]:
        word_dist[k, pool] += 0.45 * rng.dirichlet(np.full(PARENT_POOL, 2.0))
    else:
        word_dist[k, pool] += 0.33 * rng.dirichlet(np.full(PARENT_POOL, 0.3))
        word_dist[k, own] = 0.12 * rng.dirichlet(np.full(LEAF_POOL, 0.5))
cumulative = np.cumsum(word_dist, axis=1)


def listings(n):
    leaf = rng.choice(N_LEAVES, n, p=prior)
    rows = np.repeat(np.arange(n), rng.poisson(7, n) + 3)
    cols = np.empty(rows.size, dtype=int)
    for k in np.unique(leaf):
        at = np.flatnonzero(leaf[rows] == k)
        cols[at] = np.searchsorted(
            cumulative[k], rng.random(at.size) * cumulative[k, -1]
        )
    X = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, VOCAB))
    X.data = np.log1p(X.data)
    return X, leaf


def seller_labels(leaf):
    # Sellers of rarer leaves misfile more (10% at the head, up to 40% in the tail),
    # into the parent's catch-all (60%) or the cheapest sibling (40%).
    wrong = rng.random(leaf.size) < 0.10 + 0.30 * rarity[leaf]
    dest = np.where(rng.random(leaf.size) < 0.6, catch_all[leaf], cheap_sibling[leaf])
    dest = np.where(dest == leaf, cheap_sibling[leaf], dest)
    dest = np.where(dest == leaf, catch_all[leaf], dest)
    hidden = (leaf == restricted) & (rng.random(leaf.size) < 0.5)
    return np.where(hidden, hide_in, np.where(wrong, dest, leaf))


def classifier():
    return LogisticRegression(C=2.0, tol=1e-3, max_iter=500)


def leaf_proba(model, X):
    out = np.zeros((X.shape[0], N_LEAVES))
    out[:, model.classes_] = model.predict_proba(X)
    return out


def top_down(X, y):
    # A parent classifier, then one leaf classifier per parent, trained on its items.
    parents = classifier().fit(X, parent_of[y])
    children = {
        p: classifier().fit(X[parent_of[y] == p], y[parent_of[y] == p])
        for p in parents.classes_
    }

    def proba(X_new):
        # Commit to the most likely parent, then choose a leaf inside it.
        best = parents.classes_[parents.predict_proba(X_new).argmax(axis=1)]
        out = np.zeros((X_new.shape[0], N_LEAVES))
        for p, child in children.items():
            at = best == p
            out[np.ix_(at, child.classes_)] = child.predict_proba(X_new[at])
        return out

    return proba


X, true_leaf = listings(20_000)
X_test, test_leaf = listings(20_000)
seller, test_seller = seller_labels(true_leaf), seller_labels(test_leaf)
print(f"taxonomy: {N_PARENTS} parents, {N_LEAVES} leaves; 20,000 listings each for")
print(f"training and test; seller labels wrong: {np.mean(seller != true_leaf):.3f}")

# Audit a random sample: how wrong are the seller labels, and where do errors go?
audit = rng.choice(true_leaf.size, 1_000, replace=False)
wrong = seller[audit] != true_leaf[audit]
half_width = 1.96 * np.sqrt(wrong.mean() * (1 - wrong.mean()) / audit.size)
into = seller[audit][wrong]
print(
    f"audit of 1,000: {wrong.mean():.3f} wrong (+/- {half_width:.3f}); into a "
    f"catch-all {np.isin(into, first_leaf).mean():.2f}, "
    f"cheapest sibling {np.isin(into, first_leaf + 1).mean():.2f}"
)

# Confident-learning-style filter on out-of-fold probabilities: a label is suspect
# when another leaf beats its own average self-confidence and the given leaf does not.
proba = np.zeros((true_leaf.size, N_LEAVES))
proba[:, np.unique(seller)] = cross_val_predict(
    classifier(), X, seller, cv=3, method="predict_proba"
)
rows = np.arange(seller.size)
self_conf = proba[rows, seller]
threshold = np.array([self_conf[seller == k].mean() for k in range(N_LEAVES)])
other = proba.copy()
other[rows, seller] = 0
best_other = other.argmax(axis=1)
suspect = (other.max(axis=1) >= threshold[best_other]) & (self_conf < threshold[seller])
# Use the audit: drop suspects only in the leaves it found receiving misfiled items.
receivers = np.unique(into)
suspect_in_receivers = suspect & np.isin(seller, receivers)
for name, flags in (("all", suspect), ("in receivers", suspect_in_receivers)):
    precision = np.mean(seller[flags] != true_leaf[flags])
    recall = np.mean(flags[seller != true_leaf])
    print(
        f"suspects, {name:<13}{flags.mean():.3f} of labels; "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )

keep = ~suspect_in_receivers
models = {
    "flat, true labels": leaf_proba(classifier().fit(X, true_leaf), X_test),
    "flat, seller labels": leaf_proba(classifier().fit(X, seller), X_test),
    "flat, suspects dropped": leaf_proba(
        classifier().fit(X[~suspect], seller[~suspect]), X_test
    ),
    "flat, audit-guided": leaf_proba(classifier().fit(X[keep], seller[keep]), X_test),
    "top-down, seller labels": top_down(X, seller)(X_test),
    "top-down, audit-guided": top_down(X[keep], seller[keep])(X_test),
}
print(
    f"{'model':<26}{'leaf':>6}{'parent':>8}{'tree':>6}{'F1 head':>9}{'F1 tail':>9}"
    f"{'restricted':>12}"
)
for name, p in models.items():
    pred = p.argmax(axis=1)
    same_parent = parent_of[pred] == parent_of[test_leaf]
    # Tree distance: 0 if right, 2 edges for a sibling, 4 for another parent's leaf.
    distance = np.where(pred == test_leaf, 0, np.where(same_parent, 2, 4))
    f1 = f1_score(
        test_leaf, pred, labels=np.arange(N_LEAVES), average=None, zero_division=0
    )
    print(
        f"{name:<26}{np.mean(pred == test_leaf):>6.3f}{same_parent.mean():>8.3f}"
        f"{distance.mean():>6.2f}{f1[head].mean():>9.3f}{f1[tail].mean():>9.3f}"
        f"{np.mean(pred[test_leaf == restricted] == restricted):>12.3f}"
    )

# Apply the model's leaf only where it is confident; elsewhere keep the seller's.
p = models["flat, audit-guided"]
pred, confidence = p.argmax(axis=1), p.max(axis=1)
print("auto-apply rule (flat, audit-guided)   applied  accuracy  catalogue accuracy")
rules = [(f"confidence >= {t:.1f}", confidence >= t) for t in (0.0, 0.5, 0.7, 0.9)]
rules.append(("model agrees with seller", pred == test_seller))
for name, applied in rules:
    final = np.where(applied, pred, test_seller)
    print(
        f"{name:<38}{applied.mean():>8.3f}"
        f"{np.mean(pred[applied] == test_leaf[applied]):>10.3f}"
        f"{np.mean(final == test_leaf):>20.3f}"
    )
print(f"seller labels alone: accuracy {np.mean(test_seller == test_leaf):.3f}")
# --8<-- [end:simulation]
