# --8<-- [start:signature]
import numpy as np


def batchnorm_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of batch normalisation in training mode, for x of shape (N, D).

    The forward pass computed out = gamma * (x - mean) * inv_std + beta, with mean and
    inv_std = 1 / sqrt(var + eps) (biased variance) over the batch axis, shape (1, D),
    and saved cache = (x, mean, inv_std, gamma). dout is dL/dout, shape (N, D).
    Returns (dx, dgamma, dbeta), shapes (N, D), (D,), (D,).
    """
    raise NotImplementedError


def layernorm_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of layer normalisation over the last axis of x (..., D).

    cache = (x, mean, inv_std, gamma) as in batchnorm_backward, with the statistics
    over the last axis, shape (..., 1). Returns (dx, dgamma, dbeta); dgamma and dbeta
    (D,) sum over every axis but the last.
    """
    raise NotImplementedError


def rmsnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Backward pass of RMSNorm over the last axis: out = gamma * x * inv_rms, with
    inv_rms = 1 / sqrt(mean(x ** 2) + eps), shape (..., 1), and cache = (x, inv_rms,
    gamma). Returns (dx, dgamma)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def normalised_backward(dout, cache, axis):
    x, mean, inv_std, gamma = cache
    xhat = (x - mean) * inv_std
    # gamma and beta are per feature (last axis): sum over every other axis
    others = tuple(range(x.ndim - 1))
    dgamma = (dout * xhat).sum(axis=others)
    dbeta = dout.sum(axis=others)
    dxhat = dout * gamma
    # (1/N) * inv_std * (N*dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)), sums over
    # the normalised axis: the mean and the variance depend on every x along it
    dx = inv_std * (
        dxhat
        - dxhat.mean(axis=axis, keepdims=True)
        - xhat * (dxhat * xhat).mean(axis=axis, keepdims=True)
    )
    return dx, dgamma, dbeta


def batchnorm_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return normalised_backward(dout, cache, axis=0)


def layernorm_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return normalised_backward(dout, cache, axis=-1)


def rmsnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray]:
    x, inv_rms, gamma = cache
    xhat = x * inv_rms
    dgamma = (dout * xhat).sum(axis=tuple(range(x.ndim - 1)))
    dxhat = dout * gamma
    # no mean subtracted, so no mean(dxhat) term
    dx = inv_rms * (dxhat - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, dgamma


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F


def norm_forward_with_cache(x, gamma, beta, axis, eps=1e-5):
    """Batch norm (axis=0) or layer norm (axis=-1) in training mode, and its cache."""
    mean = x.mean(axis=axis, keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    return gamma * (x - mean) * inv_std + beta, (x, mean, inv_std, gamma)


def rmsnorm_forward_with_cache(x, gamma, eps=1e-6):
    inv_rms = 1 / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)
    return gamma * x * inv_rms, (x, inv_rms, gamma)


def naive_norm_dx(dout, cache):
    """The wrong answer: treat mean and inv_std as constants."""
    _, _, inv_std, gamma = cache
    return gamma * inv_std * dout


def torch_norm_grads(x, gamma, beta, dout, kind, eps=1e-5):
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    if kind == "batch":
        out = F.batch_norm(xt, None, None, gt, bt, training=True, eps=eps)
    else:
        out = F.layer_norm(xt, gamma.shape, gt, bt, eps=eps)
    out.backward(torch.tensor(dout))
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()


def test_norm_backward_worked_example():
    x = np.array([[1.0, 2.0, 3.0]])
    ones, zeros = np.ones(3), np.zeros(3)
    _, cache = norm_forward_with_cache(x, ones, zeros, axis=-1)
    dx, dgamma, dbeta = layernorm_backward(np.array([[1.0, 0.0, 0.0]]), cache)
    np.testing.assert_allclose(dx, [[0.20412, -0.40825, 0.20412]], atol=1e-4)
    np.testing.assert_allclose(dgamma, [-1.22474, 0, 0], atol=1e-4)
    np.testing.assert_allclose(dbeta, [1, 0, 0])
    # dL/dx is zero when L is the sum of the outputs (gamma = 1)
    dx, _, _ = layernorm_backward(np.ones((1, 3)), cache)
    np.testing.assert_allclose(dx, np.zeros((1, 3)), atol=1e-12)
    # batch norm of the column x.T is the same computation along the other axis
    _, cache = norm_forward_with_cache(x.T, np.ones(1), np.zeros(1), axis=0)
    dx, _, _ = batchnorm_backward(np.array([[1.0], [0.0], [0.0]]), cache)
    np.testing.assert_allclose(dx.T, [[0.20412, -0.40825, 0.20412]], atol=1e-4)
    _, cache = rmsnorm_forward_with_cache(np.array([[3.0, 4.0]]), np.ones(2))
    dx, _ = rmsnorm_backward(np.array([[1.0, 0.0]]), cache)
    np.testing.assert_allclose(dx, [[0.64, -0.48]] / np.sqrt(12.5), atol=1e-6)


def test_batchnorm_backward_matches_torch_autograd():
    rng = np.random.default_rng(0)
    for n, d in [(2, 3), (16, 5), (64, 7)]:
        x = rng.normal(loc=3.0, scale=2.0, size=(n, d))
        gamma, beta, dout = (
            rng.normal(size=d),
            rng.normal(size=d),
            rng.normal(size=(n, d)),
        )
        _, cache = norm_forward_with_cache(x, gamma, beta, axis=0)
        mine = batchnorm_backward(dout, cache)
        ref = torch_norm_grads(x, gamma, beta, dout, "batch")
        for m, r in zip(mine, ref, strict=True):
            assert m.shape == r.shape
            np.testing.assert_allclose(m, r, rtol=1e-10, atol=1e-12)


def test_layernorm_backward_matches_torch_autograd():
    rng = np.random.default_rng(1)
    for shape in [(4, 6), (2, 7, 16)]:
        x = rng.normal(loc=5.0, size=shape)
        d = shape[-1]
        gamma, beta, dout = (
            rng.normal(size=d),
            rng.normal(size=d),
            rng.normal(size=shape),
        )
        _, cache = norm_forward_with_cache(x, gamma, beta, axis=-1)
        mine = layernorm_backward(dout, cache)
        ref = torch_norm_grads(x, gamma, beta, dout, "layer")
        for m, r in zip(mine, ref, strict=True):
            assert m.shape == r.shape
            np.testing.assert_allclose(m, r, rtol=1e-10, atol=1e-12)


def test_rmsnorm_backward_matches_torch_autograd():
    rng = np.random.default_rng(2)
    x, gamma, dout = (
        rng.normal(size=(3, 5, 8)),
        rng.normal(size=8),
        rng.normal(size=(3, 5, 8)),
    )
    _, cache = rmsnorm_forward_with_cache(x, gamma)
    dx, dgamma = rmsnorm_backward(dout, cache)
    xt, gt = (
        torch.tensor(x, requires_grad=True),
        torch.tensor(gamma, requires_grad=True),
    )
    F.rms_norm(xt, (8,), gt, eps=1e-6).backward(torch.tensor(dout))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-12)


