import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

rng = np.random.default_rng(0)

# Implicit feedback with community structure: 10 communities of items; each user
# belongs to one and picks items with probability proportional to popularity, times 8
# inside their community. Activity is heavy-tailed: many users have 2-3 interactions.
n_users, n_items, n_comm = 4000, 1000, 10
item_comm = np.arange(n_items) % n_comm
user_comm = rng.integers(0, n_comm, n_users)
popularity = rng.zipf(1.6, n_items).clip(max=200).astype(float)
n_act = np.clip(rng.lognormal(2.3, 0.8, n_users).astype(int), 3, 150)
w = popularity * np.where(item_comm == user_comm[:, None], 8.0, 1.0)
# Gumbel top-k: n_act[u] items without replacement, with probability proportional to w
order = np.argsort(-(np.log(w) + rng.gumbel(size=w.shape)), axis=1)
picked = np.arange(n_items) < n_act[:, None]
# Hold out a random 20% of each user's items (at least one) as the test set
n_test = np.maximum(1, np.round(0.2 * n_act)).astype(int)
keys = np.where(picked, rng.random(picked.shape), np.inf)
held_out = keys.argsort(1).argsort(1) < n_test[:, None]
train = np.zeros((n_users, n_items), bool)
test = np.zeros((n_users, n_items), bool)
rows = np.arange(n_users)[:, None]
train[rows, order] = picked & ~held_out
test[rows, order] = held_out
R = sp.csr_matrix(train.astype(float))
d_user, d_item = train.sum(1), train.sum(0)
sparse_user = d_user <= 3
print(
    f"{n_users} users, {n_items} items, {R.nnz} train / {test.sum()} test interactions"
)


def recall_at_10(scores):
    top = np.argpartition(-np.where(train, -np.inf, scores), 10, axis=1)[:, :10]
    hits = np.take_along_axis(test, top, axis=1).sum(1)
    return hits / np.minimum(test.sum(1), 10), top


# Symmetric normalisation of the bipartite graph: A = [[0, R~], [R~^T, 0]] with
# R~ = D_u^-1/2 R D_i^-1/2. A LightGCN layer is E <- A E: no weights, no nonlinearity.
inv_sqrt_item = 1 / np.sqrt(np.maximum(d_item, 1))
R_norm = sp.diags(1 / np.sqrt(d_user)) @ R @ sp.diags(inv_sqrt_item)
A = sp.bmat([[None, R_norm], [R_norm.T, None]]).tocsr()


def layers(E0, K):
    out = [E0]
    for _ in range(K):
        out.append(A @ out[-1])
    return out


def score(E):
    return E[:n_users] @ E[n_users:].T


pop_recall, pop_top = recall_at_10(
    np.tile(d_item + 1e-6 * np.arange(n_items)[::-1], (n_users, 1))
)
in_pop_top = np.zeros((n_users, n_items), bool)
in_pop_top[rows, pop_top] = True
se = np.sqrt(0.25 / sparse_user.sum())
print(f"sparse users (2-3 train interactions, 1 test item): {sparse_user.sum()}")
print(f"  standard error of their recall@10: at most {se:.3f}")
print(
    f"popularity: recall@10 all {pop_recall.mean():.3f}, "
    f"sparse {pop_recall[sparse_user].mean():.3f}"
)

# MF embeddings: truncated SVD of the train matrix (PureSVD), E0 = [U S^1/2; V S^1/2],
# then K propagation layers averaged with weights 1/(K+1), as in LightGCN. No training.
print("recall@10 all / sparse users, layers averaged (K=0 is the MF itself)")
print("rank" + "".join(f"{f'K={K}':>13}" for K in range(5)))
for rank in [8, 16, 32]:
    U, S, Vt = svds(R, k=rank, rng=0)
    E_layers = layers(np.vstack([U * np.sqrt(S), Vt.T * np.sqrt(S)]), 8)
    cells = []
    for K in range(5):
        r, _ = recall_at_10(score(np.mean(E_layers[: K + 1], axis=0)))
        cells.append(f"{r.mean():7.3f}/{r[sparse_user].mean():.3f}")
    print(f"{rank:4d}" + "".join(cells))

# Over-smoothing: E_layers now holds the rank-32 layers; keep only the last one, as a
# plain stack of K graph convolutions would.
print(
    "last layer only, rank 32  recall@10  mean cos(users)  share of popularity top-10"
)
for K in [1, 2, 4, 8]:
    E = E_layers[K][:n_users]
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    total = unit.sum(0)
    mean_cos = (total @ total - n_users) / (n_users * (n_users - 1))
    r, top = recall_at_10(score(E_layers[K]))
    shared = np.take_along_axis(in_pop_top, top, axis=1).mean()
    print(f"K={K:<22}{r.mean():11.3f}{mean_cos:17.3f}{shared:28.3f}")
