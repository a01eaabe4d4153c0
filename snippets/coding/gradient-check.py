# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def finite_difference_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    eps: float = 1e-5,
    coords: np.ndarray | None = None,
) -> np.ndarray:
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one coordinate
    at a time, changing x in place and restoring it exactly afterwards.

    f maps an array shaped like x to a scalar. With coords (flat indices), estimate
    only those coordinates and return one value per index; otherwise return an array
    shaped like x, in float64. Divide by the step actually taken, since x + eps is
    rounded to x's dtype; raise ValueError if eps is too small to move a coordinate.
    """
    raise NotImplementedError


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad_f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    eps: float = 1e-5,
    num_checks: int | None = None,
    seed: int = 0,
) -> float:
    """The relative error max_i |a_i - n_i| / max_i (|a_i| + |n_i|) between the analytic
    gradient a = grad_f(x) and the central-difference gradient n of f at x: over every
    coordinate, or over num_checks coordinates drawn without replacement with the
    given seed. 0 if both gradients are zero; x is unchanged afterwards."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np


def finite_difference_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    eps: float = 1e-5,
    coords: np.ndarray | None = None,
) -> np.ndarray:
    flat = range(x.size) if coords is None else coords
    grad = np.empty(len(flat))
    for k, i in enumerate(flat):
        # x[idx] works on any array, including a non-contiguous view
        idx = np.unravel_index(i, x.shape)
        old = x[idx]
        x[idx] = old + eps
        above, f_above = float(x[idx]), float(f(x))
        x[idx] = old - eps
        below, f_below = float(x[idx]), float(f(x))
        x[idx] = old
        if above == below:
            raise ValueError(f"eps={eps} does not move x{idx} in {x.dtype}")
        grad[k] = (f_above - f_below) / (above - below)
    return grad.reshape(x.shape) if coords is None else grad


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad_f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    eps: float = 1e-5,
    num_checks: int | None = None,
    seed: int = 0,
) -> float:
    # copy: grad_f may return a buffer that later calls of f overwrite
    analytic = np.array(grad_f(x), dtype=np.float64).reshape(-1)
    if num_checks is None or num_checks >= x.size:
        coords = np.arange(x.size)
    else:
        rng = np.random.default_rng(seed)
        coords = rng.choice(x.size, size=num_checks, replace=False)
    numeric = finite_difference_gradient(f, x, eps, coords)
    analytic = analytic[coords]
    scale = np.max(np.abs(analytic) + np.abs(numeric))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch


def two_layer_problem(seed=0, d=5, hidden=5, n=8, classes=3):
    """Weights, inputs and labels of a small net; W1 is square when d == hidden, so a
    transposed gradient still has the right shape."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(d, hidden)),
        "b1": rng.normal(scale=0.1, size=hidden),
        "W2": rng.normal(size=(hidden, classes)),
        "b2": rng.normal(scale=0.1, size=classes),
    }
    return params, rng.normal(size=(n, d)), rng.integers(0, classes, size=n)


def matmul(a, b):
    """a @ b summed in a fixed order: the rounding noise that the finite differences
    pick up, and so the printed errors, do not depend on the CPU's BLAS kernel."""
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)


