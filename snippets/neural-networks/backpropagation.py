# --8<-- [start:graph]
import math

import torch

# One neuron, one example: L = (sigmoid(w*x + b) - y)^2 as a graph of primitive nodes.
x, y, w, b = 1.5, 1.0, -0.8, 0.3

# Forward pass: compute and keep every intermediate value.
u = w * x  # multiply
z = u + b  # add
p = 1 / (1 + math.exp(-z))  # sigmoid
r = p - y  # subtract
L = r**2  # square

# Backward pass: walk the graph in reverse; each node multiplies the upstream gradient
# by its local derivative (the chain rule).
dL_dL = 1.0
dL_dr = dL_dL * 2 * r  # d(r^2)/dr = 2r
dL_dp = dL_dr * 1.0  # d(p - y)/dp = 1
dL_dz = dL_dp * p * (1 - p)  # d sigmoid/dz = p(1 - p)
dL_db = dL_dz * 1.0  # d(u + b)/db = 1
dL_du = dL_dz * 1.0  # d(u + b)/du = 1
dL_dw = dL_du * x  # d(w x)/dw = x
dL_dx = dL_du * w  # d(w x)/dx = w

# The same graph in PyTorch: autograd records it on the way forward, runs it backwards.
xt, wt, bt = (
    torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, w, b)
)
Lt = (torch.sigmoid(wt * xt + bt) - y) ** 2
Lt.backward()
print(f"L = {L:.6f} (torch {Lt.item():.6f})")
for name, mine, auto in [
    ("w", dL_dw, wt.grad),
    ("b", dL_db, bt.grad),
    ("x", dL_dx, xt.grad),
]:
    print(f"dL/d{name}: by hand {mine:+.6f}  autograd {auto.item():+.6f}")
node, chain = Lt.grad_fn, []
while node is not None:  # follow the first input of each node back to the leaves
    chain.append(node.name().split("::")[-1])
    node = node.next_functions[0][0] if node.next_functions else None
print("graph recorded by autograd:", " <- ".join(chain))
# --8<-- [end:graph]

# --8<-- [start:gradcheck]
import sys

import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(16, 5))
Y = rng.normal(size=(16, 1))
params = {
    "W1": rng.normal(0, 0.5, (5, 8)),
    "b1": rng.normal(0, 0.1, 8),
    "W2": rng.normal(0, 0.5, (8, 1)),
    "b2": rng.normal(0, 0.1, 1),
}


def loss_and_grads(p, X, Y, bug=False):
    """MSE of a 5-8-1 tanh network; gradients by backpropagation."""
    z1 = X @ p["W1"] + p["b1"]
    h = np.tanh(z1)
    out = h @ p["W2"] + p["b2"]
    loss = np.mean((out - Y) ** 2)
    d_out = 2 * (out - Y) / len(X)
    d_h = d_out @ p["W2"].T
    d_z1 = d_h if bug else d_h * (1 - h**2)  # the bug: forget tanh's local derivative
    grads = {
        "W2": h.T @ d_out,
        "b2": d_out.sum(axis=0),
        "W1": X.T @ d_z1,
        "b1": d_z1.sum(axis=0),
    }
    return loss, grads


def numerical_grads(p, X, Y, eps=1e-6):
    """Central differences (L(theta+eps) - L(theta-eps)) / (2 eps), per weight."""
    grads, evaluations = {}, 0
    for name, value in p.items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            old = value[i]
            value[i] = old + eps
            plus = loss_and_grads(p, X, Y)[0]
            value[i] = old - eps
            minus = loss_and_grads(p, X, Y)[0]
            value[i] = old
            g[i] = (plus - minus) / (2 * eps)
            evaluations += 2
        grads[name] = g
    return grads, evaluations


def relative_error(a, b):
    a, b = (np.concatenate([g[k].ravel() for k in sorted(g)]) for g in (a, b))
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


numeric, evaluations = numerical_grads(params, X, Y)
n_params = sum(v.size for v in params.values())
for bug in (False, True):
    _, analytic = loss_and_grads(params, X, Y, bug=bug)
    label = "backprop with a bug" if bug else "backprop           "
    error = relative_error(analytic, numeric)
    print(
        f"{label} vs finite differences: relative error < 1e-7: {error < 1e-7}", end=""
    )
    print(f" (bug: {error:.1f})" if bug else "")
    print(
        f"relative error: {error:.1e}", file=sys.stderr
    )  # about 1e-10 here; varies with the BLAS
print(f"finite differences: {evaluations} forward passes for {n_params} parameters")
print(
    "backpropagation: one forward and one backward "
    "pass, whatever the number of parameters"
)

# float32 is too coarse for a gradient check: rounding error swamps the difference.
p32 = {k: v.astype(np.float32) for k, v in params.items()}
numeric32, _ = numerical_grads(
    p32, X.astype(np.float32), Y.astype(np.float32), eps=1e-6
)
_, analytic = loss_and_grads(params, X, Y)
error32 = relative_error(analytic, numeric32)
print(
    "same check in float32: relative error < 1e-7: "
    f"{error32 < 1e-7}, above 1e-3: {error32 > 1e-3}"
)
# --8<-- [end:gradcheck]

# --8<-- [start:torch]
import torch

# PyTorch ships the same check: gradcheck compares autograd with finite differences
# (it needs float64 inputs).
torch.manual_seed(0)
net = torch.nn.Sequential(
    torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)
).double()
X = torch.randn(16, 5, dtype=torch.float64, requires_grad=True)
passes = torch.autograd.gradcheck(lambda x: net(x).pow(2).mean(), (X,))
print(f"torch.autograd.gradcheck passes: {passes}")
# --8<-- [end:torch]
