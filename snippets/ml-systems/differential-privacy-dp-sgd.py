import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln, logsumexp
from scipy.stats import norm
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)

# 1. Laplace mechanism on a count: one person changes a count by at most 1
print("Laplace count (sensitivity 1), 100,000 draws per epsilon")
print(f"{'epsilon':>7} {'mean |err|':>10} {'1/eps':>6}", end=" ")
print(f"{'95% |err|':>9} {'ln(20)/eps':>10}")
for eps in [0.1, 0.5, 1.0, 2.0]:
    err = np.abs(rng.laplace(0.0, 1.0 / eps, 100_000))
    print(
        f"{eps:>7} {err.mean():>10.2f} {1 / eps:>6.2f} "
        f"{np.quantile(err, 0.95):>9.2f} {np.log(20) / eps:>10.2f}"
    )

# 2. RDP accountant for the Poisson-subsampled Gaussian mechanism (DP-SGD's step)
ORDERS = np.arange(2, 257)
K = np.arange(257)
A = ORDERS[:, None]
LOG_BINOM = gammaln(A + 1) - gammaln(K + 1) - gammaln(np.maximum(A - K, 0) + 1)


def rdp(q, sigma):
    """RDP of one step at integer orders 2..256 (Mironov, Talwar, Zhang 2019):
    log sum_k C(a,k) (1-q)^(a-k) q^k exp((k^2-k) / (2 sigma^2)) / (a-1)."""
    if q == 1.0:
        return ORDERS / (2 * sigma**2)
    terms = LOG_BINOM + K * np.log(q) + (A - K) * np.log1p(-q)
    terms = np.where(K <= A, terms + (K * K - K) / (2 * sigma**2), -np.inf)
    return logsumexp(terms, axis=1) / (ORDERS - 1)


def epsilon(q, sigma, steps, delta):
    """RDP adds up over steps; the conversion to (eps, delta) is Theorem 21 of
    Balle et al. (2020), the one Opacus and TF Privacy use."""
    total = steps * rdp(q, sigma)
    eps = total + np.log1p(-1 / ORDERS) - np.log(delta * ORDERS) / (ORDERS - 1)
    return eps.min()


def noise_for(eps_target, q, steps, delta):
    """Smallest noise multiplier that meets the budget (bisection on sigma)."""
    return brentq(lambda s: epsilon(q, s, steps, delta) - eps_target, 0.05, 1e4)


# expected values from tensorflow_privacy's rdp_accountant_test.py
ref = [(0.1, 2, 10, 5, 0.07737), (0.01, 2.5, 50, 5, 0.00218075)]
ref += [(0.01, 2.5, 50, 50, 0.023846), (0.01, 2.5, 50, 100, 167.416307)]
ok = all(abs(s * rdp(q, z)[a - 2] - v) < 1e-5 for q, z, s, a, v in ref)
print("\naccountant reproduces TF Privacy's test values:", ok)
# one Gaussian release: the exact epsilon (Balle and Wang 2018, Theorem 8)
exact = brentq(
    lambda e: norm.cdf(0.5 - e) - np.exp(e) * norm.cdf(-0.5 - e) - 1e-5, 0.01, 50
)
print(
    f"one Gaussian release, sigma=1, delta=1e-5: RDP epsilon "
    f"{epsilon(1.0, 1.0, 1, 1e-5):.2f} >= exact {exact:.2f}"
)

# 3. Composition: k counts under one total budget (epsilon=1, delta=1e-5)
print("\nk counts, total (1, 1e-5): mean |error| of each count")
print(f"{'k':>5} {'Laplace, eps/k each':>20} {'Gaussian, RDP':>14}")
for k in [1, 10, 100, 1000]:
    sigma = noise_for(1.0, 1.0, k, 1e-5)
    print(f"{k:>5} {k / 1.0:>20.1f} {sigma * np.sqrt(2 / np.pi):>14.1f}")

# 4. DP-SGD by hand: logistic regression, Poisson-sampled batches, per-example
# clipping to norm C, Gaussian noise of std sigma*C on the sum
X, y = make_classification(8000, n_features=200, n_informative=40, random_state=0)
X = np.hstack([X, np.ones((len(X), 1))])
Xtr, ytr, Xte, yte = X[:3000], y[:3000], X[3000:], y[3000:]
N, D = Xtr.shape
BATCH, EPOCHS, CLIP, LR, DELTA = 64, 10, 1.0, 0.1, 1e-5
q, steps = BATCH / N, round(EPOCHS * N / BATCH)
# one column of W per run: clipping without noise, then five noise multipliers
SIGMAS = np.array([0.0, 0.5, 1.0, 2.0, 4.0, 8.0])
acc = np.zeros(len(SIGMAS))
for seed in range(3):
    rng = np.random.default_rng(seed)
    W = np.zeros((D, len(SIGMAS)))
    for _ in range(steps):
        idx = np.flatnonzero(rng.random(N) < q)
        Xb = Xtr[idx]
        # per-example gradients of the log-loss, (p - y) x: shape (batch, runs, D)
        G = (1 / (1 + np.exp(-Xb @ W)) - ytr[idx, None])[:, :, None] * Xb[:, None]
        G /= np.maximum(1.0, np.linalg.norm(G, axis=2, keepdims=True) / CLIP)
        noise = rng.normal(0.0, 1.0, (D, len(SIGMAS))) * SIGMAS * CLIP
        # divide by the expected batch size q*N, not by the sampled one
        W -= LR * (G.sum(0).T + noise) / (q * N)
    acc += ((Xte @ W > 0) == yte[:, None]).mean(0) / 3
sk = LogisticRegression(max_iter=1000).fit(Xtr, ytr).score(Xte, yte)
print(f"\nDP-SGD: N={N}, d={D}, batch {BATCH} (q={q:.4f}), {steps} steps, C={CLIP}")
print(f"scikit-learn LogisticRegression, no privacy: test accuracy {sk:.3f}")
print(f"{'noise multiplier':>16} {'epsilon (delta=1e-5)':>21}", end=" ")
print(f"{'test acc (3 seeds)':>19}")
for sigma, a in zip(SIGMAS, acc):
    eps = epsilon(q, sigma, steps, DELTA) if sigma > 0 else np.inf
    print(f"{sigma:>16} {eps:>21.2f} {a:>19.3f}")

# 5. Same epsilon, same epochs: how much noise lands on the averaged gradient
print("\nepsilon=1, 10 epochs: noise multiplier needed and noise on the mean gradient")
print(f"{'batch':>5} {'steps':>5} {'sigma':>6} {'noise std sigma*C/batch':>24}")
for b in [16, 64, 256, 1024]:
    t = round(EPOCHS * N / b)
    s = noise_for(1.0, b / N, t, DELTA)
    print(f"{b:>5} {t:>5} {s:>6.2f} {s * CLIP / b:>24.4f}")
