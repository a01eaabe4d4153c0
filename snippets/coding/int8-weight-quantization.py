# --8<-- [start:signature]
import numpy as np


def quantize(
    w: np.ndarray, axis: int | None = None, symmetric: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int8 codes of a float32 array w,
        q = clamp(round(w / scale) + zero_point, qmin, qmax),
    with one (scale, zero_point) for the whole tensor (axis=None) or one per index
    along `axis` (axis=0: per output channel, the rows of an (out, in) weight matrix).

    symmetric:  qmin, qmax = -127, 127;  zero_point = 0;  scale = max|w| / 127
    asymmetric: qmin, qmax = -128, 127;  lo = min(w.min(), 0), hi = max(w.max(), 0);
                scale = (hi - lo) / 255;  zero_point = qmin - round(lo / scale)
    The range always contains 0, so 0.0 maps to the code zero_point exactly. Every
    scale is at least float32's machine epsilon (a tensor of zeros must not divide
    by 0). Compute in float32 and round half to even, as PyTorch's kernels do; they
    multiply by the float32 reciprocal, round(w * (1 / scale)), and so must you for
    the codes to match theirs bit for bit.
    Returns (q int8, scale float32, zero_point int32). scale and zero_point have
    shape () per tensor; per channel, w's shape with size 1 on every other axis, so
    that they broadcast against w.
    """
    raise NotImplementedError


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    """The float32 values (q - zero_point) * scale, computed in float32."""
    raise NotImplementedError


def int8_matmul(
    qx: np.ndarray,
    scale_x: np.ndarray,
    zp_x: np.ndarray,
    qw: np.ndarray,
    scale_w: np.ndarray,
    zp_w: np.ndarray,
) -> np.ndarray:
    """y = x @ w.T from int8 codes: x (n, k) quantised per tensor or per row
    (scale_x, zp_x of shape () or (n, 1)), w (m, k) per tensor or per output
    channel (shape () or (m, 1)), as `quantize` returns them.
        acc[i, j] = sum over k of (qx[i, k] - zp_x) * (qw[j, k] - zp_w)   in int32
        y = scale_x * scale_w.T * acc                                    in float64
    Returns y, float64 of shape (n, m).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def quantize(
    w: np.ndarray, axis: int | None = None, symmetric: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = np.asarray(w, dtype=np.float32)
    # per channel: reduce over every other axis, keeping them as size 1
    others = (
        None if axis is None else tuple(i for i in range(w.ndim) if i != axis % w.ndim)
    )
    keep = axis is not None
    eps = np.finfo(np.float32).eps
    if symmetric:
        qmin, qmax = -127, 127
        scale = np.abs(w).max(axis=others, keepdims=keep) / np.float32(127)
        scale = np.maximum(scale, eps)
        zero_point = np.zeros(np.shape(scale), dtype=np.int32)
    else:
        qmin, qmax = -128, 127
        # stretch the range to include 0, so that 0.0 gets a code of its own
        lo = np.minimum(w.min(axis=others, keepdims=keep), np.float32(0))
        hi = np.maximum(w.max(axis=others, keepdims=keep), np.float32(0))
        scale = np.maximum((hi - lo) / np.float32(255), eps)
        # an integer zero point: the code that stands for 0.0
        zero_point = np.clip(qmin - np.rint(lo / scale), qmin, qmax).astype(np.int32)
    scale = np.asarray(scale, dtype=np.float32)
    # np.rint rounds half to even, like std::nearbyint in PyTorch's kernels
    codes = np.rint(w * (np.float32(1) / scale)) + zero_point
    return np.clip(codes, qmin, qmax).astype(np.int8), scale, zero_point


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    zero = np.asarray(zero_point).astype(np.float32)
    return (q.astype(np.float32) - zero) * np.asarray(scale, dtype=np.float32)


def int8_matmul(
    qx: np.ndarray,
    scale_x: np.ndarray,
    zp_x: np.ndarray,
    qw: np.ndarray,
    scale_w: np.ndarray,
    zp_w: np.ndarray,
) -> np.ndarray:
    # widen before multiplying: int8 @ int8 in NumPy stays int8 and wraps
    a, b = qx.astype(np.int32), qw.astype(np.int32)
    zx = np.asarray(zp_x, dtype=np.int32)
    zw = np.asarray(zp_w, dtype=np.int32).T
    k = a.shape[1]
    # the raw int8 x int8 products, summed in int32, as the hardware does
    acc = a @ b.T
    # sum (a - zx)(b - zw) = sum ab - zw sum a - zx sum b + k zx zw. With
    # symmetric weights (zw = 0) the second and fourth terms vanish, and the
    # third needs only sum b, summed once per weight matrix ahead of time
    acc -= a.sum(axis=1, keepdims=True) * zw
    acc -= zx * b.sum(axis=1, keepdims=True).T
    acc += k * zx * zw
    # one rescale at the end, in float64 (a float32 x float32 product is exact)
    scale = np.asarray(scale_x, dtype=np.float64) * np.asarray(scale_w, np.float64).T
    return acc * scale


# --8<-- [end:solution]


# --8<-- [start:tests]
import warnings

import numpy as np
import pytest
import torch
from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver


def int8_test_weights(seed, rows=16, cols=40):
    """float32 rows with different ranges and offsets, so per-channel matters."""
    rng = np.random.default_rng(seed)
    spread = rng.uniform(0.01, 3.0, size=(rows, 1))
    w = rng.normal(size=(rows, cols)) * spread + rng.normal(size=(rows, 1))
    return w.astype(np.float32)


def test_quantize_worked_example():
    w = np.array([-0.51, 0.0, 0.3, 2.04], dtype=np.float32)
    q, scale, zero_point = quantize(w)
    assert q.dtype == np.int8 and scale.shape == () and zero_point == 0
    assert q.tolist() == [-32, 0, 19, 127]
    assert scale == pytest.approx(2.04 / 127, rel=1e-6)
    q, scale, zero_point = quantize(w, symmetric=False)
    assert q.tolist() == [-128, -77, -47, 127] and zero_point == -77
    assert scale == pytest.approx(0.01, rel=1e-6)
    np.testing.assert_allclose(dequantize(q, scale, zero_point), w, atol=1e-7)
    # a row 50x smaller: per tensor its codes are 1 and 3, per channel 50 and 127
    w = np.array([[0.5, -1.27], [0.01, 0.0254]], dtype=np.float32)
    assert quantize(w)[0].tolist() == [[50, -127], [1, 3]]
    q, scale, zero_point = quantize(w, axis=0)
    assert q.tolist() == [[50, -127], [50, 127]] and scale.shape == (2, 1)
    np.testing.assert_allclose(scale.ravel(), [0.01, 0.0002], rtol=1e-6)


def test_quantize_round_trip_is_within_half_a_step():
    w = int8_test_weights(0)
    w[3] = 0.0  # a channel of zeros
    for axis in [None, 0, 1]:
        for symmetric in [True, False]:
            q, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
            shape = () if axis is None else (16, 1) if axis == 0 else (1, 40)
            assert q.dtype == np.int8 and q.shape == w.shape
            assert scale.dtype == np.float32 and scale.shape == shape
            assert zero_point.shape == shape and np.all(scale > 0)
            # rounding to the nearest of the grid's points: at most half a step
            error = np.abs(dequantize(q, scale, zero_point) - w)
            assert np.all(error <= scale / 2 * (1 + 1e-5))
            if symmetric:
                # the largest |w| of each channel maps to +-127; -128 is never used
                assert q.min() >= -127 and np.abs(q).max() == 127
            elif axis is None:
                # min and max map to the two ends of the range
                assert q.min() == -128 and q.max() == 127
    q, scale, _ = quantize(w, axis=0)
    # a symmetric grid: -w gets exactly the negated codes
    q_neg, scale_neg, _ = quantize(-w, axis=0)
    assert np.array_equal(q_neg, -q) and np.array_equal(scale_neg, scale)


def test_quantize_matches_torch():
    w = int8_test_weights(1)
    t = torch.from_numpy(w)
    with warnings.catch_warnings():
        # torch 2.13 deprecates quantized tensors (torch.qint8); fake_quantize is not
        warnings.simplefilter("ignore")
        for symmetric in [True, False]:
            qmin = -127 if symmetric else -128
            q, scale, zero_point = quantize(w, symmetric=symmetric)
            ref = torch.quantize_per_tensor(
                t, float(scale), int(zero_point), torch.qint8
            )
            assert np.array_equal(q, ref.int_repr().numpy())
            mine = dequantize(q, scale, zero_point)
            assert np.array_equal(mine, ref.dequantize().numpy())
            fake = torch.fake_quantize_per_tensor_affine(
                t, float(scale), int(zero_point), qmin, 127
            )
            assert np.array_equal(mine, fake.numpy())
            q, scale, zero_point = quantize(w, axis=0, symmetric=symmetric)
            scales = torch.from_numpy(scale.ravel())
            zero_points = torch.from_numpy(zero_point.ravel())
            ref = torch.quantize_per_channel(
                t, scales.double(), zero_points.long(), 0, torch.qint8
            )
            assert np.array_equal(q, ref.int_repr().numpy())
            mine = dequantize(q, scale, zero_point)
            assert np.array_equal(mine, ref.dequantize().numpy())
            fake = torch.fake_quantize_per_channel_affine(
                t, scales, zero_points, 0, qmin, 127
            )
            assert np.array_equal(mine, fake.numpy())
    # and the same scales and zero points as PyTorch's min-max observers
    for symmetric in [True, False]:
        qmin = -127 if symmetric else -128
        for axis in [None, 0]:
            scheme = {
                (True, None): torch.per_tensor_symmetric,
                (False, None): torch.per_tensor_affine,
                (True, 0): torch.per_channel_symmetric,
                (False, 0): torch.per_channel_affine,
            }[symmetric, axis]
            kwargs = dict(
                dtype=torch.qint8, qscheme=scheme, quant_min=qmin, quant_max=127
            )
            if axis is None:
                observer = MinMaxObserver(**kwargs)
            else:
                observer = PerChannelMinMaxObserver(ch_axis=0, **kwargs)
            observer(t)
            ref_scale, ref_zero_point = observer.calculate_qparams()
            _, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
            assert np.array_equal(scale.ravel(), ref_scale.numpy())
            assert np.array_equal(zero_point.ravel(), ref_zero_point.numpy())


def test_quantize_represents_zero_exactly():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 20)).astype(np.float32)
    with_zero_row = x.copy()
    with_zero_row[2] = 0.0
    negative = -np.abs(x) - 0.5
    negative[:, 0] = 0.0
    cases = {
        "relu output": np.maximum(x, 0),
        "zero-padded": np.pad(x, 1),
        "negative but for zeros": negative,
        "a channel of zeros": with_zero_row,
    }
    for name, w in cases.items():
        zeros = w == 0
        for axis in [None, 0]:
            for symmetric in [True, False]:
                q, scale, zero_point = quantize(w, axis=axis, symmetric=symmetric)
                # 0.0 gets the code zero_point and comes back as exactly 0.0
                expected = np.broadcast_to(zero_point, w.shape)[zeros]
                assert np.array_equal(q[zeros], expected), name
                assert np.all(dequantize(q, scale, zero_point)[zeros] == 0.0), name
    # ReLU outputs: the asymmetric grid starts at 0, so no code is wasted on negatives
    q, scale, zero_point = quantize(np.maximum(x, 0), symmetric=False)
    assert zero_point == -128 and q.min() == -128 and q.max() == 127


