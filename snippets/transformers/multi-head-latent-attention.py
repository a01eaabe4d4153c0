# --8<-- [start:scratch]
import numpy as np

rng = np.random.default_rng(0)
T, d, H, dh = 12, 64, 4, 16  # tokens, model width, heads, head dim
d_c, d_r = 16, 8  # latent width, width of the decoupled RoPE key


def rope(x, positions):
    """Rotate pairs (x[2i], x[2i+1]) by positions * theta_i; x (..., T, even width)."""
    half = x.shape[-1] // 2
    theta = 10000.0 ** (-np.arange(half) / half)
    ang = positions[:, None] * theta
    cos, sin = np.cos(ang), np.sin(ang)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2], out[..., 1::2] = a * cos - b * sin, a * sin + b * cos
    return out


def softmax_causal(s):
    s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def w(*shape):
    return rng.normal(size=shape) / np.sqrt(shape[-2])


W_dkv = w(d, d_c)  # down-projection: the only K/V product that is cached
W_uk, W_uv = w(H, d_c, dh), w(H, d_c, dh)  # per-head up-projections
W_kr = w(d, d_r)  # one RoPE key, shared by all heads (also cached)
W_q, W_qr = w(H, d, dh), w(H, d, d_r)  # per-head queries: content part, RoPE part
x, pos = rng.normal(size=(T, d)), np.arange(T, dtype=float)
scale = 1 / np.sqrt(dh + d_r)

c = x @ W_dkv  # (T, d_c)  cached
k_r = rope(x @ W_kr, pos)  # (T, d_r) cached
q_c, q_r = x @ W_q, rope(x @ W_qr, pos)  # (H, T, dh), (H, T, d_r)

# 1. Naive: rebuild every head's keys and values from the latent.
k_c, v = c @ W_uk, c @ W_uv  # (H, T, dh) each
scores = (q_c @ k_c.transpose(0, 2, 1) + q_r @ k_r.T) * scale
out_naive = softmax_causal(scores) @ v  # (H, T, dh)

# 2. Absorbed: fold W_uk into the query and W_uv after the sum; keys and
#    values are never materialised, attention runs on the cached latent.
q_lat = q_c @ W_uk.transpose(0, 2, 1)  # (H, T, d_c)
scores_abs = (q_lat @ c.T + q_r @ k_r.T) * scale
out_abs = (softmax_causal(scores_abs) @ c) @ W_uv  # (H, T, d_c) @ (H, d_c, dh)
print(
    f"attention from the cached latent matches naive: {np.allclose(out_abs, out_naive)}"
)

# 3. Why the RoPE key is separate: rotate the up-projected content keys
#    instead, and the rotation, which depends on the key's position, sits
#    between W_uk and the latent, so no fixed matrix can be absorbed.
k_rot = rope(c @ W_uk, pos)  # (H, T, dh): RoPE on per-head keys, as in MHA
q_rot = rope(q_c, pos)
s_true = q_rot @ k_rot.transpose(0, 2, 1)
s_try = rope(q_c, pos) @ W_uk.transpose(0, 2, 1) @ c.T  # absorb, rotate query only
err = np.abs(s_try - s_true).max()
print(f"RoPE on the content keys, absorbed anyway: max score error {err:.2f}")

per_token = {"MHA (K and V per head)": 2 * H * dh, "MLA (latent + RoPE key)": d_c + d_r}
for name, n in per_token.items():
    print(f"cache per token per layer, {name}: {n} numbers")
# --8<-- [end:scratch]

# --8<-- [start:bytes]
import torch
from transformers import DeepseekV3Config, DeepseekV3ForCausalLM

cfg = DeepseekV3Config()  # the defaults are DeepSeek-V3's published shapes
L, H = cfg.num_hidden_layers, cfg.num_attention_heads
dk = cfg.qk_nope_head_dim + cfg.qk_rope_head_dim  # 128 + 64 per head for keys
dv = cfg.v_head_dim
print(
    f"DeepSeek-V3: {L} layers, {H} heads, latent {cfg.kv_lora_rank}, "
    f"RoPE key {cfg.qk_rope_head_dim}, head dims k {dk} v {dv}"
)
bf16 = 2
variants = {  # numbers cached per token per layer
    "MHA, 128 K/V heads": H * (dk + dv),
    "GQA, 8 K/V heads": 8 * (dk + dv),
    "MQA, 1 K/V head": dk + dv,
    "MLA": cfg.kv_lora_rank + cfg.qk_rope_head_dim,
}
mla = variants["MLA"] * bf16 * L
print(f"{'variant':<20}{'KiB per token':>14}{'GiB at 128K':>13}{'x MLA':>8}")
for name, n in variants.items():
    per_token = n * bf16 * L
    gib = per_token * 131_072 / 2**30
    print(f"{name:<20}{per_token / 1024:>14.1f}{gib:>13.1f}{per_token / mla:>8.1f}")

# transformers' implementation caches the latent, not per-head K and V:
tiny = DeepseekV3Config(
    vocab_size=64, hidden_size=64, intermediate_size=128, moe_intermediate_size=32,
    num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
    kv_lora_rank=16, q_lora_rank=None, qk_rope_head_dim=8, qk_nope_head_dim=16,
    v_head_dim=16, n_routed_experts=4, num_experts_per_tok=2, n_group=1,
    topk_group=1, first_k_dense_replace=1,
)  # fmt: skip
torch.manual_seed(0)
model = DeepseekV3ForCausalLM(tiny).eval()
with torch.no_grad():
    out = model(torch.randint(0, 64, (1, 10)), use_cache=True)
layer = out.past_key_values.layers[0]
print("tiny DeepSeek-V3 in transformers, cache of layer 0:")
print(f"  keys {tuple(layer.keys.shape)}: the latent, one per token")
print(f"  values {tuple(layer.values.shape)}: the shared RoPE key")
# --8<-- [end:bytes]
