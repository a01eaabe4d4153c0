import networkx as nx
import numpy as np

rng = np.random.default_rng(0)
# Degree-corrected stochastic block model: 1,000 nodes in 10 communities,
# P(edge) = theta_i * theta_j * (0.1 inside a community, 0.002 across)
n, n_comm = 1000, 10
comm = np.repeat(np.arange(n_comm), n // n_comm)
theta = rng.pareto(2.5, n) + 1
theta /= theta.mean()
prob = np.outer(theta, theta) * np.where(comm[:, None] == comm[None, :], 0.1, 0.002)
upper = np.triu(rng.random((n, n)) < np.minimum(prob, 1), k=1)
edges = np.argwhere(upper)
A_full = np.zeros((n, n))
A_full[edges[:, 0], edges[:, 1]] = 1
A_full += A_full.T

# Hold out 10% of the edges as test positives; the training graph loses them
perm = rng.permutation(len(edges))
test_pos = edges[perm[: len(edges) // 10]]
A_train = A_full.copy()
A_train[test_pos[:, 0], test_pos[:, 1]] = 0
A_train[test_pos[:, 1], test_pos[:, 0]] = 0
# as many random non-edges (of the full graph) as test negatives
cand = rng.integers(0, n, size=(4 * len(test_pos), 2))
cand = cand[(cand[:, 0] != cand[:, 1]) & (A_full[cand[:, 0], cand[:, 1]] == 0)]
test_neg = cand[: len(test_pos)]
print(f"{n} nodes, {len(edges)} edges, {len(test_pos)} held out")


def scores(A):
    """All-pairs score matrices computed from adjacency matrix A."""
    deg = A.sum(1)
    lam, U = np.linalg.eigh(A)
    top = np.argsort(-np.abs(lam))[:32]
    beta = 0.01
    assert beta * np.abs(lam).max() < 1  # Katz series converges
    S = {
        "common neighbours": A @ A,
        "Adamic-Adar": A @ np.diag(1 / np.log(np.maximum(deg, 2))) @ A,
        "degree product": np.outer(deg, deg),
        # sum over paths of every length l of beta^l, including l = 1
        "Katz": np.linalg.inv(np.eye(len(A)) - beta * A) - np.eye(len(A)),
        # rank-32 reconstruction of A: a stand-in for a learned embedding
        "spectral, 32 dims": (U[:, top] * lam[top]) @ U[:, top].T,
    }
    # round away last-bit differences between BLAS builds, so ties stay ties
    return {name: np.round(M, 9) for name, M in S.items()}


def auc(pos, neg):
    """P(score of a random positive > score of a random negative), ties count 1/2."""
    return np.mean((pos[:, None] > neg[None]) + 0.5 * (pos[:, None] == neg[None]))


def at(S, pairs):
    return S[pairs[:, 0], pairs[:, 1]]


S_train, S_full = scores(A_train), scores(A_full)
print(f"{'AUC, random negatives':<25}{'train graph':>11}{'full graph (leak)':>19}")
for name in S_train:
    right = auc(at(S_train[name], test_pos), at(S_train[name], test_neg))
    leaky = auc(at(S_full[name], test_pos), at(S_full[name], test_neg))
    print(f"{name:<25}{right:11.3f}{leaky:19.3f}")

# Ranking: each test edge (u, v) against 50 negatives (u, w) that share its source.
# Random w, or hard w: two hops from u in the training graph (a friend of a friend).
N_NEG = 50
two_hop = (A_train @ A_train > 0) & (A_full == 0)
np.fill_diagonal(two_hop, False)
neg_sets = {"random": [], "2-hop": []}
n_topped_up = 0
for u, _ in test_pos:
    non_nbr = np.flatnonzero((A_full[u] == 0) & (np.arange(n) != u))
    neg_sets["random"].append(rng.choice(non_nbr, N_NEG, replace=False))
    pool = np.flatnonzero(two_hop[u])
    if len(pool) < N_NEG:
        # too few 2-hop nodes: fill the list with random non-neighbours
        n_topped_up += 1
        rest = np.setdiff1d(non_nbr, pool)
        pool = np.concatenate([pool, rng.choice(rest, N_NEG - len(pool), False)])
    neg_sets["2-hop"].append(rng.choice(pool, N_NEG, replace=False))
print(f"test edges whose 2-hop list was topped up with random nodes: {n_topped_up}")

print(f"ranking vs {N_NEG} negatives   Hits@10 random  2-hop  MRR random  2-hop")
for name, S in S_train.items():
    row = []
    for negs in neg_sets.values():
        pos = at(S, test_pos)
        neg = S[test_pos[:, [0]], np.array(negs)]
        # g negatives score higher, e tie: with ties broken at random the
        # positive's rank is uniform on g + 1 ... g + e + 1
        g = (neg > pos[:, None]).sum(1)
        e = (neg == pos[:, None]).sum(1)
        hits = np.clip((10 - g) / (e + 1), 0, 1)
        rr = [np.mean(1 / np.arange(a + 1, a + b + 2)) for a, b in zip(g, e)]
        row.append((hits.mean(), np.mean(rr)))
    (h_r, m_r), (h_h, m_h) = row
    print(f"{name:<25}{h_r:15.3f}{h_h:7.3f}{m_r:12.3f}{m_h:7.3f}")

# networkx agrees with the matrix version of Adamic-Adar on the training graph
G = nx.from_numpy_array(A_train)
u, v = test_pos[0]
nx_aa = next(nx.adamic_adar_index(G, [(u, v)]))[2]
print("Adamic-Adar matches networkx:", np.isclose(nx_aa, S_train["Adamic-Adar"][u, v]))
