import math

import torch
from torch import nn

# EfficientNet-B0 stages: (expand ratio, kernel, stride, c_in, c_out, repeats)
B0 = [
    (1, 3, 1, 32, 16, 1),
    (6, 3, 2, 16, 24, 2),
    (6, 5, 2, 24, 40, 2),
    (6, 3, 2, 40, 80, 3),
    (6, 5, 1, 80, 112, 3),
    (6, 5, 2, 112, 192, 4),
    (6, 3, 1, 192, 320, 1),
]


def channels(c, width):
    # scale, then round to a multiple of 8 (never more than 10% down), as the
    # reference implementation does
    v = c * width
    new = max(8, int(v + 4) // 8 * 8)
    return new + 8 if new < 0.9 * v else new


def block_list(width, depth):
    """(expand, kernel, stride, c_in, c_out) for every MBConv block."""
    out = []
    for e, k, s, c_in, c_out, n in B0:
        c_in, c_out = channels(c_in, width), channels(c_out, width)
        for i in range(math.ceil(n * depth)):
            out.append((e, k, s if i == 0 else 1, c_in if i == 0 else c_out, c_out))
    return out


def count(width=1.0, depth=1.0, res=224):
    """Multiply-accumulates (convolutions and classifier) and parameters, by formula."""
    stem = channels(32, width)
    size = (res + 1) // 2  # the stem is a stride-2 3x3 conv
    macs, params = size**2 * 27 * stem, 27 * stem + 2 * stem  # + BatchNorm scale, shift
    for e, k, s, c_in, c_out in block_list(width, depth):
        mid, sq = c_in * e, max(1, c_in // 4)
        if e != 1:  # 1x1 expansion
            macs += size**2 * c_in * mid
            params += c_in * mid + 2 * mid
        size = (size + s - 1) // s
        macs += size**2 * mid * k * k  # depthwise kxk: one filter per channel
        params += mid * k * k + 2 * mid
        macs += 2 * mid * sq  # squeeze-and-excitation, on a 1x1 pooled map
        params += 2 * mid * sq + sq + mid
        macs += size**2 * mid * c_out  # 1x1 linear projection
        params += mid * c_out + 2 * c_out
    head = 4 * c_out  # 1x1 conv to 1280 channels (B0), then the classifier
    macs += size**2 * c_out * head + head * 1000
    params += c_out * head + 2 * head + head * 1000 + 1000
    return macs, params


# The same network in PyTorch, to check the formula with forward hooks
def conv_bn(c_in, c_out, k, stride=1, groups=1, act=True):
    conv = nn.Conv2d(c_in, c_out, k, stride, k // 2, groups=groups, bias=False)
    layers = [conv, nn.BatchNorm2d(c_out)] + ([nn.SiLU()] if act else [])
    return nn.Sequential(*layers)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, SE, 1x1 linear projection."""

    def __init__(self, e, k, s, c_in, c_out):
        super().__init__()
        mid, sq = c_in * e, max(1, c_in // 4)
        self.expand = conv_bn(c_in, mid, 1) if e != 1 else nn.Identity()
        self.dw = conv_bn(mid, mid, k, s, groups=mid)
        self.se = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(mid, sq, 1),
            nn.SiLU(),
            nn.Conv2d(sq, mid, 1),
            nn.Sigmoid(),
        )
        # no activation after the projection: the "linear bottleneck"
        self.project = conv_bn(mid, c_out, 1, act=False)
        self.skip = s == 1 and c_in == c_out

    def forward(self, x):
        h = self.dw(self.expand(x))
        h = self.project(h * self.se(h))
        return x + h if self.skip else h


def efficientnet(width=1.0, depth=1.0):
    blocks = block_list(width, depth)
    last = blocks[-1][-1]
    return nn.Sequential(
        conv_bn(3, channels(32, width), 3, 2),
        *[MBConv(*b) for b in blocks],
        conv_bn(last, 4 * last, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4 * last, 1000),
    )


def hooked(model, x):
    """MACs of every Conv2d and Linear, from the shapes seen in a forward pass,
    and activation elements read + written, by kind of layer."""
    macs, traffic = {}, {}

    def hook(m, inputs, out):
        if isinstance(m, nn.Linear):
            kind, n = "classifier", m.in_features * m.out_features
        else:
            kh, kw = m.kernel_size
            n = out[0].numel() * m.in_channels // m.groups * kh * kw
            if m.groups > 1:
                kind = "depthwise kxk"
            elif out.shape[-1] == 1:
                kind = "SE"
            elif kh == 1:
                kind = "1x1 conv"
            else:
                kind = "stem 3x3"
        macs[kind] = macs.get(kind, 0) + n
        elements = inputs[0][0].numel() + out[0].numel()
        traffic[kind] = traffic.get(kind, 0) + elements

    layers = (nn.Conv2d, nn.Linear)
    handles = [
        m.register_forward_hook(hook) for m in model.modules() if isinstance(m, layers)
    ]
    with torch.no_grad():
        model.eval()(x)
    for h in handles:
        h.remove()
    return macs, traffic


def n_params(model):
    return sum(p.numel() for p in model.parameters())


torch.manual_seed(0)
b0 = efficientnet()
macs0, params0 = count()
hook_macs, traffic = hooked(b0, torch.randn(1, 3, 224, 224))
print(f"EfficientNet-B0 at 224: {macs0 / 1e6:.1f}M MACs, {params0:,} parameters")
print(
    f"formula == hooks: MACs {macs0 == sum(hook_macs.values())}, "
    f"parameters {params0 == n_params(b0)}"
)

print(f"\n{'layer kind':<14}{'share of MACs':>14}{'share of traffic':>17}"
      f"{'MACs/element':>13}")  # fmt: skip
total_t = sum(traffic.values())
for kind in ["stem 3x3", "1x1 conv", "depthwise kxk", "SE", "classifier"]:
    m, t = hook_macs[kind], traffic[kind]
    print(f"{kind:<14}{m / macs0:>14.3f}{t / total_t:>17.3f}{m / t:>13.1f}")

# Scale B0 to about 2x MACs along one dimension, or all three (phi = 1)
variants = {
    "B0": (1.0, 1.0, 224),
    "depth x2": (1.0, 2.0, 224),
    "width x1.41": (2**0.5, 1.0, 224),
    "resolution x1.41": (1.0, 1.0, round(224 * 2**0.5)),
    "compound, phi=1": (1.1, 1.2, round(224 * 1.15)),
}
print(f"\n{'scaling':<18}{'w':>6}{'d':>5}{'res':>5}{'blocks':>7}{'map':>5}{'MACs':>7}"
      f"{'x B0':>6}{'params':>8}{'x B0':>6}{'hooks':>7}")  # fmt: skip
for name, (w, d, r) in variants.items():
    macs, params = count(w, d, r)
    net = efficientnet(w, d)
    x = torch.randn(1, 3, r, r)
    final_map = net[:-3](x).shape[-1]  # spatial size before global pooling
    ok = macs == sum(hooked(net, x)[0].values()) and params == n_params(net)
    print(
        f"{name:<18}{w:>6.2f}{d:>5.1f}{r:>5}{len(block_list(w, d)):>7}{final_map:>5}"
        f"{macs / 1e6:>6.0f}M{macs / macs0:>6.2f}{params / 1e6:>7.2f}M"
        f"{params / params0:>6.2f}{str(ok):>7}"
    )

# The released B1-B7 coefficients (width, depth, resolution), counted by formula
# and compared with Table 2 of Tan & Le (2019): (GFLOPs, millions of parameters)
family = {
    "B1": (1.0, 1.1, 240, "0.70", "7.8"),
    "B2": (1.1, 1.2, 260, "1.0", "9.2"),
    "B3": (1.2, 1.4, 300, "1.8", "12"),
    "B4": (1.4, 1.8, 380, "4.2", "19"),
    "B5": (1.6, 2.2, 456, "9.9", "30"),
    "B6": (1.8, 2.6, 528, "19", "43"),
    "B7": (2.0, 3.1, 600, "37", "66"),
}
print(f"\n{'model':<6}{'w':>5}{'d':>5}{'res':>5}{'GMACs':>8}{'paper':>7}"
      f"{'x B0':>7}{'params':>8}{'paper':>7}")  # fmt: skip
for name, (w, d, r, paper_g, paper_p) in family.items():
    macs, params = count(w, d, r)
    print(
        f"{name:<6}{w:>5.1f}{d:>5.1f}{r:>5}{macs / 1e9:>8.2f}{paper_g:>7}"
        f"{macs / macs0:>7.1f}{params / 1e6:>7.1f}M{paper_p:>6}M"
    )

# One block on a 28x28 map with 40 channels in and out (B0's third stage)
x = torch.randn(1, 40, 28, 28)
blocks = {
    "MBConv, expand 6, 3x3": MBConv(6, 3, 1, 40, 40),
    "one 3x3 conv": conv_bn(40, 40, 3),
    "two 3x3 convs": nn.Sequential(conv_bn(40, 40, 3), conv_bn(40, 40, 3)),
}
print(f"\n{'block, 40 -> 40 channels':<26}{'MACs':>7}{'params':>8}{'widest':>8}")
for name, block in blocks.items():
    macs = sum(hooked(block, x)[0].values())
    widest = max(m.out_channels for m in block.modules() if isinstance(m, nn.Conv2d))
    print(f"{name:<26}{macs / 1e6:>6.1f}M{n_params(block):>8,}{widest:>8}")
