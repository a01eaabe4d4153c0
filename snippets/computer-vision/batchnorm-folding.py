import copy
import sys

import torch
import torch.nn as nn
from torch.ao.quantization import fuse_modules
from torch.fx.experimental.optimization import fuse as fx_fuse

torch.manual_seed(0)
SIZE, CLASSES = 12, 4


def gratings(n, generator):
    """Noisy stripes at one of four orientations (the class), random phase."""
    labels = torch.randint(CLASSES, (n,), generator=generator)
    angle = labels.double() * torch.pi / CLASSES
    freq, phase, amplitude = torch.rand(3, n, generator=generator, dtype=torch.float64)
    freq, phase, amplitude = 0.6 + 0.4 * freq, 2 * torch.pi * phase, 0.5 + amplitude
    coords = torch.arange(SIZE, dtype=torch.float64)
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    along = xx * torch.cos(angle)[:, None, None] + yy * torch.sin(angle)[:, None, None]
    wave = torch.sin(freq[:, None, None] * along + phase[:, None, None])
    noise = torch.randn(n, SIZE, SIZE, generator=generator, dtype=torch.float64)
    images = amplitude[:, None, None] * wave + 1.2 * noise
    return images.unsqueeze(1), labels


def conv_bn_relu(c_in, c_out, kernel, groups=1):
    conv = nn.Conv2d(
        c_in, c_out, kernel, padding=kernel // 2, groups=groups, bias=False
    )
    return [conv, nn.BatchNorm2d(c_out), nn.ReLU()]


def init_uniform(net, generator):
    """PyTorch's default init (uniform, bound 1/sqrt(fan_in)), drawn with torch.rand:
    its float64 values, unlike uniform_'s, are the same on every CPU kernel."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                bound = m.weight[0].numel() ** -0.5
                for p in (m.weight, m.bias):
                    if p is not None:
                        u = torch.rand(p.shape, generator=generator, dtype=p.dtype)
                        p.copy_(bound * (2 * u - 1))


gen = torch.Generator().manual_seed(0)
x_train, y_train = gratings(4000, gen)
x_test, y_test = gratings(1000, gen)
model = nn.Sequential(
    *conv_bn_relu(1, 16, 3),
    # depthwise 3x3, then pointwise 1x1, as in a MobileNet block
    *conv_bn_relu(16, 16, 3, groups=16),
    *conv_bn_relu(16, 32, 1),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(32, CLASSES),
).double()

init_uniform(model, gen)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for _ in range(300):
    idx = torch.randint(len(x_train), (64,), generator=gen)
    loss = nn.functional.cross_entropy(model(x_train[idx]), y_train[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()


def accuracy(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(1) == y).double().mean().item()


# --- 1. Folding is exact in eval mode -------------------------------------------
def fold(conv, bn):
    """Conv2d followed by BatchNorm2d (eval) -> one Conv2d with a bias."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    fused = copy.deepcopy(conv)
    fused.weight = nn.Parameter(conv.weight * scale.view(-1, 1, 1, 1))
    fused.bias = nn.Parameter((bias - bn.running_mean) * scale + bn.bias)
    return fused


def hand_folded(net):
    layers = list(net)
    return nn.Sequential(
        fold(layers[0], layers[1]), nn.ReLU(),
        fold(layers[3], layers[4]), nn.ReLU(),
        fold(layers[6], layers[7]), nn.ReLU(),
        *layers[9:],
    )  # fmt: skip


groups = [["0", "1", "2"], ["3", "4", "5"], ["6", "7", "8"]]
print("eval model vs folded model, 1,000 test images: max |logit diff| below bound")
print("dtype    folded by      bound  below")
for dtype, bound in [(torch.float32, 1e-4), (torch.float64, 1e-12)]:
    net = copy.deepcopy(model).to(dtype)
    x = x_test.to(dtype)
    with torch.no_grad():
        reference = net(x)
        for name, other in [
            ("hand-folded", hand_folded(net)),
            ("fuse_modules", fuse_modules(net, groups)),
            ("fx fuse", fx_fuse(net)),
        ]:
            diff = (other(x) - reference).abs().max().item()
            print(f"{str(dtype)[6:]:8} {name:13} {bound:6.0e}  {diff < bound}")
            print(f"{dtype} {name}: {diff:.2e}", file=sys.stderr)
fused = fuse_modules(model, groups)
n_bn = [
    sum(isinstance(m, nn.BatchNorm2d) for m in net.modules()) for net in (model, fused)
]
print(f"BatchNorm layers: {n_bn[0]} before fuse_modules, {n_bn[1]} after")

