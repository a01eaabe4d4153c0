"""The ML coding round: Neural-network building blocks. Practice file with 9 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest neural-network-layers.py                 # every exercise
    pytest neural-network-layers.py -k <function>   # one exercise, e.g. -k mlp_loss_and_grads

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F


# --------------------------------------------------------------------------------------
# 1. How do you write forward and backward passes for a two-layer MLP, and check the gradients?
# Handbook: coding/neural-network-layers/#mlp-backprop
# --------------------------------------------------------------------------------------


def mlp_loss_and_grads(
    params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """A two-layer MLP, forward and backward, by hand.

    h = relu(X @ W1 + b1); logits = h @ W2 + b2; loss = mean softmax cross-entropy of
    the integer labels y. params holds W1 (d, h), b1 (h,), W2 (h, C), b2 (C,).
    Returns the loss and a dict of gradients with the same keys and shapes (relu'(0)
    taken as 0).
    """
    raise NotImplementedError


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps) for every entry of x,
    where f reads x (changed in place and restored, so that x is unchanged after)."""
    raise NotImplementedError


def small_mlp(seed):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(4, 5)),
        "b1": rng.normal(size=5),
        "W2": rng.normal(size=(5, 3)),
        "b2": rng.normal(size=3),
    }
    return params, rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)


def test_mlp_worked_example():
    params = {
        "W1": np.array([[1.0, -1.0], [0.5, 0.5]]),
        "b1": np.zeros(2),
        "W2": np.eye(2),
        "b2": np.zeros(2),
    }
    loss, grads = mlp_loss_and_grads(params, np.array([[1.0, 2.0]]), np.array([1]))
    assert loss == pytest.approx(np.log(1 + np.exp(2.0)))
    s = 1 / (1 + np.exp(-2.0))  # softmax probability of class 0
    np.testing.assert_allclose(grads["W2"], [[2 * s, -2 * s], [0.0, 0.0]])
    np.testing.assert_allclose(grads["W1"], [[s, 0.0], [2 * s, 0.0]])


def test_mlp_grads_match_torch_autograd():
    params, X, y = small_mlp(0)
    loss, grads = mlp_loss_and_grads(params, X, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    logits = torch.relu(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    ref = F.cross_entropy(logits, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    for k in params:
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)


def test_numerical_gradient_checks_the_mlp():
    params, X, y = small_mlp(1)
    _, grads = mlp_loss_and_grads(params, X, y)
    for k in params:
        before = params[k].copy()
        numeric = numerical_gradient(
            lambda: mlp_loss_and_grads(params, X, y)[0], params[k]
        )
        np.testing.assert_array_equal(params[k], before)  # restored
        rel = np.abs(numeric - grads[k]).max() / max(np.abs(grads[k]).max(), 1e-12)
        assert rel < 1e-6


def test_numerical_gradient_of_a_cubic():
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(
        numerical_gradient(lambda: np.sum(x**3), x), 3 * x**2, rtol=1e-8
    )


# --------------------------------------------------------------------------------------
# 2. How do you implement the forward pass of a 2-D convolution?
# Handbook: coding/neural-network-layers/#conv2d-forward
# --------------------------------------------------------------------------------------


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """The forward pass of a 2-D convolution layer, as deep-learning frameworks define
    it (a cross-correlation: the kernel is not flipped).

    x (N, C, H, W), w (F, C, kh, kw), b (F,); zero padding on every side, the same
    stride in both directions. Returns (N, F, H_out, W_out) with
    H_out = (H + 2 * padding - kh) // stride + 1, and likewise W_out.
    """
    raise NotImplementedError


def test_conv2d_worked_example():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    np.testing.assert_allclose(
        conv2d(x, w, np.zeros(1)), [[[[-4.0, -4.0], [-4.0, -4.0]]]]
    )
    out = conv2d(x, w, np.array([1.0]), stride=2, padding=1)
    np.testing.assert_allclose(out, [[[[1.0, -1.0], [-5.0, -3.0]]]])


def test_conv2d_matches_torch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 9, 8))
    for kh, kw, stride, padding in [
        (3, 3, 1, 0),
        (3, 3, 1, 1),
        (5, 3, 2, 2),
        (1, 1, 3, 0),
    ]:
        w, b = rng.normal(size=(4, 3, kh, kw)), rng.normal(size=4)
        ref = F.conv2d(
            torch.tensor(x),
            torch.tensor(w),
            torch.tensor(b),
            stride=stride,
            padding=padding,
        ).numpy()
        out = conv2d(x, w, b, stride=stride, padding=padding)
        assert out.shape == ref.shape
        np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------------------
# 3. How does batch normalisation's forward pass work in training and at inference?
# Handbook: coding/neural-network-layers/#batchnorm-forward
# --------------------------------------------------------------------------------------


def batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch normalisation of x (N, D) over the batch axis, PyTorch's conventions.

    Training: normalise with the batch mean and the biased batch variance, and update
    running = (1 - momentum) * running + momentum * batch_stat, using the unbiased
    variance for running_var. Evaluation: normalise with the running statistics and
    leave them unchanged. Returns (out, new_running_mean, new_running_var); inputs not
    modified.
    """
    raise NotImplementedError


def test_batchnorm_worked_example():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    out, rm, rv = batchnorm_forward(
        x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), True
    )
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4)
    np.testing.assert_allclose(rm, [0.2, 0.4])
    np.testing.assert_allclose(rv, [1.1, 1.7])


def test_batchnorm_matches_torch_in_training_and_eval():
    rng = np.random.default_rng(0)
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    rm, rv = np.zeros(5), np.ones(5)
    t_rm, t_rv = torch.zeros(5, dtype=torch.float64), torch.ones(5, dtype=torch.float64)
    for step in range(4):
        x = rng.normal(loc=3.0, scale=2.0, size=(8, 5))
        training = step < 3
        out, rm, rv = batchnorm_forward(x, gamma, beta, rm, rv, training, momentum=0.2)
        # F.batch_norm updates t_rm and t_rv in place when training=True
        ref = F.batch_norm(
            torch.tensor(x),
            t_rm,
            t_rv,
            torch.tensor(gamma),
            torch.tensor(beta),
            training=training,
            momentum=0.2,
        )
        np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(rm, t_rm.numpy(), rtol=1e-12)
        np.testing.assert_allclose(rv, t_rv.numpy(), rtol=1e-12)


def test_batchnorm_does_not_modify_its_inputs():
    rm, rv = np.zeros(3), np.ones(3)
    x = np.random.default_rng(1).normal(size=(4, 3))
    batchnorm_forward(x, np.ones(3), np.zeros(3), rm, rv, True)
    np.testing.assert_array_equal(rm, np.zeros(3))
    np.testing.assert_array_equal(rv, np.ones(3))


# --------------------------------------------------------------------------------------
# 4. How do you implement layer normalisation and RMSNorm?
# Handbook: coding/neural-network-layers/#layernorm-forward
# --------------------------------------------------------------------------------------


def layer_norm(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Layer normalisation over the last axis of x (..., D): subtract each row's mean,
    divide by sqrt(its biased variance + eps), then scale by gamma (D,) and add
    beta (D,)."""
    raise NotImplementedError


