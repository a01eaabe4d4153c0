# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


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
    beta1, beta2 = betas
    param = param * (1 - lr * weight_decay)  # decoupled: not through the moments
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    # the moments start at 0, so early averages are biased towards 0: correct them
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_adam_worked_example,
    test_adam_first_step_ignores_the_gradient_scale,
    test_adam_matches_torch_adam_and_adamw,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
param, m, v = adam_step(np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), t=1)
print(f"after one step: param {param[0]:.6f}, m {m[0]:.4f}, v {v[0]:.6f}")
# without bias correction the first step would be lr * 0.05 / sqrt(0.00025) = 3.16 lr
print(f"uncorrected first step, in units of lr: {0.05 / np.sqrt(0.00025):.2f}")
# --8<-- [end:check]
