"""The ML coding round: Neural-network building blocks. Practice file with 10 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest neural-network-layers.py                 # every exercise
    pytest neural-network-layers.py -k <function>   # one exercise, e.g. -k mlp_loss_and_grads

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import math
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
# 2. Implement CLIP's symmetric contrastive (InfoNCE) loss.
# Handbook: coding/neural-network-layers/#clip-contrastive-loss
# --------------------------------------------------------------------------------------


def info_nce(logits: np.ndarray) -> tuple[float, np.ndarray]:
    """InfoNCE as an N-way classification: row i of the (N, N) logits must pick
    column i. Returns the mean cross-entropy over the rows,
        mean over i of (logsumexp_j logits[i, j] - logits[i, i]),
    and its gradient with respect to the logits, (N, N). Must not overflow or
    return nan for logits of any size.
    """
    raise NotImplementedError


def clip_loss(
    image_emb: np.ndarray, text_emb: np.ndarray, log_scale: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """CLIP's symmetric contrastive loss of N (image, text) pairs, and its gradients.

    image_emb, text_emb (N, D): row i of each is pair i, not normalised.
        u, v   = the rows of image_emb and text_emb divided by their L2 norms
        scale  = exp(min(log_scale, log 100))     # the learnable 1/temperature
        logits = scale * u @ v.T                  # (N, N); [i, j] = image i, text j
        loss   = (info_nce(logits) + info_nce(logits.T)) / 2
    Returns (loss, dloss/dimage_emb, dloss/dtext_emb, dloss/dlog_scale); the last
    is 0 while the clip is active (log_scale > log 100).
    """
    raise NotImplementedError


def clip_batch(seed, n=6, d=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d))


def torch_clip_loss(image_emb, text_emb, log_scale):
    """The reference: autograd through F.normalize, clamp and F.cross_entropy."""
    a = torch.tensor(image_emb, requires_grad=True)
    b = torch.tensor(text_emb, requires_grad=True)
    t = torch.tensor(log_scale, dtype=torch.float64, requires_grad=True)
    cos = F.normalize(a, dim=1) @ F.normalize(b, dim=1).T
    logits = t.clamp(max=math.log(100.0)).exp() * cos
    labels = torch.arange(len(a))
    loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
    loss.backward()
    return loss.item(), a.grad.numpy(), b.grad.numpy(), t.grad.item()


def central_differences(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / (2 eps) for every entry of the array x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_clip_loss_worked_example():
    image, text = np.array([[3.0, 0.0], [0.0, 2.0]]), np.eye(2)
    loss, dimage, dtext, dlog_scale = clip_loss(image, text, 0.0)
    s = 1 / (1 + math.exp(1.0))  # sigmoid(-1)
    assert loss == pytest.approx(math.log(1 + math.exp(-1.0)), rel=1e-12)
    assert dlog_scale == pytest.approx(-s, rel=1e-12)
    np.testing.assert_allclose(dimage, [[0, s / 6], [s / 4, 0]], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dtext, [[0, s / 2], [s / 2, 0]], rtol=1e-12, atol=1e-15)
    # cosines 1/sqrt(1.81) and 0.9/sqrt(1.81); log_scale = log 1000 acts as log 100
    close = np.array([[1.0, 0.9], [0.9, 1.0]])
    loss, _, _, dlog_scale = clip_loss(np.eye(2), close, math.log(1000.0))
    gap = 100 * 0.1 / math.sqrt(1.81)
    assert loss == pytest.approx(math.log1p(math.exp(-gap)), rel=1e-9)
    assert dlog_scale == 0.0


def test_clip_loss_matches_torch():
    for seed, log_scale in [(0, math.log(1 / 0.07)), (1, 0.3), (2, 5.0)]:
        image, text = clip_batch(seed)
        mine = clip_loss(image, text, log_scale)
        ref = torch_clip_loss(image, text, log_scale)
        assert mine[0] == pytest.approx(ref[0], rel=1e-12)
        np.testing.assert_allclose(mine[1], ref[1], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(mine[2], ref[2], rtol=1e-10, atol=1e-13)
        assert mine[3] == pytest.approx(ref[3], rel=1e-10, abs=1e-13)
    # info_nce alone against F.cross_entropy with the diagonal as targets
    logits = np.random.default_rng(3).normal(size=(7, 7)) * 5
    loss, grad = info_nce(logits)
    t = torch.tensor(logits, requires_grad=True)
    ref = F.cross_entropy(t, torch.arange(7))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_clip_loss_of_identical_embeddings_is_log_n():
    # every image and every text points the same way (norms differ): no pair
    # can be told apart, so each row is a uniform guess among N
    direction = np.array([0.6, -0.8, 0.0])
    norms = np.arange(1.0, 9.0)[:, None]
    for log_scale in [0.0, math.log(1 / 0.07), math.log(100.0)]:
        loss, dimage, dtext, dlog_scale = clip_loss(
            norms * direction, norms[::-1] * direction, log_scale
        )
        assert loss == pytest.approx(math.log(8), rel=1e-12)
        # and the collapsed point is stationary: every gradient is zero
        assert np.abs(dimage).max() < 1e-15 and np.abs(dtext).max() < 1e-15
        assert abs(dlog_scale) < 1e-12


def test_clip_loss_is_stable_at_large_scale():
    # logits of +-1000: exp overflows without the log-sum-exp shift
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = info_nce(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]))
        assert loss == 0.0 and np.all(np.isfinite(grad))
        loss, grad = info_nce(np.array([[-1000.0, 1000.0], [1000.0, -1000.0]]))
        assert loss == pytest.approx(2000.0) and np.all(np.isfinite(grad))
    # float32, as in mixed precision, at the largest scale CLIP allows (100):
    # exp(100) is beyond float32's range (about 3.4e38)
    image, text = clip_batch(4, n=16, d=8)
    ref = clip_loss(image, text, math.log(100.0))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        mine = clip_loss(
            image.astype(np.float32), text.astype(np.float32), math.log(100.0)
        )
    assert mine[1].dtype == np.float32
    assert mine[0] == pytest.approx(ref[0], rel=1e-5)
    np.testing.assert_allclose(mine[1], ref[1], rtol=1e-3, atol=1e-5)


def test_clip_loss_passes_a_gradient_check():
    image, text = clip_batch(5, n=5, d=3)
    t = np.zeros(1)

    def loss():
        return clip_loss(image, text, t[0])[0]

    # CLIP's initial scale 1/0.07, then a clipped one (exp(5) > 100)
    for log_scale in [math.log(1 / 0.07), 5.0]:
        t[0] = log_scale
        _, dimage, dtext, dlog_scale = clip_loss(image, text, log_scale)
        for x, analytic in [(image, dimage), (text, dtext)]:
            numeric = central_differences(loss, x)
            rel = np.abs(numeric - analytic).max() / np.abs(analytic).max()
            assert rel < 1e-6
        numeric = central_differences(loss, t)[0]
        assert dlog_scale == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_clip_loss_swapping_the_modalities():
    image, text = clip_batch(6)
    loss, dimage, dtext, dlog_scale = clip_loss(image, text, 2.0)
    # the mean of the two directions does not change when they swap roles
    swapped = clip_loss(text, image, 2.0)
    assert swapped[0] == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(swapped[1], dtext, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(swapped[2], dimage, rtol=1e-10, atol=1e-15)
    # but the two directions differ unless the logits matrix is symmetric
    u = image / np.linalg.norm(image, axis=1, keepdims=True)
    v = text / np.linalg.norm(text, axis=1, keepdims=True)
    logits = math.exp(2.0) * u @ v.T
    assert abs(info_nce(logits)[0] - info_nce(logits.T)[0]) > 1e-3
    # text = image makes it symmetric: both directions, and the mean, are equal
    symmetric = math.exp(2.0) * u @ u.T
    assert clip_loss(image, image, 2.0)[0] == pytest.approx(info_nce(symmetric)[0])
    assert info_nce(symmetric.T)[0] == pytest.approx(info_nce(symmetric)[0])


# --------------------------------------------------------------------------------------
# 3. How do you implement the forward pass of a 2-D convolution?
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
# 4. Implement the backward pass of a 2-D convolution and check it against autograd.
# Handbook: coding/neural-network-layers/#conv2d-backward
# --------------------------------------------------------------------------------------


def conv2d_backward(
    x: np.ndarray, w: np.ndarray, dout: np.ndarray, stride: int = 1, padding: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backward pass of `conv2d` from the forward exercise: a cross-correlation
    (no kernel flip), zero padding, the same stride in both directions.

    x (N, C, H, W) and w (F, C, kh, kw) are the forward pass's input and weights; dout
    (N, F, H_out, W_out) is the gradient of the loss with respect to its output.
    Returns (dx, dw, db): the gradients with respect to x, w and the bias b (F,), each
    with the shape of what it differentiates.
    """
    raise NotImplementedError


