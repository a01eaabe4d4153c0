# --8<-- [start:shapes]
import itertools

import torch
from torch import nn


def conv_out(w, k, s=1, p=0, d=1):
    """Output size of a convolution or pooling layer along one axis."""
    k_eff = d * (k - 1) + 1  # a dilated kernel covers d*(k-1)+1 pixels
    return (w - k_eff + 2 * p) // s + 1


x = torch.zeros(1, 3, 32, 32)
print(f"{'kernel':>6}{'stride':>7}{'pad':>4}{'dil':>4}{'formula':>8}{'nn.Conv2d':>10}")
for k, s, p, d in [(3, 1, 0, 1), (3, 1, 1, 1), (5, 2, 2, 1), (3, 2, 1, 1), (7, 2, 3, 1),
                   (4, 3, 0, 1), (3, 1, 2, 2), (1, 1, 0, 1)]:  # fmt: skip
    out = nn.Conv2d(3, 8, k, stride=s, padding=p, dilation=d)(x).shape[-1]
    print(f"{k:>6}{s:>7}{p:>4}{d:>4}{conv_out(32, k, s, p, d):>8}{out:>10}")

# The same formula holds for every input size and setting, and for pooling layers.
grid = itertools.product(range(7, 20), [1, 2, 3, 5], [1, 2, 3], [0, 1, 2], [1, 2])
checked = mismatches = 0
for w, k, s, p, d in grid:
    if d * (k - 1) + 1 > w + 2 * p or p > k // 2:
        continue  # kernel larger than the padded input, or padding PyTorch refuses
    inp = torch.zeros(1, 1, w, w)
    conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)(inp).shape[-1]
    pool = nn.MaxPool2d(k, stride=s, padding=p, dilation=d)(inp).shape[-1]
    checked += 1
    mismatches += (conv, pool) != (conv_out(w, k, s, p, d),) * 2
print(f"settings checked: {checked}, mismatches: {mismatches}")

# A transposed convolution inverts the shape map: (w - 1)*s - 2p + d*(k - 1) + 1.
up = nn.ConvTranspose2d(8, 3, 4, stride=2, padding=1)(torch.zeros(1, 8, 16, 16))
formula = (16 - 1) * 2 - 2 * 1 + (4 - 1) + 1
print(f"ConvTranspose2d(k=4, s=2, p=1) on 16x16: {up.shape[-1]} (formula {formula})")
# --8<-- [end:shapes]

# --8<-- [start:params]
from torch import nn


def n_params(m):
    return sum(p.numel() for p in m.parameters())


# A 3x3 convolution from a 32x32 RGB image to 64 channels, "same" padding.
conv = nn.Conv2d(3, 64, kernel_size=3, padding=1)
print(f"conv 3x3, 3->64 channels: {n_params(conv):,} parameters (3*3*3*64 + 64)")
# A dense layer producing the same 64x32x32 output from the same input.
dense_params = (3 * 32 * 32) * (64 * 32 * 32) + 64 * 32 * 32
print(f"dense layer, same input and output: {dense_params:,} parameters")
print(f"ratio: {dense_params / n_params(conv):,.0f}x")
# Multiply-accumulates: every output value is a dot product of length 3*3*3.
macs = 64 * 32 * 32 * (3 * 3 * 3)
print(f"conv multiply-accumulates per image: {macs:,}")
# The parameter count does not depend on the image size; the compute does.
for side in (32, 224):
    macs = 64 * side * side * 27
    print(f"{side}x{side} input: params {n_params(conv):,}, MACs {macs:,}")
# --8<-- [end:params]
