# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np


def mlp_loss_and_grads(
    params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    # forward, keeping what the backward pass needs
    pre = X @ W1 + b1
    h = np.maximum(pre, 0.0)
    logits = h @ W2 + b2
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    # backward: each line is the chain rule through one forward line, bottom up
    dlogits = p.copy()
    dlogits[np.arange(n), y] -= 1.0
    dlogits /= n
    dW2, db2 = h.T @ dlogits, dlogits.sum(axis=0)
    dh = dlogits @ W2.T
    dpre = dh * (pre > 0)
    dW1, db1 = X.T @ dpre, dpre.sum(axis=0)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old  # restore
        grad[i] = (up - down) / (2 * eps)
    return grad


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch
import torch.nn.functional as F


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_mlp_worked_example,
    test_mlp_grads_match_torch_autograd,
    test_numerical_gradient_checks_the_mlp,
    test_numerical_gradient_of_a_cubic,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
params = {"W1": np.array([[1.0, -1.0], [0.5, 0.5]]), "b1": np.zeros(2)}
params |= {"W2": np.eye(2), "b2": np.zeros(2)}
loss, grads = mlp_loss_and_grads(params, np.array([[1.0, 2.0]]), np.array([1]))
print(f"loss {loss:.4f}")
print("dW2", grads["W2"].round(4).tolist())
print("dW1", grads["W1"].round(4).tolist())
# the gradient check on random weights, float64, eps = 1e-6
params, X, y = small_mlp(1)
_, grads = mlp_loss_and_grads(params, X, y)
worst = 0.0
for k in params:
    numeric = numerical_gradient(lambda: mlp_loss_and_grads(params, X, y)[0], params[k])
    worst = max(worst, np.abs(numeric - grads[k]).max() / np.abs(grads[k]).max())
print("largest relative error below 1e-6:", worst < 1e-6)
# --8<-- [end:check]
