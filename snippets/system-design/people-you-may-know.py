# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 300M members, 100M active daily, 200 connections on average,
# 8-byte ids, adjacency stored in both directions.
members, daily, degree = 300e6, 100e6, 200
rows = [
    ("edges (undirected)", si(members * degree / 2)),
    ("adjacency lists, bytes", si(members * degree * 8)),
    ("friends-of-friends paths per member (d^2)", si(degree**2)),
    ("paths to score per day, all actives", si(daily * degree**2)),
    ("with 50 strongest friends x 100 of theirs", si(daily * 50 * 100)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:candidates]
import numpy as np
import scipy.sparse as sp

rng = np.random.default_rng(0)
# A graph with known structure: 3,000 members in 30 communities of 100.
n, size = 3_000, 100
community = np.repeat(np.arange(n // size), size)
same = community[:, None] == community[None, :]
upper = np.triu(rng.random((n, n)) < np.where(same, 0.08, 0.0008), 1)
A = sp.csr_matrix((upper | upper.T).astype(np.float64))
neighbours = np.split(A.indices, A.indptr[1:-1])

# Future friendships (the labels): 75% close a triangle (a friend of a friend, likelier
# the more paths there are); 25% are random pairs (met at work, at school...).
future = set()
while len(future) < 3_000:
    u = int(rng.integers(n))
    if rng.random() < 0.75:
        if neighbours[u].size == 0:
            continue
        v = int(rng.choice(neighbours[rng.choice(neighbours[u])]))
    else:
        v = int(rng.integers(n))
    if v != u and A[u, v] == 0:
        future.add((min(u, v), max(u, v)))
future_of = {}
for u, v in future:
    future_of.setdefault(u, set()).add(v)
    future_of.setdefault(v, set()).add(u)
users = np.array(sorted(future_of))
total = sum(len(future_of[u]) for u in users)

degree = np.asarray(A.sum(1)).ravel()
A_users = A[users]
common = (A_users @ A).toarray()  # common-neighbour counts of each user with everyone
three = ((A_users @ A) @ A).toarray()  # number of paths of length 3
adamic_adar = (A_users @ sp.diags(1 / np.log(np.maximum(degree, 2))) @ A).toarray()
known = A_users.toarray().astype(bool)
known[np.arange(users.size), users] = True

print(f"mean degree {degree.mean():.1f}; {len(future)} future friendships")
print(f"{'candidate source':<22}{'candidates/user':>16}{'recall of future':>18}")
for name, reach in (
    ("friends of friends", common > 0),
    ("within 3 hops", common + three > 0),
):
    cand = reach & ~known
    found = sum(cand[i, list(future_of[u])].sum() for i, u in enumerate(users))
    print(f"{name:<22}{cand.sum(1).mean():16.0f}{found / total:18.3f}")

print(f"{'ranking of 2-hop candidates':<30}{'recall@10':>10}")
cand = (common > 0) & ~known
tie_break = 1e-6 * rng.random(common.shape)
for name, score in (
    ("random", rng.random(common.shape)),
    ("common neighbours", common + tie_break),
    ("Adamic-Adar", adamic_adar + tie_break),
):
    top = np.argsort(-np.where(cand, score, -np.inf), axis=1)[:, :10]
    hits = sum(len(future_of[u] & set(t)) for u, t in zip(users, top.tolist()))
    print(f"{name:<30}{hits / total:10.3f}")
# --8<-- [end:candidates]
