import numpy as np
from scipy.stats import norm
from sklearn.mixture import GaussianMixture

rng = np.random.default_rng(0)
# ground truth: weights 0.3 / 0.7, means -2 / 3, standard deviations 1.0 / 1.5
z = rng.random(1000) < 0.3
x = np.where(z, rng.normal(-2, 1.0, 1000), rng.normal(3, 1.5, 1000))


def em(x, w, mu, var, n_iter=500, tol=1e-10):
    """EM for a 1-D Gaussian mixture; returns parameters and the log-likelihood path."""
    path = []
    for _ in range(n_iter):
        # E-step: responsibilities r[i, j] = P(component j | x_i)
        dens = w * norm.pdf(x[:, None], mu, np.sqrt(var))  # (n, k)
        path.append(np.log(dens.sum(1)).mean())
        r = dens / dens.sum(1, keepdims=True)
        # M-step: weighted maximum-likelihood estimates
        nk = r.sum(0)
        w, mu = nk / len(x), (r * x[:, None]).sum(0) / nk
        var = (r * (x[:, None] - mu) ** 2).sum(0) / nk
        if len(path) > 1 and path[-1] - path[-2] < tol:
            break
    return w, mu, var, np.array(path)


w0, mu0, var0 = np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.array([1.0, 1.0])
w, mu, var, path = em(x, w0, mu0, var0)
gm = GaussianMixture(
    2,
    weights_init=w0,
    means_init=mu0[:, None],
    precisions_init=(1 / var0)[:, None, None],
    reg_covar=0.0,
    tol=1e-10,
    max_iter=500,
).fit(x[:, None])

sk = (gm.weights_, gm.means_.ravel(), gm.covariances_.ravel())
for name, (a, b, c) in [("from scratch", (w, mu, var)), ("scikit-learn", sk)]:
    print(
        f"{name}: weights {a.round(3)}, means {b.round(3)}, sds {np.sqrt(c).round(3)}"
    )
same = all(np.allclose(a, b, atol=1e-5) for a, b in zip((w, mu, var), sk))
print("same parameters:", same)
print("mean log-likelihood never decreases:", bool(np.all(np.diff(path) >= -1e-12)))
print(f"  initial guess {path[0]:.4f}; after {len(path) - 1} EM steps {path[-1]:.4f}")
print(f"  scikit-learn: {gm.score(x[:, None]):.4f}")
print(f"share of points drawn from the left component: {z.mean():.3f}")

# soft assignments: points between the two components are genuinely uncertain
left = np.argmin(gm.means_.ravel())
for xi in [-3.0, -1.0, 0.0, 1.0, 4.0]:
    print(
        f"x = {xi:>4}: P(left component | x) = {gm.predict_proba([[xi]])[0, left]:.3f}"
    )
