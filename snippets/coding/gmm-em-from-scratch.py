# --8<-- [start:signature]
import numpy as np


def init_gmm(
    X: np.ndarray, k: int, seed: int, init: str = "kmeans++"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starting parameters for k full-covariance components on X (n, d), drawn with
    np.random.default_rng(seed): means are k rows of X, chosen by k-means++ seeding
    (init="kmeans++") or uniformly without replacement (init="random"); weights are
    1/k; every covariance is the covariance of X (divided by n). Returns (weights (k,),
    means (k, d), covs (k, d, d))."""
    raise NotImplementedError


def e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, covs: np.ndarray
) -> tuple[np.ndarray, float]:
    """Responsibilities resp (n, k), resp[i, j] = P(component j | x_i), and the
    log-likelihood sum_i log sum_j weights[j] N(x_i | means[j], covs[j]). Works in
    log space (no density is exponentiated before the log-sum-exp) and through a
    Cholesky factor of each covariance (no explicit inverse or determinant); raises
    np.linalg.LinAlgError if a covariance is not positive definite."""
    raise NotImplementedError


def m_step(
    X: np.ndarray, resp: np.ndarray, reg: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and full covariances that maximise the expected complete-data
    log-likelihood under resp, with reg added to the diagonal of every covariance.
    Returns (weights (k,), means (k, d), covs (k, d, d))."""
    raise NotImplementedError


def fit_gmm(
    X: np.ndarray,
    k: int,
    seed: int = 0,
    max_iter: int = 500,
    tol: float = 1e-6,
    reg: float = 1e-6,
    init: str = "kmeans++",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EM from init_gmm(X, k, seed, init): one iteration is an M-step (m_step with reg)
    on the current responsibilities followed by an E-step. Stops after the first
    iteration that raises the log-likelihood by less than tol per row (tol * n in
    total), or after max_iter iterations. Returns (weights, means, covs, trace), where
    trace[t] is the log-likelihood after t iterations (trace[0]: the initial
    parameters), so len(trace) - 1 iterations ran."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np
from scipy.special import logsumexp


def init_gmm(
    X: np.ndarray, k: int, seed: int, init: str = "kmeans++"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, d = X.shape
    if init == "random":
        rows = list(rng.choice(n, size=k, replace=False))
    elif init == "kmeans++":
        rows = [rng.integers(n)]
        d2 = np.sum((X - X[rows[0]]) ** 2, axis=1)
        for _ in range(1, k):
            rows.append(rng.choice(n, p=d2 / d2.sum()))
            d2 = np.minimum(d2, np.sum((X - X[rows[-1]]) ** 2, axis=1))
    else:
        raise ValueError(f"unknown init {init!r}")
    cov = np.cov(X, rowvar=False, bias=True).reshape(d, d)
    return np.full(k, 1 / k), X[rows].astype(float), np.repeat(cov[None], k, axis=0)


def e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, covs: np.ndarray
) -> tuple[np.ndarray, float]:
    n, d = X.shape
    log_p = np.empty((n, len(weights)))  # log(weight_j * density_j(x_i))
    for j in range(len(weights)):
        # covs[j] = L L^T; raises LinAlgError unless positive definite
        L = np.linalg.cholesky(covs[j])
        # z = L^-1 (x - mu): its squared norm is the Mahalanobis distance
        z = np.linalg.solve(L, (X - means[j]).T)
        log_det = 2 * np.sum(np.log(np.diag(L)))
        log_p[:, j] = np.log(weights[j]) - 0.5 * (
            d * np.log(2 * np.pi) + log_det + np.sum(z**2, axis=0)
        )
    log_px = logsumexp(log_p, axis=1)  # log p(x_i), never exp of a tiny density
    return np.exp(log_p - log_px[:, None]), float(log_px.sum())


def m_step(
    X: np.ndarray, resp: np.ndarray, reg: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = X.shape[1]
    nk = resp.sum(axis=0)  # effective number of rows per component
    means = resp.T @ X / nk[:, None]
    covs = np.empty((len(nk), d, d))
    for j in range(len(nk)):
        diff = X - means[j]
        covs[j] = (resp[:, j] * diff.T) @ diff / nk[j] + reg * np.eye(d)
    return nk / nk.sum(), means, covs


def fit_gmm(
    X: np.ndarray,
    k: int,
    seed: int = 0,
    max_iter: int = 500,
    tol: float = 1e-6,
    reg: float = 1e-6,
    init: str = "kmeans++",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    weights, means, covs = init_gmm(X, k, seed, init)
    resp, ll = e_step(X, weights, means, covs)
    trace = [ll]
    for _ in range(max_iter):
        weights, means, covs = m_step(X, resp, reg)
        resp, ll = e_step(X, weights, means, covs)
        trace.append(ll)
        if trace[-1] - trace[-2] < tol * len(X):
            break
    return weights, means, covs, np.array(trace)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture


def gmm_sample(n, seed):
    """n rows from a known 2-D mixture of three components: (X, truth parameters)."""
    weights = np.array([0.5, 0.3, 0.2])
    means = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 3.5]])
    covs = np.array(
        [[[1.0, 0.5], [0.5, 1.0]], [[0.6, 0.0], [0.0, 1.5]], [[1.0, -0.3], [-0.3, 0.5]]]
    )
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=weights)
    noise = np.einsum("jab,nb->nja", np.linalg.cholesky(covs), rng.normal(size=(n, 2)))
    return means[z] + noise[np.arange(n), z], (weights, means, covs)


