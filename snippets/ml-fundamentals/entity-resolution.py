import heapq
import zlib
from collections import defaultdict
from functools import cache
from itertools import combinations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
NICK = {"robert": "bob", "william": "bill", "elizabeth": "liz", "michael": "mike",
        "katherine": "kate", "james": "jim", "thomas": "tom", "joseph": "joe",
        "margaret": "maggie", "daniel": "dan", "richard": "rick", "samuel": "sam",
        "christopher": "chris", "patricia": "pat", "anthony": "tony"}  # fmt: skip
FIRST = [*NICK, "anna", "maria", "david", "john", "laura", "peter", "sarah",
         "emma", "paul", "julia", "mark", "helen", "george", "alice", "frank",
         "grace"]  # fmt: skip
LAST = ["smith", "jones", "taylor", "brown", "wilson", "johnson", "davies", "wright",
        "evans", "walker", "white", "roberts", "green", "hall", "wood", "jackson",
        "clarke", "patel", "khan", "lewis", "phillips", "mason", "mitchell", "baker",
        "novak", "kowalski", "muller", "schmidt", "rossi", "garcia", "martin",
        "dubois", "moreau", "laurent", "fournier", "morel", "girard",
        "nowak"]  # fmt: skip
CITY = ["leeds", "york", "bristol", "oxford", "bath", "derby", "exeter", "durham"]


def typo(s):
    i = rng.integers(len(s))
    c = "abcdefghijklmnopqrstuvwxyz"[rng.integers(26)]
    op = rng.integers(4)
    if op == 0 and len(s) > 3:
        return s[:i] + s[i + 1 :]
    if op == 1:
        return s[:i] + c + s[i:]
    if op == 2 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + c + s[i + 1 :]


def make_world(n_people):
    """n_people true people, then 1-4 noisy records of each from two sources."""
    people = []
    for e in range(n_people):
        y, m, d = rng.integers(1940, 2006), rng.integers(1, 13), rng.integers(1, 29)
        first, last, city = rng.choice(FIRST), rng.choice(LAST), rng.choice(CITY)
        if e and rng.random() < 0.25:
            # a relative of an earlier person: same surname and city; a parent or
            # child with the same first name, or a sibling
            first0, last, city, (y0, _, _) = people[rng.integers(e)]
            junior = rng.random() < 0.4
            first = first0 if junior else first
            gap = rng.integers(20, 35) if junior else rng.choice([2, 3, 4])
            y = y0 + gap if y0 + gap < 2006 else y0 - gap
        people.append((first, last, city, (y, m, d)))
    records, entity = [], []
    for e, (first, last, city, (y, m, d)) in enumerate(people):
        for _ in range(rng.choice([1, 2, 3, 4], p=[0.3, 0.3, 0.25, 0.15])):
            f, la, c, u = first, last, city, rng.random(8)
            if u[0] < 0.12 and f in NICK:
                f = NICK[f]
            elif u[0] < 0.2:
                f = f[0]
            f = typo(f) if u[1] < 0.15 else f
            la = typo(la) if u[2] < 0.15 else la
            if u[3] < 0.08:
                f, la = la, f
            yy, mm, dd = y + (u[4] < 0.08) * rng.choice([-1, 1, -10, 10]), m, d
            if 0.08 <= u[4] < 0.13 and d <= 12:
                mm, dd = d, m
            c = "" if u[5] < 0.15 else typo(c) if u[5] < 0.2 else c
            dob = "" if u[6] < 0.05 else f"{yy:04d}-{mm:02d}-{dd:02d}"
            if u[7] < 0.5:
                # source B writes "LAST, First" and DD/MM/YYYY dates
                dob = "/".join(dob.split("-")[::-1])
                records.append((f"{la.upper()}, {f.title()}", dob, c.upper()))
            else:
                records.append((f"{f.title()} {la.title()}", dob, c.title()))
            entity.append(e)
    return records, np.array(entity)