def weighted_norm_output(params, kind, dout):
    """sum(out * dout): a loss whose gradient with respect to out is dout."""
    if kind == "rms":
        out, _ = rmsnorm_forward_with_cache(params["x"], params["gamma"])
    else:
        axis = 0 if kind == "batch" else -1
        out, _ = norm_forward_with_cache(*params.values(), axis=axis)
    return np.sum(out * dout)


def test_norm_backward_passes_central_differences():
    rng = np.random.default_rng(3)
    for kind in ["batch", "layer", "rms"]:
        params = {"x": rng.normal(size=(5, 4)), "gamma": rng.normal(size=4)}
        dout = rng.normal(size=(5, 4))
        if kind == "rms":
            _, cache = rmsnorm_forward_with_cache(*params.values())
            grads = dict(zip(params, rmsnorm_backward(dout, cache), strict=True))
        else:
            params["beta"] = rng.normal(size=4)
            axis = 0 if kind == "batch" else -1
            backward = batchnorm_backward if kind == "batch" else layernorm_backward
            _, cache = norm_forward_with_cache(*params.values(), axis=axis)
            grads = dict(zip(params, backward(dout, cache), strict=True))
        h = 1e-6
        for name, a in params.items():
            numeric = np.zeros_like(a)
            for idx in np.ndindex(a.shape):
                old = a[idx]
                a[idx] = old + h
                up = weighted_norm_output(params, kind, dout)
                a[idx] = old - h
                down = weighted_norm_output(params, kind, dout)
                a[idx] = old
                numeric[idx] = (up - down) / (2 * h)
            rel = np.abs(numeric - grads[name]).max() / np.abs(grads[name]).max()
            assert rel < 1e-7, (kind, name, rel)


