# --8<-- [start:norms]
import torch
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)


def deep_mlp(act, depth=20, width=64, init="he", residual=False, gain=1.0):
    torch.manual_seed(0)
    layers = [nn.Linear(width, width) for _ in range(depth)]
    for layer in layers:
        fan_in = layer.in_features
        std = {"he": (2 / fan_in) ** 0.5, "xavier": (1 / fan_in) ** 0.5}[init] * gain
        nn.init.normal_(layer.weight, 0, std)
        nn.init.zeros_(layer.bias)

    def forward(x):
        for layer in layers:
            x = x + act(layer(x)) if residual else act(layer(x))
        return x

    return layers, forward


def grad_norms(act, **kwargs):
    """Gradient norm of each layer's weight matrix for one batch, input layer first."""
    layers, forward = deep_mlp(act, **kwargs)
    torch.manual_seed(1)
    x, target = torch.randn(256, 64), torch.randn(256, 64)
    nn.functional.mse_loss(forward(x), target).backward()
    return [layer.weight.grad.norm().item() for layer in layers]


setups = {
    "sigmoid, Xavier": dict(act=torch.sigmoid, init="xavier"),
    "tanh, Xavier": dict(act=torch.tanh, init="xavier"),
    "ReLU, He": dict(act=torch.relu, init="he"),
    "ReLU, He x 1.5 (too large)": dict(act=torch.relu, init="he", gain=1.5),
    "sigmoid, Xavier, residual": dict(act=torch.sigmoid, init="xavier", residual=True),
}
print(
    f"{'20 layers':<27} {'|g| layer 1':>11} {'layer 10':>9} "
    f"{'layer 20':>9} {'layer1/layer20':>15}"
)
for name, kwargs in setups.items():
    g = grad_norms(**kwargs)
    print(f"{name:<27} {g[0]:11.2e} {g[9]:9.2e} {g[19]:9.2e} {g[0] / g[19]:15.2e}")
limits.restore_original_limits()
# --8<-- [end:norms]

# --8<-- [start:clipping]
import math

import torch
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

# An 8-layer ReLU regression net (He init), plain SGD, with and without clipping.
torch.manual_seed(0)
X = torch.randn(512, 32)
y = X[:, :4].sum(dim=1, keepdim=True)


def train(lr, clip):
    torch.manual_seed(0)
    layers = []
    for _ in range(8):
        linear = nn.Linear(32, 32)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
    net = nn.Sequential(*layers, nn.Linear(32, 1))
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses, norms = [], []
    for _ in range(200):
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(X), y)
        loss.backward()
        # Rescale all gradients together so their joint L2 norm is at most max_norm;
        # the return value is the norm measured before clipping.
        norms.append(nn.utils.clip_grad_norm_(net.parameters(), max_norm=clip).item())
        losses.append(loss.item())
        opt.step()
    largest = max(n for n in norms if math.isfinite(n))
    return losses[0], losses[-1], largest


print("lr    clip   loss at start  after 200 steps  largest grad norm")
for lr in (0.03, 0.1):
    for clip in (float("inf"), 1.0):
        start, end, largest = train(lr, clip)
        end_text = f"{end:.3f}" if math.isfinite(end) else "nan (diverged)"
        print(f"{lr:<5} {clip:<5}  {start:13.3f}  {end_text:>15}  {largest:17.1e}")

# What clipping does to one gradient vector: direction kept, length capped.
p = torch.zeros(2, requires_grad=True)
p.grad = torch.tensor([30.0, 40.0])  # norm 50
nn.utils.clip_grad_norm_([p], max_norm=1.0)
clipped = [round(v, 3) for v in p.grad.tolist()]
print(f"gradient [30, 40] (norm 50) clipped to {clipped} (norm {p.grad.norm():.3f})")
limits.restore_original_limits()
# --8<-- [end:clipping]
