# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures. 200M places worldwide, each
# indexed under 40 terms (name, categories, tags, address words) at 8 bytes a
# posting, plus 1 kB of stored fields (hours, rating, popularity). 1B place searches
# a day, peak 3x the mean. 300 candidates are ranked, the top 50 get a travel time
# from the routing engine. 2% of places change hours or status in a month, and
# holiday hours touch 30% of them in a few days.
places, terms, posting_b, stored_b = 200e6, 40, 8, 1_000
searches, peak, ranked, routed = 1e9, 3, 300, 50
peak_qps = searches / 86_400 * peak
rows = [
    ("peak searches/s", si(peak_qps)),
    ("postings in the text index", si(places * terms)),
    ("index + stored fields (bytes)", si(places * (terms * posting_b + stored_b))),
    ("candidates scored/s at peak", si(peak_qps * ranked)),
    ("travel times computed/s at peak", si(peak_qps * routed)),
    ("hours or status updates/day, usual", si(places * 0.02 / 30)),
    ("hours updates/day before a holiday", si(places * 0.30 / 3)),
]
for name, value in rows:
    print(f"{name:<40}{value:>8}")
# Server-side latency budget in ms
budget = {
    "query understanding": 15,
    "cell lookup + text retrieval": 20,
    "feature fetch (hours, stats)": 15,
    "travel times for the top 50": 25,
    "ranker": 20,
    "margin for the tail": 25,
}
for stage, ms in budget.items():
    print(f"  {stage:<38}{ms:>8}")
print(f"  {'total, ms':<38}{sum(budget.values()):>8}")
# --8<-- [end:capacity]

# --8<-- [start:search]
import numpy as np

rng = np.random.default_rng(0)
# A 30 x 30 km city (coordinates in km): 65% of 4,000 places around the centre
# (normal, sd 2.5 km), 35% spread uniformly, so the suburbs are ~30x sparser.
n, half = 4_000, 15.0
dense = rng.random(n) < 0.65
xy = np.where(
    dense[:, None], rng.normal(0, 2.5, (n, 2)), rng.uniform(-half, half, (n, 2))
)
xy = np.clip(xy, -half + 1e-6, half - 1e-6)
cats = (
    "coffee bakery pharmacy grocery restaurant bar gym bank fuel hardware books laundry"
)
cats = cats.split()
share = [0.12, 0.07, 0.06, 0.1, 0.2, 0.1, 0.06, 0.06, 0.06, 0.06, 0.05, 0.06]
C = len(cats)
cat = rng.choice(C, n, p=share)
# GROUND TRUTH. A place serves a query for category q with strength R[q, category]:
# 1 for its own category, less for a related one (a bakery sells coffee, a grocery
# may have a pharmacy counter, a petrol station sells groceries), 0 otherwise.
R = np.eye(C)
for place_cat, query_cat, strength in [
    ("bakery", "coffee", 0.4),
    ("grocery", "pharmacy", 0.3),
    ("restaurant", "bar", 0.3),
    ("bar", "restaurant", 0.3),
    ("fuel", "grocery", 0.2),
]:
    R[cats.index(query_cat), cats.index(place_cat)] = strength
# Hidden quality z; observed: review count and stars. The rating shown is the mean
# of the stars shrunk towards the prior 3.8 by 5 pseudo-reviews.
z = rng.normal(0, 1, n)
n_rev = rng.poisson(np.exp(2.0 + 0.5 * z + rng.normal(0, 1, n)))
stars_sum = np.array(
    [
        np.clip(np.round(3.8 + 0.6 * zi + rng.normal(0, 1, k)), 1, 5).sum()
        for zi, k in zip(z, n_rev)
    ]
)
prior, m = 3.8, 5
rating = (stars_sum + m * prior) / (n_rev + m)
# Text fields. Category field: the place's category word. Name: holds its own
# category word 35% of the time ("Joe's Coffee") and another category's word 3% of
# the time ("Pharmacy Lane Laundry"). Tags: related places list the query word.
name_has = np.zeros((n, C), bool)
name_has[np.arange(n), cat] = rng.random(n) < 0.35
trap = rng.random(n) < 0.03
name_has[np.flatnonzero(trap), rng.integers(0, C, trap.sum())] = True
tag_has = (R.T[cat] > 0) & (R.T[cat] < 1) & (rng.random((n, C)) < 0.6)
cat_has = np.eye(C, dtype=bool)[cat]
text = 1.0 * cat_has + 0.8 * name_has + 0.4 * tag_has
matches = text > 0
SCALE = 1.5


def utility(q, dist, ids=slice(None)):
    # What the simulated user gets from visiting each place: relevance x distance
    # decay (1.5 km) x quality. Every ranker below is judged against this.
    return R[q, cat[ids]] * np.exp(-dist / SCALE) * np.exp(0.8 * z[ids])


