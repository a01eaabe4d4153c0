import numpy as np
from scipy import stats

# Bayesian linear regression y = X w + noise, noise sd 1, prior w ~ N(0, I): the
# posterior is exactly Gaussian and the evidence p(y) has a closed form, so every
# approximation can be checked. Correlated features give a correlated posterior.
rng = np.random.default_rng(0)
n, w_true = 50, np.array([1.0, -0.5])
LOG_2PI = np.log(2 * np.pi)


def make_data(feature_corr):
    X = rng.multivariate_normal([0, 0], [[1, feature_corr], [feature_corr, 1]], n)
    return X, X @ w_true + rng.standard_normal(n)


def exact_posterior(X, y):
    precision = X.T @ X + np.eye(2)
    return np.linalg.solve(precision, X.T @ y), precision


def log_evidence(X, y):
    return stats.multivariate_normal(np.zeros(n), np.eye(n) + X @ X.T).logpdf(y)


def log_joint(X, y, W):
    """log p(y, w) for each row of W: all that VI and MCMC need."""
    quad = y @ y - 2 * W @ (X.T @ y) + np.einsum("ij,jk,ik->i", W, X.T @ X, W)
    log_lik = -0.5 * quad - n / 2 * LOG_2PI
    return log_lik - 0.5 * (W**2).sum(axis=1) - LOG_2PI


def elbo(X, y, m, S):
    """ELBO = E_q[log p(y, w)] - E_q[log q(w)] for q = N(m, S), in closed form here
    (Gaussian expectations of a quadratic); in general a Monte Carlo average."""
    resid = y - X @ m
    e_log_lik = -0.5 * (resid @ resid + np.trace(X.T @ X @ S)) - n / 2 * LOG_2PI
    e_log_prior = -0.5 * (m @ m + np.trace(S)) - LOG_2PI
    entropy = 0.5 * np.linalg.slogdet(2 * np.pi * np.e * S)[1]
    return e_log_lik + e_log_prior + entropy


def cavi(mu, precision, tol=1e-10):
    """Mean-field CAVI for a Gaussian target: q_j = N(m_j, 1 / precision_jj)."""
    m = np.zeros(2)
    for sweep in range(1, 10_000):
        old = m.copy()
        for j, k in [(0, 1), (1, 0)]:
            m[j] = mu[j] - precision[j, k] / precision[j, j] * (m[k] - mu[k])
        if np.abs(m - old).max() < tol:
            return m, np.diag(1 / np.diag(precision)), sweep


def khat(log_w):
    """PSIS k-hat: generalised Pareto shape of the largest importance ratios,
    Zhang-Stephens estimate with PSIS's weak prior (Vehtari et al. 2024)."""
    tail = int(np.ceil(min(0.2 * len(log_w), 3 * np.sqrt(len(log_w)))))
    log_w = np.sort(log_w - log_w.max())
    x = np.exp(log_w[-tail:]) - np.exp(log_w[-tail - 1])
    grid = 30 + int(np.sqrt(tail))
    b = 1 - np.sqrt(grid / (np.arange(1, grid + 1) - 0.5))
    b = b / (3 * x[int(tail / 4 + 0.5) - 1]) + 1 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    log_lik = tail * (np.log(-b / k) - k - 1)
    post = np.exp(log_lik - log_lik.max())
    k = np.log1p(-(post @ b / post.sum()) * x).mean()
    return (tail * k + 10 * 0.5) / (tail + 10)


def importance_khat(X, y, m, S, draws=40_000):
    W = rng.multivariate_normal(m, S, draws)
    return khat(log_joint(X, y, W) - stats.multivariate_normal(m, S).logpdf(W))


