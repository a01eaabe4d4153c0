import copy
import math
import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl
import numpy as np
import torch
from torch import nn
from torch.autograd.functional import jacobian

torch.manual_seed(0)


# RealNVP's affine coupling layer with a binary mask b: the masked coordinates pass
# through and set a scale and shift for the others, so the Jacobian is triangular and
# log|det J| is the sum of the log-scales s.
class Coupling(nn.Module):
    def __init__(self, mask, width=64):
        super().__init__()
        self.register_buffer("b", torch.tensor(mask, dtype=torch.float32))
        self.net = nn.Sequential(
            nn.Linear(2, width),
            nn.SiLU(),
            nn.Linear(width, width),
            nn.SiLU(),
            nn.Linear(width, 4),
        )
        # start as the identity map
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def scale_shift(self, x):
        s, t = self.net(self.b * x).chunk(2, dim=1)
        # a bounded log-scale (each layer stretches by at most e^2), zero where b = 1
        return 2 * torch.tanh(s / 2) * (1 - self.b), t * (1 - self.b)

    def forward(self, x):
        """Data towards noise: y and log|det dy/dx| per point."""
        s, t = self.scale_shift(x)
        return x * torch.exp(s) + t, s.sum(1)

    def inverse(self, y):
        s, t = self.scale_shift(y)  # b * y == b * x: the same s and t
        return (y - t) * torch.exp(-s)


class RealNVP(nn.Module):
    def __init__(self, n_layers=6):
        super().__init__()
        masks = [[1, 0], [0, 1]] * (n_layers // 2)
        self.layers = nn.ModuleList(Coupling(m) for m in masks)

    def forward(self, x):
        log_det = torch.zeros(len(x), dtype=x.dtype)
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld
        return x, log_det

    def inverse(self, z):
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z

    def log_prob(self, x):
        # change of variables: log p(x) = log N(f(x); 0, I) + log|det df/dx|
        z, log_det = self(x)
        log_base = -0.5 * (z**2).sum(1) - z.shape[1] / 2 * math.log(2 * math.pi)
        return log_base + log_det


# Eight Gaussians on a ring (true density known), 20,000 training points; maximum
# likelihood, 1,500 Adam steps of 256 points.
x_train = torch.tensor(gl.ring(20_000, seed=1)[0])
flow = gl.train(
    RealNVP(),
    lambda net, gen: -net.log_prob(gl.batch_of(x_train, 256, gen)).mean(),
    steps=1500,
    lr=5e-3,
)
n_params = sum(p.numel() for p in flow.parameters())
print(f"RealNVP: {len(flow.layers)} affine coupling layers, {n_params:,} parameters")

# 1. The layers' log-determinant against the full Jacobian from autograd (float64).
x_test = torch.tensor(gl.HELD_OUT)
f64 = copy.deepcopy(flow).double()
points = x_test[:5].double()
J0 = jacobian(lambda v: f64.layers[0](v[None])[0][0], points[0])
print("Jacobian of coupling layer 1 at a held-out point (b = [1, 0]):")
for row in J0.tolist():
    print("  [" + ", ".join(f"{v:7.3f}" for v in row) + " ]")
from_layers, from_autograd = [], []
for x in points:
    from_layers.append(f64(x[None])[1].item())
    J = jacobian(lambda v: f64(v[None])[0][0], x)
    from_autograd.append(torch.linalg.slogdet(J).logabsdet.item())
print(f"log|det J| at that point: layers {from_layers[0]:.4f}, ", end="")
print(f"autograd {from_autograd[0]:.4f}")
diff = max(abs(a - b) for a, b in zip(from_layers, from_autograd))
print(f"max difference over 5 points < 1e-10: {diff < 1e-10}")

# 2. Invertibility, in float32, on 2,000 held-out points.
with torch.no_grad():
    err = (flow.inverse(flow(x_test)[0]) - x_test).abs().max().item()
print(f"max |f^-1(f(x)) - x| over {len(x_test):,} held-out points < 1e-5: {err < 1e-5}")

# 3. Held-out log-likelihood against one Gaussian fitted to the same training data.
gauss = torch.distributions.MultivariateNormal(
    x_train.mean(0), torch.tensor(np.cov(x_train.numpy().T), dtype=torch.float32)
)
with torch.no_grad():
    ll_flow = flow.log_prob(x_test).mean().item()
ll_gauss = gauss.log_prob(x_test).mean().item()
ll_true = gl.ring_log_density(gl.HELD_OUT).mean()
print("held-out log-likelihood (nats per point, higher is better):")
print(f"  true density {ll_true:7.3f}\n  RealNVP      {ll_flow:7.3f}")
print(f"  one Gaussian {ll_gauss:7.3f}")

# 4. Mass between the modes: the share of samples farther than 3 and 5 standard
# deviations from every mode (a real point is beyond 3 sd with probability 0.011).
with torch.no_grad():
    z = torch.randn(20_000, 2, generator=torch.Generator().manual_seed(1))
    samples = flow.inverse(z).numpy()
print("share of samples far from every mode:   > 3 sd   > 5 sd")
for name, s in [
    ("real data", gl.ring(20_000, seed=5)[0]),
    ("RealNVP", samples),
    ("one Gaussian", gauss.sample((20_000,)).numpy()),
]:
    d = np.linalg.norm(s[:, None] - gl.CENTRES[None], axis=2).min(1) / gl.MODE_STD
    print(f"  {name:<36}{(d > 3).mean():6.3f}{(d > 5).mean():9.3f}")
