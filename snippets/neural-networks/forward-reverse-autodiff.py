# --8<-- [start:jacobian]
import torch
from torch.func import jacfwd, jacrev, jvp, vjp

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def make_f(n, m, hidden=32):
    """A small tanh network f: R^n -> R^m that counts how often it runs."""
    W1 = torch.randn(hidden, n) / n**0.5
    W2 = torch.randn(m, hidden) / hidden**0.5
    runs = [0]

    def f(x):
        runs[0] += 1
        return W2 @ torch.tanh(W1 @ x)

    return f, runs


print("case     n    m | forward mode   | reverse mode         | = jacfwd, jacrev")
for case, n, m in [("wide", 100, 2), ("tall", 2, 100)]:
    f, runs = make_f(n, m)
    x = torch.randn(n)

    # Forward mode: push the tangent e_i forward; each pass gives column i, J e_i.
    runs[0] = 0
    J_cols = torch.stack([jvp(f, (x,), (e,))[1] for e in torch.eye(n)], dim=1)
    jvp_passes = runs[0]

    # Reverse mode: one forward pass records the graph, then each cotangent e_j is
    # pulled back through it; each backward pass gives row j, e_j^T J.
    runs[0] = 0
    _, vjp_fn = vjp(f, x)
    J_rows = torch.stack([vjp_fn(e)[0] for e in torch.eye(m)])
    forward_runs = runs[0]

    same = (
        torch.allclose(J_cols, jacfwd(f)(x))
        and torch.allclose(J_rows, jacrev(f)(x))
        and torch.allclose(J_cols, J_rows)
    )
    print(
        f"{case:5} {n:>4} {m:>4} | {jvp_passes:>3} JVP passes "
        f"| {forward_runs} forward + {m:>3} VJPs | {same}"
    )
# --8<-- [end:jacobian]

# --8<-- [start:cost]
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F
from torch.func import grad, jvp, vjp
from torch.utils.flop_counter import FlopCounterMode

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

# An MLP 64-256-256-10 with all its parameters in one flat vector theta,
# cross-entropy on a batch of 128: f: R^n -> R, a scalar loss.
sizes = [64, 256, 256, 10]
shapes = list(zip(sizes[1:], sizes[:-1]))
n = sum(out * inp + out for out, inp in shapes)
theta = 0.05 * torch.randn(n)
X, y = torch.randn(128, 64), torch.randint(0, 10, (128,))


def loss(t):
    h, k = X, 0
    for layer, (out, inp) in enumerate(shapes):
        W = t[k : k + out * inp].view(out, inp)
        b = t[k + out * inp : k + out * inp + out]
        k += out * inp + out
        h = h @ W.T + b
        if layer < len(shapes) - 1:
            h = torch.tanh(h)
    return F.cross_entropy(h, y)


