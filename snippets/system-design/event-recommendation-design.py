# --8<-- [start:capacity]
import math


def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 15M daily users with 3 requests
# each (home feed, search, a weekly e-mail), peak 3x the mean; 4M open events, 250k
# created a day; each event indexed with a 64-d fp16 embedding and 64 bytes of
# metadata; 500 candidates reach the heavy ranker; 3M registrations a day, each one a
# change of availability. Candidates come from a geohash index: users search a 25 km
# radius around a point at 40 degrees of latitude.
users, per_user, peak, open_events, new_per_day = 15e6, 3, 3, 4e6, 250e3
heavy, registrations, radius_km, lat = 500, 3e6, 25, 40
peak_qps = users * per_user / 86_400 * peak
rows = [
    ("peak requests/s", si(peak_qps)),
    ("heavy-ranker candidates scored/s at peak", si(peak_qps * heavy)),
    ("new events to index per second", si(new_per_day / 86_400)),
    ("mean time an event is open (days)", si(open_events / new_per_day)),
    ("open-event index (bytes)", si(open_events * (64 * 2 + 64))),
    ("availability changes/s at peak", si(registrations / 86_400 * peak)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# A geohash of p characters has 5p bits, alternating longitude and latitude: a cell is
# 360 / 2^ceil(5p/2) degrees wide and 180 / 2^floor(5p/2) degrees tall (111.2 km a
# degree, times cos(latitude) east-west). At most ceil(span / cell) + 1 cells per axis
# overlap the circle's bounding box; the area they cover over the circle's area is
# how much more the index returns than the radius keeps.
print("geohash precision  cell (km)    cells read  area read / circle")
for p in (4, 5, 6):
    w = 360 / 2 ** math.ceil(5 * p / 2) * 111.2 * math.cos(math.radians(lat))
    h = 180 / 2 ** math.floor(5 * p / 2) * 111.2
    nx, ny = math.ceil(2 * radius_km / w) + 1, math.ceil(2 * radius_km / h) + 1
    ratio = nx * w * ny * h / (math.pi * radius_km**2)
    print(f"{p:>17}  {w:5.2f} x {h:5.2f}{nx * ny:>10}{ratio:>20.1f}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier

rng = np.random.default_rng(0)
# A city of 40 x 40 km, 64 days. 3,000 users, each with a home, tastes over 8
# categories, a liking (or dislike) for weekend events, a price sensitivity, and
# friends drawn from their 50 nearest neighbours.
U, C, days, per_day, cutoff = 3_000, 8, 64, 30, 50
home = rng.uniform(0, 40, (U, 2))
taste = rng.dirichlet(np.full(C, 0.3), U)
likes_weekend = rng.normal(0, 1, U)
price_sens = rng.lognormal(-0.5, 0.5, U)
near = np.argsort(((home[:, None] - home[None]) ** 2).sum(-1), axis=1)[:, 1:51]
pick = np.argsort(rng.random((U, 50)), axis=1)[:, :8]
friend_of = np.take_along_axis(near, pick, axis=1).ravel()
A = sp.csr_matrix((np.ones(U * 8), (np.repeat(np.arange(U), 8), friend_of)), (U, U))
A = ((A + A.T) > 0).astype(np.float32)

# Organisers have a place, a main category and a hidden quality. 30 events a day, 15%
# of them by a first-time organiser; an event starts 3-21 days after it is created,
# is free 40% of the time, and has 10, 20, 40 or 80 seats.
E = days * per_day
created = np.repeat(np.arange(days), per_day)
first_time = rng.random(E) < 0.15
org, n_org = np.empty(E, int), 200
for e in range(E):
    org[e] = n_org if first_time[e] else rng.integers(0, n_org)
    n_org += first_time[e]
org_home, org_cat = rng.uniform(0, 40, (n_org, 2)), rng.integers(0, C, n_org)
quality = rng.normal(0, 0.7, n_org)[org]
loc = org_home[org] + rng.normal(0, 2, (E, 2))
cat = np.where(rng.random(E) < 0.8, org_cat[org], rng.integers(0, C, E))
start = created + rng.integers(3, 22, E)
weekend = start % 7 >= 5
price = np.where(rng.random(E) < 0.4, 0.0, rng.lognormal(3, 0.6, E))
cap = rng.choice([10, 20, 40, 80], E)
km = np.sqrt(((home[:, None] - loc[None]) ** 2).sum(-1))

# Ground truth: each day, a user registers for an open event (not started, not sold
# out) with probability sigmoid(interest + 0.8 log(1 + friends registered) - 0.08 x
# days to the start); interest is the part that does not change from day to day.
interest = (
    -1.5
    + 1.2 * np.log(taste[:, cat] + 0.02)
    - 0.25 * km
    + quality
    + 0.8 * likes_weekend[:, None] * weekend
    - 0.5 * price_sens[:, None] * np.log1p(price)
)
reg_day = np.full((U, E), -1)  # the day a user registered for an event, or -1


def state(d):
    # What is known at the start of day d: who registered before, seats taken, and
    # which events can still take a registration
    before = (reg_day >= 0) & (reg_day < d)
    taken = before.sum(0)
    return before, taken, (created <= d) & (start > d) & (taken < cap)


for d in range(days):
    before, taken, can = state(d)
    ev = np.flatnonzero(can)
    friends = A @ before[:, ev].astype(np.float32)
    logit = interest[:, ev] + 0.8 * np.log1p(friends) - 0.08 * (start[ev] - d)
    new = (rng.random(logit.shape) < 1 / (1 + np.exp(-logit))) & ~before[:, ev]
    left = cap[ev] - taken[ev]
    for j in np.flatnonzero(new.sum(0) > left):
        new[rng.permutation(np.flatnonzero(new[:, j]))[left[j] :], j] = False
    u, j = np.nonzero(new)
    reg_day[u, ev[j]] = d

total = (reg_day >= 0).sum(0)
ages = (reg_day - created)[reg_day >= 0]
print(
    f"{E:,} events, {total.sum():,} registrations, {(total >= cap).mean():.3f} of "
    "events sold out"
)
print(f"median days from an event's creation to a registration: {np.median(ages):.0f}")

# Features at the start of day d for users x events, from what is known by then: the
# distance; the user's share of past registrations in the event's category, and in
# weekend or weekday events; the price and the user's usual price; days to the start;
# the organiser's earlier events and their mean registrations; friends registered;
# registrations so far; the user's number of past registrations.
onehot = np.eye(C)[cat]
earlier = [np.flatnonzero((org == org[e]) & (created < created[e])) for e in range(E)]


def features(d, users, ev):
    before = state(d)[0]
    mine = before[users]
    n = mine.sum(1)[:, None]
    share = ((mine @ onehot + 1 / C) / (n + 1))[:, cat[ev]]
    wk = (mine @ weekend[:, None] + 0.3) / (n + 1)
    lp = np.log1p(price)
    org_mean = [before[:, earlier[e]].sum() / max(len(earlier[e]), 1) for e in ev]
    cols = [
        km[np.ix_(users, ev)],
        share,
        np.where(weekend[ev], wk, 1 - wk),
        lp[ev],
        (mine @ lp[:, None] + 1.5) / (n + 1),
        start[ev] - d,
        [len(earlier[e]) for e in ev],
        np.log1p(org_mean),
        A[users] @ before[:, ev].astype(np.float32),
        np.log1p(before[:, ev].sum(0)),
        n,
    ]
    shape = (len(users), len(ev))
    return np.stack([np.broadcast_to(np.asarray(c, float), shape) for c in cols], -1)


# Training data, days 20-49 (so that users have a history): each registration, and 10
# events sampled from those open that morning, labelled by whether the user registered
# for them that day; events the user had registered for before are dropped, as serving
# drops them.
X, y = [], []
for d in range(20, cutoff):
    before, _, can = state(d)
    ev = np.flatnonzero(can)
    u_pos, e_pos = np.nonzero(reg_day == d)
    users, ui = np.unique(u_pos, return_inverse=True)
    F = features(d, users, ev)
    r = np.concatenate([ui, np.repeat(ui, 10)])
    c = np.concatenate(
        [np.searchsorted(ev, e_pos), rng.integers(0, ev.size, ui.size * 10)]
    )
    keep = ~before[users[r], ev[c]]
    X.append(F[r[keep], c[keep]])
    y.append(reg_day[users[r[keep]], ev[c[keep]]] == d)
gbdt = HistGradientBoostingClassifier(
    max_iter=100, learning_rate=0.15, early_stopping=False, random_state=0
)
gbdt.fit(np.concatenate(X), np.concatenate(y))


def svd_vectors(d):
    # Event-ID model: a rank-16 SVD of the user x event registrations before day d
    # (PureSVD); an event no one had registered for gets a zero vector
    R = sp.csr_matrix(state(d)[0].astype(np.float32))
    return R, TruncatedSVD(16, random_state=0).fit(R).components_.T


R_cut, V_cut = svd_vectors(cutoff)
disc = 1 / np.log2(np.arange(2, 12))
out, new_share = {}, []
for d in range(cutoff, days):
    before, taken, can = state(d)
    today = reg_day == d
    new_share.append(today[:, created >= cutoff].sum() / today.sum())
    # Candidates: the events created after the cutoff that exist on day d, minus those
    # the user has registered for; the constraint filter also drops those that have
    # started or sold out. Relevant: the events the user registers for on day d.
    ev = np.flatnonzero((created >= cutoff) & (created <= d))
    users = np.flatnonzero(today[:, ev].any(1))
    rel, seen = today[np.ix_(users, ev)], before[np.ix_(users, ev)]
    F = features(d, users, ev)
    R, V = svd_vectors(d)
    friends = A[users] @ before[:, ev].astype(np.float32)
    p_gbdt = gbdt.predict_proba(F.reshape(-1, F.shape[-1]))[:, 1]
    scores = {
        "popularity (so far)": np.broadcast_to(taken[ev], rel.shape),
        "event-ID SVD, fit at cutoff": (R_cut[users] @ V_cut) @ V_cut[ev].T,
        "event-ID SVD, refit nightly": (R[users] @ V) @ V[ev].T,
        "GBDT, content + context": p_gbdt.reshape(rel.shape),
        "ground truth (ceiling)": interest[np.ix_(users, ev)]
        + 0.8 * np.log1p(friends)
        - 0.08 * (start[ev] - d),
    }
    for m, score in scores.items():
        score = np.where(seen, -np.inf, score + 1e-9 * rng.random(rel.shape))
        for f in ("on", "off"):
            keep = can[ev] | (f == "off")
            top = np.argsort(-np.where(keep, score, -np.inf), 1)[:, :10]
            hit = np.take_along_axis(rel, top, 1)
            ndcg = (hit * disc).sum(1) / np.cumsum(disc)[np.minimum(rel.sum(1), 10) - 1]
            invalid = (~can[ev][top]).mean(1)
            out.setdefault((m, f), []).append(
                np.c_[hit.sum(1) / rel.sum(1), ndcg, invalid]
            )
print("share of the day's registrations that go to events created after the cutoff")
print("test day:   " + "  ".join(f"{i + 1:>4}" for i in (0, 6, 13)))
print("share:      " + "  ".join(f"{new_share[i]:.2f}" for i in (0, 6, 13)))
print("next-day registrations for events created after the cutoff, days 50-63")
print(f"{'':28}{'constraint filter on':<25}constraint filter off")
print(f"{'model':<28}" + "  ".join(["recall@10 NDCG@10 invalid"] * 2))
for m in scores:
    cells = [np.concatenate(out[m, f]).mean(0) for f in ("on", "off")]
    print(f"{m:<28}" + "  ".join(f"{a:9.3f}{b:8.3f}{c:8.3f}" for a, b, c in cells))
