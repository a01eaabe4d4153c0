import itertools

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.metrics import r2_score
from sklearn.preprocessing import SplineTransformer
from sklearn.tree import DecisionTreeRegressor

rng = np.random.default_rng(0)
P = 6
# Known additive effects; x3 and x4 act only through 2 * x3 * x4; x5 is pure noise
SHAPES = {
    0: lambda v: 2 * v**2,  # U-shape
    1: lambda v: 1.5 * (v > 0.3),  # threshold
    2: lambda v: 1.0 * v,  # linear
}


def truth(X):
    out = 2 * X[:, 3] * X[:, 4]
    for j, f in SHAPES.items():
        out = out + f(X[:, j])
    return out


def make(n):
    X = rng.uniform(-1, 1, size=(n, P))
    return X, truth(X) + rng.normal(0, 0.5, n)


X, y = make(4000)
X_test, y_test = make(4000)

# (c) An EBM from scratch. Features are binned (128 quantile bins), so each shape
# function is a lookup table: one score per bin.
EDGES = [np.quantile(X[:, j], np.linspace(0, 1, 129)[1:-1]) for j in range(P)]


def to_bins(X):
    return np.column_stack([np.searchsorted(EDGES[j], X[:, j]) for j in range(P)])


def fit_mains(B, y, bags=4, rounds=150, lr=0.05):
    """Cyclic boosting: 3-leaf trees on ONE feature at a time, averaged over bags."""
    tables = np.zeros((P, 128))
    for _ in range(bags):
        rows = rng.random(len(y)) < 0.85
        b, r = B[rows], y[rows] - y[rows].mean()
        for _ in range(rounds):
            for j in range(P):
                tree = DecisionTreeRegressor(max_leaf_nodes=3, min_samples_leaf=50)
                tree.fit(b[:, [j]], r)
                step = lr * tree.predict(np.arange(128)[:, None])
                tables[j] += step / bags
                r -= step[b[:, j]]
    # Centre every shape on the training rows; the means go into the intercept
    shift = np.array([tables[j][B[:, j]].mean() for j in range(P)])
    return y.mean() + shift.sum(), tables - shift[:, None]


def quadrant_fit(res, a, b, k):
    """FAST's building block: the best pair of cuts, one per feature, 4 cell means."""
    S = np.bincount(a * k + b, res, k * k).reshape(k, k).cumsum(0).cumsum(1)
    N = np.bincount(a * k + b, None, k * k).reshape(k, k).cumsum(0).cumsum(1)
    # Sums over the 4 cells for every cut (a <= i, b <= j)
    cells = []
    for C in (S, N):
        ll = C[:-1, :-1]
        lr_, ul = C[:-1, -1:] - ll, C[-1:, :-1] - ll
        cells.append(np.stack([ll, lr_, ul, C[-1, -1] - ll - lr_ - ul]))
    sums, counts = cells
    gain = (sums**2 / np.maximum(counts, 1)).sum(0) - S[-1, -1] ** 2 / N[-1, -1]
    i, j = np.unravel_index(gain.argmax(), gain.shape)
    means = sums[:, i, j] / np.maximum(counts[:, i, j], 1)
    table = np.empty((k, k))
    table[: i + 1, : j + 1], table[: i + 1, j + 1 :] = means[0], means[1]
    table[i + 1 :, : j + 1], table[i + 1 :, j + 1 :] = means[2], means[3]
    return gain.max(), table


B, B_test = to_bins(X), to_bins(X_test)
intercept, tables = fit_mains(B, y)
main_fit = intercept + sum(tables[j][B[:, j]] for j in range(P))
main_test = intercept + sum(tables[j][B_test[:, j]] for j in range(P))

# Rank all 15 pairs by FAST on the main-effect residuals (16 bins per feature)
res = y - main_fit
A, A_test = B // 8, B_test // 8
total = ((res - res.mean()) ** 2).sum()
gains = {
    (j, k): quadrant_fit(res, A[:, j], A[:, k], 16)[0] / total
    for j, k in itertools.combinations(range(P), 2)
}
(pj, pk), runner_up = sorted(gains, key=gains.get, reverse=True)[:2]
print(
    f"FAST: best pair (x{pj}, x{pk}) explains {gains[pj, pk]:.3f} of the residual "
    f"variance; next (x{runner_up[0]}, x{runner_up[1]}) {gains[runner_up]:.3f}"
)
# Boost the pair term on the residuals with the same 4-cell trees (mains frozen)
pair = np.zeros((16, 16))
for _ in range(300):
    step = 0.05 * quadrant_fit(res, A[:, pj], A[:, pk], 16)[1]
    pair += step
    res = res - step[A[:, pj], A[:, pk]]
