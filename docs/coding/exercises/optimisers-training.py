"""The ML coding round: Optimisers, training loops and efficient layers. Practice file with 6 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest optimisers-training.py                 # every exercise
    pytest optimisers-training.py -k <function>   # one exercise, e.g. -k sgd_momentum_step

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver
from torch.func import functional_call


# --------------------------------------------------------------------------------------
# 1. How do you implement SGD with momentum?
# Handbook: coding/optimisers-training/#sgd-momentum-step
# --------------------------------------------------------------------------------------


def sgd_momentum_step(
    param: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    lr: float,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of SGD with momentum in PyTorch's form (velocity starts at zeros):

        g = grad + weight_decay * param
        velocity = momentum * velocity + g
        step = g + momentum * velocity if nesterov else velocity
        param = param - lr * step

    Returns (new_param, new_velocity); the inputs are not modified.
    """
    raise NotImplementedError


def test_sgd_momentum_worked_example():
    # f(x) = x^2, gradient 2x, from x = 1
    x, v = np.array([1.0]), np.zeros(1)
    path = []
    for _ in range(3):
        x, v = sgd_momentum_step(x, 2 * x, v, lr=0.1, momentum=0.9)
        path.append(x[0])
    np.testing.assert_allclose(path, [0.8, 0.46, 0.062])


