import numpy as np
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

# Head dim, RoPE base, context length used in training, extension factor (2048 -> 8192).
d, base, L, s = 128, 10000.0, 2048, 4.0
i = np.arange(0, d, 2)
theta = base ** (-i / d)  # one rotation speed per pair of dimensions (radians/token)


def rotate(x, pos, freqs):
    """RoPE: rotate each (even, odd) pair of x by the angle pos * freq."""
    x1, x2 = x[0::2], x[1::2]
    c, sn = np.cos(pos * freqs), np.sin(pos * freqs)
    out = np.empty_like(x)
    out[0::2], out[1::2] = x1 * c - x2 * sn, x1 * sn + x2 * c
    return out


rng = np.random.default_rng(0)
q, k = rng.normal(size=d), rng.normal(size=d)
near = rotate(q, 7, theta) @ rotate(k, 3, theta)
far = rotate(q, 1007, theta) @ rotate(k, 1003, theta)
print(f"q.k depends only on m - n (7-3 vs 1007-1003): {np.isclose(near, far)}")

# Three ways to serve s * L = 8192 tokens from a model trained on 2048.
pi = theta / s  # Position Interpolation: position m behaves like m / s
ntk = (base * s ** (d / (d - 2))) ** (-i / d)  # NTK-aware: a larger base instead


def yarn(theta, alpha=1, beta=32):
    """YaRN "NTK-by-parts" as in its reference code: keep the pairs that turn more
    than beta times within L, interpolate those that turn less than alpha times, and
    ramp linearly in between."""

    def dim_for(turns):  # the pair index that makes `turns` full turns within L
        return d * np.log(L / (turns * 2 * np.pi)) / (2 * np.log(base))

    low, high = max(np.floor(dim_for(beta)), 0), min(np.ceil(dim_for(alpha)), d - 1)
    ramp = np.clip((np.arange(d // 2) - low) / (high - low), 0, 1)  # 1 = interpolate
    attention_scale = 0.1 * np.log(s) + 1  # sharpens softmax back after stretching
    return theta * (1 - ramp) + theta / s * ramp, attention_scale


yarn_theta, yarn_scale = yarn(theta)


def hf(rope_type, **extra):  # transformers' own implementation, for comparison
    cfg = LlamaConfig(
        hidden_size=d * 4, num_attention_heads=4, max_position_embeddings=int(s * L),
        rope_parameters={"rope_type": rope_type, "rope_theta": base, "factor": s}
        | extra,
    )  # fmt: skip
    return ROPE_INIT_FUNCTIONS[rope_type](cfg, "cpu")


print(f"PI = transformers 'linear': {np.allclose(pi, hf('linear')[0].numpy())}")
inv, scale = hf("yarn", original_max_position_embeddings=L)
print(f"YaRN = transformers 'yarn': {np.allclose(yarn_theta, inv.numpy())}", end="")
print(f", attention scale {yarn_scale:.4f} vs {scale:.4f}")
print(f"NTK-aware base: {base:,.0f} -> {base * s ** (d / (d - 2)):,.0f}")

# At position 8191, is each pair's angle one it saw in training? Yes if the pair made a
# full turn within L tokens, or if its angle stays below the largest trained angle.
seen = (L - 1) * theta


def in_range(freqs, j):
    return "ok" if seen[j] >= 2 * np.pi or 8191 * freqs[j] <= seen[j] * 1.001 else "NEW"


print("\npair wavelength   turns   angle at 8191 seen?      step per token vs original")
print("       (tokens) within L  none  PI   NTK  YaRN     PI    NTK   YaRN")
for j in [0, 16, 32, 40, 44, 48, 56, 63]:
    wavelength, turns = 2 * np.pi / theta[j], L * theta[j] / (2 * np.pi)
    flags = " ".join(f"{in_range(f, j):4}" for f in (theta, pi, ntk, yarn_theta))
    steps = " ".join(f"{f[j] / theta[j]:5.2f}" for f in (pi, ntk, yarn_theta))
    print(f"{j:4d} {wavelength:10.0f} {turns:8.2f}  {flags}    {steps}")