pair_test = pair[A_test[:, pj], A_test[:, pk]]

# (a), (b), (d): linear regression, spline GAM (with and without the pair), boosting
spl = SplineTransformer(n_knots=8, degree=3).fit(X)


def spline_design(X, with_pair):
    Z = spl.transform(X)
    if not with_pair:
        return Z
    # Tensor-product basis for the pair: products of the two features' splines
    k = spl.n_features_out_ // P
    Zj, Zk = Z[:, k * pj : k * (pj + 1)], Z[:, k * pk : k * (pk + 1)]
    return np.hstack([Z, (Zj[:, :, None] * Zk[:, None, :]).reshape(len(Z), -1)])


alphas = np.logspace(-3, 3, 13)
gam = RidgeCV(alphas=alphas).fit(spline_design(X, False), y)
gam2 = RidgeCV(alphas=alphas).fit(spline_design(X, True), y)
lin = LinearRegression().fit(X, y)
hgb = HistGradientBoostingRegressor(random_state=0).fit(X, y)

grid = np.linspace(-0.95, 0.95, 39)


def centred(f, j, v):
    """A learned or true shape for feature j at v, centred on the training rows."""
    return f(j, v) - f(j, X[:, j]).mean()


def true_shape(j, v):
    return SHAPES[j](v) if j in SHAPES else 0 * v


def ebm_shape(j, v):
    return tables[j][np.searchsorted(EDGES[j], v)]


def model_shape(predict):
    """Vary one feature with the others at 0: exact for an additive model."""

    def f(j, v):
        Xv = np.zeros((len(v), P))
        Xv[:, j] = v
        return predict(Xv)

    return f


def rmse(f, j):
    d = centred(f, j, grid) - centred(true_shape, j, grid)
    return np.sqrt(np.mean(d**2))


models = {
    "linear regression": (lin.predict(X_test), model_shape(lin.predict)),
    "spline GAM": (
        gam.predict(spline_design(X_test, False)),
        model_shape(lambda Z: gam.predict(spline_design(Z, False))),
    ),
    "EBM, main effects": (main_test, ebm_shape),
    "spline GAM + x3:x4": (
        gam2.predict(spline_design(X_test, True)),
        model_shape(lambda Z: gam2.predict(spline_design(Z, True))),
    ),
    "EBM + FAST pair": (main_test + pair_test, ebm_shape),
    "HistGradientBoosting": (hgb.predict(X_test), None),
    "true function": (truth(X_test), None),
}
print("x0..x5 columns: RMSE of the learned shape against the true one, both centred")
print(
    f"{'model':<21}{'test R2':>8}{'x0 U':>8}{'x1 step':>8}{'x2 line':>8}{'x5 none':>8}"
)
for name, (pred, shape) in models.items():
    cols = "".join(f"{rmse(shape, j):8.3f}" for j in (0, 1, 2, 5)) if shape else ""
    print(f"{name:<21}{r2_score(y_test, pred):8.3f}{cols}")

points = np.array([-0.9, -0.6, -0.3, 0.0, 0.3, 0.6, 0.9])
gam_shape = models["spline GAM"][1]
print(f"{'x0':>6}{'true':>8}{'EBM':>8}{'spline':>8}")
for v, t, e, s in zip(
    points,
    centred(true_shape, 0, points),
    centred(ebm_shape, 0, points),
    centred(gam_shape, 0, points),
):
    print(f"{v:6.1f}{t:8.2f}{e:8.2f}{s:8.2f}")

# A glass box: a prediction is the intercept plus one looked-up score per term
x = X_test[0]
ebm_terms = [tables[j][B_test[0, j]] for j in range(P)] + [pair_test[0]]
true_terms = [centred(true_shape, j, x[[j]])[0] for j in range(P)] + [2 * x[3] * x[4]]
header = "".join(f"{name:>6}" for name in [f"x{j}" for j in range(P)] + ["x3:x4"])
print(f"{'test row 0':<12}{'base':>6}{header}{'sum':>7}")
for name, base, terms in [
    ("EBM", intercept, ebm_terms),
    ("truth", truth(X).mean(), true_terms),
]:
    cells = "".join(f"{round(t, 2) + 0.0:+6.2f}" for t in terms)
    print(f"{name:<12}{base:6.2f}{cells}{base + sum(terms):+7.2f}")
