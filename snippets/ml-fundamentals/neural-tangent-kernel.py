import math

import torch
from torch.func import functional_call, jacrev

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


class TwoLayer(torch.nn.Module):
    """f(x) = c_a * a . relu(c_w * W x + b), trained by plain full-batch GD.
    ntk: N(0, 1) weights, c_w = 1/sqrt(d), c_a = 1/sqrt(m) (NTK parameterisation)
    sp:  W ~ N(0, 2/d), b = 0, a ~ N(0, 1/m), c_w = c_a = 1 (standard)
    mf:  N(0, 1) weights, c_w = 1/sqrt(d), c_a = 1/m (mean field = muP here)"""

    def __init__(self, m, d, kind, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        W, b, a = (torch.randn(s, generator=g) for s in [(m, d), (m,), (m,)])
        self.cw, self.ca = 1 / math.sqrt(d), 1 / math.sqrt(m)
        if kind == "sp":
            W, b, a = W * math.sqrt(2 / d), 0 * b, a / math.sqrt(m)
            self.cw, self.ca = 1.0, 1.0
        if kind == "mf":
            self.ca = 1 / m
        self.W, self.b, self.a = (torch.nn.Parameter(t) for t in (W, b, a))

    def forward(self, x):
        return self.ca * torch.relu(self.cw * x @ self.W.T + self.b) @ self.a

    def ntk(self, x1, x2):
        # Theta(x, x') = grad_theta f(x) . grad_theta f(x'), in closed form
        with torch.no_grad():
            h1, h2 = (self.cw * x @ self.W.T + self.b for x in (x1, x2))
            a1, a2 = ((h > 0) * self.a for h in (h1, h2))
            xx = 1 + self.cw**2 * x1 @ x2.T
            return self.ca**2 * (h1.relu() @ h2.relu().T + (a1 @ a2.T) * xx)

    def fit(self, x, y, lr, steps):
        opt = torch.optim.SGD(self.parameters(), lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            (0.5 * ((self(x) - y) ** 2).mean()).backward()
            opt.step()
        return self


def linearised(net, xtr, ytr, xte, lr, steps):
    """f(theta) ~ f(theta0) + grad f(theta0) (theta - theta0), trained by the same
    GD: the residual evolves as r <- (I - lr/n Theta) r (steps=None: converged,
    i.e. kernel regression with the initial NTK)."""
    K, Ks = net.ntk(xtr, xtr), net.ntk(xte, xtr)
    with torch.no_grad():
        r0, f0 = net(xtr) - ytr, net(xte)
    lam, Q = torch.linalg.eigh(K)
    done = 1.0 if steps is None else 1 - (1 - lr / len(ytr) * lam) ** steps
    return f0 - Ks @ (Q @ (done / lam * (Q.T @ r0)))


def mse(p, y):
    return ((p - y) ** 2).mean().item()


# Check the closed-form NTK against autodiff (torch.func.jacrev).
net = TwoLayer(64, 3, "ntk", seed=0)
x = torch.randn(5, 3, generator=torch.Generator().manual_seed(9))
params = dict(net.named_parameters())
jac = jacrev(lambda p: functional_call(net, p, (x,)))(params)
J = torch.cat([j.reshape(5, -1) for j in jac.values()], 1)
print("closed-form NTK == J J^T from autodiff:", torch.allclose(J @ J.T, net.ntk(x, x)))

# Part 1: 1-D regression, NTK parameterisation, lr 1.0, 500 full-batch GD steps.
xtr = torch.linspace(-2, 2, 16)[:, None]
xte = torch.linspace(-2, 2, 101)[:, None]
ytr, yte = torch.sin(2 * xtr[:, 0]), torch.sin(2 * xte[:, 0])
LR, STEPS = 1.0, 500
print("\nPart 1: sin(2x), 16 training points; median over 3 seeds")
print(" width  |dNTK|/|NTK|  |dW|/|W|  train MSE  test MSE  lin. test MSE  RMS gap")
for m in [64, 512, 4096]:
    rows = []
    for seed in range(3):
        net = TwoLayer(m, 1, "ntk", seed)
        K0, W0 = net.ntk(xtr, xtr), net.W.detach().clone()
        lin = linearised(net, xtr, ytr, xte, LR, STEPS)
        net.fit(xtr, ytr, LR, STEPS)
        with torch.no_grad():
            pred = net(xte)
            rows.append(
                [
                    ((net.ntk(xtr, xtr) - K0).norm() / K0.norm()).item(),
                    ((net.W - W0).norm() / W0.norm()).item(),
                    mse(net(xtr), ytr),
                    mse(pred, yte),
                    mse(lin, yte),
                    mse(pred, lin) ** 0.5,
                ]
            )
    med = torch.tensor(rows).median(0).values.tolist()
    print(f"{m:6d}{med[0]:14.3f}{med[1]:10.3f}{med[2]:11.4f}", end="")
    print(f"{med[3]:10.4f}{med[4]:15.4f}{med[5]:9.4f}")

# Part 2: y = (u.x)^2 - 1 depends on one direction u of x ~ N(0, I_16).
d, n, m = 16, 200, 256
g = torch.Generator().manual_seed(1)
u = torch.zeros(d)
u[0] = 1.0
xtr, xte = torch.randn(n, d, generator=g), torch.randn(2000, d, generator=g)
ytr, yte = (xtr @ u) ** 2 - 1, (xte @ u) ** 2 - 1
print(f"\nPart 2: y = (u.x)^2 - 1, d = {d}, n = {n}, width {m}, 600 GD steps")
print(f"test MSE of predicting 0: {mse(0 * yte, yte):.3f}")
print("2n/lam_max: largest stable lr of the linearised model")
print("param     lr  2n/lam_max  train MSE  test MSE  NTK regr.  |dW|/|W|  |cos(u,v1)|")
for kind, lr in [("ntk", 1.0), ("sp", 0.02), ("sp", 0.04), ("mf", 50.0)]:
    net = TwoLayer(m, d, kind, seed=2)
    W0 = net.W.detach().clone()
    lr_max = 2 * n / torch.linalg.eigvalsh(net.ntk(xtr, xtr))[-1].item()
    kernel = mse(linearised(net, xtr, ytr, xte, lr, None), yte)
    net.fit(xtr, ytr, lr, 600)
    with torch.no_grad():
        dW = net.W - W0
        # v1: the input direction along which the first layer changed most
        v1 = torch.linalg.svd(dW).Vh[0]
        print(
            f"{kind:5s}{lr:7.2f}{lr_max:12.3f}{mse(net(xtr), ytr):11.4f}"
            f"{mse(net(xte), yte):10.3f}{kernel:11.3f}"
            f"{(dW.norm() / W0.norm()).item():10.3f}{abs(v1 @ u).item():13.3f}"
        )
