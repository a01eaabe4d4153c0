import numpy as np
from sklearn.linear_model import Ridge

rng = np.random.default_rng(0)

# 600 users, 500 items. Items have 40 binary content attributes (genre, tags, ...) and
# their true taste vectors are mostly explained by those attributes, plus a part no
# attribute captures. The last 100 items are new: none of their interactions is in
# training.
n_users, n_items, n_attr, k = 600, 500, 40, 8
attrs = (rng.random((n_items, n_attr)) < 0.1).astype(float)
Q_true = attrs @ rng.normal(0, 0.5, (n_attr, k)) + rng.normal(0, 0.4, (n_items, k))
P_true = rng.normal(0, 1, (n_users, k)) / k**0.5
util = P_true @ Q_true.T
R = np.zeros((n_users, n_items))
for u in range(n_users):
    w = np.exp(2 * util[u])
    R[u, rng.choice(n_items, 30, replace=False, p=w / w.sum())] = 1
cold = np.arange(400, 500)
warm = np.arange(400)
R_train = R.copy()
R_train[:, cold] = 0


def wals(R, rank=16, alpha=5.0, lam=50.0, iters=10):
    """Implicit ALS (Hu, Koren & Volinsky 2008) on a binary matrix, confidence
    1 + alpha on the non-zeros, 1 elsewhere."""
    r = np.random.default_rng(0)
    X, Y = r.normal(0, 0.1, (R.shape[0], rank)), r.normal(0, 0.1, (R.shape[1], rank))
    for _ in range(iters):
        for A, B, M in [(X, Y, R), (Y, X, R.T)]:
            BtB = B.T @ B
            for row in range(len(A)):
                nz = np.nonzero(M[row])[0]
                A[row] = fold_in(B, BtB, nz, alpha, lam)
    return X, Y


def fold_in(B, BtB, nz, alpha=5.0, lam=50.0):
    """One ALS step: the best vector for a row with interactions nz, other side fixed.
    This is also how a new user or item gets a vector without retraining."""
    Bn = B[nz]
    lhs = BtB + alpha * Bn.T @ Bn + lam * np.eye(B.shape[1])
    return np.linalg.solve(lhs, (1 + alpha) * Bn.sum(0))


X, Y = wals(R_train[:, warm])


def recall_at_10(scores, relevant):
    top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    hits = np.take_along_axis(relevant, top, axis=1).sum(1)
    return (hits / relevant.sum(1)).mean()


# New items: each of users 300-599 with at least one new-item interaction ranks the 100
# new items.
# (Users 0-299 supply the first interactions a new item collects, further down.)
rel = R[:, cold].astype(bool)
has = rel.any(1) & (np.arange(n_users) >= 300)
print(f"evaluation users with a new-item interaction: {has.sum()}")
# MF alone: a new item has no interactions, so it has no learned vector (random scores).
mf_alone = rng.normal(size=(n_users, len(cold)))
# Content-based: the user's profile is the mean attribute vector of items they used.
profile = R_train[:, warm] @ attrs[warm] / R_train[:, warm].sum(1, keepdims=True)
content = profile @ attrs[cold].T
# Attribute-to-factor mapping (Gantner et al. 2010): regress the learned item vectors on
# the attributes over the warm items, then predict vectors for the new items.
mapper = Ridge(alpha=1.0).fit(attrs[warm], Y)
mapped = X @ mapper.predict(attrs[cold]).T
rows = {
    "MF alone (no vector: random)": mf_alone,
    "content-based (attribute profile)": content,
    "MF + attribute-to-factor mapping": mapped,
}
# Once a new item collects n interactions (from users 0-299), fold it in with one ALS
# step.
for n in [3, 10]:
    Y_cold = []
    for i in cold:
        users_i = np.nonzero(R[:300, i])[0]
        shown = rng.permutation(users_i)[:n]
        Y_cold.append(fold_in(X, X.T @ X, shown))
    rows[f"MF, item folded in after {n} interactions"] = X @ np.array(Y_cold).T
rows["oracle (true utility)"] = util[:, cold]
for name, s in rows.items():
    print(f"{name:42s} new-item recall@10 {recall_at_10(s[has], rel[has]):.3f}")

# New users: hold out 100 users entirely; reveal their first n interactions.
tr_users, new_users = np.arange(500), np.arange(500, 600)
X2, Y2 = wals(R[tr_users])
popularity = R[tr_users].sum(0)
YtY = Y2.T @ Y2
print("new user, interactions known   popularity  fold-in")
for n in [0, 1, 3, 10]:
    pop_s, fold_s, relevant = [], [], []
    for u in new_users:
        items_u = rng.permutation(np.nonzero(R[u])[0])
        known, hidden = items_u[:n], items_u[n:]
        mask = np.zeros(n_items, dtype=bool)
        mask[known] = True
        target = np.zeros(n_items, dtype=bool)
        target[hidden] = True
        # Never recommend what the user already consumed.
        pop_s.append(np.where(mask, -np.inf, popularity))
        x_u = fold_in(Y2, YtY, known) if n else np.zeros(Y2.shape[1])
        fold_s.append(np.where(mask, -np.inf, Y2 @ x_u + 1e-9 * popularity))
        relevant.append(target)
    relevant = np.array(relevant)
    p = recall_at_10(np.array(pop_s), relevant)
    f = recall_at_10(np.array(fold_s), relevant)
    print(f"{n:30d}  {p:10.3f}  {f:7.3f}")