# --- 2. Train mode uses the batch ----------------------------------------------
print()
train_mode = copy.deepcopy(model).train()
with torch.no_grad():
    gap = (train_mode(x_test) - model(x_test)).abs().max().item()
    print(f"same 1,000 images, train vs eval mode: max |logit diff| {gap:.3f}")
    by_class = torch.argsort(y_test, stable=True)
    x_sorted, y_sorted = x_test[by_class], y_test[by_class]
    # the same image 0, with 63 images of its class or 63 of all classes
    with_own_class = train_mode(x_sorted[:64])[0]
    with_mixed = train_mode(x_sorted[::16])[0]
    change = (with_own_class - with_mixed).abs().max().item()
    print(f"train mode, one image, batch of its class vs mixed batch: {change:.3f}")
    print("test accuracy")
    eval_acc = accuracy(model, x_test, y_test)
    print(f"  {'eval mode (running statistics)':41} {eval_acc:.3f}")
    for label, x, y, size in [
        ("train mode, random batches of 250", x_test, y_test, 250),
        ("train mode, one-class batches of 64", x_sorted, y_sorted, 64),
        ("train mode, batches of 1", x_test, y_test, 1),
    ]:
        preds = torch.cat([train_mode(batch).argmax(1) for batch in x.split(size)])
        print(f"  {label:41} {(preds == y).double().mean().item():.3f}")
moved = (train_mode[1].running_mean - model[1].running_mean).abs().max().item()
print(f"running mean changed by those no_grad forwards: {moved > 0}")

# --- 3. Shifted inputs: stale vs re-estimated statistics ------------------------
print()
x_unlabelled, _ = gratings(500, gen)


def shift(x):
    # lower contrast and a brighter image, as from another camera
    return 0.5 * x + 1.0


def recalibrate(net, x):
    """Re-estimate every BatchNorm's running statistics on unlabelled images."""
    net = copy.deepcopy(net).eval()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            # momentum=None: a plain average over all batches seen
            m.momentum = None
            # only BatchNorm in train mode (dropout, if any, stays off)
            m.train()
    with torch.no_grad():
        for batch in x.split(100):
            net(batch)
    return net.eval()


recal_shift = recalibrate(model, shift(x_unlabelled))
recal_clean = recalibrate(model, x_unlabelled)
print("accuracy                       clean test  shifted test")
for label, net in [
    ("running stats from training", model),
    ("re-estimated on 500 clean", recal_clean),
    ("re-estimated on 500 shifted", recal_shift),
]:
    print(f"{label:30} {accuracy(net, x_test, y_test):10.3f}"
          f"  {accuracy(net, shift(x_test), y_test):12.3f}")  # fmt: skip

# --- 4. int8 weights after folding: per-tensor vs per-channel scales ----------
print()


def int8(w, per_channel):
    """Symmetric int8: one scale per tensor or per output channel."""
    dims = tuple(range(1, w.dim())) if per_channel else tuple(range(w.dim()))
    scale = w.abs().amax(dim=dims, keepdim=True) / 127
    return torch.clamp(torch.round(w / scale), -127, 127) * scale


def errors(w, per_channel):
    """Relative error of the whole layer and of its worst output channel."""
    err = int8(w, per_channel) - w
    per_row = err.flatten(1).norm(dim=1) / w.flatten(1).norm(dim=1)
    return (err.norm() / w.norm()).item(), per_row.max().item()


def spread(v):
    return (v.abs().max() / v.abs().min()).item()


folded = hand_folded(model)
print("int8 weights of the folded convolutions, symmetric, codes -127..127")
print("           spread over channels   relative error, layer / worst channel")
print("layer      gamma/sigma    W    W'  per-tensor        per-channel")
for name, i, j in [("conv 3x3", 0, 0), ("depthwise", 3, 2), ("pointwise", 6, 4)]:
    bn = model[i + 1]
    gain = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w, w_folded = model[i].weight, folded[j].weight
    ranges = [spread(v.abs().amax(dim=(1, 2, 3))) for v in (w, w_folded)]
    tensor_err, channel_err = errors(w_folded, False), errors(w_folded, True)
    print(f"{name:10} {spread(gain):11.1f} {ranges[0]:5.1f} {ranges[1]:5.1f}"
          f"  {tensor_err[0]:.4f} / {tensor_err[1]:.4f}"
          f"  {channel_err[0]:.4f} / {channel_err[1]:.4f}")  # fmt: skip


def quantized(net, per_channel):
    net = copy.deepcopy(net)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.copy_(int8(m.weight, per_channel))
    return net


with torch.no_grad():
    ref = folded(x_test).argmax(1)
    for label, per_channel in [("per-tensor", False), ("per-channel", True)]:
        q = quantized(folded, per_channel)
        agree = (q(x_test).argmax(1) == ref).double().mean().item()
        acc = accuracy(q, x_test, y_test)
        print(f"folded net, int8 {label:11} weights: accuracy {acc:.3f}, "
              f"same prediction {agree:.3f}")  # fmt: skip

# What if one channel's gamma/sigma were s times larger (an s times smaller sigma)?
depthwise = folded[2].weight.detach()
largest = depthwise.abs().amax(dim=(1, 2, 3)).argmax()
print("depthwise W', largest channel times s")
print("    s  spread W'  worst-channel error: per-tensor  per-channel")
for s in (1, 10, 100):
    w = depthwise.clone()
    w[largest] *= s
    channel_range = w.abs().amax(dim=(1, 2, 3))
    print(f"{s:5} {spread(channel_range):10.1f}"
          f" {errors(w, False)[1]:31.3f} {errors(w, True)[1]:12.3f}")  # fmt: skip
