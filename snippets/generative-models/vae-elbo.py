# --8<-- [start:identity]
import numpy as np

# A linear-Gaussian latent-variable model, where everything has a closed form:
# z ~ N(0, I_2),  x | z ~ N(W z + b, s^2 I_3).
rng = np.random.default_rng(0)
W, b, s2 = rng.standard_normal((3, 2)), rng.standard_normal(3), 0.5
x = np.array([1.0, -0.5, 2.0])


def log_normal(x, mean, cov):
    d = x - mean
    _, logdet = np.linalg.slogdet(cov)
    return -0.5 * (d @ np.linalg.solve(cov, d) + logdet + len(x) * np.log(2 * np.pi))


def kl_gauss(m1, c1, m2, c2):
    """KL(N(m1, c1) || N(m2, c2))."""
    inv = np.linalg.inv(c2)
    d = m2 - m1
    logdets = np.linalg.slogdet(c2)[1] - np.linalg.slogdet(c1)[1]
    return 0.5 * (np.trace(inv @ c1) + d @ inv @ d - len(m1) + logdets)


def elbo(m, c):
    """E_q[log p(x | z)] - KL(q || p(z)) for q = N(m, c), in closed form."""
    r = x - W @ m - b
    expected_log_lik = -0.5 * (r @ r + np.trace(W.T @ W @ c)) / s2
    expected_log_lik -= 1.5 * np.log(2 * np.pi * s2)
    return expected_log_lik - kl_gauss(m, c, np.zeros(2), np.eye(2))


log_px = log_normal(x, b, W @ W.T + s2 * np.eye(3))  # the exact evidence
post_cov = np.linalg.inv(np.eye(2) + W.T @ W / s2)  # the exact posterior p(z | x)
post_mean = post_cov @ W.T @ (x - b) / s2

q_mean, q_cov = np.array([0.3, -0.2]), np.diag([0.5, 0.2])  # some other q(z | x)
gap = kl_gauss(q_mean, q_cov, post_mean, post_cov)
print(f"log p(x)                       {log_px:.4f}")
print(f"ELBO(q) + KL(q || posterior)   {elbo(q_mean, q_cov) + gap:.4f}")
print(f"ELBO(q) = {elbo(q_mean, q_cov):.4f}, gap KL = {gap:.4f}")
print(f"ELBO at q = exact posterior    {elbo(post_mean, post_cov):.4f}")
print("identity holds:", bool(np.isclose(log_px, elbo(q_mean, q_cov) + gap)))
# --8<-- [end:identity]

# --8<-- [start:trained]
import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# A VAE with a 2-D latent trained on the eight-Gaussian ring, whose true density is
# known.
vae = gl.vae_ring()
x = gl.HELD_OUT[:500]
print(f"true NLL of the data (its entropy)        {-gl.ring_log_density(x).mean():.3f}")
print(f"-ELBO (reconstruction + KL)               {-gl.vae_elbo(vae, x).mean():.3f}")
for k in [10, 100, 1000]:
    print(
        f"-IWAE bound, k = {k:<4}                     "
        f"{-gl.vae_iwae(vae, x, k).mean():.3f}"
    )
# --8<-- [end:trained]
