# --8<-- [start:discrete]
import numpy as np
from scipy import optimize, special, stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import mutual_info_score


def H(p, base=2):
    """Entropy: the expected surprise -log p(x) under p (0 log 0 = 0)."""
    p = p[p > 0]
    return -np.sum(p * np.log(p)) / np.log(base)


def cross_entropy(p, q, base=2):
    """Expected surprise when outcomes come from p but are scored with q."""
    with np.errstate(divide="ignore"):
        return -np.sum(p * np.log(q)) / np.log(base)


def kl(p, q, base=2):
    return cross_entropy(p, q, base) - H(p, base)


p = np.array([0.5, 0.25, 0.125, 0.125])
uniform = np.full(4, 0.25)
q = np.array([0.1, 0.4, 0.4, 0.1])
print(f"H(p) = {H(p):.3f} bits = {H(p, np.e):.3f} nats (scipy {stats.entropy(p):.3f})")
print(
    f"q uniform: H(p, q) = {cross_entropy(p, uniform):.3f} bits "
    f"= H(p) {H(p):.3f} + KL(p||q) {kl(p, uniform):.3f}"
)
print(f"q = {q}: KL(p||q) = {kl(p, q):.3f} bits, KL(q||p) = {kl(q, p):.3f} bits")
# scipy.stats.entropy(p, q) returns KL(p||q), not the cross-entropy
same = np.isclose(kl(p, q), stats.entropy(p, q, base=2))
print(f"matches scipy.stats.entropy(p, q): {same}")
r = np.array([0.5, 0.5, 0.0, 0.0])
print(f"r = {r}: KL(p||r) = {kl(p, r):.3f}, KL(r||p) = {kl(r, p):.3f} bits")
m = (p + r) / 2
js = (kl(p, m) + kl(r, m)) / 2
print(
    f"JS(p, r) = {js:.3f} bits (at most 1); "
    f"scipy's jensenshannon is its square root: {jensenshannon(p, r, base=2):.3f}"
)

# Mutual information of a joint table: KL(joint || product of the marginals)
joint = np.array([[0.30, 0.05], [0.10, 0.55]])
px, py = joint.sum(1), joint.sum(0)
mi = kl(joint.ravel(), np.outer(px, py).ravel(), base=np.e)
mi_h = H(px, np.e) + H(py, np.e) - H(joint.ravel(), np.e)
sk = mutual_info_score(None, None, contingency=joint * 1000)
print(f"I(X;Y) = {mi:.4f} nats = H(X) + H(Y) - H(X,Y) {mi_h:.4f}; sklearn {sk:.4f}")

# Label smoothing: cross-entropy to the target (1 - eps) one-hot + eps / K
K, eps = 10, 0.1
target = np.full(K, eps / K)
target[0] += 1 - eps


def smoothed_ce(logits):
    return -np.sum(target * special.log_softmax(logits))


best = optimize.minimize(smoothed_ce, np.zeros(K), method="BFGS").x
print(
    f"label smoothing eps={eps}, K={K}: best q(true class) "
    f"{special.softmax(best)[0]:.3f}, logit gap {best[0] - best[1:].mean():.2f}"
)
print(
    f"  loss floor {smoothed_ce(best):.3f} nats = H(target) {H(target, np.e):.3f}; "
    "one-hot target: floor 0, gap unbounded"
)
# --8<-- [end:discrete]

# --8<-- [start:gaussian]
import numpy as np
from scipy import optimize, stats
from scipy.special import logsumexp

# Target p: the mixture 0.6 N(-3, 1) + 0.4 N(3, 1), integrated on a fine grid
x = np.linspace(-15, 15, 6001)
dx = x[1] - x[0]
log_p = logsumexp(
    [
        np.log(0.6) + stats.norm.logpdf(x, -3, 1),
        np.log(0.4) + stats.norm.logpdf(x, 3, 1),
    ],
    axis=0,
)
p = np.exp(log_p)


def forward_kl(theta):
    # KL(p || q), an average under p: q pays wherever p has mass and q does not
    log_q = stats.norm.logpdf(x, theta[0], np.exp(theta[1]))
    return np.sum(p * (log_p - log_q)) * dx


def reverse_kl(theta):
    # KL(q || p), an average under q: q pays wherever it has mass and p does not
    log_q = stats.norm.logpdf(x, theta[0], np.exp(theta[1]))
    return np.sum(np.exp(log_q) * (log_q - log_p)) * dx


def fit(objective, start):
    res = optimize.minimize(
        objective, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-10}
    )
    return res.x[0], np.exp(res.x[1]), res.fun


def row(name, mu, sd, value, gap, right):
    print(f"{name:<27}{mu:7.2f}{sd:6.2f}{value:>8}{gap:10.3f}{right:9.3f}")


def q_row(name, mu, sd, value):
    gap = stats.norm.cdf(1, mu, sd) - stats.norm.cdf(-1, mu, sd)
    row(name, mu, sd, f"{value:.3f}", gap, stats.norm.sf(0, mu, sd))


print(f"{'distribution':<27}{'mean':>7}{'sd':>6}{'KL':>8}{'P(|x|<1)':>10}{'P(x>0)':>9}")
mean = np.sum(p * x) * dx
sd = np.sqrt(np.sum(p * (x - mean) ** 2) * dx)
row("target p", mean, sd, "", np.sum(p[np.abs(x) < 1]) * dx, np.sum(p[x > 0]) * dx)
mu_f, sd_f, kl_f = fit(forward_kl, [0.0, 0.0])
q_row("q by forward KL", mu_f, sd_f, kl_f)
for start in [-1.0, 1.0]:
    q_row(f"q by reverse KL, start {start:+.0f}", *fit(reverse_kl, [start, 0.0]))
# A q that sits on one well-separated mode of weight w pays about -ln(w)
print(f"-ln 0.6 = {-np.log(0.6):.3f}, -ln 0.4 = {-np.log(0.4):.3f}")
matched = np.allclose([mu_f, sd_f], [mean, sd], atol=1e-3)
print(f"forward-KL fit = p's mean and sd (moment matching): {matched}")
# Maximum likelihood on samples from p estimates the same forward-KL fit
rng = np.random.default_rng(0)
left = rng.random(100_000) < 0.6
draws = np.where(left, rng.normal(-3, 1, left.size), rng.normal(3, 1, left.size))
print(f"Gaussian MLE on 100,000 draws: mean {draws.mean():.2f}, sd {draws.std():.2f}")
# --8<-- [end:gaussian]
