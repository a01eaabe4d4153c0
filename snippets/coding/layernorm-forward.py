# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def layer_norm(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)  # per example, not per batch
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def rms_norm(x: np.ndarray, gamma: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * gamma


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_layer_norm_worked_example,
    test_layer_norm_matches_torch_on_a_3d_batch,
    test_rms_norm_matches_torch,
    test_layer_norm_is_independent_of_the_batch,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(
    "layer_norm:",
    layer_norm(np.array([[1.0, 2.0, 3.0]]), np.ones(3), np.zeros(3)).round(5),
)
print("rms_norm:", rms_norm(np.array([[3.0, 4.0]]), np.ones(2)).round(5))
# --8<-- [end:check]
