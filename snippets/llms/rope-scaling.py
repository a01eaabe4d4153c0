import numpy as np
import torch
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

d, base, L, s = 128, 10000.0, 2048, 4.0  # head dim, RoPE base, trained context, extension factor
i = np.arange(0, d, 2)
theta = base ** (-i / d)  # one rotation frequency per pair of dimensions (radians per token)


def rotate(x, pos, freqs):
    """Apply RoPE: rotate each (even, odd) pair of x by pos * freq."""
    x1, x2 = x[0::2], x[1::2]
    c, sn = np.cos(pos * freqs), np.sin(pos * freqs)
    out = np.empty_like(x)
    out[0::2], out[1::2] = x1 * c - x2 * sn, x1 * sn + x2 * c
    return out


rng = np.random.default_rng(0)
q, k = rng.normal(size=d), rng.normal(size=d)
same = np.isclose(rotate(q, 7, theta) @ rotate(k, 3, theta), rotate(q, 1007, theta) @ rotate(k, 1003, theta))
print(f"q.k depends only on the offset m - n (7-3 vs 1007-1003): {same}")

# Three ways to reach s * L = 8192 tokens without retraining from scratch.
pi = theta / s  # Position Interpolation: position m behaves like m / s
ntk = (base * s ** (d / (d - 2))) ** (-i / d)  # NTK-aware: raise the base instead


def yarn(theta, alpha=1, beta=32):
    """YaRN 'NTK-by-parts' (reference implementation): keep dimensions that rotate more than beta
    times within L, interpolate those that rotate less than alpha times, ramp in between."""
    dim_for = lambda rot: d * np.log(L / (rot * 2 * np.pi)) / (2 * np.log(base))  # noqa: E731
    low, high = max(np.floor(dim_for(beta)), 0), min(np.ceil(dim_for(alpha)), d - 1)
    ramp = np.clip((np.arange(d // 2) - low) / (high - low), 0, 1)  # 0 = keep, 1 = interpolate
    return theta * (1 - ramp) + theta / s * ramp, 0.1 * np.log(s) + 1  # and the attention scale


yarn_theta, yarn_mscale = yarn(theta)


def hf(rope_type, **extra):
    cfg = LlamaConfig(
        hidden_size=d * 4, num_attention_heads=4, max_position_embeddings=int(s * L),
        rope_parameters={"rope_type": rope_type, "rope_theta": base, "factor": s, **extra},
    )  # fmt: skip
    return ROPE_INIT_FUNCTIONS[rope_type](cfg, "cpu")


print(f"PI equals transformers 'linear': {np.allclose(pi, hf('linear')[0].numpy())}")
inv, scale = hf("yarn", original_max_position_embeddings=L)
print(f"YaRN equals transformers 'yarn': {np.allclose(yarn_theta, inv.numpy())}, attention scale {yarn_mscale:.4f} vs {scale:.4f}")
print(f"NTK-aware base: {base:,.0f} -> {base * s ** (d / (d - 2)):,.0f}")

# A pair of dimensions is safe at position 8191 if its angle there was seen in training: either
# the pair completed a full turn within L tokens, or its angle stays below the trained maximum.
seen = (L - 1) * theta  # largest angle each pair reached during training


def unseen(freqs):
    return "new" if (seen < 2 * np.pi)[j] and 8191 * freqs[j] > seen[j] * 1.001 else "ok"


print("\npair  wavelength  turns    angle at 8191 in range?       step per token vs original")
print("      (tokens)   within L  none  PI   NTK  YaRN           PI    NTK   YaRN")
for j in [0, 16, 32, 40, 44, 48, 56, 63]:
    wavelength, turns = 2 * np.pi / theta[j], L * theta[j] / (2 * np.pi)
    flags = " ".join(f"{unseen(f):4}" for f in (theta, pi, ntk, yarn_theta))
    steps = " ".join(f"{f[j] / theta[j]:5.2f}" for f in (pi, ntk, yarn_theta))
    print(f"{j:4d} {wavelength:10.0f} {turns:9.2f}  {flags}         {steps}")