def test_int8_matmul_equals_the_dequantised_matmul():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 300)).astype(np.float32)
    w = int8_test_weights(4, rows=7, cols=300)
    for x_axis, w_axis in [(None, None), (0, 0), (None, 0)]:
        for symmetric in [True, False]:
            qx, sx, zx = quantize(x, axis=x_axis, symmetric=False)
            qw, sw, zw = quantize(w, axis=w_axis, symmetric=symmetric)
            y = int8_matmul(qx, sx, zx, qw, sw, zw)
            assert y.dtype == np.float64 and y.shape == (5, 7)
            # the dequantised operands in float64 (exact: 8-bit times 24-bit)
            xd = (qx.astype(np.float64) - zx) * sx.astype(np.float64)
            wd = (qw.astype(np.float64) - zw) * sw.astype(np.float64)
            np.testing.assert_allclose(y, xd @ wd.T, rtol=1e-12, atol=1e-12)
            # and close to the float product: int8 loses little here
            rel = np.linalg.norm(y - x @ w.T) / np.linalg.norm(x @ w.T)
            assert rel < 0.02
    # power-of-two scales: every dequantised value and every partial sum is exact
    # in floating point, so the float matmul equals the integer one exactly
    qx = rng.integers(-128, 128, size=(4, 1024)).astype(np.int8)
    qw = rng.integers(-127, 128, size=(6, 1024)).astype(np.int8)
    sx, sw = np.float32(2.0**-7), np.full((6, 1), 2.0**-9, dtype=np.float32)
    zx, zw = np.int32(-5), np.zeros((6, 1), dtype=np.int32)
    y = int8_matmul(qx, sx, zx, qw, sw, zw)
    xd = dequantize(qx, sx, zx).astype(np.float64)
    wd = dequantize(qw, sw, zw).astype(np.float64)
    assert np.array_equal(y, xd @ wd.T)


