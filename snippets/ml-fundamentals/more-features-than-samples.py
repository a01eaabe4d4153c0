import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import (
    ElasticNetCV,
    LassoCV,
    LinearRegression,
    LogisticRegression,
    Ridge,
    RidgeCV,
    lars_path,
)
from sklearn.metrics import r2_score
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

rng = np.random.default_rng(0)

# 1. Pure noise: n = 100 "patients", p = 5,000 "genes", coin-flip labels.
N, P = 100, 5000
X = rng.standard_normal((N, P))
y = rng.integers(0, 2, N)
print(f"1. noise, n = {N}, p = {P}: rank of X^T X = {np.linalg.matrix_rank(X)}")
# The minimum-norm least-squares fit (pseudo-inverse) to +-1 labels interpolates them
w = np.linalg.pinv(X) @ (2.0 * y - 1.0)
train_acc = np.mean((X @ w > 0) == y)
print(f"min-norm fit to random labels: training accuracy {train_acc:.3f}")
# 5-fold CV repeated 5 times with different shuffles; mean of each repeat
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=5, random_state=0)
X_top = SelectKBest(f_classif, k=20).fit_transform(X, y)  # saw every label
wrong = cross_val_score(LogisticRegression(), X_top, y, cv=cv).reshape(5, 5).mean(1)
pipe = make_pipeline(SelectKBest(f_classif, k=20), LogisticRegression())
right = cross_val_score(pipe, X, y, cv=cv).reshape(5, 5).mean(1)
for name, s in [("on all data", wrong), ("in each fold", right)]:
    name = f"top 20 chosen {name}"
    print(f"{name}: CV accuracy {s.mean():.3f} (repeats {s.min():.3f}-{s.max():.3f})")

# 2. A few true signals: 5 latent factors, each measured by 4 correlated features
# (r about 0.92); y depends on those 20 features. The other 1,980 are noise.
P = 2000
beta = np.repeat([1.0, -1.0, 0.75, -0.75, 0.5], 4) / 2


def make(n):
    z = rng.standard_normal((n, 5))
    signal = np.repeat(z, 4, axis=1) + 0.3 * rng.standard_normal((n, 20))
    X = np.hstack([signal, rng.standard_normal((n, P - 20))])
    return X, signal @ beta + rng.standard_normal(n)


X, y = make(N)
X_test, y_test = make(1000)
mu, y_mean = X.mean(0), y.mean()
Xc, yc = X - mu, y - y_mean
w = np.linalg.pinv(Xc) @ yc
print(f"\n2. signal in 20 of p = {P} features, n = {N}, 1,000 test rows")
print("method                   train R2  test R2  kept  true kept")
print(f"{'min-norm OLS (pinv)':<24}{r2_score(y, Xc @ w + y_mean):9.3f}", end="")
print(f"{r2_score(y_test, (X_test - mu) @ w + y_mean):9.3f}{P:6d}{20:11d}")
models = {
    "ridge (alpha by LOO)": RidgeCV(alphas=np.logspace(-2, 5, 15)),
    "PCA(10) + OLS": make_pipeline(PCA(10, svd_solver="full"), LinearRegression()),
    "PLS (2 components)": PLSRegression(2, scale=False),
    "lasso (alpha by CV)": LassoCV(alphas=30, cv=5, max_iter=5000),
    "elastic net (l1 0.5)": ElasticNetCV(l1_ratio=0.5, alphas=30, cv=5, max_iter=5000),
}
for name, model in models.items():
    model.fit(X, y)
    train = r2_score(y, model.predict(X).ravel())
    test = r2_score(y_test, model.predict(X_test).ravel())
    counts = ""
    # Sparse models: features kept, and how many of them are true (indices 0-19)
    if hasattr(model, "mse_path_"):
        kept = np.flatnonzero(model.coef_)
        counts = f"{len(kept):6d}{np.sum(kept < 20):11d}"
    print(f"{name:<24}{train:9.3f}{test:9.3f}{counts}")
print(f"ridge chose alpha = {models['ridge (alpha by LOO)'].alpha_:g}")

# Ridge in the n x n dual: w = X^T (X X^T + alpha I)^-1 y, no p x p matrix
w_dual = Xc.T @ np.linalg.solve(Xc @ Xc.T + 10.0 * np.eye(N), yc)
same = np.allclose(w_dual, Ridge(10.0).fit(X, y).coef_)
print(f"ridge via n x n dual matches Ridge: {same}")

# The whole lasso path, from alpha_max down to 0
_, _, path = lars_path(Xc, yc, method="lasso")
print(f"lasso path: at most {np.count_nonzero(path, axis=0).max()} non-zero (n = {N})")

# 3. Stability selection: the lasso stopped after 20 steps of its LARS path, on 100
# random half-samples; keep features chosen in at least a fraction pi of them
freq, q = np.zeros(P), []
for _ in range(100):
    idx = rng.choice(N, N // 2, replace=False)
    Xs, ys = X[idx] - X[idx].mean(0), y[idx] - y[idx].mean()
    coef = lars_path(Xs, ys, method="lasso", max_iter=20)[2][:, -1]
    freq += coef != 0
    q.append(np.count_nonzero(coef))
freq /= 100
q_mean = np.mean(q)
print(f"\n3. stability selection, 100 half-samples, {q_mean:.1f} features per fit")
for pi in (0.6, 0.9):
    chosen = np.flatnonzero(freq >= pi)
    bound = q_mean**2 / ((2 * pi - 1) * P)
    print(
        f"pi = {pi}: {len(chosen)} kept, {np.sum(chosen < 20)} true, "
        f"bound on expected false ones {bound:.2f}"
    )
groups = freq[:20].reshape(5, 4)
print("best selection frequency in each true group:", groups.max(1).round(2))
print("true features with frequency >= 0.6, per group:", (groups >= 0.6).sum(1))
print("highest frequency of a noise feature:", f"{freq[20:].max():.2f}")
