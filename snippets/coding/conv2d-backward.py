# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def conv2d_backward(
    x: np.ndarray, w: np.ndarray, dout: np.ndarray, stride: int = 1, padding: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    s, p = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    # im2col: cols[n, c, i, j, u, v] = xp[n, c, s*u + i, s*v + j], the input pixel that
    # kernel tap (i, j) multiplies at output position (u, v); one strided slice per tap
    cols = np.empty((n, c, kh, kw, ho, wo))
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i : i + s * ho : s, j : j + s * wo : s]
    # the forward pass was out[n] = W @ cols[n] + b, W (F, C*kh*kw), cols (C*kh*kw, P)
    cols = cols.reshape(n, c * kh * kw, ho * wo)
    g = dout.reshape(n, f, ho * wo)
    db = dout.sum(axis=(0, 2, 3))
    # dW = sum over the batch of g @ cols.T
    dw = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    # dcols = W.T @ g, then col2im: every tap adds its slice back where it was read.
    # Windows overlap, so contributions must add up (the same pixel is read by several
    # taps); pixels that no window read (stride remainder) stay 0
    dcols = (w.reshape(f, -1).T @ g).reshape(n, c, kh, kw, ho, wo)
    dxp = np.zeros_like(xp)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + s * ho : s, j : j + s * wo : s] += dcols[:, :, i, j]
    # the padding is not part of x: crop it off
    return dxp[:, :, p : p + h, p : p + wd], dw, db


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F

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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_conv2d_backward_worked_example,
    test_conv2d_backward_matches_torch_autograd,
    test_conv2d_backward_matches_torch_nn_grad_and_conv_transpose,
    test_conv2d_backward_dx_is_a_full_convolution_with_the_flipped_kernel,
    test_conv2d_backward_passes_central_differences,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = np.arange(9.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
dx, dw, db = conv2d_backward(x, w, np.ones((1, 1, 2, 2)))
print("stride 1: dx", dx[0, 0].tolist())
print("          dw", dw[0, 0].tolist(), "db", db.tolist())
dx, _, _ = conv2d_backward(x, w, np.ones((1, 1, 1, 1)), stride=2)
print("stride 2: dx", dx[0, 0].tolist())
dx, _, _ = conv2d_backward(x, w, np.ones((1, 1, 2, 2)), stride=2, padding=1)
print("stride 2, padding 1: dx", dx[0, 0].tolist())
# col2im on the stride-1 example with fancy indexing: dcols[i, j, u, v] = w[i, j]
# goes to pixel (i + u, j + v); five pixels are read by more than one window
dcols = w[0, 0][:, :, None, None] * np.ones((2, 2, 2, 2))
i, j, u, v = np.indices(dcols.shape)
added, assigned = np.zeros((3, 3)), np.zeros((3, 3))
np.add.at(added, (i + u, j + v), dcols)
assigned[i + u, j + v] += dcols
dx, _, _ = conv2d_backward(x, w, np.ones((1, 1, 2, 2)))
print("np.add.at equals dx:", np.array_equal(added, dx[0, 0]))
print("pixels that += with repeated indices got wrong:", int((assigned != added).sum()))
# --8<-- [end:check]
