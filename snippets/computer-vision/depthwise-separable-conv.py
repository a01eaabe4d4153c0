# --8<-- [start:core]
import torch
from torch import nn

torch.manual_seed(0)
x = torch.randn(2, 32, 16, 16)


def n_params(*mods):
    return sum(p.numel() for m in mods for p in m.parameters())


# A 1x1 convolution is one dense layer applied at every pixel independently.
pointwise = nn.Conv2d(32, 64, kernel_size=1)
dense = nn.Linear(32, 64)
with torch.no_grad():
    dense.weight.copy_(pointwise.weight[:, :, 0, 0])
    dense.bias.copy_(pointwise.bias)
    per_pixel = dense(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
    same = torch.allclose(pointwise(x), per_pixel, atol=1e-6)
    print(f"1x1 conv == Linear at every pixel: {same}")

# Depthwise separable: a depthwise 3x3 (one filter per channel, groups=C), then a 1x1.
depthwise = nn.Conv2d(32, 32, 3, padding=1, groups=32)
with torch.no_grad():
    separable = pointwise(depthwise(x))
    # It is a standard 3x3 conv whose kernel is constrained to W[o, i] = P[o, i] * D[i].
    full = nn.Conv2d(32, 64, 3, padding=1)
    full.weight.copy_(pointwise.weight[:, :, 0, 0, None, None] * depthwise.weight[:, 0])
    full.bias.copy_(pointwise.weight[:, :, 0, 0] @ depthwise.bias + pointwise.bias)
    same = torch.allclose(separable, full(x), atol=1e-5)
    print(f"separable == standard conv with a factorised kernel: {same}")

cols = ("C_in", "C_out", "standard", "separable", "ratio", "formula")
print("".join(f"{c:>{w}}" for c, w in zip(cols, (5, 6, 11, 11, 7, 9))))
for c_in, c_out in [(32, 64), (128, 128), (256, 256), (512, 512)]:
    std = n_params(nn.Conv2d(c_in, c_out, 3, bias=False))
    sep = n_params(
        nn.Conv2d(c_in, c_in, 3, groups=c_in, bias=False),
        nn.Conv2d(c_in, c_out, 1, bias=False),
    )
    formula = 1 / (1 / c_out + 1 / 9)
    print(f"{c_in:>5}{c_out:>6}{std:>11,}{sep:>11,}{std / sep:>7.2f}{formula:>9.2f}")
# --8<-- [end:core]