def test_gmm_worked_example():
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    weights, means, covs = (
        np.array([0.5, 0.5]),
        np.array([[1.0], [3.0]]),
        np.ones((2, 1, 1)),
    )
    resp, ll = e_step(X, weights, means, covs)
    # equal weights and variances: P(component 0 | x) = sigmoid(4 - 2x)
    r0 = 1 / (1 + np.exp(2 * X[:, 0] - 4))
    np.testing.assert_allclose(resp, np.column_stack([r0, 1 - r0]), atol=1e-12)
    density = 0.5 * (np.exp(-((X - 1) ** 2) / 2) + np.exp(-((X - 3) ** 2) / 2))
    assert ll == pytest.approx(np.sum(np.log(density / np.sqrt(2 * np.pi))), abs=1e-12)
    w, mu, var = m_step(X, resp, reg=0.0)
    np.testing.assert_allclose(w, [0.5, 0.5], atol=1e-12)
    mu0 = r0 @ X[:, 0] / r0.sum()
    np.testing.assert_allclose(mu[:, 0], [mu0, 4 - mu0], atol=1e-12)
    var0 = r0 @ (X[:, 0] - mu0) ** 2 / r0.sum()
    np.testing.assert_allclose(var[:, 0, 0], [var0, var0], atol=1e-12)


def test_e_step_matches_direct_densities_and_survives_underflow():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    weights = np.array([0.2, 0.5, 0.3])
    means = rng.normal(size=(3, 3))
    A = rng.normal(size=(3, 3, 3))
    covs = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(3)
    dens = np.column_stack(
        [w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(weights, means, covs)]
    )
    resp, ll = e_step(X, weights, means, covs)
    np.testing.assert_allclose(resp, dens / dens.sum(axis=1, keepdims=True), rtol=1e-9)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)
    assert ll == pytest.approx(np.log(dens.sum(axis=1)).sum(), rel=1e-10)
    # 50 standard deviations out both densities are below 1e-500: 0.0 in float64
    far = np.array([[50.0]])
    resp, ll = e_step(
        far, np.array([0.5, 0.5]), np.array([[0.0], [1.0]]), np.ones((2, 1, 1))
    )
    assert np.all(np.isfinite(resp)) and resp.sum() == pytest.approx(1.0, abs=1e-12)
    assert resp[0, 1] == pytest.approx(1.0, abs=1e-12)
    exact = np.log(0.5) - 0.5 * np.log(2 * np.pi) + np.logaddexp(-1250.0, -1200.5)
    assert ll == pytest.approx(exact, rel=1e-12)


