import numpy as np
import torch

rng = np.random.default_rng(0)
n_trials, n_keys = 2000, 32  # 2000 queries, each attending over 32 keys


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def jacobian_norm(p):
    """Frobenius norm of d softmax / d scores = diag(p) - p p^T, one per row of p."""
    eye = np.eye(p.shape[-1])
    jac = p[..., :, None] * eye - p[..., :, None] * p[..., None, :]
    return np.linalg.norm(jac, axis=(-2, -1))


def summary(scores):
    p = softmax(scores)
    entropy = -(p * np.log(np.clip(p, 1e-300, None))).sum(-1)
    peak = p.max(-1)
    return peak.mean(), entropy.mean(), (peak > 0.99).mean(), jacobian_norm(p).mean()


print("  d_k   raw | max weight    | entropy       | rows > 0.99   | Jacobian norm")
print("        std | raw   scaled  | raw   scaled  | raw    scaled | raw     scaled")
for d_k in (4, 16, 64, 256, 1024):
    # Components of unit variance, as after a LayerNorm.
    q = rng.normal(size=(n_trials, 1, d_k))
    k = rng.normal(size=(n_trials, n_keys, d_k))
    raw = (q @ k.transpose(0, 2, 1))[:, 0]  # (n_trials, n_keys); variance d_k
    m_r, h_r, s_r, j_r = summary(raw)
    m_s, h_s, s_s, j_s = summary(raw / np.sqrt(d_k))
    print(
        f"{d_k:>5} {raw.std():>5.1f} | {m_r:.3f} {m_s:.3f}   | {h_r:.3f} {h_s:.3f}   "
        f"| {s_r:<6.1%} {s_s:<6.1%} | {j_r:.1e} {j_s:.1e}"
    )
print(
    f"uniform over {n_keys} keys: max weight {1 / n_keys:.3f}, "
    f"entropy {np.log(n_keys):.3f}"
)

# The Jacobian formula agrees with autograd on one row.
z = torch.tensor(rng.normal(size=n_keys))
auto = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, -1), z).numpy()
p = softmax(z.numpy())
print(
    "diag(p) - p p^T matches autograd: "
    f"{np.allclose(auto, np.diag(p) - np.outer(p, p))}"
)
