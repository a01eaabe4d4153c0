import logging
import sys
import warnings
from itertools import product
from math import factorial

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import Ridge

# silence shap's deprecation warnings (raised on import) and its logging
warnings.filterwarnings("ignore")
import shap  # noqa: E402

logging.getLogger("shap").setLevel(logging.ERROR)
rng = np.random.default_rng(0)

# y = 2 x0 + 1.5 x2 x3 + x4 + noise; x1 is x0's correlated twin (0.9), x5-x7 are noise
M, RHO = 8, 0.9
cov = np.eye(M)
cov[0, 1] = cov[1, 0] = RHO
X = rng.standard_normal((3000, M)) @ np.linalg.cholesky(cov).T
y = 2 * X[:, 0] + 1.5 * X[:, 2] * X[:, 3] + X[:, 4] + 0.2 * rng.standard_normal(3000)
# x1 is held at 0 during training, so no tree can split on it: the model ignores x1
X_fit = X[:2000].copy()
X_fit[:, 1] = 0.0
gbm = GradientBoostingRegressor(n_estimators=300, learning_rate=0.2, random_state=0)
gbm.fit(X_fit, y[:2000])
f = gbm.predict
splits_x1 = sum(int((t.tree_.feature == 1).sum()) for t in gbm.estimators_.ravel())
print(f"model: test R^2 {gbm.score(X[2000:], y[2000:]):.3f}, splits on x1: {splits_x1}")

bg = X[2000:2100]
x = np.array([1.0, 1.2, 1.0, 1.0, -0.5, 0.5, -0.5, 0.3])
fx, Ef = f(x[None])[0], f(bg).mean()

# all 2^M coalitions S as boolean rows; the row index is S's bits read as a number
masks = np.array(list(product([False, True], repeat=M)))
size = masks.sum(1)
bit = 2 ** np.arange(M - 1, -1, -1)
weight = np.array(
    [factorial(s) * factorial(M - s - 1) / factorial(M) for s in range(M)]
)


def shapley(v):
    # phi_j = sum over S without j of |S|! (M - |S| - 1)! / M! * (v(S + j) - v(S))
    phi = np.zeros(M)
    for j in range(M):
        s = np.flatnonzero(~masks[:, j])
        phi[j] = (weight[size[s]] * (v[s + bit[j]] - v[s])).sum()
    return phi


def v_background(x, bg):
    # interventional: v(S) = mean over background rows z of f(x_S, z_rest)
    Z = np.where(masks[:, None, :], x, bg[None])
    return f(Z.reshape(-1, M)).reshape(len(masks), -1).mean(1)


v = v_background(x, bg)
phi = shapley(v)
# leave-one-out: v(all) - v(all but j), the limit of a very narrow LIME kernel
loo = v[-1] - v[-1 - bit]
tree = shap.TreeExplainer(gbm, data=bg, feature_perturbation="interventional")
kernel = shap.KernelExplainer(f, bg)
# (values, tolerance): TreeExplainer agrees to about 1e-8 and KernelExplainer's
# least-squares solve to about 1e-15; those last digits change with the CPU and the
# BLAS build, so print a bound and send the exact difference to stderr
checks = {
    "TreeExplainer": (tree.shap_values(x[None])[0], 1e-6),
    "KernelExplainer, all 254 coalitions": (
        kernel.shap_values(x, nsamples=2**M - 2, l1_reg=False, silent=True),
        1e-10,
    ),
}
print("\nexact Shapley values from all 256 coalitions, 100 background rows")
for name, (p, tol) in checks.items():
    diff = np.abs(p - phi).max()
    print(f"  max |difference| to shap's {name} below {tol:.0e}: {diff < tol}")
    print(f"  {name}: max |difference| {diff:.1e}", file=sys.stderr)
print(f"  sum of the values {phi.sum():.4f}, f(x) - E f {fx - Ef:.4f}")