def test_fit_gmm_log_likelihood_never_decreases():
    X, _ = gmm_sample(600, seed=1)
    for init in ("kmeans++", "random"):
        for seed in range(3):
            # reg=0 is exact EM, for which the monotonicity theorem holds
            *_, trace = fit_gmm(X, 3, seed=seed, tol=1e-8, reg=0.0, init=init)
            assert len(trace) >= 3 and np.all(np.isfinite(trace))
            assert np.all(np.diff(trace) >= -1e-10 * np.abs(trace[1:]))


def test_fit_gmm_recovers_a_known_mixture():
    X, (weights, means, covs) = gmm_sample(1500, seed=2)
    # best of five k-means++ starts, as GaussianMixture(n_init=5) would keep
    fits = [fit_gmm(X, 3, seed=seed) for seed in range(5)]
    w, mu, cov, _ = max(fits, key=lambda fit: fit[3][-1])
    # match fitted components to true ones: the Hungarian algorithm on distances
    cost = np.linalg.norm(mu[:, None] - means[None], axis=2)
    rows, cols = linear_sum_assignment(cost)
    # tolerances: about three standard errors of each estimate at n = 1500
    assert np.max(cost[rows, cols]) < 0.2
    np.testing.assert_allclose(w[rows], weights[cols], atol=0.04)
    np.testing.assert_allclose(cov[rows], covs[cols], atol=0.3)


def test_fit_gmm_matches_sklearn_from_the_same_start():
    X, _ = gmm_sample(600, seed=3)
    w0, mu0, cov0 = init_gmm(X, 3, seed=0)
    *_, trace = fit_gmm(X, 3, seed=0, max_iter=1000, tol=1e-10, reg=1e-4)
    ref = GaussianMixture(
        3,
        weights_init=w0,
        means_init=mu0,
        precisions_init=np.linalg.inv(cov0),
        reg_covar=1e-4,
        tol=1e-10,
        max_iter=1000,
    ).fit(X)
    # lower_bounds_ (scikit-learn >= 1.7): the mean log-likelihood before each M-step
    shared = min(len(trace), len(ref.lower_bounds_))
    np.testing.assert_allclose(
        trace[:shared] / len(X), ref.lower_bounds_[:shared], atol=1e-9
    )
    assert trace[-1] / len(X) == pytest.approx(ref.score(X), abs=1e-8)


def test_m_step_regularisation_prevents_collapse():
    X, _ = gmm_sample(60, seed=4)
    X = np.vstack([X, X[:1]])  # row 0, duplicated
    # component 0 owns only the two copies; component 1 owns everything else
    resp = np.zeros((len(X), 2))
    resp[[0, -1], 0] = 1.0
    resp[1:-1, 1] = 1.0
    w, mu, covs = m_step(X, resp, reg=0.0)
    np.testing.assert_allclose(mu[0], X[0], atol=1e-12)
    # zero spread (up to rounding): a singular covariance, an infinite density
    assert np.max(np.abs(covs[0])) < 1e-20
    covs[0] = 0.0
    with pytest.raises(np.linalg.LinAlgError):
        e_step(X, w, mu, covs)
    lls = []
    for reg in (1e-2, 1e-4, 1e-6):
        w, mu, covs = m_step(X, resp, reg=reg)
        assert np.min(np.linalg.eigvalsh(covs)) >= reg * (1 - 1e-9)
        resp_reg, ll = e_step(X, w, mu, covs)
        assert np.isfinite(ll) and np.allclose(resp_reg.sum(axis=1), 1.0)
        lls.append(ll)
    # finite for every reg > 0, but unbounded as reg -> 0: that is the collapse
    assert lls[0] < lls[1] < lls[2]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_gmm_worked_example,
    test_e_step_matches_direct_densities_and_survives_underflow,
    test_fit_gmm_log_likelihood_never_decreases,
    test_fit_gmm_recovers_a_known_mixture,
    test_fit_gmm_matches_sklearn_from_the_same_start,
    test_m_step_regularisation_prevents_collapse,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[0.0], [1.0], [3.0], [4.0]])
