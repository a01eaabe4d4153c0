# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 2M sign-up attempts a day (peak 3x the mean); 400M daily
# active accounts logging 150 actions each (peak 2x); 1B accounts in the graph with
# 12 device and IP links each over 90 days, 16 bytes per edge; connected components
# by label propagation, about 20 passes that each shuffle the edge list, in a full
# run once a day with new accounts attached every hour in between; 2,000
# reviewers x 150 decisions a day; a prevalence near 3% to be estimated to +/-0.3
# points (95% interval).
signups, dau, actions, accounts, links = 2e6, 400e6, 150, 1e9, 12
edges = accounts * links
reviews = 2_000 * 150
audit = 1.96**2 * 0.03 * 0.97 / 0.003**2
# Sign-up check budget in ms: IP and ASN reputation, device fingerprint, email and
# phone reputation (a carrier lookup), velocity counters, model, rules.
steps = {
    "ip": 5,
    "device": 10,
    "email/phone": 40,
    "velocity": 5,
    "model": 5,
    "rules": 2,
}
for name, value in [
    ("sign-up attempts/s (mean)", si(signups / 86_400)),
    ("sign-up attempts/s (peak)", si(signups / 86_400 * 3)),
    ("activity events/s (mean)", si(dau * actions / 86_400)),
    ("activity events/s (peak)", si(dau * actions / 86_400 * 2)),
    ("graph edges (90 days)", si(edges)),
    ("edge list bytes", si(edges * 16)),
    ("bytes shuffled per components job", si(edges * 16 * 20)),
    ("sign-up attempts per hourly increment", si(signups / 24)),
    ("human reviews/day", si(reviews)),
    ("reviews per sign-up attempt", f"{reviews / signups:.2f}"),
    ("accounts to label per prevalence estimate", f"{audit:,.0f}"),
    ("sign-up check, sum of step budgets (ms)", f"{sum(steps.values())} of 150"),
]:
    print(f"{name:<42}{value:>10}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance

rng = np.random.default_rng(0)
N_REAL = 100_000


def lognormal(median, n, sigma=0.4):
    return rng.lognormal(np.log(median), sigma, n)


def behaviour(n, cv, rate, dup, accept):
    # Per account: coefficient of variation of the gaps between actions (scripts are
    # regular, people bursty), actions per active hour, share of duplicated content,
    # share of friend requests accepted.
    return np.column_stack(
        [
            lognormal(cv, n),
            lognormal(rate, n, 0.6),
            rng.beta(*dup, n),
            rng.beta(*accept, n),
        ]
    )


# Account-to-resource links (devices, IPs); each new block of resources gets new ids.
links, kinds = [], []


def new(k, kind):
    kinds.append(np.full(k, kind))
    return sum(b.size for b in kinds[:-1]) + np.arange(k)


def link(accounts, resources):
    links.append((accounts, resources))


# Real users: households of 1-6 share an IP, 30% of multi-person households share a
# tablet, 5% of households sit behind a community IP (a building, an office), 35% of
# users also use a carrier NAT IP shared by hundreds, 0.5% use a public device.
real = behaviour(N_REAL, 1.1, 3, (1, 15), (5, 3))
# 3% of real users post on a schedule: timing as regular as a script's
sched = rng.random(N_REAL) < 0.03
real[sched, 0] = lognormal(0.3, sched.sum())
people = np.arange(N_REAL)
hh = np.repeat(people, np.minimum(rng.geometric(0.55, N_REAL), 6))[:N_REAL]
n_hh = hh[-1] + 1
link(people, new(N_REAL, "device"))
hh_ip = new(n_hh, "ip")
link(people, hh_ip[hh])
tablet = (rng.random(n_hh) < 0.3)[hh] & (np.bincount(hh)[hh] > 1)
link(people[tablet], new(n_hh, "device")[hh[tablet]])
# community IPs hold about 12 households each
comm = np.full(n_hh, -1)
in_comm = rng.random(n_hh) < 0.05
comm[in_comm] = np.cumsum(rng.random(in_comm.sum()) < 1 / 12)
m = comm[hh] >= 0
link(people[m], new(comm.max() + 1, "ip")[comm[hh[m]]])
nat = rng.random(N_REAL) < 0.35
link(people[nat], new(40, "ip")[rng.integers(0, 40, nat.sum())])
pub = rng.random(N_REAL) < 0.005
link(people[pub], new(40, "device")[rng.integers(0, 40, pub.sum())])

# Bot rings: size; behaviour (cv, rate, dup, accept); pooled devices and IPs; the
# share of bots on a fresh device behind a residential proxy (a real household's IP)
# instead of the ring's pools.
RINGS = {
    "A spam": (500, (0.2, 25, (3, 5), (2, 6)), 30, 40, 0.0),
    "B followers": (400, (0.3, 10, (2, 8), (3, 5)), 25, 30, 0.1),
    "C human-like": (400, (1.0, 5, (2, 10), (4, 4)), 80, 40, 0.4),
    "D proxies": (400, (0.3, 6, (2, 8), (4, 4)), 1, 1, 1.0),
}
ring, X = [np.full(N_REAL, -1)], [real]
for r, (n, beh, n_dev, n_ip, alone_share) in enumerate(RINGS.values()):
    ids = sum(x.size for x in ring) + np.arange(n)
    ring.append(np.full(n, r))
    X.append(behaviour(n, *beh))
    alone = rng.random(n) < alone_share
    link(ids[alone], new(alone.sum(), "device"))
    link(ids[alone], hh_ip[rng.integers(0, n_hh, alone.sum())])
    pooled = ids[~alone]
    dev, ip = new(n_dev, "device"), new(n_ip, "ip")
    link(pooled, dev[rng.integers(0, n_dev, pooled.size)])
    link(pooled, ip[rng.integers(0, n_ip, pooled.size)])
    two = pooled[rng.random(pooled.size) < 0.5]
    link(two, ip[rng.integers(0, n_ip, two.size)])
ring, X = np.concatenate(ring), np.vstack(X)
bot, N = ring >= 0, ring.size
kind = np.concatenate(kinds)
acc, res = (np.concatenate(p) for p in zip(*links))
B = sparse.csr_matrix((np.ones(acc.size), (acc, res)), shape=(N, kind.size))
B.data[:] = 1
per_res = np.asarray(B.sum(axis=0)).ravel()


def old_rule(X):
    return (X[:, 0] < 0.35) & (X[:, 1] > 8)


# Labels: reviewers confirm what the old rule flagged, plus a random 2% sample.
flagged = old_rule(X)
labelled = flagged | (rng.random(N) < 0.02)
confirmed = labelled & bot
print(f"accounts {N:,}: real {N_REAL:,}, bots {bot.sum():,} in {len(RINGS)} rings")
print(
    f"old rule flags {(flagged & bot).sum()} bots, {(flagged & ~bot).sum()} real users"
)
print(
    f"labelled {labelled.sum():,}; confirmed bots "
    + ", ".join(
        f"{k[0]} {(confirmed & (ring == r)).sum()}" for r, k in enumerate(RINGS)
    )
)

# Graph features over devices and IPs with at most 200 accounts (a carrier NAT IP
# joins strangers): connected component, confirmed bots among neighbours.
keep = per_res <= 200
Bk = B[:, keep]
bip = sparse.bmat([[None, Bk], [Bk.T, None]], format="csr")
comp = csgraph.connected_components(bip, directed=False)[1][:N]
comp_size = np.bincount(comp)[comp]
adj = (Bk @ Bk.T).tocsr()
adj.setdiag(0)
adj.eliminate_zeros()
adj.data[:] = 1
degree = np.asarray(adj.sum(axis=1)).ravel()
conf_share = (adj @ confirmed) / np.maximum(degree, 1)
conf_comp = np.bincount(comp, weights=confirmed)[comp] - confirmed


def busiest(k):
    # accounts on the busiest device (or IP) this account uses
    Bt = B[:, kind == k].tocsr()
    return np.maximum.reduceat(per_res[kind == k][Bt.indices], Bt.indptr[:-1])


G = np.column_stack(
    [np.log(comp_size), busiest("device"), busiest("ip"), conf_share, conf_comp]
)
XG = np.hstack([X, G])
gbdt = dict(max_iter=200, random_state=0)
model_a = HistGradientBoostingClassifier(**gbdt).fit(X[labelled], bot[labelled])
model_b = HistGradientBoostingClassifier(**gbdt).fit(XG[labelled], bot[labelled])
imp = permutation_importance(
    model_a, X[labelled], bot[labelled], scoring="average_precision", random_state=0
).importances_mean
names = ["timing cv", "rate", "duplicates", "acceptance"]
print("(a) importance: " + ", ".join(f"{n} {v:.3f}" for n, v in zip(names, imp)))

# Evaluate on the accounts nobody labelled; "real" counts real users flagged.
unl = ~labelled
real_u = unl & ~bot


def above(scores, share):
    return scores > np.quantile(scores[real_u], 1 - share)


def header(title):
    print(f"{title:<26}" + "".join(f"{k[0]:>7}" for k in RINGS) + "    all   real")


def row(name, f):
    rec = [f[unl & (ring == r)].mean() for r in range(len(RINGS))]
    cells = "".join(f"{v:7.3f}" for v in rec + [f[unl & bot].mean()])
    print(f"{name:<26}{cells}{(f & real_u).sum():7,d}")


header("recall at 0.1% of real")
row("(a) behaviour", above(model_a.predict_proba(X)[:, 1], 0.001))
row("(b) + graph", above(model_b.predict_proba(XG)[:, 1], 0.001))
# The bots randomise their timing: gaps as irregular as people's (cv ~ 1.1).
X2 = X.copy()
X2[bot, 0] = lognormal(1.1, bot.sum())
print(f"bots randomise timing; old rule now flags {(old_rule(X2) & bot).sum()} bots")
row("(a) behaviour", above(model_a.predict_proba(X2)[:, 1], 0.001))
s2 = model_b.predict_proba(np.hstack([X2, G]))[:, 1]
row("(b) + graph", above(s2, 0.001))

# Suspension needs a stricter bar than friction. Per account: the top 0.01% of real
# users' scores. Per component (strong links only, as above): suspend a component of
# 10+ accounts once 30% of it is confirmed or above a score threshold.
header("suspension, bots adapted")
row("per account, 0.01%", above(s2, 0.0001))
for share in (0.0001, 0.001):
    hit = confirmed | above(s2, share)
    frac = np.bincount(comp, weights=hit)[comp] / comp_size
    row(f"component 30%, {share:.2%}", (comp_size >= 10) & (frac >= 0.3))
# The same idea on a graph that also links through carrier NAT IPs, with a rule that
# counts confirmed members instead of their share.
bip_all = sparse.bmat([[None, B], [B.T, None]], format="csr")
comp_all = csgraph.connected_components(bip_all, directed=False)[1][:N]
row("NAT-linked, 3 confirmed", np.bincount(comp_all, weights=confirmed)[comp_all] >= 3)
print(f"largest NAT-linked component: {np.bincount(comp_all).max():,} accounts")
# --8<-- [end:simulation]