def test_sgd_momentum_matches_torch_optim_sgd():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    A = A @ A.T + np.eye(6)  # a convex quadratic 0.5 x^T A x
    for nesterov in (False, True):
        x0 = rng.normal(size=6)
        x, v = x0.copy(), np.zeros(6)
        t = torch.tensor(x0, requires_grad=True)
        opt = torch.optim.SGD(
            [t], lr=0.01, momentum=0.9, weight_decay=0.01, nesterov=nesterov
        )
        for _ in range(25):
            x, v = sgd_momentum_step(x, A @ x, v, 0.01, 0.9, 0.01, nesterov)
            opt.zero_grad()
            (0.5 * t @ torch.tensor(A) @ t).backward()
            opt.step()
        np.testing.assert_allclose(x, t.detach().numpy(), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------------------
# 2. How do you implement Adam (and AdamW)?
# Handbook: coding/optimisers-training/#adam-step
# --------------------------------------------------------------------------------------


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of Adam with decoupled weight decay (AdamW); t is the step number,
    starting at 1, and m, v start at zeros.

        param = param * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * grad;  v = beta2 * v + (1 - beta2) * grad ** 2
        m_hat = m / (1 - beta1 ** t);  v_hat = v / (1 - beta2 ** t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)

    Returns (new_param, new_m, new_v); the inputs are not modified.
    """
    raise NotImplementedError


def test_adam_worked_example():
    param, m, v = adam_step(
        np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), t=1
    )
    # bias correction makes the first step lr * grad / |grad| = lr, whatever the scale
    assert param[0] == pytest.approx(0.999, abs=1e-10)
    assert (m[0], v[0]) == (pytest.approx(0.05), pytest.approx(0.00025))


def test_adam_first_step_ignores_the_gradient_scale():
    for g in (1e-6, 1.0, 1e6):
        param, _, _ = adam_step(
            np.zeros(1), np.array([g]), np.zeros(1), np.zeros(1), t=1
        )
        assert param[0] == pytest.approx(-1e-3, rel=1e-2)


def test_adam_matches_torch_adam_and_adamw():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(5, 5))
    A = A @ A.T + np.eye(5)
    for wd, optimizer in ((0.0, torch.optim.Adam), (0.1, torch.optim.AdamW)):
        x0 = rng.normal(size=5)
        x, m, v = x0.copy(), np.zeros(5), np.zeros(5)
        t = torch.tensor(x0, requires_grad=True)
        opt = optimizer([t], lr=0.05, betas=(0.9, 0.99), eps=1e-8, weight_decay=wd)
        for step in range(1, 41):
            x, m, v = adam_step(x, A @ x, m, v, step, 0.05, (0.9, 0.99), 1e-8, wd)
            opt.zero_grad()
            (0.5 * t @ torch.tensor(A) @ t).backward()
            opt.step()
        np.testing.assert_allclose(x, t.detach().numpy(), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------------------
# 3. Implement a warmup-then-cosine learning-rate schedule and gradient clipping by global norm.
# Handbook: coding/optimisers-training/#warmup-cosine-clipping
# --------------------------------------------------------------------------------------


def lr_at(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
) -> float:
    """The learning rate of optimizer step `step` (0-based: the rate the update
    numbered `step` uses). Needs 0 <= warmup_steps <= total_steps.

        step < warmup_steps:  base_lr * (step + 1) / warmup_steps
        step < total_steps:   min_lr + (base_lr - min_lr) * (1 + cos(pi * p)) / 2,
                              p = (step - warmup_steps) / (total_steps - warmup_steps)
        otherwise:            min_lr
    """
    raise NotImplementedError


def clip_by_global_norm(
    grads: list[np.ndarray], max_norm: float, eps: float = 1e-6
) -> tuple[list[np.ndarray], float]:
    """Clip a list of gradients (one array per parameter) by their global L2 norm:

        norm = sqrt(sum over every array of sum(g ** 2))
        every g is multiplied by min(1, max_norm / (norm + eps))

    Returns (clipped gradients, norm before clipping); the inputs are not modified.
    """
    raise NotImplementedError


def test_lr_worked_example():
    lrs = [lr_at(s, 1.0, 4, 12, 0.1) for s in (0, 1, 2, 3, 4, 6, 8, 10, 12, 20)]
    expected = [0.25, 0.5, 0.75, 1.0, 1.0, 0.868198, 0.55, 0.231802, 0.1, 0.1]
    np.testing.assert_allclose(lrs, expected, atol=1e-6)


def test_lr_edge_cases():
    # no warmup, or one warmup step: the first step is at the peak
    assert lr_at(0, 0.5, 0, 100, 0.0) == pytest.approx(0.5)
    assert lr_at(0, 0.5, 1, 100, 0.0) == pytest.approx(0.5)
    # past the end, and warmup as long as the run: min_lr, no division by zero
    assert lr_at(10**6, 0.5, 10, 100, 0.01) == pytest.approx(0.01)
    assert lr_at(9, 0.5, 10, 10, 0.01) == pytest.approx(0.5)
    assert lr_at(10, 0.5, 10, 10, 0.01) == pytest.approx(0.01)
    # rises during warmup, never rises after, stays within [min_lr, base_lr]
    lrs = np.array([lr_at(s, 0.5, 10, 100, 0.01) for s in range(120)])
    assert np.all(np.diff(lrs[:10]) > 0) and np.all(np.diff(lrs[9:]) <= 1e-15)
    assert lrs.max() == pytest.approx(0.5) and lrs.min() == pytest.approx(0.01)


def test_lr_matches_torch_schedulers():
    base, low = 3e-4, 3e-5
    for warmup, total in ((0, 50), (1, 50), (10, 100), (37, 1000)):
        param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([param], lr=base)
        sched = torch.optim.lr_scheduler
        cosine = sched.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=low)
        scheduler = cosine
        if warmup > 0:
            # LinearLR cannot start at 0 (it needs start_factor > 0); (step + 1) /
            # warmup is start_factor 1 / warmup, reaching 1 at step warmup - 1
            ramp = sched.LinearLR(opt, 1 / warmup, 1.0, total_iters=warmup - 1)
            scheduler = sched.SequentialLR(opt, [ramp, cosine], milestones=[warmup])
        ours, theirs = [], []
        for step in range(total + 1):
            ours.append(lr_at(step, base, warmup, total, low))
            theirs.append(opt.param_groups[0]["lr"])
            opt.step()  # no gradient, so no update; PyTorch expects it first
            scheduler.step()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


def test_clip_worked_example():
    (a, b), norm = clip_by_global_norm([np.array([3.0, 4.0]), np.array([12.0])], 1.0)
    assert norm == 13.0
    np.testing.assert_allclose(np.r_[a, b], np.array([3, 4, 12]) / 13, rtol=1e-6)


def test_clip_matches_torch_clip_grad_norm():
    rng = np.random.default_rng(0)
    shapes = [(16, 8), (8,), (8, 4), (4,), (1,)]
    for scale in (1e-3, 0.1, 1.0, 10.0, 1e3):
        grads = [scale * rng.normal(size=shape) for shape in shapes]
        params = [torch.zeros(shape, dtype=torch.float64) for shape in shapes]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
        assert norm == pytest.approx(total.item(), rel=1e-12)
        for c, p in zip(clipped, params):
            np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-12, atol=0)


def test_clip_keeps_direction_and_leaves_small_gradients_alone():
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=(32, 16)), 50 * rng.normal(size=16), rng.normal(size=3)]
    copies = [g.copy() for g in grads]
    clipped, norm = clip_by_global_norm(grads, max_norm=0.5)
    flat = np.concatenate([g.ravel() for g in grads])
    flat_clipped = np.concatenate([c.ravel() for c in clipped])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(flat_clipped) == pytest.approx(0.5, rel=1e-6)
    assert all(np.array_equal(g, c) for g, c in zip(grads, copies))  # not modified
    small = [0.01 * g for g in grads]
    unchanged, small_norm = clip_by_global_norm(small, max_norm=norm)
    assert small_norm < norm
    assert all(np.array_equal(s, u) for s, u in zip(small, unchanged))


# --------------------------------------------------------------------------------------
# 4. Implement reverse-mode automatic differentiation for scalars.
# Handbook: coding/optimisers-training/#scalar-autograd
# --------------------------------------------------------------------------------------


class Value:
    """A scalar that records how it was computed, for reverse-mode autodiff.

    Value(data) holds .data (a float) and .grad (0.0 until backward() fills it in).
    The primitives are v + w, v * w, v ** k (k a plain int or float), v.tanh() and
    v.exp(); a plain number on either side of + and * is wrapped in a Value. The
    derived operations below are built from them and are given.
    v.backward() sets v.grad = 1 and then, visiting the graph in reverse topological
    order, adds to every Value that v depends on its contribution to dv/d(that Value):
    a Value used several times gets the sum over its uses. It must not recurse once
    per node (graphs can be thousands of operations deep).
    """

    def __init__(self, data: float, children: tuple = ()):
        raise NotImplementedError

    def __add__(self, other: "Value | float") -> "Value":
        raise NotImplementedError

    def __mul__(self, other: "Value | float") -> "Value":
        raise NotImplementedError

    def __pow__(self, k: float) -> "Value":
        raise NotImplementedError

    def tanh(self) -> "Value":
        raise NotImplementedError

    def exp(self) -> "Value":
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    # derived operations, given: each one is built from the primitives
    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1


POINTS = [(0.7, -1.3, 1.1), (-0.4, 0.9, 2.0), (1.5, 0.2, -0.8)]


def value_expression(a, b, c):
    """Uses every operation; runs unchanged on Values and on torch tensors."""
    d = a * b + c**3
    e = (d / (1 + a**2)).tanh()
    f = e * (-b).exp() - d * 0.5 + a / c
    return f * f + 2 * f - 1


def value_mlp(seed, n_in=2, n_hidden=8):
    """Parameters of an n_in-n_hidden-1 tanh MLP as nested lists of floats."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_hidden, n_in))
    W2 = rng.normal(0, 1 / np.sqrt(n_hidden), n_hidden)
    return [W1.tolist(), [0.0] * n_hidden, W2.tolist(), 0.0]


def value_mlp_loss(params, X, y):
    """Mean squared error of the MLP, one scalar operation at a time."""
    W1, b1, W2, b2 = params
    loss = 0.0
    for x, target in zip(X, y):
        h = [sum((w * xi for w, xi in zip(row, x)), b).tanh() for row, b in zip(W1, b1)]
        out = sum((w * hj for w, hj in zip(W2, h)), b2)
        loss = loss + (out - target) ** 2
    return loss / len(X)


def xor_data(seed, n=12):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X.tolist(), np.sign(X[:, 0] * X[:, 1]).tolist()


def train_value_mlp(steps, lr=0.2, seed=0):
    """Full-batch gradient descent with Values; returns the loss before each step."""
    W1, b1, W2, b2 = value_mlp(seed)
    W1 = [[Value(w) for w in row] for row in W1]
    b1, W2, b2 = [Value(b) for b in b1], [Value(w) for w in W2], Value(b2)
    params = [w for row in W1 for w in row] + b1 + W2 + [b2]
    X, y = xor_data(seed)
    losses = []
    for _ in range(steps):
        loss = value_mlp_loss([W1, b1, W2, b2], X, y)
        for p in params:
            # the graph is new each step, but the parameters persist: reset them
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        losses.append(loss.data)
    return losses


def test_value_worked_example():
    a, b = Value(2.0), Value(-3.0)
    L = (a * b + 10) * -2
    L.backward()
    assert (L.data, a.grad, b.grad) == (-8.0, 6.0, -4.0)
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert (y.data, x.grad) == (12.0, 7.0)


def test_value_accumulates_over_shared_nodes():
    a = Value(2.0)
    b = a * 3
    # b feeds c twice and directly: dc/da = (2b + 1) * 3 = 39
    c = b * b + b
    c.backward()
    assert c.grad == 1.0 and b.grad == 13.0 and a.grad == 39.0
    z = Value(5.0)
    (z + z).backward()
    assert z.grad == 2.0


def test_value_matches_torch_autograd():
    for point in POINTS:
        vals = [Value(v) for v in point]
        out = value_expression(*vals)
        out.backward()
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        ref = value_expression(*ts)
        ref.backward()
        assert out.data == pytest.approx(ref.item(), rel=1e-12)
        for v, t in zip(vals, ts):
            assert v.grad == pytest.approx(t.grad.item(), rel=1e-12)


def test_value_matches_finite_differences():
    eps = 1e-6
    for point in POINTS:
        vals = [Value(v) for v in point]
        value_expression(*vals).backward()
        for i in range(3):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            f_up = value_expression(*map(Value, up)).data
            f_down = value_expression(*map(Value, down)).data
            numeric = (f_up - f_down) / (2 * eps)
            assert vals[i].grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_value_backward_through_a_deep_graph():
    x = Value(1.0)
    y = x
    for _ in range(3000):
        y = y * 1.001
    # a recursive topological sort raises RecursionError at this depth
    y.backward()
    assert x.grad == pytest.approx(1.001**3000, rel=1e-9)


def test_value_mlp_gradients_match_torch():
    params = value_mlp(1)
    X, y = xor_data(1, n=6)
    W1, b1, W2, b2 = params
    vW1 = [[Value(w) for w in row] for row in W1]
    vb1, vW2, vb2 = [Value(b) for b in b1], [Value(w) for w in W2], Value(b2)
    loss = value_mlp_loss([vW1, vb1, vW2, vb2], X, y)
    loss.backward()
    t = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    X64, y64 = (
        torch.tensor(X, dtype=torch.float64),
        torch.tensor(y, dtype=torch.float64),
    )
    out = torch.tanh(X64 @ t[0].T + t[1]) @ t[2] + t[3]
    ref = torch.mean((out - y64) ** 2)
    ref.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-12)
    mine = [[[w.grad for w in row] for row in vW1], [b.grad for b in vb1]]
    mine += [[w.grad for w in vW2], vb2.grad]
    for g, tensor in zip(mine, t):
        np.testing.assert_allclose(g, tensor.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_value_mlp_training_lowers_the_loss():
    losses = train_value_mlp(15)
    assert losses[-1] < 0.5 * losses[0]


# --------------------------------------------------------------------------------------
# 5. Implement a top-k mixture-of-experts layer with a load-balancing loss.
# Handbook: coding/optimisers-training/#moe-top-k-router
# --------------------------------------------------------------------------------------


def route_top_k(
    logits: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Top-k routing of N tokens over E experts, from the router's logits (N, E).

    probs = softmax(logits) over the E experts, (N, E)
    experts (N, k): each token's k most probable experts, most probable first
    gates (N, k): their probabilities renormalised to sum to 1 over the k chosen
    Returns (gates, experts, probs); gradients must flow from gates to logits.
    """
    raise NotImplementedError


def load_balancing_loss(probs: torch.Tensor, experts: torch.Tensor) -> torch.Tensor:
    """Switch Transformer auxiliary loss E * sum_i f_i * P_i, a scalar.

    probs (N, E) router probabilities; experts (N, k) the experts each token chose.
    f_i: the fraction of the N * k assignments that chose expert i (sums to 1);
    P_i: the mean router probability of expert i over the N tokens.
    1.0 when the routing is uniform; E when every token goes to one expert (k = 1)
    with probability 1. Only P carries a gradient.
    """
    raise NotImplementedError


class TopKMoE(nn.Module):
    """A sparse mixture-of-experts feed-forward layer: each token goes to k of E
    experts (small MLPs), and its output is the gate-weighted sum of their outputs.

    With capacity_factor set, each expert takes at most
        capacity = ceil(capacity_factor * k * N / E)
    assignments per batch: all first choices are served before any second choice,
    and within a rank tokens are served in order. An assignment over capacity is
    dropped: it adds nothing to the token's output (the gates are not renormalised),
    and a token with all k dropped gets 0, so it passes through the residual
    connection around the layer unchanged.
    """

    def __init__(
        self,
        d_model: int,
        d_hidden: int,
        n_experts: int,
        k: int,
        capacity_factor: float | None = None,
    ):
        super().__init__()
        self.k, self.capacity_factor = k, capacity_factor
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(
                nn.Linear(d_model, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_model)
            )
            for _ in range(n_experts)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
        """x (N, d_model) -> (y (N, d_model), load-balancing loss, number of dropped
        assignments). Each expert runs once, on the tokens routed to it."""
        raise NotImplementedError


def moe_loop_reference(moe, x):
    """The layer by its definition, one token and one assignment at a time."""
    n_tokens, n_experts, k = x.shape[0], len(moe.experts), moe.k
    capacity = math.inf
    if moe.capacity_factor is not None:
        capacity = math.ceil(moe.capacity_factor * k * n_tokens / n_experts)
    probs = torch.softmax(moe.router(x), dim=-1).tolist()
    chosen = [sorted(range(n_experts), key=lambda e: -p[e])[:k] for p in probs]
    load, dropped, y = [0] * n_experts, 0, torch.zeros_like(x)
    for rank in range(k):
        for t in range(n_tokens):
            e = chosen[t][rank]
            if load[e] >= capacity:
                dropped += 1
                continue
            load[e] += 1
            gate = probs[t][e] / sum(probs[t][j] for j in chosen[t])
            y[t] += gate * moe.experts[e](x[t])
    return y, dropped


def test_route_top_k_worked_example():
    gates, experts, probs = route_top_k(torch.tensor([[2.0, 1.0, 0.0]]), k=2)
    assert experts.tolist() == [[0, 1]]
    assert probs[0].tolist() == pytest.approx([0.665241, 0.244728, 0.090031], abs=1e-6)
    assert gates[0].tolist() == pytest.approx([0.731059, 0.268941], abs=1e-6)
    # Shazeer et al.'s form: a softmax over the top-k logits only
    logits = torch.randn(50, 6, dtype=torch.float64, generator=torch.manual_seed(0))
    gates, experts, _ = route_top_k(logits, k=3)
    top_logits = logits.gather(1, experts)
    torch.testing.assert_close(gates, top_logits.softmax(dim=-1), rtol=1e-12, atol=0)


def test_load_balancing_loss_uniform_and_collapsed():
    n_experts, n_tokens = 8, 64
    # perfectly uniform: equal probabilities and equal counts
    uniform = torch.full((n_tokens, n_experts), 1 / n_experts, dtype=torch.float64)
    spread = torch.arange(n_tokens)[:, None] % n_experts
    assert load_balancing_loss(uniform, spread).item() == pytest.approx(1.0, rel=1e-12)
    # every token to expert 0 with probability 1: the maximum, E
    collapsed = torch.zeros(n_tokens, n_experts, dtype=torch.float64)
    collapsed[:, 0] = 1.0
    to_zero = torch.zeros(n_tokens, 1, dtype=torch.long)
    assert load_balancing_loss(collapsed, to_zero).item() == pytest.approx(8.0)
    # the worked example: f = [1, 0], P = [0.75, 0.25] -> 2 * 0.75
    probs = torch.tensor([[0.75, 0.25]] * 4, dtype=torch.float64)
    loss = load_balancing_loss(probs, torch.zeros(4, 1, dtype=torch.long))
    assert loss.item() == pytest.approx(1.5, rel=1e-12)
    # k = E: every expert gets every token, so f is uniform and the loss is 1
    probs = torch.softmax(torch.randn(n_tokens, n_experts, dtype=torch.float64), -1)
    everyone = torch.arange(n_experts).repeat(n_tokens, 1)
    assert load_balancing_loss(probs, everyone).item() == pytest.approx(1.0, rel=1e-12)


def test_moe_matches_token_by_token_reference():
    torch.manual_seed(1)
    x = torch.randn(40, 6, dtype=torch.float64)
    for k, capacity_factor in [(1, None), (2, None), (2, 0.5), (3, 0.75)]:
        moe = TopKMoE(6, 10, 4, k, capacity_factor).double()
        with torch.no_grad():
            y, aux, dropped = moe(x)
            y_ref, dropped_ref = moe_loop_reference(moe, x)
        torch.testing.assert_close(y, y_ref, rtol=1e-10, atol=1e-12)
        assert dropped == dropped_ref
        assert (dropped > 0) == (capacity_factor is not None)


def test_moe_with_all_experts_is_the_softmax_mixture():
    torch.manual_seed(2)
    n_experts = 5
    moe = TopKMoE(6, 10, n_experts, k=n_experts).double()
    x = torch.randn(30, 6, dtype=torch.float64)
    y, aux, dropped = moe(x)
    probs = torch.softmax(moe.router(x), dim=-1)
    outputs = torch.stack([expert(x) for expert in moe.experts], dim=1)
    dense = (probs[:, :, None] * outputs).sum(dim=1)
    torch.testing.assert_close(y, dense, rtol=1e-10, atol=1e-12)
    assert aux.item() == pytest.approx(1.0, rel=1e-12) and dropped == 0


def test_moe_router_gets_gradients_through_the_gates():
    torch.manual_seed(3)
    moe = TopKMoE(6, 10, 4, k=2).double()
    x = torch.randn(12, 6, dtype=torch.float64)
    weight = moe.router.weight.detach().clone().requires_grad_()

    def output(w):
        return functional_call(moe, {"router.weight": w}, (x,))[0]

    # finite differences move the gates, not the top-k choice: the analytic
    # gradient must agree, so a detached or non-differentiable gate fails here
    assert torch.autograd.gradcheck(output, (weight,), eps=1e-6, atol=1e-7)
    # the auxiliary loss reaches the router too, through P
    moe.zero_grad()
    moe(x)[1].backward()
    assert moe.router.weight.grad.abs().sum() > 0


def test_moe_capacity_drops_are_counted():
    torch.manual_seed(4)
    moe = TopKMoE(6, 10, 4, k=1, capacity_factor=0.5).double()
    x = torch.randn(64, 6, dtype=torch.float64)
    with torch.no_grad():
        y, _, dropped = moe(x)
        moe.capacity_factor = None
        y_all, _, none_dropped = moe(x)
        _, experts, _ = route_top_k(moe.router(x), k=1)
    capacity = math.ceil(0.5 * 1 * 64 / 4)
    load = torch.bincount(experts.flatten(), minlength=4)
    assert dropped == int((load - capacity).clamp(min=0).sum()) > 0
    assert none_dropped == 0
    # the first `capacity` tokens of each expert are served, in token order
    served = torch.zeros(64, dtype=torch.bool)
    for e in range(4):
        served[torch.nonzero(experts[:, 0] == e).flatten()[:capacity]] = True
    assert int((~served).sum()) == dropped
    torch.testing.assert_close(y[served], y_all[served], rtol=1e-12, atol=0)
    assert torch.all(y[~served] == 0)
    # capacity factor E / k: every expert may take every assignment
    moe.capacity_factor = 4.0
    assert moe(x)[2] == 0
    assert F.one_hot(experts.flatten(), 4).sum(0).tolist() == load.tolist()


# --------------------------------------------------------------------------------------
# 6. Implement int8 quantisation of a weight matrix: symmetric and asymmetric, per-tensor and per-channel.
# Handbook: coding/optimisers-training/#int8-weight-quantization
# --------------------------------------------------------------------------------------


def quantize(
    w: np.ndarray, axis: int | None = None, symmetric: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int8 codes of a float32 array w,
        q = clamp(round(w / scale) + zero_point, qmin, qmax),
    with one (scale, zero_point) for the whole tensor (axis=None) or one per index
    along `axis` (axis=0: per output channel, the rows of an (out, in) weight matrix).

    symmetric:  qmin, qmax = -127, 127;  zero_point = 0;  scale = max|w| / 127
    asymmetric: qmin, qmax = -128, 127;  lo = min(w.min(), 0), hi = max(w.max(), 0);
                scale = (hi - lo) / 255;  zero_point = qmin - round(lo / scale)
    The range always contains 0, so 0.0 maps to the code zero_point exactly. Every
    scale is at least float32's machine epsilon (a tensor of zeros must not divide
    by 0). Compute in float32 and round half to even, as PyTorch's kernels do; they
    multiply by the float32 reciprocal, round(w * (1 / scale)), and so must you for
    the codes to match theirs bit for bit.
    Returns (q int8, scale float32, zero_point int32). scale and zero_point have
    shape () per tensor; per channel, w's shape with size 1 on every other axis, so
    that they broadcast against w.
    """
    raise NotImplementedError


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    """The float32 values (q - zero_point) * scale, computed in float32."""
    raise NotImplementedError


def int8_matmul(
    qx: np.ndarray,
    scale_x: np.ndarray,
    zp_x: np.ndarray,
    qw: np.ndarray,
    scale_w: np.ndarray,
    zp_w: np.ndarray,
) -> np.ndarray:
    """y = x @ w.T from int8 codes: x (n, k) quantised per tensor or per row
    (scale_x, zp_x of shape () or (n, 1)), w (m, k) per tensor or per output
    channel (shape () or (m, 1)), as `quantize` returns them.
        acc[i, j] = sum over k of (qx[i, k] - zp_x) * (qw[j, k] - zp_w)   in int32
        y = scale_x * scale_w.T * acc                                    in float64
    Returns y, float64 of shape (n, m).
    """
    raise NotImplementedError


def int8_test_weights(seed, rows=16, cols=40):
    """float32 rows with different ranges and offsets, so per-channel matters."""
    rng = np.random.default_rng(seed)
    spread = rng.uniform(0.01, 3.0, size=(rows, 1))
    w = rng.normal(size=(rows, cols)) * spread + rng.normal(size=(rows, 1))
    return w.astype(np.float32)


def test_quantize_worked_example():
    w = np.array([-0.51, 0.0, 0.3, 2.04], dtype=np.float32)
    q, scale, zero_point = quantize(w)
    assert q.dtype == np.int8 and scale.shape == () and zero_point == 0
    assert q.tolist() == [-32, 0, 19, 127]
    assert scale == pytest.approx(2.04 / 127, rel=1e-6)
    q, scale, zero_point = quantize(w, symmetric=False)
    assert q.tolist() == [-128, -77, -47, 127] and zero_point == -77
    assert scale == pytest.approx(0.01, rel=1e-6)
    np.testing.assert_allclose(dequantize(q, scale, zero_point), w, atol=1e-7)
    # a row 50x smaller: per tensor its codes are 1 and 3, per channel 50 and 127
    w = np.array([[0.5, -1.27], [0.01, 0.0254]], dtype=np.float32)
    assert quantize(w)[0].tolist() == [[50, -127], [1, 3]]
    q, scale, zero_point = quantize(w, axis=0)
    assert q.tolist() == [[50, -127], [50, 127]] and scale.shape == (2, 1)
    np.testing.assert_allclose(scale.ravel(), [0.01, 0.0002], rtol=1e-6)


def test_quantize_round_trip_is_within_half_a_step():
    w = int8_test_weights(0)
    w[3] = 0.0  # a channel of zeros
    for axis in [None, 0, 1]:
        for symmetric in [True, False]:
            q, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
            shape = () if axis is None else (16, 1) if axis == 0 else (1, 40)
            assert q.dtype == np.int8 and q.shape == w.shape
            assert scale.dtype == np.float32 and scale.shape == shape
            assert zero_point.shape == shape and np.all(scale > 0)
            # rounding to the nearest of the grid's points: at most half a step
            error = np.abs(dequantize(q, scale, zero_point) - w)
            assert np.all(error <= scale / 2 * (1 + 1e-5))
            if symmetric:
                # the largest |w| of each channel maps to +-127; -128 is never used
                assert q.min() >= -127 and np.abs(q).max() == 127
            elif axis is None:
                # min and max map to the two ends of the range
                assert q.min() == -128 and q.max() == 127
    q, scale, _ = quantize(w, axis=0)
    # a symmetric grid: -w gets exactly the negated codes
    q_neg, scale_neg, _ = quantize(-w, axis=0)
    assert np.array_equal(q_neg, -q) and np.array_equal(scale_neg, scale)


def test_quantize_matches_torch():
    w = int8_test_weights(1)
    t = torch.from_numpy(w)
    with warnings.catch_warnings():
        # torch 2.13 deprecates quantized tensors (torch.qint8); fake_quantize is not
        warnings.simplefilter("ignore")
        for symmetric in [True, False]:
            qmin = -127 if symmetric else -128
            q, scale, zero_point = quantize(w, symmetric=symmetric)
            ref = torch.quantize_per_tensor(
                t, float(scale), int(zero_point), torch.qint8
            )
            assert np.array_equal(q, ref.int_repr().numpy())
            mine = dequantize(q, scale, zero_point)
            assert np.array_equal(mine, ref.dequantize().numpy())
            fake = torch.fake_quantize_per_tensor_affine(
                t, float(scale), int(zero_point), qmin, 127
            )
            assert np.array_equal(mine, fake.numpy())
            q, scale, zero_point = quantize(w, axis=0, symmetric=symmetric)
            scales = torch.from_numpy(scale.ravel())
            zero_points = torch.from_numpy(zero_point.ravel())
            ref = torch.quantize_per_channel(
                t, scales.double(), zero_points.long(), 0, torch.qint8
            )
            assert np.array_equal(q, ref.int_repr().numpy())
            mine = dequantize(q, scale, zero_point)
            assert np.array_equal(mine, ref.dequantize().numpy())
            fake = torch.fake_quantize_per_channel_affine(
                t, scales, zero_points, 0, qmin, 127
            )
            assert np.array_equal(mine, fake.numpy())
    # and the same scales and zero points as PyTorch's min-max observers
    for symmetric in [True, False]:
        qmin = -127 if symmetric else -128
        for axis in [None, 0]:
            scheme = {
                (True, None): torch.per_tensor_symmetric,
                (False, None): torch.per_tensor_affine,
                (True, 0): torch.per_channel_symmetric,
                (False, 0): torch.per_channel_affine,
            }[symmetric, axis]
            kwargs = dict(
                dtype=torch.qint8, qscheme=scheme, quant_min=qmin, quant_max=127
            )
            if axis is None:
                observer = MinMaxObserver(**kwargs)
            else:
                observer = PerChannelMinMaxObserver(ch_axis=0, **kwargs)
            observer(t)
            ref_scale, ref_zero_point = observer.calculate_qparams()
            _, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
            assert np.array_equal(scale.ravel(), ref_scale.numpy())
            assert np.array_equal(zero_point.ravel(), ref_zero_point.numpy())


def test_quantize_represents_zero_exactly():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 20)).astype(np.float32)
    with_zero_row = x.copy()
    with_zero_row[2] = 0.0
    negative = -np.abs(x) - 0.5
    negative[:, 0] = 0.0
    cases = {
        "relu output": np.maximum(x, 0),
        "zero-padded": np.pad(x, 1),
        "negative but for zeros": negative,
        "a channel of zeros": with_zero_row,
    }
    for name, w in cases.items():
        zeros = w == 0
        for axis in [None, 0]:
            for symmetric in [True, False]:
                q, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
                # 0.0 gets the code zero_point and comes back as exactly 0.0
                expected = np.broadcast_to(zero_point, w.shape)[zeros]
                assert np.array_equal(q[zeros], expected), name
                assert np.all(dequantize(q, scale, zero_point)[zeros] == 0.0), name
    # ReLU outputs: the asymmetric grid starts at 0, so no code is wasted on negatives
    q, scale, zero_point = quantize(np.maximum(x, 0), symmetric=False)
    assert zero_point == -128 and q.min() == -128 and q.max() == 127