def test_int8_matmul_accumulates_in_int32():
    # 1024 products of 127 * 127: the sum, 16,516,096, needs 25 bits with its sign
    q = np.full((2, 1024), 127, dtype=np.int8)
    one, zero = np.float32(1.0), np.int32(0)
    y = int8_matmul(q, one, zero, q, one, zero)
    assert np.array_equal(y, np.full((2, 2), 1024.0 * 127 * 127))
    # with zero points the codes' differences reach 255, the products 65,025
    low = np.full((1, 512), -128, dtype=np.int8)
    high = np.full((1, 512), 127, dtype=np.int8)
    y = int8_matmul(low, one, np.int32(127), high, one, np.int32(-128))
    assert y[0, 0] == 512 * (-255) * 255


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_quantize_worked_example,
    test_quantize_round_trip_is_within_half_a_step,
    test_quantize_matches_torch,
    test_quantize_represents_zero_exactly,
    test_int8_matmul_equals_the_dequantised_matmul,
    test_int8_matmul_accumulates_in_int32,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
w = np.array([-0.51, 0.0, 0.3, 2.04], dtype=np.float32)
for symmetric in [True, False]:
    q, scale, zero_point = quantize(w, symmetric=symmetric)
    back = [round(float(v), 4) for v in dequantize(q, scale, zero_point)]
    kind = "symmetric" if symmetric else "asymmetric"
    print(
        f"{kind:10}: codes {q.tolist()}, scale {float(scale):.6f}, "
        f"zero point {int(zero_point)}, back {back}"
    )

