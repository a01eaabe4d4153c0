import numpy as np

rng = np.random.default_rng(0)

# Implicit feedback with a known ground truth. 600 users, 500 items, rank-8 tastes.
# Each user genuinely likes 30 items (drawn by softmax of true utility) and plays each
# a few times; they also click 20 random items once by accident. Nobody rates anything.
n_users, n_items, k_true = 600, 500, 8
P_true = rng.normal(0, 1, (n_users, k_true)) / k_true**0.25
Q_true = rng.normal(0, 1, (n_items, k_true)) / k_true**0.25
util = P_true @ Q_true.T + rng.normal(0, 0.5, n_items)
plays = np.zeros((n_users, n_items))
test_items = []
for u in range(n_users):
    w = np.exp(1.5 * util[u])
    liked = rng.choice(n_items, 30, replace=False, p=w / w.sum())
    # Hold out 6 genuinely liked items per user: the ground truth for evaluation.
    test_items.append(liked[:6])
    # Plays grow with how much the user likes the item; accidental clicks get one play.
    strength = 1 / (1 + np.exp(-(util[u, liked[6:]] - np.median(util[u]) - 1.5)))
    plays[u, liked[6:]] = 1 + rng.poisson(8 * strength)
    noise = rng.choice(np.setdiff1d(np.arange(n_items), liked), 20, replace=False)
    plays[u, noise] = 1
test_rel = np.zeros((n_users, n_items), dtype=bool)
for u, items in enumerate(test_items):
    test_rel[u, items] = True
print(f"train matrix: {(plays > 0).mean():.1%} non-zero, no negative feedback at all")


def recall_at_k(scores, k=10):
    # Rank only items the user has not interacted with in training.
    s = np.where(plays > 0, -np.inf, scores)
    top = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(test_rel, top, axis=1).sum(1).mean() / 6


def als_observed_only(rank=16, lam=1.0, iters=10):
    """Explicit-feedback ALS: fit log(1 + plays) on the observed entries only."""
    r = np.random.default_rng(0)
    X, Y = r.normal(0, 0.1, (n_users, rank)), r.normal(0, 0.1, (n_items, rank))
    target = np.log1p(plays)
    for _ in range(iters):
        for A, B, T in [(X, Y, target), (Y, X, target.T)]:
            for row in range(len(A)):
                nz = np.nonzero(T[row])[0]
                Bn = B[nz]
                A[row] = np.linalg.solve(
                    Bn.T @ Bn + lam * np.eye(rank), Bn.T @ T[row, nz]
                )
    return X @ Y.T


def wals(alpha, rank=16, lam=1.0, iters=10):
    """Hu, Koren & Volinsky (2008): every cell counts. Preference p = 1 if plays > 0,
    confidence c = 1 + alpha * plays; minimise sum c * (p - x_u . y_i)^2 + L2."""
    r = np.random.default_rng(0)
    X, Y = r.normal(0, 0.1, (n_users, rank)), r.normal(0, 0.1, (n_items, rank))
    for _ in range(iters):
        for A, B, C in [(X, Y, plays), (Y, X, plays.T)]:
            # Y^T C_u Y = Y^T Y + Y^T (C_u - I) Y: the second term needs only the
            # user's non-zero entries, so a step costs O(nnz k^2), not O(n_items k^2).
            BtB = B.T @ B
            for row in range(len(A)):
                nz = np.nonzero(C[row])[0]
                c = 1 + alpha * C[row, nz]
                Bn = B[nz]
                lhs = BtB + Bn.T @ ((c - 1)[:, None] * Bn) + lam * np.eye(rank)
                A[row] = np.linalg.solve(lhs, Bn.T @ c)
    return X, Y


# The sparse trick gives exactly the dense Y^T C_u Y.
X, Y = wals(alpha=10.0, iters=1)
c_u = 1 + 10.0 * plays[0]
dense = Y.T @ np.diag(c_u) @ Y
nz = np.nonzero(plays[0])[0]
sparse = Y.T @ Y + Y[nz].T @ ((c_u[nz] - 1)[:, None] * Y[nz])
same = np.allclose(dense, sparse)
print(f"Y^T C_u Y via the non-zeros matches the dense product: {same}")

popularity = np.tile((plays > 0).sum(0), (n_users, 1)).astype(float)
baselines = {
    "random": rng.random((n_users, n_items)),
    "popularity": popularity,
    "ALS on observed entries only": als_observed_only(),
    "oracle (true utility)": util,
}
for name, scores in baselines.items():
    print(f"{name:30s} recall@10 {recall_at_k(scores):.3f}")

# WALS at rank 16: recall@10 for each confidence weight alpha and L2 strength lambda.
lams = [1.0, 10.0, 50.0, 200.0]
print("WALS alpha  " + "".join(f"{f'lam={lam:g}':>9s}" for lam in lams))
for alpha in [0.0, 1.0, 5.0, 20.0]:
    cells = []
    for lam in lams:
        X, Y = wals(alpha, lam=lam)
        cells.append(f"{recall_at_k(X @ Y.T):9.3f}")
    print(f"{alpha:10g}  " + "".join(cells))