def test_int8_matmul_equals_the_dequantised_matmul():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 300)).astype(np.float32)
    w = int8_test_weights(4, rows=7, cols=300)
    for x_axis, w_axis in [(None, None), (0, 0), (None, 0)]:
        for symmetric in [True, False]:
            qx, sx, zx = quantize(x, axis=x_axis, symmetric=False)
            qw, sw, zw = quantize(w, axis=w_axis, symmetric=symmetric)
            y = int8_matmul(qx, sx, zx, qw, sw, zw)
            assert y.dtype == np.float64 and y.shape == (5, 7)
            # the dequantised operands in float64 (exact: 8-bit times 24-bit)
            xd = (qx.astype(np.float64) - zx) * sx.astype(np.float64)
            wd = (qw.astype(np.float64) - zw) * sw.astype(np.float64)
            np.testing.assert_allclose(y, xd @ wd.T, rtol=1e-12, atol=1e-12)
            # and close to the float product: int8 loses little here
            rel = np.linalg.norm(y - x @ w.T) / np.linalg.norm(x @ w.T)
            assert rel < 0.02
    # power-of-two scales: every dequantised value and every partial sum is exact
    # in floating point, so the float matmul equals the integer one exactly
    qx = rng.integers(-128, 128, size=(4, 1024)).astype(np.int8)
    qw = rng.integers(-127, 128, size=(6, 1024)).astype(np.int8)
    sx, sw = np.float32(2.0**-7), np.full((6, 1), 2.0**-9, dtype=np.float32)
    zx, zw = np.int32(-5), np.zeros((6, 1), dtype=np.int32)
    y = int8_matmul(qx, sx, zx, qw, sw, zw)
    xd = dequantize(qx, sx, zx).astype(np.float64)
    wd = dequantize(qw, sw, zw).astype(np.float64)
    assert np.array_equal(y, xd @ wd.T)


def test_int8_matmul_accumulates_in_int32():
    # 1024 products of 127 * 127: the sum, 16,516,096, needs 25 bits with its sign
    q = np.full((2, 1024), 127, dtype=np.int8)
    one, zero = np.float32(1.0), np.int32(0)
    y = int8_matmul(q, one, zero, q, one, zero)
    assert np.array_equal(y, np.full((2, 2), 1024.0 * 127 * 127))
    # with zero points the codes' differences reach 255, the products 65,025
    low = np.full((1, 512), -128, dtype=np.int8)
    high = np.full((1, 512), 127, dtype=np.int8)
    y = int8_matmul(low, one, np.int32(127), high, one, np.int32(-128))
    assert y[0, 0] == 512 * (-255) * 255