print("\nKernelSHAP with fewer coalitions, max |error| over features, 20 seeds")
print("coalitions  mean error  worst seed")
for n in [20, 50, 100, 200]:
    errs = []
    for seed in range(20):
        # KernelExplainer samples coalitions with NumPy's global random state
        np.random.seed(seed)  # noqa: NPY002
        p = kernel.shap_values(x, nsamples=n, l1_reg=False, silent=True)
        errs.append(np.abs(p - phi).max())
    print(f"{n:10d}{np.mean(errs):12.3f}{np.max(errs):12.3f}")


def lime(x, widths, seed, n=5000):
    # LIME-style: keep each feature or replace it by a random background row's value,
    # weight by lime's exponential kernel on the distance to x, fit a ridge on the mask
    r = np.random.default_rng(seed)
    keep = r.random((n, M)) < 0.5
    keep[0] = True
    pred = f(np.where(keep, x, bg[r.integers(0, len(bg), n)]))
    d2 = (~keep).sum(1)
    coefs = []
    for w in widths:
        proximity = np.sqrt(np.exp(-d2 / w**2))
        coefs.append(Ridge(alpha=1.0).fit(keep, pred, sample_weight=proximity).coef_)
    return np.array(coefs)


widths = [0.5, 0.75 * np.sqrt(M), 10.0]
L = np.array([lime(x, widths, seed) for seed in range(10)])
print("\nLIME-style surrogate, 5000 samples, mean ± sd over 10 seeds")
print(
    "feature  SHAP     LOO"
    + "".join(f"{'LIME w=' + format(w, '.2f'):>16}" for w in widths)
)
for j in range(M):
    cells = "".join(
        f"{L[:, k, j].mean():9.2f} ± {L[:, k, j].std():.2f}" for k in range(3)
    )
    print(f"x{j}{phi[j]:11.2f}{loo[j]:8.2f}{cells}")
sums = "".join(f"{L[:, k].sum(1).mean():9.2f}{'':7}" for k in range(3))
print(f"sum{phi.sum():10.2f}{loo.sum():8.2f}{sums}".rstrip())
top = np.argsort(-np.abs(phi))[:4]
same = [
    sum(np.array_equal(np.argsort(-np.abs(c))[:4], top) for c in L[:, k])
    for k in range(3)
]
print("seeds with SHAP's top-4 order " + " ".join(f"x{j}" for j in top) + ": ", end="")
print(", ".join(f"{n}/10 at w={w:.2f}" for n, w in zip(same, widths)))


def v_gaussian(x, conditional, K=500):
    # v(S) = mean of f(x_S, z_rest) over K draws z of the Gaussian the data came from;
    # conditional: shift each draw to match x_S, z_R + C_RS C_SS^-1 (x_S - z_S)
    Z = np.random.default_rng(1).standard_normal((K, M)) @ np.linalg.cholesky(cov).T
    rows = np.repeat(Z[None], len(masks), 0)
    for i, S in enumerate(masks):
        R = ~S
        rows[i][:, S] = x[S]
        if conditional and S.any() and R.any():
            A = cov[np.ix_(R, S)] @ np.linalg.inv(cov[np.ix_(S, S)])
            rows[i][:, R] = Z[:, R] + (x[S] - Z[:, S]) @ A.T
    return f(rows.reshape(-1, M)).reshape(len(masks), K).mean(1)


# closed forms for the noise-free function; conditional: 2 x0 alone gives x1 RHO * x1
inter = 0.75 * x[2] * x[3]
truth = {
    "true function, interventional": [2 * x[0], 0, inter, inter, x[4]],
    "true function, conditional": [
        2 * x[0] - RHO * x[1],
        RHO * x[1],
        inter,
        inter,
        x[4],
    ],
}
print("\nShapley values with 500 draws from the Gaussian the data came from")
print(f"{'value function':<30}" + "".join(f"{f'x{j}':>7}" for j in range(5)))
for name, cond in [("interventional", False), ("conditional", True)]:
    p = shapley(v_gaussian(x, cond))
    print(f"{'model, ' + name:<30}" + "".join(f"{v:7.2f}" for v in p[:5]))
for name, p in truth.items():
    print(f"{name:<30}" + "".join(f"{v:7.2f}" for v in p))