# the accumulator: 1024 products of 127 * 127, summed in int32 and in int16
q = np.full((1, 1024), 127, dtype=np.int8)
acc32 = int8_matmul(q, np.float32(1), np.int32(0), q, np.float32(1), np.int32(0))
acc16 = q.astype(np.int16) @ q.astype(np.int16).T
print(f"1024 x 127 x 127: int32 accumulator {acc32[0, 0]:,.0f}, int16 {acc16[0, 0]:,}")

# rounding w / s in float64 instead of PyTorch's w * (1 / s) in float32
rng = np.random.default_rng(0)
w = rng.normal(size=(256, 512)).astype(np.float32)
q, scale, zero_point = quantize(w)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ref = torch.quantize_per_tensor(torch.from_numpy(w), float(scale), 0, torch.qint8)
q64 = np.clip(np.rint(w.astype(np.float64) / float(scale)), -127, 127)
print(
    f"codes unlike torch's: {np.sum(q != ref.int_repr().numpy())}, "
    f"with w / s in float64: {np.sum(q64 != ref.int_repr().numpy())} of {w.size:,}"
)


def channel_error(estimate, exact):
    """Relative error of each output channel (column), averaged over channels."""
    return np.mean(
        np.linalg.norm(estimate - exact, axis=0) / np.linalg.norm(exact, axis=0)
    )