def test_norm_backward_sums_to_zero_and_is_orthogonal_to_xhat():
    rng = np.random.default_rng(4)
    x, dout = rng.normal(loc=2.0, size=(6, 10)), rng.normal(size=(6, 10))
    gamma, beta = rng.normal(size=10), np.zeros(10)
    for axis, backward in [(0, batchnorm_backward), (-1, layernorm_backward)]:
        # with eps = 0 the output ignores a shift and a rescaling of x along the axis,
        # so dx has no component along 1 or along xhat
        _, cache = norm_forward_with_cache(x, gamma, beta, axis, eps=0.0)
        dx, _, _ = backward(dout, cache)
        xhat = (x - cache[1]) * cache[2]
        np.testing.assert_allclose(dx.sum(axis=axis), 0, atol=1e-12)
        np.testing.assert_allclose((dx * xhat).sum(axis=axis), 0, atol=1e-12)
        # eps > 0 breaks the scale invariance:
        # dx . xhat = eps * inv_std**3 * sum(dxhat * xhat)
        eps = 1e-2
        _, cache = norm_forward_with_cache(x, gamma, beta, axis, eps=eps)
        dx, _, _ = backward(dout, cache)
        xhat, inv_std = (x - cache[1]) * cache[2], cache[2]
        np.testing.assert_allclose(dx.sum(axis=axis), 0, atol=1e-12)
        expected = (
            eps * inv_std**3 * (dout * gamma * xhat).sum(axis=axis, keepdims=True)
        )
        np.testing.assert_allclose(
            (dx * xhat).sum(axis=axis, keepdims=True), expected, rtol=1e-9
        )
    # RMSNorm ignores a rescaling but not a shift: dx . x = 0, sum(dx) != 0
    _, cache = rmsnorm_forward_with_cache(x, gamma, eps=0.0)
    dx, _ = rmsnorm_backward(dout, cache)
    np.testing.assert_allclose((dx * x).sum(axis=-1), 0, atol=1e-12)
    assert np.abs(dx.sum(axis=-1)).min() > 1e-3


def test_naive_norm_gradient_fails_the_check():
    rng = np.random.default_rng(5)
    x, dout = rng.normal(size=(32, 8)), rng.normal(size=(32, 8))
    gamma, beta = rng.normal(size=8), rng.normal(size=8)
    for axis, backward in [(0, batchnorm_backward), (-1, layernorm_backward)]:
        _, cache = norm_forward_with_cache(x, gamma, beta, axis)
        dx, _, _ = backward(dout, cache)
        naive = naive_norm_dx(dout, cache)
        # off by about sqrt(2 / N) of dx for a random dout, N along the axis
        assert np.abs(naive - dx).max() > 0.1 * np.abs(dx).max()
        # the naive gradient does not sum to zero along the normalised axis
        assert np.abs(naive.sum(axis=axis)).max() > 0.1
    # in eval mode batch norm is affine, and the naive formula is its exact gradient
    running_mean, running_var = rng.normal(size=8), rng.uniform(0.5, 2.0, size=8)
    xt = torch.tensor(x, requires_grad=True)
    F.batch_norm(
        xt,
        torch.tensor(running_mean),
        torch.tensor(running_var),
        torch.tensor(gamma),
        torch.tensor(beta),
        training=False,
    ).backward(torch.tensor(dout))
    eval_cache = (x, running_mean, 1 / np.sqrt(running_var + 1e-5), gamma)
    np.testing.assert_allclose(
        naive_norm_dx(dout, eval_cache), xt.grad.numpy(), rtol=1e-12
    )


def test_norm_backward_ignores_a_constant_shift():
    rng = np.random.default_rng(6)
    x, dout = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    # one constant per feature for batch norm, one per example for layer norm
    shifts = [(0, batchnorm_backward, rng.normal(scale=100, size=(1, 5)))]
    shifts.append((-1, layernorm_backward, rng.normal(scale=100, size=(8, 1))))
    for axis, backward, shift in shifts:
        out, cache = norm_forward_with_cache(x, gamma, beta, axis)
        out_shifted, cache_shifted = norm_forward_with_cache(
            x + shift, gamma, beta, axis
        )
        np.testing.assert_allclose(out_shifted, out, rtol=1e-9, atol=1e-9)
        grads = backward(dout, cache)
        for g, g_shifted in zip(grads, backward(dout, cache_shifted), strict=True):
            np.testing.assert_allclose(g_shifted, g, rtol=1e-9, atol=1e-9)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_norm_backward_worked_example,
    test_batchnorm_backward_matches_torch_autograd,
    test_layernorm_backward_matches_torch_autograd,
    test_rmsnorm_backward_matches_torch_autograd,
    test_norm_backward_passes_central_differences,
    test_norm_backward_sums_to_zero_and_is_orthogonal_to_xhat,
    test_naive_norm_gradient_fails_the_check,
    test_norm_backward_ignores_a_constant_shift,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

x = np.array([[1.0, 2.0, 3.0]])
_, cache = norm_forward_with_cache(x, np.ones(3), np.zeros(3), axis=-1)
dout = np.array([[1.0, 0.0, 0.0]])
print("layer norm of [1, 2, 3], dout [1, 0, 0]")
print("  closed form dx", (layernorm_backward(dout, cache)[0].round(4) + 0.0).tolist())
print("  naive dx      ", naive_norm_dx(dout, cache).round(4).tolist())
dx_of_sum = layernorm_backward(np.ones((1, 3)), cache)[0]
print("  dout all ones ", (dx_of_sum.round(4) + 0.0).tolist())


