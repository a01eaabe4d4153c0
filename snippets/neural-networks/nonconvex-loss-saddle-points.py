# --8<-- [start:saddle]
import numpy as np


# f(x, y) = x^2/2 + y^4/4 - y^2/2: one strict saddle at (0, 0), between two
# mirror-image minima at (0, 1) and (0, -1), where f = -0.25.
def f(p):
    x, y = p
    return x**2 / 2 + y**4 / 4 - y**2 / 2


def grad(p):
    x, y = p
    return np.array([x, y**3 - y])


def hessian_eigenvalues(p):
    return np.array([1.0, 3 * p[1] ** 2 - 1])  # the Hessian is diagonal here


print(f"Hessian eigenvalues at the saddle (0, 0): {hessian_eigenvalues((0, 0))}")
print(f"Hessian eigenvalues at the minimum (0, 1): {hessian_eigenvalues((0, 1))}")

lr = 0.1


def descend(y0, steps=500, noise=0.0, seed=0):
    """Gradient descent from (1, y0). Counts the steps spent within 0.1 of the
    saddle and the first step with f < -0.24 (96% of the way down)."""
    rng = np.random.default_rng(seed)
    p = np.array([1.0, y0])
    near, arrived = 0, None
    for step in range(1, steps + 1):
        p = p - lr * (grad(p) + noise * rng.standard_normal(2))
        near += bool(np.hypot(*p) < 0.1)
        if arrived is None and f(p) < -0.24:
            arrived = step
    return p, near, arrived


print("start (1, y0)  steps near saddle  steps to f < -0.24  end point")
arrivals = []
for y0 in [0.0, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12]:
    p, near, arrived = descend(y0)
    arrivals.append(arrived)
    end = f"({p[0]:.3f}, {p[1]:.3f}), f = {f(p):.3f}"
    print(f"y0 = {y0:<8g}  {near:>17}  {arrived or 'never':>18}  {end}")
print(f"steps added per factor 100 smaller y0: {np.diff(arrivals[1:]).tolist()}")
predicted = 2 * np.log(10) / np.log(1 + lr)
print(f"linearised prediction 2 ln 10 / ln(1 + lr) = {predicted:.1f}")

# Start exactly on the saddle's stable manifold (y = 0), with gradient noise.
ends = [descend(0.0, noise=1e-6, seed=s)[0] for s in range(10)]
escaped = sum(bool(f(p) < -0.24) for p in ends)
up = sum(bool(p[1] > 0) for p in ends)
print(f"noisy GD from (1, 0), noise std 1e-6: {escaped}/10 runs reach a minimum")
print(f"  {up} at (0, 1), {escaped - up} at (0, -1)")
# --8<-- [end:saddle]

# --8<-- [start:mlp]
import numpy as np
import torch
from scipy.optimize import linear_sum_assignment, minimize
from threadpoolctl import threadpool_limits

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)
torch.set_default_dtype(torch.float64)

# 64 points of sin(3x) on [-2, 2], fitted by 1-h-1 tanh networks with MSE.
X = torch.linspace(-2, 2, 64).reshape(-1, 1)
Y = torch.sin(3 * X)
RUNS = 20


def init(h):
    """RUNS networks of width h at once: a leading dimension indexes the run."""
    gen = torch.Generator().manual_seed(0)
    return [
        torch.randn(RUNS, 1, h, generator=gen),  # W1
        torch.randn(RUNS, 1, h, generator=gen),  # b1
        torch.randn(RUNS, h, 1, generator=gen) / h**0.5,  # W2
        torch.zeros(RUNS, 1, 1),  # b2
    ]


def forward(P, x=X):
    W1, b1, W2, b2 = P
    return torch.tanh(x @ W1 + b1) @ W2 + b2


def losses(P):
    """Training MSE of every network in the batch."""
    return ((forward(P) - Y) ** 2).mean(dim=(1, 2))


def train(P, steps=2000, lr=0.1, momentum=0.9, snapshots=()):
    """Full-batch gradient descent with heavy-ball momentum, every run at once
    (the loss of one run does not depend on the other runs' weights)."""
    P = [p.clone().requires_grad_(True) for p in P]
    velocity = [torch.zeros_like(p) for p in P]
    saved = {}
    for step in range(steps + 1):
        if step in snapshots:
            saved[step] = [p.detach().clone() for p in P]
        if step == steps:
            break
        grads = torch.autograd.grad(losses(P).sum(), P)
        with torch.no_grad():
            for p, v, g in zip(P, velocity, grads):
                v.mul_(momentum).add_(g)
                p.sub_(lr * v)
    return [p.detach() for p in P], saved


def pick(P, s):
    """Network s of a batch, as a batch of one."""
    return [p[s : s + 1] for p in P]


def one(P, s):
    """Network s's parameters as one flat vector."""
    return torch.cat([p[s].reshape(-1) for p in P])


def flat_loss(v, h):
    W1, b1, W2, b2 = v[:h], v[h : 2 * h], v[2 * h : 3 * h], v[3 * h :]
    P = [
        W1.reshape(1, 1, h),
        b1.reshape(1, 1, h),
        W2.reshape(1, h, 1),
        b2.reshape(1, 1, 1),
    ]
    return losses(P)[0]