def matmul_flops(fn):
    """FLOPs of the matrix multiplications fn dispatches (counted, not timed)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


v = torch.randn(n)
one_pass = matmul_flops(lambda: loss(theta))
costs = {
    "one JVP: the derivative along one direction v": matmul_flops(
        lambda: jvp(loss, (theta,), (v,))
    ),
    f"one VJP: the gradient, all {n:,} partials": matmul_flops(
        lambda: vjp(loss, theta)[1](torch.tensor(1.0))
    ),
    "one HVP, forward-over-reverse: jvp(grad(f))": matmul_flops(
        lambda: jvp(grad(loss), (theta,), (v,))
    ),
}
print(f"n = {n:,} parameters; matmul FLOPs relative to one forward pass")
for name, flops in costs.items():
    print(f"  {name:<46} {flops / one_pass:>9.1f}x")
jvp_ratio = costs["one JVP: the derivative along one direction v"] / one_pass
print(f"  {'the gradient from n JVPs (forward mode)':<46} {n * jvp_ratio:>9,.0f}x")

# Memory: bytes that autograd saves for the backward pass (weights excluded),
# against forward mode, which carries tangents along and saves nothing.
saved, weights = {}, set()


def pack(t):
    storage = t.untyped_storage()
    if storage.data_ptr() not in weights:
        saved[storage.data_ptr()] = storage.nbytes()
    return t


def net(h, Ws):
    for W in Ws:
        h = torch.tanh(h @ W.T)
    return h.sum()


print("hidden layers | saved by reverse mode | saved by forward mode")
h0 = torch.randn(128, 256)
for depth in (2, 4, 8):
    Ws = [(torch.randn(256, 256) / 16).requires_grad_() for _ in range(depth)]
    weights = {W.untyped_storage().data_ptr() for W in Ws}
    saved.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        net(h0, Ws).backward()
    reverse_bytes = sum(saved.values())

    saved.clear()
    with (
        torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t),
        fwAD.dual_level(),
    ):
        duals = [fwAD.make_dual(W.detach(), torch.randn(256, 256)) for W in Ws]
        tangent = fwAD.unpack_dual(net(h0, duals)).tangent
    forward_bytes = sum(saved.values())
    print(
        f"{depth:>13} | {reverse_bytes / 2**20:>17.2f} MiB | "
        f"{forward_bytes / 2**20:>17.2f} MiB"
    )
# --8<-- [end:cost]

# --8<-- [start:hessian]
import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse.linalg import LinearOperator, eigsh
from torch.func import grad, hessian, jvp

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

# A smaller MLP 10-32-3, small enough that its full Hessian fits in memory.
sizes = [10, 32, 3]
shapes = list(zip(sizes[1:], sizes[:-1]))
n = sum(out * inp + out for out, inp in shapes)
theta = 0.3 * torch.randn(n)
X, y = torch.randn(64, 10), torch.randint(0, 3, (64,))


def loss(t):
    h, k = X, 0
    for layer, (out, inp) in enumerate(shapes):
        W = t[k : k + out * inp].view(out, inp)
        b = t[k + out * inp : k + out * inp + out]
        k += out * inp + out
        h = h @ W.T + b
        if layer < len(shapes) - 1:
            h = torch.tanh(h)
    return F.cross_entropy(h, y)


def hvp(v):
    """H v as the JVP of the gradient (forward-over-reverse): H is never formed."""
    return jvp(grad(loss), (theta,), (v,))[1]


def hvp_reverse_over_reverse(v):
    """H v as the gradient of g(theta) = grad(theta) . v: two reverse passes."""
    return grad(lambda t: grad(loss)(t) @ v)(theta)


v = torch.randn(n)
H = hessian(loss)(theta)  # jacfwd(jacrev(loss)): n HVPs, batched
print(f"n = {n} parameters, Hessian {tuple(H.shape)}")
print(f"forward-over-reverse HVP equals H @ v:   {torch.allclose(hvp(v), H @ v)}")
print(
    "reverse-over-reverse HVP equals H @ v:   "
    f"{torch.allclose(hvp_reverse_over_reverse(v), H @ v)}"
)


# Sharpness, the top Hessian eigenvalue, by Lanczos on HVPs alone (as in
# edge-of-stability studies), against the eigenvalues of the full Hessian.
calls = [0]


def matvec(x):
    calls[0] += 1
    return hvp(torch.from_numpy(np.asarray(x).ravel())).numpy()


operator = LinearOperator((n, n), matvec=matvec, dtype=np.float64)
top = eigsh(operator, k=1, which="LA", v0=np.ones(n), tol=1e-10)[0][0]
print(
    f"top eigenvalue by Lanczos on HVPs: {top:.4f}; "
    f"from the full Hessian: {torch.linalg.eigvalsh(H)[-1]:.4f}"
)
print(f"Lanczos needed fewer than 50 HVPs (n = {n}): {calls[0] < 50}")

# Storage: the Hessian has n^2 entries, an HVP returns n.


def size(num_bytes):
    units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
    power = min((len(str(num_bytes)) - 1) // 3, len(units) - 1)
    return f"{num_bytes / 1000**power:.1f} {units[power]}"


print("parameters      | Hessian in float32 | HVP in float32")
for params in (n, 85_002, 7_000_000_000):
    print(f"{params:>15,} | {size(4 * params**2):>18} | {size(4 * params):>14}")
# --8<-- [end:hessian]