def report(label, dx, ref):
    err = np.abs(dx - ref).max()
    if err < 1e-12:
        print(f"{label:38} {'below 1e-12':>13}")
    else:
        print(f"{label:38} {err:13.3f} {err / np.abs(ref).max():10.3f}")


rng = np.random.default_rng(7)
gamma, beta = rng.normal(size=64), rng.normal(size=64)
header = f"{'dx against torch autograd, float64':38} {'max abs error':>13}"
print(header, f"{'relative':>10}")
for axis, backward, shape, kind in [
    (0, batchnorm_backward, (32, 64), "batch"),
    (-1, layernorm_backward, (4, 8, 64), "layer"),
]:
    x = rng.normal(loc=1.0, scale=3.0, size=shape)
    dout = rng.normal(size=shape)
    _, cache = norm_forward_with_cache(x, gamma, beta, axis)
    ref = torch_norm_grads(x, gamma, beta, dout, kind)[0]
    report(f"{backward.__name__}, {shape}", backward(dout, cache)[0], ref)
    report("  naive gamma * inv_std * dout", naive_norm_dx(dout, cache), ref)
_, cache = rmsnorm_forward_with_cache(x, gamma)
xt = torch.tensor(x, requires_grad=True)
F.rms_norm(xt, (64,), torch.tensor(gamma), eps=1e-6).backward(torch.tensor(dout))
report(
    f"rmsnorm_backward, {x.shape}", rmsnorm_backward(dout, cache)[0], xt.grad.numpy()
)
# batch norm in eval mode: running statistics are constants
running_mean, running_var = rng.normal(size=64), rng.uniform(0.5, 2.0, size=64)
x, dout = rng.normal(size=(32, 64)), rng.normal(size=(32, 64))
xt = torch.tensor(x, requires_grad=True)
F.batch_norm(
    xt, *map(torch.tensor, (running_mean, running_var, gamma, beta)), training=False
).backward(torch.tensor(dout))
eval_cache = (x, running_mean, 1 / np.sqrt(running_var + 1e-5), gamma)
dx_eval = naive_norm_dx(dout, eval_cache)
report("naive, eval-mode batch norm (32, 64)", dx_eval, xt.grad.numpy())

# a constant row: var = 0, so only eps keeps inv_std finite
xt = torch.full((1, 4), 3.0, dtype=torch.float64, requires_grad=True)
centred = xt - xt.mean(-1, keepdim=True)
outside = centred / ((centred**2).mean(-1, keepdim=True).sqrt() + 1e-5)
outside.backward(torch.tensor([[1.0, 0.0, 0.0, 0.0]]))
_, cache = norm_forward_with_cache(np.full((1, 4), 3.0), np.ones(4), np.zeros(4), -1)
dx = layernorm_backward(np.array([[1.0, 0.0, 0.0, 0.0]]), cache)[0]
print("constant row [3, 3, 3, 3], dout [1, 0, 0, 0]")
print("  autograd, eps outside the sqrt", xt.grad.numpy().round(3).tolist())
print("  closed form, eps inside       ", dx.round(3).tolist())


def norm_backward_step_by_step(dout, cache, axis):
    """Batch or layer norm backward node by node through the graph mean -> centred ->
    variance -> std -> inv_std -> xhat -> out, one array per local derivative."""
    x, mean, inv_std, gamma = cache
    n = x.shape[axis]
    centred = x - mean
    std = 1 / inv_std
    xhat = centred * inv_std
    others = tuple(range(x.ndim - 1))
    dgamma, dbeta = (dout * xhat).sum(axis=others), dout.sum(axis=others)
    dxhat = dout * gamma
    dinv_std = (dxhat * centred).sum(axis=axis, keepdims=True)
    dcentred = dxhat * inv_std
    dstd = -dinv_std / std**2
    dvar = 0.5 * dstd / std
    dsquares = np.ones_like(x) / n * dvar
    dcentred = dcentred + 2 * centred * dsquares
    dmean = -dcentred.sum(axis=axis, keepdims=True)
    dx = dcentred + np.ones_like(x) / n * dmean
    return dx, dgamma, dbeta


x, dout = rng.normal(size=(256, 512)), rng.normal(size=(256, 512))
gamma, beta = rng.normal(size=512), rng.normal(size=512)
_, cache = norm_forward_with_cache(x, gamma, beta, axis=0)
same = all(
    np.allclose(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(
        norm_backward_step_by_step(dout, cache, 0), batchnorm_backward(dout, cache)
    )
)
print("step-by-step graph gives the same gradients:", same)
# --8<-- [end:check]
