import math

import torch
from torch import nn

torch.manual_seed(0)
D = 12


def truth(X):
    # x0 linear, x1 saturating (flat for |x1| > 1), x2 * x3 interaction, x4-x11 unused
    return 1.5 * X[:, 0] + 2 * torch.tanh(3 * X[:, 1]) + X[:, 2] * X[:, 3]


def make_mlp():
    return nn.Sequential(
        nn.Linear(D, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )


X = torch.rand(2000, D) * 4 - 2
model = make_mlp()
# full-batch Adam written out (torch.optim would add a second of imports to this script)
params = list(model.parameters())
moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
for t in range(1, 301):
    loss = ((model(X).squeeze(1) - truth(X)) ** 2).mean()
    grads = torch.autograd.grad(loss, params)
    with torch.no_grad():
        for p, g, (m, v) in zip(params, grads, moments):
            m.lerp_(g, 0.1)
            v.lerp_(g * g, 0.001)
            p -= 1e-2 * (m / (1 - 0.9**t)) / ((v / (1 - 0.999**t)).sqrt() + 1e-8)


def grad(f, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def integrated_gradients(f, x, base, steps, rule="right"):
    # Riemann sum of the gradient along the straight line from base to x
    k = torch.arange(steps, dtype=torch.float32)
    alphas = (k + 1) / steps if rule == "right" else (k + 0.5) / steps
    path = base + alphas[:, None, None] * (x - base)
    g = grad(f, path.reshape(-1, D)).reshape(steps, *x.shape)
    return (x - base) * g.mean(0)


def attributions(f, x, base):
    g = grad(f, x)
    ig = integrated_gradients(f, x, base, steps=64)
    return {"gradient": g, "grad x input": g * x, "IG": ig}


def f(z):
    return model(z).squeeze(1)


Xt = torch.rand(200, D) * 4 - 2
# baseline 0: the mean of every feature here
base = torch.zeros_like(Xt)
with torch.no_grad():
    r2 = 1 - ((f(Xt) - truth(Xt)) ** 2).mean() / truth(Xt).var()
    gap = f(Xt) - f(base)
print(f"MLP, test R^2 {r2:.3f}")

x = torch.tensor([[1.0, 1.5, 1.0, 1.0] + [0.5] * (D - 4)])
x_base = torch.zeros_like(x)
# the truth column: each feature's part of truth(x) - truth(0), x2 * x3 split equally
true = torch.tensor([1.5, 2 * math.tanh(4.5), 0.5, 0.5] + [0.0] * (D - 4))
cols = {"truth": true} | {k: a[0] for k, a in attributions(f, x, x_base).items()}
print("\nx = (1, 1.5, 1, 1, 0.5, ..., 0.5), baseline 0")
print(f"{'feature':<28}" + "".join(f"{c:>13}" for c in cols))
for i, name in enumerate(
    ["x0 linear", "x1 saturated", "x2 interaction", "x3 interaction"]
):
    print(f"{name:<28}" + "".join(f"{v[i]:13.2f}" for v in cols.values()))
print(f"{'x4-x11, sum of |value|':<28}", end="")
print("".join(f"{v[4:].abs().sum():13.2f}" for v in cols.values()))
# a gradient is a local slope, not a share of the output: its sum means nothing
sums = [
    f"{v.sum():13.2f}" if k != "gradient" else f"{'-':>13}" for k, v in cols.items()
]
print(f"{'sum':<28}" + "".join(sums))
with torch.no_grad():
    print(f"f(x) - f(baseline) = {(f(x) - f(x_base)).item():.2f}")

# completeness: the attributions should add up to f(x) - f(0) at every test point
print(f"\nIG on 200 test points, mean |f(x) - f(0)| = {gap.abs().mean():.2f}")
print("steps  mean |sum of IG - (f(x) - f(0))|, right Riemann  midpoint")
for m in [1, 4, 16, 64, 256]:
    err = [
        (integrated_gradients(f, Xt, base, m, rule).sum(1) - gap).abs().mean()
        for rule in ("right", "mid")
    ]
    print(f"{m:5d}{err[0]:47.4f}{err[1]:10.4f}")

A = attributions(f, Xt, base)
sat = Xt[:, 1].abs() > 1
print(f"\n{int(sat.sum())} test points with |x1| > 1: mean |attribution| to x1")
print("  " + ", ".join(f"{k} {a[sat, 1].abs().mean():.2f}" for k, a in A.items()))

# deletion: reset features to the baseline in order of |attribution|; a faithful
# ranking closes the gap f(x) - f(0) in the fewest deletions
print("deletion: mean |f(x) - f(0)| left after resetting the top-k features")
print("method         k=0   k=1   k=2   k=3   k=4")
for k, a in A.items():
    order = a.abs().argsort(1, descending=True)
    with torch.no_grad():
        left = [
            (f(Xt.scatter(1, order[:, :n], 0.0)) - f(base)).abs().mean()
            for n in range(5)
        ]
    print(f"{k:<13}" + "".join(f"{v:6.2f}" for v in left))


def rank_corr(a, b):
    # Spearman correlation per row (per test point), averaged over the rows
    ra = a.argsort(1).argsort(1).float()
    rb = b.argsort(1).argsort(1).float()
    ra, rb = ra - ra.mean(1, keepdim=True), rb - rb.mean(1, keepdim=True)
    return ((ra * rb).sum(1) / (ra.norm(dim=1) * rb.norm(dim=1))).mean()


# sanity check: the same attributions for a re-initialised (untrained) network
torch.manual_seed(1)
random_model = make_mlp()
R = attributions(lambda z: random_model(z).squeeze(1), Xt, base)
print("\nmodel randomisation, rank correlation of |attribution| over features")
print("method         trained vs random   random vs |x|")
for k in A:
    rho = rank_corr(A[k].abs(), R[k].abs())
    rho_x = rank_corr(R[k].abs(), Xt.abs())
    print(f"{k:<15}{rho:18.2f}{rho_x:16.2f}")