# (kh, kw, stride, padding) on 9 x 8 inputs. Stride 2 with a 2 x 2 kernel never reads
# the last row; stride 3 with a 1 x 1 kernel reads every third row and column.
CONV_BACKWARD_CASES = [
    (3, 3, 1, 0),
    (3, 3, 1, 1),
    (5, 3, 2, 2),
    (2, 2, 2, 0),
    (1, 1, 3, 0),
    (3, 3, 3, 1),
]


def conv2d_loops(x, w, b, stride=1, padding=0):
    """A reference forward pass, one output position at a time."""
    kh, kw = w.shape[2:]
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    out = np.empty((len(x), len(w), ho, wo))
    for u in range(ho):
        for v in range(wo):
            win = xp[:, :, u * stride : u * stride + kh, v * stride : v * stride + kw]
            out[:, :, u, v] = np.einsum("ncij,fcij->nf", win, w) + b
    return out


def test_conv2d_backward_worked_example():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    dx, dw, db = conv2d_backward(x, w, np.ones((1, 1, 2, 2)))
    np.testing.assert_allclose(dx[0, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])
    np.testing.assert_allclose(dw[0, 0], [[8, 12], [20, 24]])
    np.testing.assert_allclose(db, [4])
    # stride 2: one window; row and column 2 are never read
    dx, dw, db = conv2d_backward(x, w, np.ones((1, 1, 1, 1)), stride=2)
    np.testing.assert_allclose(dx[0, 0], [[1, 2, 0], [3, 4, 0], [0, 0, 0]])
    np.testing.assert_allclose(dw[0, 0], [[0, 1], [3, 4]])
    np.testing.assert_allclose(db, [1])
    # stride 2, padding 1: four windows on the padded 5 x 5, the border cropped off
    dx, _, _ = conv2d_backward(x, w, np.ones((1, 1, 2, 2)), stride=2, padding=1)
    np.testing.assert_allclose(dx[0, 0], [[4, 3, 4], [2, 1, 2], [4, 3, 4]])


