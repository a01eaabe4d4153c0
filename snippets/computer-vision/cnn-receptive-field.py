# --8<-- [start:rf]
import torch
from torch import nn


def receptive_field(layers):
    """layers: (kind, kernel, stride, dilation). Returns the RF of one output pixel."""
    rf, jump = 1, 1  # jump: distance in input pixels between adjacent outputs
    for _, k, s, d in layers:
        rf += (k - 1) * d * jump
        jump *= s
    return rf


def measured_rf(layers, size=96):
    """Width of the input region with a nonzero gradient for the centre output pixel."""
    mods = []
    for kind, k, s, d in layers:
        if kind == "conv":
            conv = nn.Conv2d(1, 1, k, stride=s, padding=d * (k - 1) // 2, dilation=d)
            # Positive weights: no gradient can cancel out by accident.
            nn.init.constant_(conv.weight, 1.0)
            mods.append(conv)
        else:
            # Average pooling: every input of a window gets a nonzero gradient.
            mods.append(nn.AvgPool2d(k, stride=s, padding=(k - 1) // 2))
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    out = nn.Sequential(*mods)(x)
    c = out.shape[-1] // 2
    out[0, 0, c, c].backward()
    cols = x.grad[0, 0].abs().sum(0).nonzero()
    return int(cols.max() - cols.min() + 1)


conv3 = ("conv", 3, 1, 1)
pool = ("pool", 2, 2, 1)
nets = {
    "one 3x3 conv": [conv3],
    "three 3x3 convs": [conv3] * 3,
    "VGG-style: 2 conv, pool, x3": ([conv3] * 2 + [pool]) * 3,
    "ResNet stem: 7x7/2 conv, 3x3/2 pool": [("conv", 7, 2, 1), ("pool", 3, 2, 1)],
    "3x3 convs, dilation 1,2,4,8": [("conv", 3, 1, d) for d in (1, 2, 4, 8)],
    "ten 3x3 convs": [conv3] * 10,
}
print(f"{'network':38}{'formula':>8}{'measured':>9}")
for name, layers in nets.items():
    print(f"{name:38}{receptive_field(layers):>8}{measured_rf(layers):>9}")
# --8<-- [end:rf]

# --8<-- [start:erf]
import torch
from torch import nn

# Effective receptive field (Luo et al. 2016): how the gradient is spread inside the
# theoretical receptive field of a randomly initialised ReLU network.
torch.manual_seed(0)
for depth in (5, 10, 20):
    layers = []
    for i in range(depth):
        layers += [nn.Conv2d(1 if i == 0 else 16, 16, 3, padding=1), nn.ReLU()]
    net = nn.Sequential(*layers)
    grad = torch.zeros(64, 64)
    for _ in range(8):
        x = torch.randn(1, 1, 64, 64, requires_grad=True)
        net(x)[0, :, 32, 32].sum().backward()
        grad += x.grad[0, 0].abs()
    theoretical = 2 * depth + 1
    # Smallest centred square holding 90% of the gradient mass.
    share = [
        grad[32 - r : 33 + r, 32 - r : 33 + r].sum() / grad.sum() for r in range(33)
    ]
    half = next(r for r, m in enumerate(share) if m >= 0.9)
    print(
        f"{depth:2} layers: RF {theoretical:2}, 90% of gradient within {2 * half + 1:2}"
    )
# --8<-- [end:erf]
