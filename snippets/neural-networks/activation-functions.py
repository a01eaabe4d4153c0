# --8<-- [start:numpy]
import numpy as np
import torch
import torch.nn.functional as F
from scipy.special import erf

ALPHA, SLOPE = 1.0, 0.01  # ELU alpha and Leaky ReLU slope: the PyTorch defaults


def sigmoid(x):
    e = np.exp(-np.abs(x))  # never exp of a large positive number: no overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def gelu(x):
    return (
        0.5 * x * (1 + erf(x / np.sqrt(2)))
    )  # x * Phi(x), the exact form (torch's default)


def softmax(z):
    e = np.exp(
        z - z.max(axis=-1, keepdims=True)
    )  # shift by the max: same result, no overflow
    return e / e.sum(axis=-1, keepdims=True)


# name: (f(x), f'(x), the PyTorch function), all elementwise on arrays
ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)), torch.sigmoid),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, torch.tanh),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float), F.relu),
    "leaky_relu": (
        lambda x: np.where(x > 0, x, SLOPE * x),
        lambda x: np.where(x > 0, 1.0, SLOPE),
        F.leaky_relu,
    ),
    "elu": (
        lambda x: np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0))),
        lambda x: np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0))),
        F.elu,
    ),
    "gelu": (
        gelu,
        lambda x: (
            0.5 * (1 + erf(x / np.sqrt(2)))
            + x * np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi)
        ),
        F.gelu,
    ),
    "silu": (
        lambda x: x * sigmoid(x),
        lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x))),
        F.silu,
    ),
}

x = np.linspace(
    -6, 6, 1201
)  # includes 0, where ReLU's derivative is taken as 0 (as in PyTorch)
print(
    f"{'activation':<11} {'f matches':>9} {'df matches':>10} "
    f"{'f(-3)':>7} {'f(3)':>6} {'max df/dx':>9}"
)
for name, (f, df, torch_f) in ACTIVATIONS.items():
    xt = torch.tensor(x, requires_grad=True)
    yt = torch_f(xt)
    yt.sum().backward()  # elementwise f, so d(sum f)/dx_i = f'(x_i)
    same_f = np.allclose(f(x), yt.detach().numpy())
    same_df = np.allclose(df(x), xt.grad.numpy())
    neg3, pos3 = f(np.array([-3.0, 3.0]))
    print(
        f"{name:<11} {same_f!s:>9} {same_df!s:>10} "
        f"{neg3:7.3f} {pos3:6.3f} {df(x).max():9.3f}"
    )

# Softmax maps a vector to a vector: its derivative is the Jacobian diag(s) - s s^T.
z = np.array([2.0, 1.0, 0.1, -1.0])
s = softmax(z)
jac = np.diag(s) - np.outer(s, s)
jac_torch = torch.autograd.functional.jacobian(
    lambda t: F.softmax(t, dim=-1), torch.tensor(z)
)
s_torch = F.softmax(torch.tensor(z), dim=-1).numpy()
print(
    f"softmax {np.round(s, 3)} sums to {s.sum():.3f}; "
    f"matches torch: {np.allclose(s, s_torch)}"
)
print(f"softmax Jacobian matches autograd: {np.allclose(jac, jac_torch.numpy())}")
print(f"softmax is shift-invariant: {np.allclose(softmax(z + 1000), s)}")
# --8<-- [end:numpy]

# --8<-- [start:naive]
import warnings

import numpy as np
import torch


def relu_naive(x):  # the common one-liner
    return max(0, x)


x = np.array([-2.0, -0.5, 0.0, 1.5])
try:
    relu_naive(x)
except ValueError as error:
    print(f"naive relu on an array -> ValueError: {error}")
print(f"np.maximum(x, 0)       -> {np.maximum(x, 0)}")


def sigmoid_naive(x):  # the common one-liner
    return 1 / (1 + np.exp(-x))