def rms_norm(x: np.ndarray, gamma: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm over the last axis: x / sqrt(mean(x ** 2) + eps) * gamma. No centring, no
    bias."""
    raise NotImplementedError


def test_layer_norm_worked_example():
    out = layer_norm(np.array([[1.0, 2.0, 3.0]]), np.ones(3), np.zeros(3))
    np.testing.assert_allclose(out, [[-1.22474, 0.0, 1.22474]], atol=1e-5)
    out = rms_norm(np.array([[3.0, 4.0]]), np.ones(2))
    np.testing.assert_allclose(out, [[3 / np.sqrt(12.5), 4 / np.sqrt(12.5)]], rtol=1e-6)


def test_layer_norm_matches_torch_on_a_3d_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(loc=5.0, size=(2, 7, 16))
    gamma, beta = rng.normal(size=16), rng.normal(size=16)
    ref = F.layer_norm(torch.tensor(x), (16,), torch.tensor(gamma), torch.tensor(beta))
    np.testing.assert_allclose(
        layer_norm(x, gamma, beta), ref.numpy(), rtol=1e-10, atol=1e-10
    )


def test_rms_norm_matches_torch():
    rng = np.random.default_rng(1)
    x, gamma = rng.normal(size=(3, 5, 8)), rng.normal(size=8)
    ref = F.rms_norm(torch.tensor(x), (8,), torch.tensor(gamma), eps=1e-6)
    np.testing.assert_allclose(rms_norm(x, gamma), ref.numpy(), rtol=1e-10, atol=1e-10)


def test_layer_norm_is_independent_of_the_batch():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(10, 6))
    gamma, beta = np.ones(6), np.zeros(6)
    np.testing.assert_allclose(
        layer_norm(x[:1], gamma, beta), layer_norm(x, gamma, beta)[:1]
    )


# --------------------------------------------------------------------------------------
# 5. How do you implement dropout, and why scale at training time?
# Handbook: coding/neural-network-layers/#inverted-dropout
# --------------------------------------------------------------------------------------


def dropout(
    x: np.ndarray, p: float, training: bool, rng: np.random.Generator
) -> np.ndarray:
    """Inverted dropout: in training, zero each entry independently with probability p
    and scale the survivors by 1 / (1 - p), so that the expected output equals x; in
    evaluation return x unchanged. p = 1 returns zeros (no division by zero)."""
    raise NotImplementedError


def test_dropout_worked_example():
    out = dropout(np.ones(10), 0.5, True, np.random.default_rng(0))
    assert set(np.unique(out)) <= {0.0, 2.0}


def test_dropout_drops_a_fraction_p_and_keeps_the_mean():
    x = np.full((200, 500), 3.0)
    out = dropout(x, 0.3, True, np.random.default_rng(1))
    assert np.mean(out == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(out[out != 0], 3.0 / 0.7)
    assert out.mean() == pytest.approx(3.0, rel=0.02)


def test_dropout_eval_and_edge_cases():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5))
    np.testing.assert_array_equal(dropout(x, 0.5, False, rng), x)
    np.testing.assert_array_equal(dropout(x, 0.0, True, rng), x)
    np.testing.assert_array_equal(dropout(x, 1.0, True, rng), np.zeros_like(x))


# --------------------------------------------------------------------------------------
# 6. How do you implement SGD with momentum?
# Handbook: coding/neural-network-layers/#sgd-momentum-step
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
# 7. How do you implement Adam (and AdamW)?
# Handbook: coding/neural-network-layers/#adam-step
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
# 8. Implement reverse-mode automatic differentiation for scalars.
# Handbook: coding/neural-network-layers/#scalar-autograd
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
# 9. Implement an LSTM cell's forward pass.
# Handbook: coding/neural-network-layers/#lstm-cell-forward
# --------------------------------------------------------------------------------------


def lstm_cell(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step for a batch, with torch.nn.LSTM's weight layout.

    x (B, D); h, c (B, H); W_ih (4H, D), W_hh (4H, H), b_ih, b_hh (4H,): the four
    gates' rows stacked in the order input, forget, cell candidate, output (i, f, g, o).
        z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, split into four (B, H) blocks
        i, f, o = sigmoid of their blocks; g = tanh of its block
        c_new = f * c + i * g;  h_new = o * tanh(c_new)
    Returns (h_new, c_new). The sigmoid must not overflow for large inputs.
    """
    raise NotImplementedError


def lstm_forward(
    xs: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Run lstm_cell over a sequence xs (T, B, D), time first as in torch.nn.LSTM,
    from the state (h0, c0), each (B, H). Returns (outputs, (h_T, c_T)), where
    outputs (T, B, H) stacks every step's h."""
    raise NotImplementedError


def lstm_weights(module):
    """(W_ih, W_hh, b_ih, b_hh) of a torch LSTM or LSTMCell (one layer) as arrays."""
    return [p.detach().numpy() for p in module.parameters()]


def test_lstm_cell_worked_example():
    # one unit, every gate's input weight 1, no recurrent weights or biases
    W_ih, W_hh, b = np.ones((4, 1)), np.zeros((4, 1)), np.zeros(4)
    h, c = lstm_cell(
        np.ones((1, 1)), np.zeros((1, 1)), np.full((1, 1), 0.5), W_ih, W_hh, b, b
    )
    s, t = 1 / (1 + np.exp(-1.0)), np.tanh(1.0)
    # i = f = o = sigmoid(1), g = tanh(1)
    assert c[0, 0] == pytest.approx(s * 0.5 + s * t, rel=1e-12)
    assert h[0, 0] == pytest.approx(s * np.tanh(s * 0.5 + s * t), rel=1e-12)


def test_lstm_cell_matches_torch_lstm_cell():
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(5, 4).double()
    x, h, c = (torch.randn(3, n, dtype=torch.float64) for n in (5, 4, 4))
    ref_h, ref_c = cell(x, (h, c))
    mine = lstm_cell(x.numpy(), h.numpy(), c.numpy(), *lstm_weights(cell))
    np.testing.assert_allclose(mine[0], ref_h.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mine[1], ref_c.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_lstm_forward_matches_torch_lstm():
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(5, 4).double()
    xs = torch.randn(7, 3, 5, dtype=torch.float64)
    h0, c0 = (torch.randn(1, 3, 4, dtype=torch.float64) for _ in range(2))
    ref_out, (ref_h, ref_c) = lstm(xs, (h0, c0))
    out, (h, c) = lstm_forward(
        xs.numpy(), h0[0].numpy(), c0[0].numpy(), *lstm_weights(lstm)
    )
    assert out.shape == (7, 3, 4)
    np.testing.assert_allclose(out, ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, ref_h[0].detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c, ref_c[0].detach().numpy(), rtol=1e-10, atol=1e-12)


def test_lstm_open_forget_gate_carries_the_cell():
    # forget gate saturated open, input gate shut: the cell state passes unchanged,
    # which fails if the gate blocks are read in another order
    rng = np.random.default_rng(2)
    W_ih, W_hh = rng.normal(0, 0.3, (16, 3)), rng.normal(0, 0.3, (16, 4))
    b_ih = np.zeros(16)
    b_ih[:4], b_ih[4:8] = -50.0, 50.0
    c0 = rng.normal(size=(2, 4))
    xs = rng.normal(size=(20, 2, 3))
    _, (_, c) = lstm_forward(xs, np.zeros((2, 4)), c0, W_ih, W_hh, b_ih, np.zeros(16))
    np.testing.assert_allclose(c, c0, rtol=1e-12)


def test_lstm_large_inputs_do_not_overflow():
    rng = np.random.default_rng(3)
    W_ih, x = rng.normal(size=(8, 2)) * 1e4, np.ones((1, 2))
    zero_state, W_hh, b = np.zeros((1, 2)), np.zeros((8, 2)), np.zeros(8)
    # pre-activations of about +-1e4: exp(-z) overflows in a naive sigmoid
    with np.errstate(all="raise"):
        h, c = lstm_cell(x, zero_state, zero_state, W_ih, W_hh, b, b)
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(c))
