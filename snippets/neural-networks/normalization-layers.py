# --8<-- [start:numpy]
import numpy as np
import torch
from torch import nn

EPS = 1e-5


class BatchNorm:
    """BatchNorm1d on a (batch, features) array: per-feature stats over the batch."""

    def __init__(self, d, momentum=0.1):
        self.gamma, self.beta = np.ones(d), np.zeros(d)
        self.running_mean, self.running_var = np.zeros(d), np.ones(d)
        self.momentum, self.training = momentum, True

    def __call__(self, x):
        if self.training:
            mean, var = (
                x.mean(axis=0),
                x.var(axis=0),
            )  # biased variance normalises the batch
            n, m = len(x), self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (
                n - 1
            )  # unbiased is stored
        else:
            mean, var = (
                self.running_mean,
                self.running_var,
            )  # eval: fixed statistics from training
        return self.gamma * (x - mean) / np.sqrt(var + EPS) + self.beta


def layer_norm(x, gamma, beta):
    """Statistics per example, across its features."""
    mean, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + EPS) + beta


def rms_norm(x, gamma):
    """LayerNorm without the mean: divide by the RMS; no centring, no bias."""
    return gamma * x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + EPS)


rng = np.random.default_rng(0)
batches = [
    rng.normal(3.0, 2.0, size=(32, 8)) for _ in range(5)
]  # features with mean 3, std 2
x_test = rng.normal(3.0, 2.0, size=(4, 8))

bn, bn_t = BatchNorm(8), nn.BatchNorm1d(8, eps=EPS, momentum=0.1).double()
for (
    xb
) in batches:  # training mode: normalise with batch statistics, update the running ones
    out, out_t = bn(xb), bn_t(torch.tensor(xb))
print(
    f"BatchNorm train output matches torch: {np.allclose(out, out_t.detach().numpy())}"
)
print(
    "running mean/var match torch:",
    np.allclose(bn.running_mean, bn_t.running_mean.numpy()),
    np.allclose(bn.running_var, bn_t.running_var.numpy()),
)
bn.training = False
bn_t.eval()
same = np.allclose(bn(x_test), bn_t(torch.tensor(x_test)).detach().numpy())
print(f"BatchNorm eval output matches torch: {same}")

gamma, beta = rng.normal(size=8), rng.normal(size=8)
ln_t = nn.LayerNorm(8, eps=EPS).double()
rms_t = nn.RMSNorm(8, eps=EPS).double()
with torch.no_grad():
    ln_t.weight.copy_(torch.tensor(gamma))
    ln_t.bias.copy_(torch.tensor(beta))
    rms_t.weight.copy_(torch.tensor(gamma))
xt = torch.tensor(x_test)
same_ln = np.allclose(layer_norm(x_test, gamma, beta), ln_t(xt).detach().numpy())
same_rms = np.allclose(rms_norm(x_test, gamma), rms_t(xt).detach().numpy())
print(f"LayerNorm matches torch: {same_ln}")
print(f"RMSNorm matches torch:   {same_rms}")
# --8<-- [end:numpy]

# --8<-- [start:modes]
import torch
from torch import nn

torch.manual_seed(0)
bn, ln = nn.BatchNorm1d(4), nn.LayerNorm(4)
x = torch.randn(8, 4) * 2 + 3
for _ in range(20):
    bn(torch.randn(64, 4) * 2 + 3)  # a few training batches fill the running statistics

# 1. In training mode BatchNorm's output for an example depends on the rest of the
# batch.
a = bn(x)[0]
b = bn(torch.cat([x[:1], torch.randn(7, 4) * 2 + 10]))[
    0
]  # same first example, other companions
print(
    f"train mode, BatchNorm: example 0 unchanged by its batch: {torch.allclose(a, b)}"
)
a, b = ln(x)[0], ln(torch.cat([x[:1], torch.randn(7, 4) * 2 + 10]))[0]
print(
    f"LayerNorm:             example 0 unchanged by its batch: {torch.allclose(a, b)}"
)

# 2. train() and eval() give different outputs for the same input.
bn.train()
out_train = bn(x)
bn.eval()
out_eval = bn(x)
print(
    f"BatchNorm train vs eval, max difference: {(out_train - out_eval).abs().max():.3f}"
)

# 3. A batch of one cannot be normalised with batch statistics.
bn.train()
try:
    bn(x[:1])
except ValueError as error:
    print(f"train mode, batch of 1: ValueError: {error}")
bn.eval()
print(f"eval mode, batch of 1 works: {tuple(bn(x[:1]).shape)}")
# --8<-- [end:modes]

# --8<-- [start:effect]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X / 16, y, test_size=0.3, random_state=0, stratify=y
)
X_tr, X_te = (torch.tensor(a, dtype=torch.float32) for a in (X_tr, X_te))
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

norms = {
    "none": None,
    "BatchNorm": nn.BatchNorm1d,
    "LayerNorm": nn.LayerNorm,
    "RMSNorm": nn.RMSNorm,
}
print("10 tanh layers, SGD lr=0.1, 200 steps")
for name, norm in norms.items():
    torch.manual_seed(0)
    layers, width = [], 64
    for _ in range(10):
        layers += [nn.Linear(width, 64)] + ([norm(64)] if norm else []) + [nn.Tanh()]
    net = nn.Sequential(*layers, nn.Linear(64, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gen = torch.Generator().manual_seed(0)
    for _ in range(200):
        idx = torch.randint(0, len(X_tr), (64,), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(net(X_tr[idx]), y_tr[idx]).backward()
        opt.step()
    net.eval()  # BatchNorm switches to its running statistics
    with torch.no_grad():
        loss = nn.functional.cross_entropy(net(X_tr), y_tr).item()
        acc = (net(X_te).argmax(1) == y_te).float().mean().item()
    print(f"{name:<10} train loss {loss:.3f}, test accuracy {acc:.3f}")
limits.restore_original_limits()
# --8<-- [end:effect]