one_d = (np.array([0.5, 0.5]), np.array([[1.0], [3.0]]), np.ones((2, 1, 1)))
resp, ll = e_step(X, *one_d)
w, mu, var = m_step(X, resp, reg=0.0)
print("worked example: P(component 0 | x) =", resp[:, 0].round(3).tolist())
print(
    f"  M-step: weights {w.round(3).tolist()}, means {mu[:, 0].round(3).tolist()}, "
    f"variances {var[:, 0, 0].round(3).tolist()}"
)
print(f"  log-likelihood {ll:.3f}, after one iteration {e_step(X, w, mu, var)[1]:.3f}")

# the textbook E-step at x = 50, 50 standard deviations out: both densities underflow
x = np.array([[50.0]])
dens = 0.5 * np.exp(-0.5 * (x - one_d[1].T) ** 2) / np.sqrt(2 * np.pi)
with np.errstate(invalid="ignore"):
    naive = dens / dens.sum()
print(
    f"x = 50: densities {dens[0].tolist()}, responsibilities {naive[0].tolist()}; "
    f"in log space {e_step(x, *one_d)[0][0].round(3).tolist()}"
)

X, (weights, means, covs) = gmm_sample(900, seed=0)
w, mu, cov, trace = fit_gmm(X, 3, seed=0)
steps = [0, 1, 2, 5, 10, 20, len(trace) - 1]
print("900 rows from the 3-component mixture, k-means++ start (seed 0)")
print("  iteration        " + "".join(f"{t:>8}" for t in steps))
print("  log-lik. per row " + "".join(f"{trace[t] / len(X):8.4f}" for t in steps))
print(f"  never decreased: {bool(np.all(np.diff(trace) >= 0))}")
cost = np.linalg.norm(mu[:, None] - means[None], axis=2)
rows, cols = linear_sum_assignment(cost)
print(f"  largest distance, fitted mean to true mean: {cost[rows, cols].max():.3f}")

# iterations to converge (tol 1e-6 per row) from 20 starts of each kind
runs = {
    init: [fit_gmm(X, 3, seed=s, init=init)[3] for s in range(20)]
    for init in ("kmeans++", "random")
}
best = max(t[-1] for ts in runs.values() for t in ts) / len(X)
print(f"best mean log-likelihood over 40 starts: {best:.4f}")
for init, traces in runs.items():
    iters = [len(t) - 1 for t in traces]
    worse = [t[-1] / len(X) for t in traces if t[-1] / len(X) < best - 1e-3]
    print(
        f"  {init:>8}: iterations median {np.median(iters):.0f}, max {max(iters)}; "
        f"ended at a worse optimum {len(worse)} of 20"
        + (f" ({', '.join(f'{v:.4f}' for v in worse)})" if worse else "")
    )

# scikit-learn from the same start, same reg_covar and tol
w0, mu0, cov0 = init_gmm(X, 3, seed=0)
ref = GaussianMixture(
    3, weights_init=w0, means_init=mu0, precisions_init=np.linalg.inv(cov0), tol=1e-6
).fit(X)
shared = min(len(trace), len(ref.lower_bounds_))
gap = np.max(np.abs(trace[:shared] / len(X) - ref.lower_bounds_[:shared]))
print(
    f"scikit-learn: n_iter_ {ref.n_iter_} (ours {len(trace) - 1}); "
    f"same trace to 1e-12: {gap < 1e-12}"
)
print(
    f"  final mean log-likelihood {ref.score(X):.6f} vs ours {trace[-1] / len(X):.6f}; "
    f"means differ by at most {np.abs(ref.means_ - mu).max():.1e}"
)

# collapse: a component that owns only a duplicated row
X2 = np.vstack([X[:60], X[:1]])
resp = np.zeros((len(X2), 2))
resp[[0, -1], 0] = 1.0
resp[1:-1, 1] = 1.0
print("component 0 on a duplicated row: log-likelihood by reg")
for reg in (1e-2, 1e-4, 1e-6, 1e-8, 0.0):
    try:
        ll = f"{e_step(X2, *m_step(X2, resp, reg))[1]:.1f}"
    except np.linalg.LinAlgError:
        ll = "LinAlgError (covariance not positive definite)"
    print(f"  reg {reg:.0e}: {ll}")
# --8<-- [end:check]
