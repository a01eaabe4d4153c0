import numpy as np

rng = np.random.default_rng(0)

# 1. The SVD and the eigendecomposition of A^T A describe the same thing.
A = rng.normal(size=(60, 8))
U, s, Vt = np.linalg.svd(A, full_matrices=False)
evals, evecs = np.linalg.eigh(A.T @ A)
evals, evecs = evals[::-1], evecs[:, ::-1]
print("singular values = sqrt(eigenvalues of A^T A):", np.allclose(s, np.sqrt(evals)))
same_dirs = np.allclose(np.abs(np.sum(Vt.T * evecs, axis=0)), 1.0)
print("right singular vectors = eigenvectors of A^T A (up to sign):", same_dirs)
# A symmetric matrix, given to the general (non-symmetric) eigen-solver.
C = np.cov(A, rowvar=False)
lam, Q = np.linalg.eig(C)
print(
    "covariance: eigenvalues real:",
    bool(np.abs(np.imag(lam)).max() < 1e-12),
    "| eigenvectors orthonormal:",
    np.allclose(Q.T @ Q, np.eye(8)),
)
R = np.array([[0.0, -1.0], [1.0, 0.0]])
print("90-degree rotation: eigenvalues", np.linalg.eigvals(R), end=" ")
print("singular values", np.linalg.svd(R, compute_uv=False))
# The spectral norm is the largest stretch |Wx| / |x|: the Lipschitz constant of Wx.
W = rng.normal(size=(32, 64)) / 8
X = rng.normal(size=(64, 20_000))
ratios = np.linalg.norm(W @ X, axis=0) / np.linalg.norm(X, axis=0)
smax = np.linalg.norm(W, 2)
v1 = np.linalg.svd(W)[2][0]
print(f"linear layer: spectral norm {smax:.3f}")
print(f"  largest |Wx|/|x| over 20,000 random x: {ratios.max():.3f}")
print(f"  |Wx|/|x| at the top right singular vector: {np.linalg.norm(W @ v1):.3f}")

# 2. Eckart-Young: the truncated SVD is the best rank-k approximation.
n, d, r = 200, 100, 5
L = rng.normal(size=(n, r)) @ rng.normal(size=(r, d))
M = L + 0.5 * rng.normal(size=(n, d))
U, s, Vt = np.linalg.svd(M, full_matrices=False)
print("\nnoisy rank-5 matrix, top 7 singular values:", np.round(s[:7], 1))
print("  k  |M-M_k|_F  sqrt(sum s_i^2, i>k)  |M-M_k|_2  s_(k+1)  random rank-k |.|_F")
for k in [1, 3, 5, 10]:
    Mk = (U[:, :k] * s[:k]) @ Vt[:k]
    fro = np.linalg.norm(M - Mk)
    bound = np.sqrt(np.sum(s[k:] ** 2))
    spec = np.linalg.norm(M - Mk, 2)
    # Another rank-k approximation: project the rows on k random orthonormal directions.
    P = np.linalg.qr(rng.normal(size=(d, k)))[0]
    rand = np.linalg.norm(M - M @ P @ P.T)
    print(f"{k:3d} {fro:10.2f} {bound:21.2f} {spec:10.2f} {s[k]:8.2f} {rand:19.2f}")
M5 = (U[:, :5] * s[:5]) @ Vt[:5]
print(
    f"distance to the clean matrix: noisy {np.linalg.norm(M - L):.1f}, "
    f"rank-5 truncation {np.linalg.norm(M5 - L):.1f}"
)

# 3. Power iteration converges at the rate |lambda_2 / lambda_1|.
print("\n|lambda2/lambda1|  steps to angle < 1e-8  measured rate per step")
Qm = np.linalg.qr(rng.normal(size=(50, 50)))[0]
for ratio in [0.5, 0.9, 0.99]:
    lams = np.concatenate([[1.0, ratio], rng.uniform(0, 0.8 * ratio, size=48)])
    S = (Qm * lams) @ Qm.T
    x = rng.normal(size=50)
    errs = [1.0]
    while errs[-1] > 1e-8:
        x = S @ x
        x /= np.linalg.norm(x)
        # sine of the angle between x and the top eigenvector
        errs.append(np.linalg.norm(x - (x @ Qm[:, 0]) * Qm[:, 0]))
    step = len(errs) - 1
    rate = (errs[-1] / errs[-21]) ** (1 / 20)
    print(f"{ratio:17.2f} {step:21d} {rate:23.3f}")

# 4. Least squares on nearly collinear features: the condition number amplifies noise.
n = 200
x1 = rng.normal(size=n)
Xd = np.column_stack([x1, x1 + 1e-3 * rng.normal(size=n), rng.normal(size=(n, 2))])
beta = np.array([1.0, 1.0, -1.0, 0.5])
y = Xd @ beta + 0.1 * rng.normal(size=n)
U, s, Vt = np.linalg.svd(Xd, full_matrices=False)
kappa = s[0] / s[-1]
print("\ndesign singular values:", ", ".join(f"{v:.4f}" for v in s))
print(f"condition number s_max/s_min: {kappa:.1f}")


def ols(y):
    return np.linalg.lstsq(Xd, y, rcond=None)[0]


def ridge(y, lam=1.0):
    return np.linalg.solve(Xd.T @ Xd + lam * np.eye(4), Xd.T @ y)


def amplification(fit, y, dy):
    # relative change of the solution / relative change of y (its fitted part)
    b0, b1 = fit(y), fit(y + dy)
    yhat = U @ (U.T @ y)
    rel_b = np.linalg.norm(b1 - b0) / np.linalg.norm(b0)
    return rel_b / (np.linalg.norm(dy) / np.linalg.norm(yhat))


dy_rand = 1e-6 * rng.normal(size=n)
dy_worst = np.linalg.norm(dy_rand) * U[:, -1]
y_top = Xd @ Vt[0]
cases = [
    ("data y, random dy", y, dy_rand),
    ("data y, dy along u_min", y, dy_worst),
    ("y = X v_1, dy along u_min", y_top, dy_worst),
]
print(f"perturbation |dy| / |y| = {np.linalg.norm(dy_rand) / np.linalg.norm(y):.1e}")
print("case                        OLS amplification  ridge (lambda=1)")
for name, yy, dy in cases:
    a_ols, a_ridge = amplification(ols, yy, dy), amplification(ridge, yy, dy)
    print(f"{name:27s} {a_ols:17.1f} {a_ridge:17.2f}")
print("true coefficients: ", beta)
print("OLS coefficients:  ", np.round(ols(y), 2))
print("ridge coefficients:", np.round(ridge(y), 2))
factors = s**2 / (s**2 + 1.0)
print(
    "ridge keeps s^2/(s^2+lambda) of each direction:",
    ", ".join(f"{f:.4f}" for f in factors),
)