def hessian(v, h):
    return torch.autograd.functional.hessian(lambda u: flat_loss(u, h), v)


def gradient(v, h):
    return torch.func.grad(lambda u: flat_loss(u, h))(v)


# 1. Final training loss from 20 random initialisations, for three widths.
print("width  params  final loss: min   median      max  runs below 0.01")
runs = {}
for h in [2, 4, 32]:
    P0 = init(h)
    P, saved = train(P0, snapshots=(0, 10, 50, 200, 2000))
    L = losses(P).numpy()
    runs[h] = P0, P, L, saved
    lo, mid, hi = np.quantile(L, [0, 0.5, 1])
    below = (L < 0.01).sum()
    print(f"{h:>5} {3 * h + 1:>7} {lo:>16.1e} {mid:>8.1e} {hi:>8.1e} {below:>16}")

# Width 2: polish each end point with Newton's method (exact Hessian) to see where
# it was heading: a local minimum has gradient ~0 and a positive definite Hessian.
P0, P, L, _ = runs[2]
minima = []
for s in range(RUNS):
    res = minimize(
        lambda v: flat_loss(torch.tensor(v), 2).item(),
        one(P, s).numpy(),
        jac=lambda v: gradient(torch.tensor(v), 2).numpy(),
        hess=lambda v: hessian(torch.tensor(v), 2).numpy(),
        method="trust-exact",
        options={"gtol": 1e-10, "maxiter": 100},
    )
    v = torch.tensor(res.x)
    smallest = torch.linalg.eigvalsh(hessian(v, 2))[0]
    if gradient(v, 2).norm() < 1e-8 and smallest > 0 and res.fun > 2 * L.min():
        minima.append(round(res.fun, 4))
print(
    f"width 2: {len(minima)}/{RUNS} end points lead to local minima at loss "
    f"{sorted(set(minima))}; best run {L.min():.4f}"
)

# 2. The Hessian of one width-32 run (97 x 97), early in training and at the end.
# "negative": eigenvalues below -1e-4 x the largest; "~0": within 1e-4 x the largest.
P0, P, L, saved = runs[32]
print("width 32, run 0:  step     loss   |grad|  min eig  max eig  negative  ~0")
for step, Ps in saved.items():
    v = one(Ps, 0)
    eig = torch.linalg.eigvalsh(hessian(v, 32))
    tol = 1e-4 * eig[-1]
    print(
        f"{step:>22} {flat_loss(v, 32).item():>8.1e} {gradient(v, 32).norm():>8.1e} "
        f"{eig[0]:>8.1e} {eig[-1]:>8.2f} {(eig < -tol).sum():>9} "
        f"{(eig.abs() < tol).sum():>3}"
    )


# 3. Straight lines between weight vectors.
def line(PA, PB, n=21):
    """Training loss at n evenly spaced points on the segment from PA to PB."""
    ts = torch.linspace(0, 1, n)
    ls = torch.cat([losses([(1 - t) * a + t * b for a, b in zip(PA, PB)]) for t in ts])
    return ls, ts


def barrier(PA, PB):
    """Highest rise of the loss on the segment above the chord between its ends."""
    ls, ts = line(PA, PB)
    return (ls - ((1 - ts) * ls[0] + ts * ls[-1])).max().item()


def align(PA, PB):
    """Reorder PB's hidden units (and flip signs: tanh(-z) = -tanh(z)) to match
    PA's, by the correlation of their activations: same function, other weights."""
    ha = torch.tanh(X @ PA[0][0] + PA[1][0])
    hb = torch.tanh(X @ PB[0][0] + PB[1][0])
    ha, hb = ha - ha.mean(0), hb - hb.mean(0)
    corr = (ha.T @ hb) / torch.outer(ha.norm(dim=0), hb.norm(dim=0))
    _, perm = linear_sum_assignment(-corr.abs().numpy())
    sign = torch.sign(corr[np.arange(len(perm)), perm])
    W1, b1, W2, b2 = PB
    return [W1[..., perm] * sign, b1[..., perm] * sign, W2[:, perm] * sign[:, None], b2]


naive, aligned, same = [], [], True
for s in range(0, RUNS, 2):
    PA, PB = pick(P, s), pick(P, s + 1)
    PB_aligned = align(PA, PB)
    same &= bool((forward(PB_aligned) - forward(PB)).abs().max() < 1e-12)
    naive.append(barrier(PA, PB))
    aligned.append(barrier(PA, PB_aligned))
print(f"10 pairs of width-32 solutions; aligning keeps the function: {same}")
print(f"  barrier on the straight line:    median {np.median(naive):.3f}, ", end="")
print(f"max {max(naive):.3f}")
print(f"  after aligning the hidden units: median {np.median(aligned):.3f}, ", end="")
print(f"max {max(aligned):.3f}")
mono = sum(
    bool((line(pick(P0, s), pick(P, s))[0].diff() <= 0).all()) for s in range(RUNS)
)
print(f"loss falls monotonically from initialisation to solution: {mono}/{RUNS} runs")
limits.restore_original_limits()
# --8<-- [end:mlp]
