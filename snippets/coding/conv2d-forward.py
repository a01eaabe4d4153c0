# --8<-- [start:signature]
import numpy as np


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    kh, kw = w.shape[2:]
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    # every kh x kw window as a view, no copy: (N, C, H', W', kh, kw), then the stride
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    # multiply each window by each filter and sum over channels and kernel positions
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [test_conv2d_worked_example, test_conv2d_matches_torch]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
x = np.arange(9.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
print("stride 1, no padding:", conv2d(x, w, np.zeros(1))[0, 0].tolist())
print("stride 2, padding 1, bias 1:", conv2d(x, w, np.ones(1), 2, 1)[0, 0].tolist())
# --8<-- [end:check]
