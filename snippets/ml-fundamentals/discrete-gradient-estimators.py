import numpy as np
import torch

rng = np.random.default_rng(0)

# A categorical z ~ softmax(theta) over K = 8 categories, a fixed reward per category.
# Objective J(theta) = E[f(z)] = sum_k p_k r_k, with exact gradient p * (r - J).
K, N = 8, 2000
theta = rng.normal(0.0, 1.0, K)
r = rng.uniform(0.0, 1.0, K)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def exact_grad(theta, c):
    p = softmax(theta)
    return p * (c - p @ c)


p = softmax(theta)
g_true = exact_grad(theta, r)
print("rewards r:", np.round(r, 2))
print("p = softmax(theta):", np.round(p, 3))
print(f"E[f] = {p @ r:.3f}, |exact gradient| = {np.linalg.norm(g_true):.3f}")

# The hard sample has no useful gradient: with the noise fixed, f(argmax(theta + g))
# is piecewise constant in theta, so a finite difference gives zero in every coordinate.
g_fixed = rng.gumbel(size=K)
fd = [
    (
        r[np.argmax(theta + 1e-4 * e + g_fixed)]
        - r[np.argmax(theta - 1e-4 * e + g_fixed)]
    )
    / 2e-4
    for e in np.eye(K)
]
print(
    "finite-difference gradient of f(argmax(theta + g)) is all zero:",
    np.all(np.array(fd) == 0),
)

# Gumbel-max: argmax(theta + Gumbel noise) is an exact sample from softmax(theta).
counts = np.bincount(
    np.argmax(theta + rng.gumbel(size=(200_000, K)), axis=1), minlength=K
)
max_diff = np.abs(counts / 200_000 - p).max()
print(f"Gumbel-max frequencies vs p: max |diff| = {max_diff:.4f}")


def sample(n, s=1):
    # s categorical draws per estimate, by Gumbel-max
    return np.argmax(theta + rng.gumbel(size=(n, s, K)), axis=2)


# Score function: f(z) * grad log p(z), with grad_theta log p(z) = onehot(z) - p.
def reinforce(c, s=1, baseline=None):
    z = sample(N, s)
    fz = c[z]
    if baseline == "loo":
        # leave-one-out: each draw's baseline is the mean reward of the other s - 1
        fz = fz - (fz.sum(axis=1, keepdims=True) - fz) / (s - 1)
    elif baseline is not None:
        fz = fz - baseline
    score = np.eye(K)[z] - p
    return (fz[:, :, None] * score).mean(axis=1)


# Gumbel-softmax: y = softmax((theta + g) / tau), f(y) = r . y (linear in y).
# d(r . y)/d theta = y * (r - r . y) / tau.
def gumbel_softmax_grad(tau, g=None):
    g = rng.gumbel(size=(N, K)) if g is None else g
    y = softmax((theta + g) / tau)
    return y * (r - (y @ r)[:, None]) / tau


def report(name, evals, grads, g_ref):
    mean = grads.mean(axis=0)
    bias = np.linalg.norm(mean - g_ref) / np.linalg.norm(g_ref)
    var = ((grads - mean) ** 2).sum(axis=1).mean()
    floor = np.sqrt(var / len(grads)) / np.linalg.norm(g_ref)
    cos = mean @ g_ref / (np.linalg.norm(mean) * np.linalg.norm(g_ref))
    print(f"{name:<28}{evals:>7}{bias:>8.3f}{floor:>8.3f}{var:>10.4f}{cos:>8.3f}")


header = "estimator                   f evals    bias   noise  variance  cosine"
print(f"\n{N} estimates each; bias and noise relative to |exact gradient|")
print(header)
report("REINFORCE", 1, reinforce(r), g_true)
report("REINFORCE, 4 samples", 4, reinforce(r, s=4), g_true)
report("REINFORCE - E[f] (oracle)", 1, reinforce(r, baseline=p @ r), g_true)
report("REINFORCE leave-one-out, 4", 4, reinforce(r, s=4, baseline="loo"), g_true)
for tau in [0.1, 0.5, 1.0, 2.0]:
    report(f"Gumbel-softmax, tau={tau}", 1, gumbel_softmax_grad(tau), g_true)


# One copy of theta per draw, so autograd of the sum gives each draw's gradient.
def theta_rows(n):
    return torch.tensor(np.tile(theta, (n, 1)), requires_grad=True)


# Straight-through Gumbel by autograd: one-hot forward, soft gradient backward.
def st_autograd(g, tau, f):
    th = theta_rows(len(g))
    y = torch.softmax((th + torch.tensor(g)) / tau, dim=-1)
    hard = torch.nn.functional.one_hot(y.argmax(-1), K).to(y.dtype)
    f(hard - y.detach() + y).sum().backward()
    return th.grad.numpy()


