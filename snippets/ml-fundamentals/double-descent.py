import numpy as np

# A linear target in d = 10 plus noise (sd 0.2), n = 100 training points. The model:
# p random ReLU features relu(x . w_j) / sqrt(p); only the output weights are fitted.
D, N, N_TEST, NOISE, DRAWS = 10, 100, 1000, 0.2, 20
P = [10, 20, 40, 60, 80, 90, 100, 110, 120, 150, 200, 500, 1000, 2000]
LAMBDAS = np.geomspace(1e-4, 10, 21)


def ridge(F, y, lam):
    # Dual form, cheap when p > n: w = F^T (F F^T + lam I)^-1 y
    return F.T @ np.linalg.solve(F @ F.T + lam * np.eye(len(y)), y)


def loo_lambda(F, y):
    # Ridge's leave-one-out residuals in closed form: (y_i - yhat_i) / (1 - H_ii),
    # so lambda is tuned on the training set alone
    evals, U = np.linalg.eigh(F @ F.T)
    uy, loo = U.T @ y, []
    for lam in LAMBDAS:
        shrink = evals / (evals + lam)
        resid, h = y - U @ (shrink * uy), (U**2) @ shrink
        loo.append(np.mean((resid / (1 - h)) ** 2))
    return LAMBDAS[int(np.argmin(loo))]


rng = np.random.default_rng(0)
beta = rng.standard_normal(D) / np.sqrt(D)
cols = ["min-norm", "|w|", "ridge 1e-3", "ridge 0.1", "ridge LOO"]
res = np.zeros((DRAWS, len(P), len(cols)))
for r in range(DRAWS):
    X, Xt = rng.standard_normal((N, D)), rng.standard_normal((N_TEST, D))
    y, yt = X @ beta + NOISE * rng.standard_normal(N), Xt @ beta
    W = rng.standard_normal((D, max(P))) / np.sqrt(D)
    H, Ht = np.maximum(X @ W, 0), np.maximum(Xt @ W, 0)
    for i, p in enumerate(P):
        F, Ft = H[:, :p] / np.sqrt(p), Ht[:, :p] / np.sqrt(p)
        # lstsq returns the minimum-norm least-squares solution (the pseudo-inverse's)
        w = np.linalg.lstsq(F, y, rcond=None)[0]
        res[r, i, :2] = np.mean((Ft @ w - yt) ** 2), np.linalg.norm(w)
        for j, lam in enumerate([1e-3, 0.1, loo_lambda(F, y)]):
            res[r, i, 2 + j] = np.mean((Ft @ ridge(F, y, lam) - yt) ** 2)

# The median, because near p = n one unlucky draw can dominate a mean
med = np.median(res, axis=0)
print(f"test MSE (|w|: norm of the min-norm fit), median of {DRAWS} draws, n = {N}")
print(f"{'p':>5}" + "".join(f"{c:>11}" for c in cols))
for i, p in enumerate(P):
    print(f"{p:>5}" + "".join(f"{v:>11.3f}" for v in med[i]))

# Two interpolating fits at p = 1000 (last draw). Gradient descent on the squared loss
# from w0 converges to w0 + pinv(F) (y - F w0): from w0 = 0 that is the min-norm fit;
# from a random w0 it keeps the part of w0 outside the row space of F.
p = 1000
F, Ft = H[:, :p] / np.sqrt(p), Ht[:, :p] / np.sqrt(p)
for name, w0 in [("w0 = 0", np.zeros(p)), ("w0 ~ N(0, 1)", rng.standard_normal(p))]:
    w = w0 + np.linalg.pinv(F) @ (y - F @ w0)
    fits = np.allclose(F @ w, y)
    test = np.mean((Ft @ w - yt) ** 2)
    print(
        f"p = {p}, GD limit from {name:<13} interpolates: {fits}, "
        f"|w| {np.linalg.norm(w):5.1f}, test MSE {test:.3f}"
    )