# Inverted index per cell, at 5 levels of a cell hierarchy (1, 2, 4, 8, 16 km; each
# cell splits into 4 children, as in a quadtree, geohash or S2): (level, term, cell)
# -> place ids. A query reads the level whose cells are at least half its radius.
index = {}
for level in range(5):
    cell = np.floor((xy + half) / 2**level).astype(int)
    for p in range(n):
        for q in np.flatnonzero(matches[p]):
            index.setdefault((level, q, *cell[p]), []).append(p)
index = {k: np.array(v) for k, v in index.items()}


def retrieve(u, q, radius):
    level = min(4, max(0, int(np.ceil(np.log2(radius / 2)))))
    size = 2**level
    lo = np.floor((u - radius + half) / size).astype(int).clip(0)
    hi = np.floor((u + radius + half) / size).astype(int).clip(0, 29 // size)
    got = [
        index.get((level, q, i, j), np.zeros(0, int))
        for i in range(lo[0], hi[0] + 1)
        for j in range(lo[1], hi[1] + 1)
    ]
    ids = np.concatenate(got)
    ids = ids[np.hypot(*(xy[ids] - u).T) <= radius]
    return ids, len(got)


def adaptive(u, q, k=50):
    radius, cells = 0.5, 0
    while True:
        ids, read = retrieve(u, q, radius)
        cells += read
        if len(ids) >= k or radius > 2 * half:
            return ids, cells
        radius *= 2


def users(k, where):
    out = []
    while len(out) < k:
        u = rng.uniform(-half, half, 2) if where == "suburbs" else rng.normal(0, 2, 2)
        r = np.hypot(*u)
        if (where == "centre" and r < 3) or (where == "suburbs" and r > 8):
            out.append(u)
    return np.array(out)


tests = {w: (users(600, w), rng.integers(0, C, 600)) for w in ("centre", "suburbs")}
# A retrieval check: the cell index returns what a scan of every place returns.
ok = all(
    set(retrieve(u, q, 2.0)[0])
    == set(np.flatnonzero(matches[:, q] & (np.hypot(*(xy - u).T) <= 2.0)))
    for u, q in zip(*tests["centre"])
)
r_all = np.hypot(*xy.T)
print(
    f"places {n:,}; per km2 within 3 km of the centre {np.sum(r_all < 3) / 28.27:.1f}"
    f", beyond 8 km {np.sum(r_all > 8) / (900 - 201.06):.1f}"
)
print(f"cell index = full scan on 600 queries: {ok}")
# The ideal top 10 of each test search: by true utility over every place in town.
truth = {}
for where, (us, qs) in tests.items():
    d = np.hypot(*(xy[None] - us[:, None]).transpose(2, 0, 1))
    truth[where] = np.array([utility(q, di) for q, di in zip(qs, d)])
DISC = 1 / np.log2(np.arange(2, 12))


def ndcg10(util, ids, score):
    # util: true utility of every place; gains are utilities, ideal over all places
    top = ids[np.argsort(-score, kind="stable")[:10]]
    ideal = np.sort(util)[::-1][:10]
    return (util[top] * DISC[: len(top)]).sum() / (ideal * DISC).sum()


print("(a) retrieval      zero-result  recall of ideal top 10  candidates  cells read")
cands = {}
for label, fn in [
    ("fixed 2 km", lambda u, q: retrieve(u, q, 2.0)),
    ("fixed 10 km", lambda u, q: retrieve(u, q, 10.0)),
    ("adaptive, k=50", adaptive),
]:
    for where, (us, qs) in tests.items():
        res = [fn(u, q) for u, q in zip(us, qs)]
        best = np.argsort(-truth[where], axis=1)[:, :10]
        rec = np.mean([np.isin(b, ids).mean() for b, (ids, _) in zip(best, res)])
        zero = np.mean([len(ids) == 0 for ids, _ in res])
        cand = np.mean([len(ids) for ids, _ in res])
        cells = np.mean([c for _, c in res])
        print(
            f"{label:<15}{where:<8}{zero:>6.3f}{rec:>18.3f}{cand:>17.1f}{cells:>12.1f}"
        )
        cands[where] = [ids for ids, _ in res]


def features(u, q, ids, dist=None):
    d = np.hypot(*(xy[ids] - u).T) if dist is None else dist
    cols = [cat_has[ids, q], name_has[ids, q], tag_has[ids, q], d, rating[ids]]
    return np.column_stack([*cols, np.log1p(n_rev[ids])]).astype(float)


# Click logs from a randomised slice: 4,000 searches by other users, 10 retrieved
# places shown in random order. A direction request needs an examination (1/rank)
# and then happens with probability 0.02 + 0.9 * u / (1 + u).
X, y = [], []
for where in ("centre", "suburbs"):
    for u, q in zip(users(2_000, where), rng.integers(0, C, 2_000)):
        shown = rng.permutation(adaptive(u, q)[0])[:10]
        util = utility(q, np.hypot(*(xy[shown] - u).T), shown)
        rank = np.arange(1, len(shown) + 1)
        click = rng.random(len(shown)) < (0.02 + 0.9 * util / (1 + util)) / rank
        X.append(np.column_stack([features(u, q, shown), np.log(rank)]))
        y.append(click)
X, y = np.vstack(X), np.concatenate(y).astype(float)
# Logistic regression by Newton's method, with log(rank) as a feature so position
# bias is absorbed by its weight and left out when ranking.
Xb = np.column_stack([X, np.ones(len(X))])
w = np.zeros(Xb.shape[1])
for _ in range(25):
    p = 1 / (1 + np.exp(-Xb @ w))
    H = Xb.T @ (Xb * (p * (1 - p))[:, None]) + 1e-3 * np.eye(len(w))
    w += np.linalg.solve(H, Xb.T @ (y - p) - 1e-3 * w)
names = ["category", "name", "tag", "km", "rating", "log reviews", "log rank"]
print(f"click logs: {len(y):,.0f} impressions, {y.sum():,.0f} direction requests")
print("fitted weights  " + "".join(f"{a:>9}" for a in names[:4]))
print(" " * 16 + "".join(f"{b:>+9.2f}" for b in w[:4]))
print(" " * 16 + "".join(f"{a:>12}" for a in names[4:]))
print(" " * 16 + "".join(f"{b:>+12.2f}" for b in w[4:7]))
rankers = {
    "true utility (ceiling)": lambda ids, f, q: utility(q, f[:, 3], ids),
    "distance only": lambda ids, f, q: -f[:, 3],
    "text match only": lambda ids, f, q: f[:, :3] @ [1.0, 0.8, 0.4],
    "hand-set blend": lambda ids, f, q: (
        (f[:, :3] @ [1.0, 0.8, 0.4]) * np.exp(-f[:, 3] / 2) * f[:, 4] / 5
    ),
    "logistic regression": lambda ids, f, q: f @ w[:6],
}
print("(b) NDCG@10 on adaptive candidates   centre  suburbs")
for label, rank_fn in rankers.items():
    row = []
    for where, (us, qs) in tests.items():
        row.append(
            np.mean(
                [
                    ndcg10(t, ids, rank_fn(ids, features(u, q, ids), q))
                    for u, q, ids, t in zip(us, qs, cands[where], truth[where])
                ]
            )
        )
    print(f"{label:<36}{row[0]:>7.3f}{row[1]:>9.3f}")
# A river along x = 1 km with one bridge at y = -7 km. Travel distance is straight
# when both ends are on the same bank, via the bridge otherwise.
bridge = np.array([1.0, -7.0])


def travel(u, pts):
    same = np.sign(pts[:, 0] - 1.0) == np.sign(u[0] - 1.0)
    via = np.hypot(*(bridge - u)) + np.hypot(*(pts - bridge).T)
    return np.where(same, np.hypot(*(pts - u).T), via)


res = {"straight-line km": [], "travel km": []}
across = {k: [] for k in res}
example = None
for _ in range(400):
    u = np.array([1 + rng.choice([-1, 1]) * rng.uniform(0.05, 1.5), rng.uniform(-3, 3)])
    q = rng.integers(0, C)
    ids = adaptive(u, q)[0]
    t_all = travel(u, xy)
    tops = []
    for label, d in [("straight-line km", None), ("travel km", t_all[ids])]:
        score = features(u, q, ids, d) @ w[:6]
        res[label].append(ndcg10(utility(q, t_all), ids, score))
        tops.append(ids[np.argmax(score)])
        across[label].append(np.sign(xy[tops[-1], 0] - 1) != np.sign(u[0] - 1))
    if example is None and across["straight-line km"][-1]:
        example = (u, q, tops)
print("(c) river, 400 users within 1.5 km    NDCG@10  top result across the river")
for label in res:
    print(
        f"ranker uses {label:<25}{np.mean(res[label]):>9.3f}"
        f"{np.mean(across[label]):>12.3f}"
    )
u, q, tops = example
print(f"example: '{cats[q]}' from ({u[0]:.1f}, {u[1]:.1f}), bridge at (1.0, -7.0)")
for label, top in zip(res, tops):
    print(
        f"  top by {label:<17}: rating {rating[top]:.2f}, "
        f"{np.hypot(*(xy[top] - u)):.1f} km away, {travel(u, xy[[top]])[0]:.1f} km "
        "to travel"
    )
# --8<-- [end:search]