def two_layer_loss_and_grads(
    params, X, y, activation="tanh", mask=None, weight_decay=0.01, bug=None
):
    """Mean softmax cross-entropy of h @ W2 + b2 with h = act(X @ W1 + b1) * mask, plus
    weight_decay / 2 * (|W1|^2 + |W2|^2); the gradients by hand, with a planted bug
    if asked: "transpose", "sign", "decay" (left out) or "last unit" (off by one)."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(y)
    pre = matmul(X, W1) + b1
    act = np.tanh(pre) if activation == "tanh" else np.maximum(pre, 0)
    h = act if mask is None else act * mask
    logits = matmul(h, W2) + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    penalty = 0.5 * weight_decay * (np.sum(W1**2) + np.sum(W2**2))
    loss = -log_p[np.arange(n), y].mean() + penalty

    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1
    dlogits /= n
    decay = 0.0 if bug == "decay" else weight_decay
    dW2 = matmul(h.T, dlogits) + decay * W2
    dh = matmul(dlogits, W2.T)
    dact = dh if mask is None else dh * mask
    if activation == "tanh":
        slope = 1 + act**2 if bug == "sign" else 1 - act**2
    else:
        slope = (pre > 0).astype(pre.dtype)
    dpre = dact * slope
    if bug == "last unit":
        dpre[:, -1] = 0
    dW1 = matmul(dpre.T, X) if bug == "transpose" else matmul(X.T, dpre)
    dW1 = dW1 + decay * W1
    grads = {"W1": dW1, "b1": dpre.sum(axis=0), "W2": dW2, "b2": dlogits.sum(axis=0)}
    return float(loss), grads


def check_every_tensor(params, X, y, eps=1e-5, draw_mask=None, **options):
    """gradient_check of each parameter tensor on its own, the others held fixed;
    draw_mask(), if given, returns the dropout mask for each evaluation."""

    def run(name, value):
        mask = None if draw_mask is None else draw_mask()
        new = {**params, name: value}
        return two_layer_loss_and_grads(new, X, y, mask=mask, **options)

    errors = {}
    for name in params:
        errors[name] = gradient_check(
            lambda value, name=name: run(name, value)[0],
            lambda value, name=name: run(name, value)[1][name],
            params[name],
            eps,
        )
    return errors


def w1_error(params, X, y, eps, numeric_dtype=np.float64, forward=False):
    """Error of the numerical W1 gradient, computed in numeric_dtype, against the
    analytic gradient in float64 at the same (rounded) point."""
    low = {k: v.astype(numeric_dtype) for k, v in params.items()}
    X_low = X.astype(numeric_dtype)
    point = {k: v.astype(np.float64) for k, v in low.items()}
    exact = two_layer_loss_and_grads(point, X_low.astype(np.float64), y)[1]["W1"]

    def f(value):
        return two_layer_loss_and_grads({**low, "W1": value}, X_low, y)[0]

    if not forward:
        return gradient_check(f, lambda value: exact, low["W1"], eps)
    # forward differences (f(x + eps) - f(x)) / eps, float64 only
    numeric = np.empty_like(exact)
    for idx in np.ndindex(exact.shape):
        shifted = params["W1"].copy()
        shifted[idx] += eps
        step = shifted[idx] - params["W1"][idx]
        numeric[idx] = (f(shifted) - f(params["W1"])) / step
    return np.abs(numeric - exact).max() / np.max(np.abs(numeric) + np.abs(exact))


def directional_check(f, grad_f, x, eps=1e-5, seed=0):
    """The derivative along one random direction v, analytic (grad . v) against
    (f(x + eps v) - f(x - eps v)) / (2 eps): two evaluations for any size of x."""
    v = np.random.default_rng(seed).normal(size=x.shape)
    analytic = float(np.sum(grad_f(x) * v))
    numeric = (f(x + eps * v) - f(x - eps * v)) / (2 * eps)
    return abs(analytic - numeric) / (abs(analytic) + abs(numeric))


class TwoLayerLoss(torch.autograd.Function):
    """two_layer_loss_and_grads as a PyTorch op: NumPy forward, backward by hand."""

    @staticmethod
    def forward(ctx, W1, b1, W2, b2, X, y, options):
        params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        params = {k: v.detach().numpy() for k, v in params.items()}
        loss, grads = two_layer_loss_and_grads(params, X, y, **options)
        ctx.grads = [torch.from_numpy(grads[k]) for k in ("W1", "b1", "W2", "b2")]
        return torch.tensor(loss, dtype=torch.float64)

    @staticmethod
    def backward(ctx, grad_loss):
        return *(grad_loss * g for g in ctx.grads), None, None, None


def torch_gradcheck_passes(params, X, y, **options):
    tensors = [torch.tensor(v, requires_grad=True) for v in params.values()]
    return torch.autograd.gradcheck(
        lambda *t: TwoLayerLoss.apply(*t, X, y, options), tensors, raise_exception=False
    )


def test_gradient_check_worked_example():
    x = np.array([1.0])
    central = finite_difference_gradient(lambda v: float(v[0] ** 3), x, eps=0.01)
    assert central[0] == pytest.approx(3.0001, rel=1e-12)
    x = np.array([1.0, 2.0])

    def f(v):
        return v[0] ** 2 + 3 * v[0] * v[1]

    np.testing.assert_allclose(finite_difference_gradient(f, x), [8, 3], rtol=1e-9)
    assert gradient_check(f, lambda v: np.array([8.0, 3.0]), x) < 1e-9
    assert gradient_check(f, lambda v: np.array([8.0, -3.0]), x) == pytest.approx(
        6 / 16, rel=1e-9
    )
    assert gradient_check(lambda v: 5.0, np.zeros_like, x) == 0.0


def test_finite_difference_gradient_restores_x_and_counts_evaluations():
    rng = np.random.default_rng(0)
    for x in [rng.normal(size=(3, 4)), rng.normal(size=(4, 6))[:, ::2]]:
        before, calls = x.copy(), []

        def f(v, calls=calls):
            calls.append(1)
            return float(np.sum(np.sin(v)))

        numeric = finite_difference_gradient(f, x)
        np.testing.assert_array_equal(x, before)
        assert len(calls) == 2 * x.size
        np.testing.assert_allclose(numeric, np.cos(x), rtol=1e-9)
        some = finite_difference_gradient(f, x, coords=np.array([5, 0]))
        np.testing.assert_allclose(some, np.cos(x).reshape(-1)[[5, 0]], rtol=1e-9)
    # float32 cannot represent 3 + 1e-8: the step would be 0
    with pytest.raises(ValueError):
        finite_difference_gradient(np.sum, np.array([3.0], np.float32), eps=1e-8)


def test_correct_gradient_passes_far_below_1e6():
    for seed in range(3):
        params, X, y = two_layer_problem(seed)
        errors = check_every_tensor(params, X, y)
        assert max(errors.values()) < 1e-8, errors


def test_planted_bugs_fail_clearly():
    params, X, y = two_layer_problem(0)
    touched = {"transpose": ["W1"], "sign": ["W1", "b1"], "decay": ["W1", "W2"]}
    for bug, names in touched.items():
        errors = check_every_tensor(params, X, y, bug=bug)
        for name, error in errors.items():
            # the failing tensors point at the faulty line; the others still pass
            assert (error > 1e-3) == (name in names), (bug, errors)


def test_error_against_eps():
    params, X, y = two_layer_problem(0)
    eps_grid = 10.0 ** np.arange(-1, -13, -1)
    central = [w1_error(params, X, y, eps) for eps in eps_grid]
    forward = [w1_error(params, X, y, eps, forward=True) for eps in eps_grid]
    # truncation O(eps^2): 100x less per decade while it dominates
    assert 50 < central[1] / central[2] < 200
    # forward differences: truncation O(eps), 10x per decade
    assert 5 < forward[1] / forward[2] < 20
    best = int(np.argmin(central))
    assert 1e-6 <= eps_grid[best] <= 1e-4
    # rounding O(machine eps / eps) below the optimum
    assert central[-1] > 1e4 * central[best]
    assert min(forward) > 100 * central[best]
    single = []
    for eps in eps_grid[:6]:
        single.append(w1_error(params, X, y, eps, numeric_dtype=np.float32))
    assert min(single) > 100 * central[best]


def test_kink_gives_a_spurious_failure():
    params, X, y = two_layer_problem(1)
    # an all-zero input row with zero biases puts its pre-activations exactly at 0
    X[0], params["b1"] = 0.0, np.zeros(5)
    errors = check_every_tensor(params, X, y, activation="relu")
    assert errors["b1"] > 1e-2
    # move the point off the kink: every |pre-activation| is now far above eps
    params["b1"] = 1e-3 * np.array([1.0, -1, 1, -1, 1])
    assert np.abs(matmul(X, params["W1"]) + params["b1"]).min() > 50 * 1e-5
    errors = check_every_tensor(params, X, y, activation="relu")
    assert max(errors.values()) < 1e-8, errors


def test_dropout_mask_must_be_fixed():
    params, X, y = two_layer_problem(2)
    rng = np.random.default_rng(0)

    def new_mask():
        return (rng.random((8, 5)) >= 0.5) / 0.5

    redrawn = check_every_tensor(params, X, y, draw_mask=new_mask)
    assert min(redrawn.values()) > 0.1, redrawn
    mask = new_mask()
    fixed = check_every_tensor(params, X, y, draw_mask=lambda: mask)
    assert max(fixed.values()) < 1e-8, fixed


def test_random_subset_and_random_direction():
    params, X, y = two_layer_problem(3, d=64, hidden=64, n=16)

    def f(value):
        return two_layer_loss_and_grads({**params, "W1": value}, X, y)[0]

    def buggy(value):
        grads = two_layer_loss_and_grads({**params, "W1": value}, X, y, bug="last unit")
        return grads[1]["W1"]

    calls = []

    def counted(value):
        calls.append(1)
        return f(value)

    def correct(value):
        return two_layer_loss_and_grads({**params, "W1": value}, X, y)[1]["W1"]

    assert gradient_check(counted, correct, params["W1"], num_checks=20) < 1e-8
    assert len(calls) == 40
    # the bug is in 64 of 4,096 coordinates: 20 random ones miss it most of the time
    found = [
        gradient_check(f, buggy, params["W1"], num_checks=20, seed=s) > 1e-6
        for s in range(100)
    ]
    assert 0.1 < np.mean(found) < 0.5
    assert directional_check(f, buggy, params["W1"]) > 1e-3
    assert directional_check(f, correct, params["W1"]) < 1e-8


def test_agrees_with_torch_gradcheck():
    params, X, y = two_layer_problem(0)
    for bug in [None, "transpose", "sign", "decay"]:
        mine = max(check_every_tensor(params, X, y, bug=bug).values()) < 1e-6
        assert torch_gradcheck_passes(params, X, y, bug=bug) == mine, bug


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_gradient_check_worked_example,
    test_finite_difference_gradient_restores_x_and_counts_evaluations,
    test_correct_gradient_passes_far_below_1e6,
    test_planted_bugs_fail_clearly,
    test_error_against_eps,
    test_kink_gives_a_spurious_failure,
    test_dropout_mask_must_be_fixed,
    test_random_subset_and_random_direction,
    test_agrees_with_torch_gradcheck,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = np.array([1.0])
central = finite_difference_gradient(lambda v: float(v[0] ** 3), x, eps=0.01)[0]
forward = (1.01**3 - 1) / 0.01
print(f"x^3 at x = 1, eps = 0.01: central {central:.4f}, forward {forward:.4f}")

params, X, y = two_layer_problem(0)
relu_params, relu_X, relu_y = two_layer_problem(1)
relu_X[0], relu_params["b1"] = 0.0, np.zeros(5)
off_kink = {**relu_params, "b1": 1e-3 * np.array([1.0, -1, 1, -1, 1])}
relu = {"activation": "relu"}
small_decay = {"bug": "decay", "weight_decay": 1e-5}
cases = [
    ("correct gradient", params, X, y, {}),
    ("missing transpose in dW1", params, X, y, {"bug": "transpose"}),
    ("wrong sign in tanh' (1 + h^2)", params, X, y, {"bug": "sign"}),
    ("weight decay 1e-2 left out", params, X, y, {"bug": "decay"}),
    ("weight decay 1e-5 left out", params, X, y, small_decay),
    ("ReLU on the kink: x = 0, b1 = 0", relu_params, relu_X, relu_y, relu),
    ("ReLU, b1 moved 1e-3 off the kink", off_kink, relu_X, relu_y, relu),
]
print("relative error, float64, eps = 1e-5      W1       b1       W2       b2   torch")
for label, p, inputs, labels, options in cases:
    errors = check_every_tensor(p, inputs, labels, **options)
    passes = torch_gradcheck_passes(p, inputs, labels, **options)
    verdict = "pass" if passes else "fail"
    cells = " ".join(f"{errors[k]:8.1e}" for k in p)
    print(f"{label:36} {cells}   {verdict}")
rng = np.random.default_rng(0)
mask = (rng.random((8, 5)) >= 0.5) / 0.5
dropout_cases = [
    ("dropout mask redrawn at every call", lambda: (rng.random((8, 5)) >= 0.5) / 0.5),
    ("dropout mask drawn once", lambda: mask),
]
for label, draw_mask in dropout_cases:
    errors = check_every_tensor(params, X, y, draw_mask=draw_mask)
    print(f"{label:36}", " ".join(f"{errors[k]:8.1e}" for k in params))

print("W1's relative error against eps")
print("     eps   central, float64   forward, float64   central, float32")
for eps in [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12]:
    central = w1_error(params, X, y, eps)
    forward = w1_error(params, X, y, eps, forward=True)
    try:
        single = f"{w1_error(params, X, y, eps, numeric_dtype=np.float32):8.1e}"
    except ValueError:
        single = "step rounds to 0"
    print(f"{eps:8.0e} {central:18.1e} {forward:18.1e} {single:>18}")

params, X, y = two_layer_problem(3, d=64, hidden=64, n=16)


def f(value):
    return two_layer_loss_and_grads({**params, "W1": value}, X, y)[0]


def buggy(value):
    grads = two_layer_loss_and_grads({**params, "W1": value}, X, y, bug="last unit")
    return grads[1]["W1"]


print("64 x 64 W1, last hidden unit's gradient left out (64 of 4,096 coordinates)")
full = gradient_check(f, buggy, params["W1"])
print(f"  every coordinate, 8,192 evaluations:    relative error {full:.1e}")
found = sum(
    gradient_check(f, buggy, params["W1"], num_checks=20, seed=s) > 1e-6
    for s in range(100)
)
print(f"  20 random coordinates, 40 evaluations:  found in {found} of 100 draws")
one = directional_check(f, buggy, params["W1"])
print(f"  one random direction, 2 evaluations:    relative error {one:.1e}")
# --8<-- [end:check]