g = rng.gumbel(size=(N, K))
rt = torch.tensor(r)
st = st_autograd(g, 1.0, lambda h: h @ rt)
same = np.allclose(st, gumbel_softmax_grad(1.0, g))
print(f"straight-through Gumbel (tau=1) = Gumbel-softmax gradient for linear f: {same}")

# A nonlinear f: a decoder maps the one-hot to a point, f(y) = -|E^T y - t|^2.
# On one-hot inputs f(e_k) = c_k, so the exact gradient is still p * (c - J).
E = rng.normal(0.0, 1.0, (K, 2))
t = np.array([0.5, -0.5])
c = -((E - t) ** 2).sum(axis=1)
g_true2 = exact_grad(theta, c)
Et, tt = torch.tensor(E), torch.tensor(t)


def decoder(y):
    return -((y @ Et - tt) ** 2).sum(-1)


def relaxed_autograd(g, tau):
    th = theta_rows(len(g))
    decoder(torch.softmax((th + torch.tensor(g)) / tau, dim=-1)).sum().backward()
    return th.grad.numpy()


def st_plain_autograd(g):
    # Bengio et al.'s straight-through: hard sample forward, d softmax(theta) backward
    th = theta_rows(len(g))
    probs = torch.softmax(th, dim=-1)
    hard = torch.nn.functional.one_hot((th + torch.tensor(g)).argmax(-1), K)
    decoder(hard.to(probs.dtype) - probs.detach() + probs).sum().backward()
    return th.grad.numpy()


print("\nnonlinear f(y) = -|E^T y - t|^2; exact gradient computed from f(e_k)")
print(f"|exact gradient| = {np.linalg.norm(g_true2):.3f}")
print(header)
report("REINFORCE leave-one-out, 4", 4, reinforce(c, s=4, baseline="loo"), g_true2)
for tau in [0.1, 0.5, 1.0, 2.0]:
    g = rng.gumbel(size=(N, K))
    report(f"Gumbel-softmax, tau={tau}", 1, relaxed_autograd(g, tau), g_true2)
    report(f"ST-Gumbel, tau={tau}", 1, st_autograd(g, tau, decoder), g_true2)
g = rng.gumbel(size=(N, K))
report("ST, softmax backward", 1, st_plain_autograd(g), g_true2)

# Gradient ascent on theta, 300 steps, learning rate 1, 20 runs from theta = 0.
R, steps, lr = 20, 300, 1.0


def ascend(estimate):
    th = np.zeros((R, K))
    state = {"b": np.zeros((R, 1))}
    for _ in range(steps):
        th = th + lr * estimate(th, state)
    return softmax(th) @ r


def reinforce_step(th, state, s=1, baseline=None):
    pr = softmax(th)
    z = np.argmax(th[:, None, :] + rng.gumbel(size=(R, s, K)), axis=2)
    fz = r[z]
    if baseline == "loo":
        fz = fz - (fz.sum(axis=1, keepdims=True) - fz) / (s - 1)
    elif baseline == "running":
        # exponential moving average of past rewards, updated after use
        b = state["b"]
        state["b"] = 0.9 * b + 0.1 * fz.mean(axis=1, keepdims=True)
        fz = fz - b
    return (fz[:, :, None] * (np.eye(K)[z] - pr[:, None, :])).mean(axis=1)


def exact_grad_rows(th):
    pr = softmax(th)
    return pr * (r - (pr @ r)[:, None])


def gumbel_softmax_step(th, tau):
    y = softmax((th + rng.gumbel(size=(R, K))) / tau)
    return y * (r - (y @ r)[:, None]) / tau


runs = {
    "exact gradient": lambda th, st: exact_grad_rows(th),
    "REINFORCE": lambda th, st: reinforce_step(th, st),
    "REINFORCE - running mean": lambda th, st: reinforce_step(
        th, st, baseline="running"
    ),
    "REINFORCE leave-one-out, 4": lambda th, st: reinforce_step(th, st, 4, "loo"),
}
for tau in [0.1, 0.5, 1.0, 2.0]:
    runs[f"Gumbel-softmax, tau={tau}"] = lambda th, st, tau=tau: gumbel_softmax_step(
        th, tau
    )
print(
    f"\n{steps} steps of gradient ascent, lr {lr}, {R} runs; best reward {r.max():.3f}"
)
print("estimator                   final E[f]  sd over runs")
for name, estimate in runs.items():
    final = ascend(estimate)
    print(f"{name:<28}{final.mean():>10.3f}{final.std():>14.3f}")
