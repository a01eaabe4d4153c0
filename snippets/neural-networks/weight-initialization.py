# --8<-- [start:depth]
import numpy as np
from threadpoolctl import threadpool_limits

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

rng = np.random.default_rng(0)
n, depth = 256, 20
X = rng.normal(size=(500, n))  # unit-variance inputs


def forward(weight_std, act):
    """Activation std per layer (20, N(0, weight_std^2) weights), and the output."""
    h, stds = X, []
    for _ in range(depth):
        W = (
            rng.normal(0, weight_std, size=(n, n))
            if weight_std > 0
            else np.zeros((n, n))
        )
        h = act(h @ W)
        stds.append(h.std())
    return stds, h


tanh, relu = np.tanh, lambda z: np.maximum(z, 0)
schemes = [
    ("zeros", 0.0, tanh),
    ("N(0, 1), tanh", 1.0, tanh),
    ("N(0, 0.01^2), tanh", 0.01, tanh),
    (
        "Xavier 1/n, tanh",
        np.sqrt(1 / n),
        tanh,
    ),  # Glorot: 2/(fan_in + fan_out) = 1/n here
    ("Xavier 1/n, ReLU", np.sqrt(1 / n), relu),
    ("He 2/fan_in, ReLU", np.sqrt(2 / n), relu),
    ("N(0, 1), ReLU", 1.0, relu),
]
print(
    f"{'init':<20} {'std layer 1':>11} {'layer 5':>8} "
    f"{'layer 10':>8} {'layer 20':>8}  saturated"
)
for name, std, act in schemes:
    s, last = forward(std, act)
    saturated = (
        f"{np.mean(np.abs(last) > 0.99):.0%}" if act is tanh else "-"
    )  # tanh' < 0.02 there
    print(
        f"{name:<20} {s[0]:11.2g} "
        + " ".join(f"{s[i]:8.2g}" for i in (4, 9, 19))
        + f"  {saturated:>9}"
    )
limits.restore_original_limits()
# --8<-- [end:depth]

# --8<-- [start:symmetry]
import torch
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

# Constant initialisation: every hidden unit computes the same function and receives
# the same gradient, so they stay identical.
torch.manual_seed(0)
X = torch.randn(256, 10)
y = (X[:, 0] * X[:, 1] > 0).float()[:, None]
for init in ("constant 0.1", "default (Kaiming uniform)"):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 1))
    if init.startswith("constant"):
        for p in net.parameters():
            nn.init.constant_(p, 0.1)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for _ in range(200):
        opt.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(net(X), y).backward()
        opt.step()
    W1 = net[0].weight.detach()
    identical = torch.allclose(
        W1, W1[0].expand_as(W1), atol=1e-5
    )  # all 32 rows the same?
    acc = ((net(X) > 0).float() == y).float().mean().item()
    print(
        f"{init:<26} 32 units identical after 200 "
        f"steps: {identical!s:<5} train acc {acc:.3f}"
    )
limits.restore_original_limits()
# --8<-- [end:symmetry]

# --8<-- [start:torch]
import torch
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

# The library initialisers use the variances above; nn.Linear's default is smaller than
# He.
torch.manual_seed(0)
fan_in, fan_out = 512, 512
W = torch.empty(fan_out, fan_in)
xavier = nn.init.xavier_normal_(W).std().item()
kaiming = nn.init.kaiming_normal_(W, nonlinearity="relu").std().item()
default = nn.Linear(fan_in, fan_out).weight.std().item()
print(
    f"xavier_normal_    std {xavier:.4f}, formula "
    f"sqrt(2/(fan_in+fan_out)) = {(2 / 1024) ** 0.5:.4f}"
)
print(
    f"kaiming_normal_   std {kaiming:.4f}, formula "
    f"sqrt(2/fan_in) = {(2 / 512) ** 0.5:.4f}"
)
print(
    f"nn.Linear default std {default:.4f}, formula "
    f"1/sqrt(3 fan_in) = {(1 / (3 * 512)) ** 0.5:.4f}"
)

# 20 ReLU layers with each initialiser: std of the output for unit-variance input.
x = torch.randn(1000, 512)
for name, init in [
    ("nn.Linear default", None),
    ("kaiming_normal_", lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")),
]:
    torch.manual_seed(0)
    layers = [nn.Linear(512, 512) for _ in range(20)]
    h = x
    with torch.no_grad():
        for layer in layers:
            if init is not None:
                init(layer.weight)
                nn.init.zeros_(layer.bias)
            h = torch.relu(layer(h))
    print(f"{name:<18} output std after 20 ReLU layers: {h.std():.2g}")
limits.restore_original_limits()
# --8<-- [end:torch]