def test_conv2d_backward_matches_torch_autograd():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 9, 8))
    for kh, kw, stride, padding in CONV_BACKWARD_CASES:
        w, b = rng.normal(size=(4, 3, kh, kw)), rng.normal(size=4)
        xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        out = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
        dout = rng.normal(size=out.shape)
        out.backward(torch.tensor(dout))
        grads = conv2d_backward(x, w, dout, stride=stride, padding=padding)
        for mine, ref in zip(grads, (xt.grad, wt.grad, bt.grad), strict=True):
            assert mine.shape == ref.shape
            np.testing.assert_allclose(mine, ref.numpy(), rtol=1e-10, atol=1e-12)


def test_conv2d_backward_matches_torch_nn_grad_and_conv_transpose():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 9, 8))
    for kh, kw, stride, padding in CONV_BACKWARD_CASES:
        w = rng.normal(size=(4, 3, kh, kw))
        ho = (9 + 2 * padding - kh) // stride + 1
        wo = (8 + 2 * padding - kw) // stride + 1
        dout = rng.normal(size=(2, 4, ho, wo))
        dx, dw, _ = conv2d_backward(x, w, dout, stride=stride, padding=padding)
        xt, wt, gt = torch.tensor(x), torch.tensor(w), torch.tensor(dout)
        ref_dx = torch.nn.grad.conv2d_input(x.shape, wt, gt, stride, padding)
        ref_dw = torch.nn.grad.conv2d_weight(xt, w.shape, gt, stride, padding)
        np.testing.assert_allclose(dx, ref_dx.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dw, ref_dw.numpy(), rtol=1e-10, atol=1e-12)
        # dx is a transposed convolution of dout; output_padding restores the rows
        # that the stride's remainder dropped
        extra = ((9 + 2 * padding - kh) % stride, (8 + 2 * padding - kw) % stride)
        ref_dx = F.conv_transpose2d(gt, wt, None, stride, padding, extra)
        np.testing.assert_allclose(dx, ref_dx.numpy(), rtol=1e-10, atol=1e-12)