# weights: 256 output channels, 4 of them with a 30x larger range
out_features, in_features, tokens = 256, 512, 64
w = rng.normal(0, 0.02, size=(out_features, in_features)).astype(np.float32)
outliers = rng.choice(out_features, size=4, replace=False)
w[outliers] *= 30
x = rng.normal(size=(tokens, in_features)).astype(np.float32)
y = x.astype(np.float64) @ w.T.astype(np.float64)
print(f"weights {out_features} x {in_features}, 4 output channels 30x larger")
q, step, _ = quantize(w)
ordinary = np.setdiff1d(np.arange(out_features), outliers)
std = w[ordinary].std()
print(
    f"per tensor: step {float(step):.4f}, so the other {ordinary.size} channels "
    f"(std {std:.4f}) use codes {q[ordinary].min()} to {q[ordinary].max()}"
)
noise = step / 12**0.5 / std
print(f"rounding noise of a uniform grid, step / sqrt(12) / std: {noise:.4f}")
print("mean relative error per output channel")
print(f"{'weights quantised':42} {'weights':>8} {'layer output':>14}")
for axis, granularity in [(None, "per tensor"), (0, "per channel")]:
    for symmetric in [True, False]:
        w_hat = dequantize(*quantize(w, axis=axis, symmetric=symmetric))
        kind = "symmetric" if symmetric else "asymmetric"
        weight_error = channel_error(w_hat.T, w.T)
        output_error = channel_error(x @ w_hat.T.astype(np.float64), y)
        print(
            f"  {granularity + ', ' + kind:40} {weight_error:8.4f} {output_error:14.4f}"
        )

# activations too (W8A8): int8 weights per channel, one activation feature 50x larger
qw, sw, zw = quantize(w, axis=0)
x_outlier = x.copy()
x_outlier[:, 7] *= 50
print("int8 weights per channel and int8 activations;")
print("mean relative error of the layer's output per channel")
print(f"{'activations quantised':38} {'no outlier':>12} {'one feature 50x':>17}")
rows = {
    "per tensor": [],
    "per token": [],
    "per token, |x| > 6 kept in float": [],
    "per token, smoothed (alpha 0.5)": [],
}
for xs in [x, x_outlier]:
    exact = xs.astype(np.float64) @ w.T.astype(np.float64)
    for name, axis in [("per tensor", None), ("per token", 0)]:
        y_hat = int8_matmul(*quantize(xs, axis=axis, symmetric=False), qw, sw, zw)
        rows[name].append(channel_error(y_hat, exact))
    # LLM.int8(): features with any |x| > 6 stay in float, the rest go through int8
    big = np.abs(xs).max(axis=0) > 6
    y_hat = xs[:, big].astype(np.float64) @ w[:, big].T.astype(np.float64)
    q_rest, s_rest, z_rest = quantize(w[:, ~big], axis=0)
    x_rest = quantize(xs[:, ~big], axis=0, symmetric=False)
    y_hat += int8_matmul(*x_rest, q_rest, s_rest, z_rest)
    rows["per token, |x| > 6 kept in float"].append(channel_error(y_hat, exact))
    # SmoothQuant: divide feature j by s_j and multiply the weights' column j by it
    s = np.sqrt(np.abs(xs).max(axis=0) / np.abs(w).max(axis=0)).astype(np.float32)
    q_smooth, s_smooth, z_smooth = quantize(w * s, axis=0)
    x_smooth = quantize(xs / s, axis=0, symmetric=False)
    y_hat = int8_matmul(*x_smooth, q_smooth, s_smooth, z_smooth)
    rows["per token, smoothed (alpha 0.5)"].append(channel_error(y_hat, exact))
for name, (clean, outlier) in rows.items():
    print(f"  {name:36} {clean:12.4f} {outlier:17.4f}")
# --8<-- [end:check]
