"""The ML coding round: Neural-network building blocks. Practice file with 7 exercises.

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