print("mean-field CAVI; rho = exact posterior correlation of (w1, w2)")
print(
    f"{'feature corr':>12}{'rho':>8}{'var ratio':>10}{'1-rho^2':>8}"
    f"{'log p(y)-ELBO':>14}{'-log(1-rho^2)/2':>16}{'k-hat':>6}{'sweeps':>7}"
)
for feature_corr in [0.0, 0.5, 0.9, 0.99]:
    X, y = make_data(feature_corr)
    mu, precision = exact_posterior(X, y)
    Sigma = np.linalg.inv(precision)
    rho = Sigma[0, 1] / np.sqrt(Sigma[0, 0] * Sigma[1, 1])
    m, S, sweeps = cavi(mu, precision)
    # the gap is KL(q || posterior); for this q it is exactly -log(1 - rho^2) / 2
    gap = log_evidence(X, y) - elbo(X, y, m, S)
    print(
        f"{feature_corr:12.2f}{rho:+8.3f}{S[0, 0] / Sigma[0, 0]:10.3f}"
        f"{1 - rho**2:8.3f}{gap:14.3f}{-0.5 * np.log(1 - rho**2):16.3f}"
        f"{importance_khat(X, y, m, S):6.2f}{sweeps:7d}"
    )
    if feature_corr == 0.9:
        saved = X, y, mu, Sigma, m, S


# One case in detail: feature correlation 0.9
X, y, mu, Sigma, m_cavi, S_cavi = saved
XtX, Xty = X.T @ X, X.T @ y


def grad_log_joint(W):
    return Xty - W @ XtX - W


def stochastic_vi(full_rank, steps=4000, lr=0.02, samples=16):
    """Maximise the ELBO by Adam on reparameterised gradients: w = m + L eps."""
    params = [np.zeros(2), np.eye(2) if full_rank else np.zeros(2)]
    moment1 = [np.zeros_like(p) for p in params]
    moment2 = [np.zeros_like(p) for p in params]
    average = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        eps = rng.standard_normal((samples, 2))
        if full_rank:
            # w = m + L eps, L lower triangular; entropy log|det L| + const
            m, L = params
            g = grad_log_joint(m + eps @ L.T)
            grad_L = np.tril(g.T @ eps / samples) + np.diag(1 / np.diag(L))
            grads = [g.mean(0), grad_L]
        else:
            # w = m + s * eps, s = exp(log_s); entropy sum(log_s) + const
            m, log_s = params
            g = grad_log_joint(m + np.exp(log_s) * eps)
            grads = [g.mean(0), (g * eps).mean(0) * np.exp(log_s) + 1]
        for i, g in enumerate(grads):
            moment1[i] = 0.9 * moment1[i] + 0.1 * g
            moment2[i] = 0.999 * moment2[i] + 0.001 * g**2
            step = moment1[i] / (1 - 0.9**t)
            scale = np.sqrt(moment2[i] / (1 - 0.999**t)) + 1e-8
            params[i] = params[i] + lr * step / scale
            # average the second half of the iterates to damp the gradient noise
            if t > steps // 2:
                average[i] += params[i] / (steps - steps // 2)
    m, p = average
    return m, p @ p.T if full_rank else np.diag(np.exp(2 * p))


def metropolis(chains=4, draws=25_000, warm_up=1000, scale=0.25):
    """Random-walk Metropolis on the unnormalised log p(y, w), 4 chains at once."""
    w = rng.normal(0, 2, (chains, 2))
    lp, kept = log_joint(X, y, w), []
    for t in range(warm_up + draws):
        proposal = w + scale * rng.standard_normal((chains, 2))
        lp_new = log_joint(X, y, proposal)
        accept = np.log(rng.random(chains)) < lp_new - lp
        w[accept], lp[accept] = proposal[accept], lp_new[accept]
        if t >= warm_up:
            kept.append(w.copy())
    return np.concatenate(kept)


def row(name, m, S, approximation=True):
    line = f"{name:<30}{m[0]:7.3f}{m[1]:8.3f}{S[0, 0]:8.4f}{S[1, 1]:8.4f}"
    if approximation:
        line += f"{elbo(X, y, m, S):10.3f}{importance_khat(X, y, m, S):7.2f}"
    print(line)


print(f"\nfeature corr 0.9: log p(y) = {log_evidence(X, y):.3f}")
cols = ["mean w1", "mean w2", "var w1", "var w2", "ELBO", "k-hat"]
print(f"{'':<30}" + "".join(f"{c:>{w}}" for c, w in zip(cols, [7, 8, 8, 8, 10, 7])))
row("exact posterior", mu, Sigma, approximation=False)
chain = metropolis()
row("Metropolis, 4 x 25,000 draws", chain.mean(0), np.cov(chain.T), False)
row("CAVI, mean-field", m_cavi, S_cavi)
row("stochastic VI, mean-field", *stochastic_vi(False))
row("stochastic VI, full-rank", *stochastic_vi(True))