def sigmoid_stable(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


x = np.array([-1000.0, -50.0, 0.0, 50.0])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    naive = sigmoid_naive(x)
print(f"naive sigmoid warns: {[str(w.message) for w in caught]}")
with warnings.catch_warnings(record=True) as caught_stable:
    warnings.simplefilter("always")
    stable = sigmoid_stable(x)
print(f"stable sigmoid warns: {[str(w.message) for w in caught_stable]}")
print(f"x      {x}")
print(f"naive  {np.array2string(naive, precision=3)}")
print(f"stable {np.array2string(stable, precision=3)}")
same = np.allclose(stable, torch.sigmoid(torch.tensor(x)).numpy())
print(f"stable matches torch.sigmoid: {same}")
print(f"sigmoid(40.0) == 1.0 in float64: {sigmoid_stable(np.array(40.0)) == 1.0}")

# Sigmoid's derivative is at most 0.25: the activation's factor per layer. The weights
# multiply in too, so this bounds the activation's share, not the whole gradient.
g = sigmoid_stable(np.linspace(-10, 10, 2001))
print(
    f"max sigmoid'(x) = {np.max(g * (1 - g)):.3f}; "
    f"activation factor after 10 layers: at most {0.25**10:.1e}"
)
# --8<-- [end:naive]

# --8<-- [start:dying]
import torch
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

# Dying ReLU: a unit whose pre-activation is negative on every input gets zero gradient
# for every input, so it never updates again.
torch.manual_seed(0)
X = torch.randn(1000, 20)
y = (X[:, :5].sum(dim=1, keepdim=True) > 0).float()


def train(act, lr):
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Linear(20, 64),
        act(),
        nn.Linear(64, 64),
        act(),
        nn.Linear(64, 64),
        act(),
        nn.Linear(64, 1),
    )
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(100):
        opt.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(net(X), y).backward()
        opt.step()
    opt.zero_grad()
    nn.functional.binary_cross_entropy_with_logits(
        net(X), y
    ).backward()  # gradients after training
    hidden = [m for m in net[:-1] if isinstance(m, nn.Linear)]
    with torch.no_grad():
        never, h = [], X
        for m in net[:-1]:
            h = m(h)
            if isinstance(m, nn.Linear):
                never.append(
                    (h <= 0).all(dim=0)
                )  # pre-activation <= 0 on all 1000 inputs
    no_grad = torch.cat(
        [(m.weight.grad == 0).all(dim=1) for m in hidden]
    )  # incoming weights frozen
    return torch.cat(never).float().mean().item(), no_grad.float().mean().item()


print(
    "Adam lr   ReLU: never fire  zero gradient  "
    " LeakyReLU: never positive  zero gradient"
)
for lr in (1e-3, 1e-2, 1e-1):
    relu_never, relu_frozen = train(nn.ReLU, lr)
    leaky_never, leaky_frozen = train(nn.LeakyReLU, lr)
    print(
        f"{lr:<8g} {relu_never:17.1%} {relu_frozen:14.1%} "
        f"{leaky_never:26.1%} {leaky_frozen:14.1%}"
    )
limits.restore_original_limits()
# --8<-- [end:dying]

# --8<-- [start:plot]
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import erf, expit

x = np.linspace(-5, 5, 401)
curves = {
    "sigmoid": expit(x),
    "tanh": np.tanh(x),
    "ReLU": np.maximum(x, 0),
    "Leaky ReLU (0.1 for visibility)": np.where(x > 0, x, 0.1 * x),
    "ELU": np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "GELU": 0.5 * x * (1 + erf(x / np.sqrt(2))),
    "SiLU / Swish": x * expit(x),
}
plt.rcParams["svg.hashsalt"] = (
    "activations"  # stable element ids: the SVG is identical run to run
)
fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 4))
for name, y in curves.items():
    ax_f.plot(x, y, label=name, lw=1.5)
    ax_d.plot(x, np.gradient(y, x), label=name, lw=1.5)
ax_f.set(title="f(x)", xlabel="x", ylim=(-1.5, 3))
ax_d.set(title="f'(x)", xlabel="x", ylim=(-0.2, 1.2))
for ax in (ax_f, ax_d):
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.grid(alpha=0.3)
ax_f.legend(fontsize=8)
fig.tight_layout()
out = Path("docs/neural-networks/img/activations.svg")
out.parent.mkdir(parents=True, exist_ok=True)
fig.savefig(out, metadata={"Date": None})  # no timestamp in the file
plt.close(fig)
print(f"wrote {out} ({len(curves)} activations)")
# --8<-- [end:plot]
