import numpy as np
from sklearn.linear_model import Ridge

rng = np.random.default_rng(0)

# Explicit ratings with a known structure: global mean + user and item biases + a rank-5
# interaction + noise with standard deviation 0.5 (the best achievable test RMSE).
n_users, n_items, true_rank, noise = 500, 400, 5, 0.5
U = rng.normal(0, 1, (n_users, true_rank)) / true_rank**0.25
V = rng.normal(0, 1, (n_items, true_rank)) / true_rank**0.25
b_u, b_i = rng.normal(0, 0.3, n_users), rng.normal(0, 0.5, n_items)
# Each user rates 10% of the catalogue (about 40 items), missing at random.
users, items = np.nonzero(rng.random((n_users, n_items)) < 0.10)
ratings = 3.5 + b_u[users] + b_i[items] + (U[users] * V[items]).sum(1)
ratings += rng.normal(0, noise, len(ratings))
test = rng.random(len(ratings)) < 0.2
tr_u, tr_i, tr_r = users[~test], items[~test], ratings[~test]
te_u, te_i, te_r = users[test], items[test], ratings[test]
density = len(ratings) / (n_users * n_items)
print(f"{len(tr_r)} train and {len(te_r)} test ratings, density {density:.1%}")

mu = tr_r.mean()
by_user = [np.nonzero(tr_u == u)[0] for u in range(n_users)]
by_item = [np.nonzero(tr_i == i)[0] for i in range(n_items)]


def rmse(pred, truth):
    return np.sqrt(np.mean((pred - truth) ** 2))


def als(rank, lam=5.0, iters=10, seed=0):
    """Alternating least squares for r_ui ~ mu + b_u + b_i + p_u . q_i.

    Fixing the item side, each user's [p_u, b_u] is a ridge regression of that user's
    ratings (minus mu and the item biases) on the rated items' [q_i, 1], and vice versa:
    every half-step minimises the loss exactly, so the training loss never goes up.
    """
    r = np.random.default_rng(seed)
    P = r.normal(0, 0.1, (n_users, rank))
    Q = r.normal(0, 0.1, (n_items, rank))
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    y = tr_r - mu
    eye = lam * np.eye(rank + 1)
    for _ in range(iters):
        for u, idx in enumerate(by_user):
            X = np.c_[Q[tr_i[idx]], np.ones(len(idx))]
            sol = np.linalg.solve(X.T @ X + eye, X.T @ (y[idx] - bi[tr_i[idx]]))
            P[u], bu[u] = sol[:-1], sol[-1]
        for i, idx in enumerate(by_item):
            X = np.c_[P[tr_u[idx]], np.ones(len(idx))]
            sol = np.linalg.solve(X.T @ X + eye, X.T @ (y[idx] - bu[tr_u[idx]]))
            Q[i], bi[i] = sol[:-1], sol[-1]
    return P, Q, bu, bi


def predict(model, u, i):
    P, Q, bu, bi = model
    return mu + bu[u] + bi[i] + (P[u] * Q[i]).sum(1)


# One ALS user step is exactly scikit-learn's Ridge without intercept.
P, Q, bu, bi = als(rank=5)
idx = by_user[0]
X = np.c_[Q[tr_i[idx]], np.ones(len(idx))]
target = tr_r[idx] - mu - bi[tr_i[idx]]
ridge = Ridge(alpha=5.0, fit_intercept=False).fit(X, target)
ours = np.linalg.solve(X.T @ X + 5.0 * np.eye(6), X.T @ target)
print(f"ALS user update equals sklearn Ridge: {np.allclose(ours, ridge.coef_)}")

# Baselines: the global mean, then the mean plus regularised user and item biases.
print(f"global mean              test RMSE {rmse(np.full(len(te_r), mu), te_r):.3f}")
bi = np.array([(tr_r[ix] - mu).sum() / (len(ix) + 5) for ix in by_item])
bu = np.array([(tr_r[ix] - mu - bi[tr_i[ix]]).sum() / (len(ix) + 5) for ix in by_user])
print(f"mean + biases            test RMSE {rmse(mu + bu[te_u] + bi[te_i], te_r):.3f}")
truth_pred = 3.5 + b_u[te_u] + b_i[te_i] + (U[te_u] * V[te_i]).sum(1)
print(f"true model (noise floor) test RMSE {rmse(truth_pred, te_r):.3f}")

# Train and test RMSE against the rank, for three regularisation strengths.
lams = [0.3, 1.0, 10.0]
print("rank  " + "  ".join(f"{f'train/test lam={lam:g}':>20s}" for lam in lams))
for rank in [1, 2, 5, 10, 20, 40]:
    cells = []
    for lam in lams:
        m = als(rank, lam)
        tr, te = rmse(predict(m, tr_u, tr_i), tr_r), rmse(predict(m, te_u, te_i), te_r)
        cells.append(f"{tr:8.3f} / {te:5.3f}")
    print(f"{rank:4d}  " + "  ".join(f"{c:>20s}" for c in cells))
