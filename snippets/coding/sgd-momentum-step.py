# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def sgd_momentum_step(
    param: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    lr: float,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    g = grad + weight_decay * param  # L2 penalty folded into the gradient
    velocity = momentum * velocity + g
    step = g + momentum * velocity if nesterov else velocity
    return param - lr * step, velocity


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [test_sgd_momentum_worked_example, test_sgd_momentum_matches_torch_optim_sgd]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x, v = np.array([1.0]), np.zeros(1)
path = []
for _ in range(30):
    x, v = sgd_momentum_step(x, 2 * x, v, lr=0.1, momentum=0.9)
    path.append(x[0])
print("first three steps:", np.round(path[:3], 6).tolist())
print("overshoots below 0 by step 4:", min(path[:4]) < 0)
print(f"after 30 steps: {path[-1]:.4f}")
# --8<-- [end:check]