def normalise(record):
    """Case, name order and date format to one convention: (first, last, dob, city)."""
    name, dob, city = (x.lower().strip() for x in record)
    if "," in name:
        last, first = (t.strip() for t in name.split(",", 1))
    else:
        first, _, last = name.partition(" ")
    if "/" in dob:
        dob = "-".join(dob.split("/")[::-1])
    return first, last.strip(), dob.replace("-", ""), city


@cache
def jaro_winkler(s, t):
    if s == t:
        return 1.0
    if not s or not t:
        return 0.0
    window = max(max(len(s), len(t)) // 2 - 1, 0)
    hit_s, hit_t = [False] * len(s), [False] * len(t)
    for i, c in enumerate(s):
        for j in range(max(0, i - window), min(i + window + 1, len(t))):
            if not hit_t[j] and t[j] == c:
                hit_s[i] = hit_t[j] = True
                break
    m = sum(hit_s)
    if not m:
        return 0.0
    a = [c for c, h in zip(s, hit_s) if h]
    b = [c for c, h in zip(t, hit_t) if h]
    transpositions = sum(x != y for x, y in zip(a, b)) / 2
    jaro = (m / len(s) + m / len(t) + (m - transpositions) / m) / 3
    prefix = 0
    while prefix < min(4, len(s), len(t)) and s[prefix] == t[prefix]:
        prefix += 1
    # Winkler: boost pairs that share a prefix of up to 4 characters
    return jaro + prefix * 0.1 * (1 - jaro) if jaro > 0.7 else jaro


def as_pairs(pairs, n):
    """Pairs (i, j) as sorted unique codes min * n + max, self-pairs dropped."""
    p = np.sort(np.array(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(p[:, 0] * n + p[:, 1])


def pairs_within(groups, n):
    return as_pairs([(i, j) for g in groups for i in g for j in g], n)


def standard_blocking(recs):
    blocks = defaultdict(list)
    for i, (_, last, dob, _) in enumerate(recs):
        blocks[last[:3] + dob[:4]].append(i)
    return pairs_within(blocks.values(), len(recs))


def sorted_neighbourhood(recs, window=10):
    order = sorted(range(len(recs)), key=lambda i: recs[i][1] + " " + recs[i][0])
    return pairs_within([order[a : a + window] for a in range(len(recs))], len(recs))


def token_blocking(recs):
    blocks = defaultdict(list)
    for i, (first, last, _, _) in enumerate(recs):
        for token in {first, last}:
            if len(token) > 1:
                blocks[token].append(i)
    return pairs_within(blocks.values(), len(recs))


def name_key(first, last):
    # the two name tokens in sorted order, so a swapped first and last name match
    return " ".join(sorted([first, last]))


def minhash_lsh(recs, bands=20, rows=3):
    P = 4294967311  # a prime above 2**32
    a, b = rng.integers(1, P, (2, bands * rows))
    sig = []
    for first, last, _, _ in recs:
        s = name_key(first, last)
        shingles = np.array(
            [zlib.crc32(s[k : k + 3].encode()) for k in range(len(s) - 2)]
        )
        sig.append(((a[:, None] * shingles + b[:, None]) % P).min(1))
    sig, buckets = np.array(sig), defaultdict(list)
    for i in range(len(recs)):
        for band in range(bands):
            buckets[band, sig[i, band * rows : (band + 1) * rows].tobytes()].append(i)
    return pairs_within(buckets.values(), len(recs))


def vector_knn(recs, k=10):
    # cosine of character n-gram TF-IDF vectors, exact 10 nearest neighbours: the
    # same mechanism as sentence embeddings searched with an ANN index
    keys = [name_key(first, last) + " " + dob[:4] for first, last, dob, _ in recs]
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit_transform(keys)
    S = (X @ X.T).toarray()
    np.fill_diagonal(S, -1)
    # break exact ties (identical keys) by index, so the top k is well defined
    S -= 1e-9 * np.arange(len(recs))
    nn = np.argpartition(-S, k, axis=1)[:, :k]
    return as_pairs([(i, j) for i in range(len(recs)) for j in nn[i]], len(recs))


FEATURES = ["first JW", "last JW", "nickname", "initial", "dob equal", "dob digits",
            "day-month swap", "year gap", "dob missing", "city equal",
            "city missing"]  # fmt: skip


def features(recs, pairs):
    """Similarity features per pair (names compared in the better of the two
    orders), and the TF-IDF cosine of the whole records as a one-number baseline."""
    n = len(recs)
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit_transform(
        [" ".join(r) for r in recs]
    )
    rows = []
    for p in pairs:
        (f1, l1, d1, c1), (f2, l2, d2, c2) = recs[p // n], recs[p % n]
        jw = jaro_winkler
        if jw(f1, l2) + jw(l1, f2) > jw(f1, f2) + jw(l1, l2):
            f2, l2 = l2, f2
        no_dob, no_city = not d1 or not d2, not c1 or not c2
        rows.append([
            jw(f1, f2),
            jw(l1, l2),
            NICK.get(f1) == f2 or NICK.get(f2) == f1,
            min(len(f1), len(f2)) == 1 and f1[:1] == f2[:1],
            d1 == d2 and not no_dob,
            0 if no_dob else sum(map(str.__eq__, d1, d2)) / 8,
            not no_dob and d1[:4] == d2[:4] and d1[4:] == d2[6:] + d2[4:6],
            0 if no_dob else min(abs(int(d1[:4]) - int(d2[:4])), 30) / 30,
            no_dob,
            not no_city and jw(c1, c2) > 0.9,
            no_city,
        ])  # fmt: skip
    cosine = np.asarray(X[pairs // n].multiply(X[pairs % n]).sum(1)).ravel()
    return np.array(rows, dtype=float), cosine


def fs_levels(F):
    """Agreement level per field for Fellegi-Sunter, 0 = best."""
    f = dict(zip(FEATURES, F.T))
    first = np.select(
        [f["first JW"] > 0.92, f["nickname"] + f["initial"] > 0, f["first JW"] > 0.8],
        [0, 1, 2], 3,
    )  # fmt: skip
    last = np.select([f["last JW"] > 0.92, f["last JW"] > 0.8], [0, 1], 2)
    # date of birth: equal, close (6 of 8 digits, or day and month swapped), missing
    close = (f["dob digits"] >= 0.75) | (f["day-month swap"] > 0)
    dob = np.select([f["dob equal"] > 0, close, f["dob missing"] > 0], [0, 1, 2], 3)
    city = np.select([f["city equal"] > 0, f["city missing"] > 0], [0, 1], 2)
    return np.column_stack([first, last, dob, city])


def fit_fellegi_sunter(levels, y):
    # m = P(level | match), u = P(level | non-match) per field, add-one smoothed;
    # a pair's match weight is the sum over fields of log2(m / u)
    weights = []
    for k in range(levels.shape[1]):
        n_lev = levels[:, k].max() + 1
        m = (np.bincount(levels[y, k], minlength=n_lev) + 1) / (y.sum() + n_lev)
        u = (np.bincount(levels[~y, k], minlength=n_lev) + 1) / ((~y).sum() + n_lev)
        weights.append(np.log2(m / u))
    return weights


def fs_score(levels, weights):
    return sum(w[levels[:, k]] for k, w in enumerate(weights))


def best_threshold(score, y):
    ts = np.unique(np.quantile(score, np.linspace(0.5, 0.999, 200)))
    f1 = [2 * (y & (score >= t)).sum() / (y.sum() + (score >= t).sum()) for t in ts]
    return ts[int(np.argmax(f1))]


def prf(pred_pairs, gold_pairs):
    tp = np.isin(pred_pairs, gold_pairs).sum()
    p, r = tp / len(pred_pairs), tp / len(gold_pairs)
    return p, r, 2 * p * r / (p + r)


def components(n, pairs, prob, threshold=0.5):
    keep = pairs[prob >= threshold]
    graph = coo_matrix((np.ones(len(keep)), (keep // n, keep % n)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def average_linkage(n, pairs, prob, threshold=0.5):
    # merge two clusters only while the MEAN match probability over all their
    # cross pairs is >= threshold (pairs never compared count as 0), so one
    # strong edge between two groups of records is not enough
    link = defaultdict(dict)
    for p, q in zip(pairs, prob):
        link[p // n][p % n] = link[p % n][p // n] = q
    members = {i: [i] for i in range(n)}
    heap = [(-q, p // n, p % n) for p, q in zip(pairs, prob) if q >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        avg = link[a].get(b, 0) / (len(members[a]) * len(members[b]))
        if avg < threshold:
            continue
        if avg < -neg - 1e-12:
            # stale entry: a cluster grew since it was pushed
            heapq.heappush(heap, (-avg, a, b))
            continue
        members[a] += members.pop(b)
        for c, s in link.pop(b).items():
            del link[c][b]
            if c != a:
                link[a][c] = link[c][a] = link[a].get(c, 0) + s
                avg = link[a][c] / (len(members[a]) * len(members[c]))
                if avg >= threshold:
                    heapq.heappush(heap, (-avg, a, c))
    label = np.empty(n, dtype=int)
    for root, ms in members.items():
        label[ms] = root
    return label


def b_cubed(label, entity):
    """Per record: the share of its cluster that is its person (precision) and the
    share of its person's records in its cluster (recall); mean over records."""
    overlap = defaultdict(int)
    for c, e in zip(label, entity):
        overlap[c, e] += 1
    both = np.array([overlap[c, e] for c, e in zip(label, entity)])
    p = np.mean(both / np.bincount(label)[label])
    r = np.mean(both / np.bincount(entity)[entity])
    return p, r, 2 * p * r / (p + r)


def show(record):
    return " | ".join(field or "-" for field in record)


def groups(label):
    out = defaultdict(list)
    for i, c in enumerate(label):
        out[c].append(i)
    return out.values()


# Two independent worlds of 600 people each: train on one, evaluate on the other
train_raw, train_entity = make_world(600)
test_raw, entity = make_world(600)
train, test = [normalise(r) for r in train_raw], [normalise(r) for r in test_raw]
print("one person's records, raw -> normalised:")
for i in np.flatnonzero(entity == np.argmax(np.bincount(entity) == 4)):
    print(f"  {show(test_raw[i]):<38} -> {show(test[i])}")
n, gold = len(test), pairs_within(groups(entity), len(test))
all_pairs = n * (n - 1) // 2
print(f"test world: {n} records of {entity.max() + 1} people, {all_pairs} pairs, "
      f"{len(gold)} true matches ({len(gold) / all_pairs:.2%})")  # fmt: skip

print("\nblocking                candidate pairs  reduction ratio  pairs completeness")
schemes = {
    "standard (surname[:3]+year)": standard_blocking,
    "sorted neighbourhood, w=10": sorted_neighbourhood,
    "token blocking (names)": token_blocking,
    "MinHash LSH, 20 x 3": minhash_lsh,
    "TF-IDF vectors, 10-NN": vector_knn,
}
candidates = {name: block(test) for name, block in schemes.items()}
for name, cand in candidates.items():
    rr = 1 - len(cand) / all_pairs
    print(f"{name:<28}{len(cand):>11}{rr:>17.4f}{np.isin(gold, cand).mean():>20.3f}")

# Matching the 10-NN candidates; every model is fitted on the training world
pairs_tr, pairs_te = vector_knn(train), candidates["TF-IDF vectors, 10-NN"]
y_tr = np.isin(pairs_tr, pairs_within(groups(train_entity), len(train)))
F_tr, cos_tr = features(train, pairs_tr)
F_te, cos_te = features(test, pairs_te)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(np.column_stack([F_tr, cos_tr]), y_tr)
prob = model.predict_proba(np.column_stack([F_te, cos_te]))[:, 1]
fs_w = fit_fellegi_sunter(fs_levels(F_tr), y_tr)
fs_tr, fs_te = fs_score(fs_levels(F_tr), fs_w), fs_score(fs_levels(F_te), fs_w)
w = fs_w[2]
print(f"\nFS weights log2(m/u), date of birth: equal {w[0]:+.1f}, close {w[1]:+.1f}, "
      f"missing {w[2]:+.1f}, other {w[3]:+.1f}")  # fmt: skip
share, cap = np.isin(pairs_te, gold).mean(), np.isin(gold, pairs_te).mean()
print(f"test candidates: {len(pairs_te)}, of which {share:.1%} matches; "
      f"blocking caps recall at {cap:.3f}")  # fmt: skip
print("pairwise matcher (threshold t tuned on train)  precision  recall     F1")
for name, match in [
    ("TF-IDF cosine of whole records >= t", cos_te >= best_threshold(cos_tr, y_tr)),
    ("Fellegi-Sunter match weight >= t", fs_te >= best_threshold(fs_tr, y_tr)),
    ("logistic regression, p >= 0.5", prob >= 0.5),
]:
    p, r, f = prf(pairs_te[match], gold)
    print(f"{name:<46}{p:>10.3f}{r:>8.3f}{f:>7.3f}")

print("\nclustering (LR p)   clusters largest mixed  B3 P  B3 R B3 F1 pair P pair R")
print(f"{'true people':<20}{entity.max() + 1:>9}{np.bincount(entity).max():>8}")
results = {}
for name, label in [
    ("components p>=0.5", components(n, pairs_te, prob)),
    ("components p>=0.9", components(n, pairs_te, prob, 0.9)),
    ("avg linkage >=0.5", average_linkage(n, pairs_te, prob)),
]:
    results[name] = label
    mixed = sum(len(set(entity[g])) > 1 for g in groups(label))
    b3 = "".join(f"{v:>6.3f}" for v in b_cubed(label, entity))
    pp, pr, _ = prf(pairs_within(groups(label), n), gold)
    print(f"{name:<20}{len(set(label)):>9}{np.bincount(label).max():>8}{mixed:>6}"
          f"{b3}{pp:>7.3f}{pr:>7.3f}")  # fmt: skip

# Check: SciPy's average linkage on the full matrix (pairs never compared: p = 0)
P = np.zeros((n, n))
P[pairs_te // n, pairs_te % n] = prob
D = 1 - (P + P.T)
np.fill_diagonal(D, 0)
ref = fcluster(linkage(squareform(D, checks=False), "average"), 0.5, "distance")
mine = results["avg linkage >=0.5"]
same = len(set(zip(ref, mine))) == len(set(ref)) == len(set(mine))
print(f"same partition as scipy.cluster.hierarchy average linkage: {same}")

# Connected components: one false edge is enough to merge two people
label, strict = results["components p>=0.5"], results["avg linkage >=0.5"]
edges = pairs_te[prob >= 0.5]
a, b = edges // n, edges % n
false = entity[a] != entity[b]
for k in np.flatnonzero(false):
    comp = np.flatnonzero(label == label[a[k]])
    people, sizes = np.unique(entity[comp], return_counts=True)
    if len(people) == 2 and min(sizes) > 1 and sum(false & np.isin(a, comp)) == 1:
        break
print(f"\none false edge (p = {prob[prob >= 0.5][k]:.2f}) joins two people:")
for letter, i in zip("abcdefghij", comp):
    print(f"  {letter} person {entity[i]:>3}: {show(test[i])}")
# every candidate pair inside the component, with the model's match probability
inner = [(x, y, q) for (x, i), (y, j) in combinations(zip("abcdefghij", comp), 2)
         for q in prob[pairs_te == i * n + j]]  # fmt: skip
print("match probabilities: " + ", ".join(f"{x}-{y} {q:.2f}" for x, y, q in inner))
print(f"{sizes[0]} + {sizes[1]} records: {sizes[0] * sizes[1]} false pairs "
      "from one false edge")  # fmt: skip
big = np.flatnonzero(label == np.argmax(np.bincount(label)))
inside = np.isin(a, big)
print(f"largest component: {len(big)} records of {len(set(entity[big]))} people, "
      f"{sum(false & inside)} of its {sum(inside)} edges false")  # fmt: skip
print(f"average linkage splits those {len(big)} records into "
      f"{len(set(strict[big]))} clusters")  # fmt: skip
largest = [
    int(np.bincount(components(n, pairs_te, prob, t)).max()) for t in (0.5, 0.1, 0.02)
]
print(f"largest component at p >= 0.5, 0.1, 0.02: {largest} records")
