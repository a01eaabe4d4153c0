# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


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
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)  # biased: divides by N
        n = x.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    out = gamma * (x - mean) / np.sqrt(var + eps) + beta
    return out, running_mean, running_var


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_batchnorm_worked_example,
    test_batchnorm_matches_torch_in_training_and_eval,
    test_batchnorm_does_not_modify_its_inputs,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = np.array([[1.0, 2.0], [3.0, 6.0]])
out, rm, rv = batchnorm_forward(
    x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), True
)
print("out:", out.round(6).tolist())
print("running mean:", rm.round(6).tolist(), "running var:", rv.round(6).tolist())
# --8<-- [end:check]