def test_conv2d_backward_dx_is_a_full_convolution_with_the_flipped_kernel():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 9, 8))
    for kh, kw, s, p in CONV_BACKWARD_CASES:
        w = rng.normal(size=(4, 3, kh, kw))
        dout = rng.normal(size=conv2d_loops(x, w, np.zeros(4), s, p).shape)
        dx, _, _ = conv2d_backward(x, w, dout, stride=s, padding=p)
        # dilate dout by the stride, pad it by k - 1 ("full"), correlate it with the
        # kernel flipped in both directions and its channel axes swapped
        n, f, ho, wo = dout.shape
        dilated = np.zeros((n, f, s * (ho - 1) + 1, s * (wo - 1) + 1))
        dilated[:, :, ::s, ::s] = dout
        full = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
        flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
        dxp = np.zeros((2, 3, 9 + 2 * p, 8 + 2 * p))
        corr = conv2d_loops(full, flipped, np.zeros(3))
        dxp[:, :, : corr.shape[2], : corr.shape[3]] = corr
        np.testing.assert_allclose(dx, dxp[:, :, p : p + 9, p : p + 8], rtol=1e-10)


def test_conv2d_backward_passes_central_differences():
    rng = np.random.default_rng(3)
    params = {
        "x": rng.normal(size=(1, 2, 4, 5)),
        "w": rng.normal(size=(2, 2, 3, 2)),
        "b": rng.normal(size=2),
    }
    dout = rng.normal(size=(1, 2, 2, 3))
    grads = dict(zip("xwb", conv2d_backward(params["x"], params["w"], dout, 2, 1)))

    def loss():
        return np.sum(conv2d_loops(params["x"], params["w"], params["b"], 2, 1) * dout)

    eps = 1e-6
    for name, a in params.items():
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + eps
            up = loss()
            a[idx] = old - eps
            down = loss()
            a[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        rel = np.abs(numeric - grads[name]).max() / np.abs(grads[name]).max()
        assert rel < 1e-7


# --------------------------------------------------------------------------------------
# 5. How does batch normalisation's forward pass work in training and at inference?
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
# 6. How do you implement layer normalisation and RMSNorm?
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
# 7. Implement the backward pass of batch normalisation and layer normalisation in closed form.
# Handbook: coding/neural-network-layers/#norm-backward
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 8. How do you implement dropout, and why scale at training time?
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


# --------------------------------------------------------------------------------------
# 10. Implement a gradient check with central finite differences.
# Handbook: coding/neural-network-layers/#gradient-check
# --------------------------------------------------------------------------------------


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
