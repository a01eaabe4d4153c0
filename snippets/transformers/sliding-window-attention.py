# --8<-- [start:window]
import numpy as np

rng = np.random.default_rng(0)
T, d, W = 40, 16, 8  # tokens, head width, window (a token sees itself and 7 back)
q, k, v = rng.normal(size=(3, T, d))


def attend(q, k, v, allowed):
    s = np.where(allowed, q @ k.T / np.sqrt(d), -np.inf)
    e = np.exp(s - s.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)) @ v


i, j = np.arange(T)[:, None], np.arange(T)[None, :]
band = (j <= i) & (j > i - W)  # causal and at most W - 1 tokens back
out_band = attend(q, k, v, band)
out_full = attend(q, k, v, j <= i)

# Decoding with a rolling cache of W slots: token t overwrites slot t % W.
k_cache, v_cache = np.zeros((W, d)), np.zeros((W, d))
out_roll = np.empty((T, d))
for t in range(T):
    k_cache[t % W], v_cache[t % W] = k[t], v[t]
    filled = np.arange(W) < t + 1  # slots written so far
    out_roll[t] = attend(q[t : t + 1], k_cache, v_cache, filled[None, :])
print(
    f"rolling {W}-slot cache matches the banded mask: {np.allclose(out_roll, out_band)}"
)
print(f"banded output equals full attention: {np.allclose(out_band, out_full)}")
print(
    f"  (identical for the first {W} tokens: {np.allclose(out_band[:W], out_full[:W])})"
)

# Stacking windowed layers: what the last token can reach grows by W - 1 per layer.
reach = np.eye(T, dtype=int)
for layer in range(1, 5):
    reach = (band.astype(int) @ reach > 0).astype(int)
    oldest = np.flatnonzero(reach[-1])[0]
    print(f"after {layer} windowed layers the last token sees back {T - 1 - oldest}")
# --8<-- [end:window]

# --8<-- [start:cache]
from transformers import Gemma3TextConfig

# Gemma 3 27B's published attention shapes: 62 layers, 16 K/V heads of 128,
# a 1024-token window, one global layer after every five local ones.
cfg = Gemma3TextConfig(
    num_hidden_layers=62, num_key_value_heads=16, head_dim=128, sliding_window=1024
)
n_local = cfg.layer_types.count("sliding_attention")
n_global = cfg.layer_types.count("full_attention")
pattern = "".join("G" if t == "full_attention" else "L" for t in cfg.layer_types)
print(f"{n_local} local (L) and {n_global} global (G) layers: {pattern[:12]}...")
per_layer_token = 2 * cfg.num_key_value_heads * cfg.head_dim * 2  # K and V, bf16


def cache_gib(context, layers_global, layers_local, window):
    tokens_local = min(context, window)
    n = layers_global * context + layers_local * tokens_local
    return n * per_layer_token / 2**30


print(f"{'context':>8}{'all global':>12}{'5:1 local':>11}{'all local':>11}")
for context in (8_192, 32_768, 131_072):
    full = cache_gib(context, 62, 0, 0)
    mixed = cache_gib(context, n_global, n_local, cfg.sliding_window)
    local = cache_gib(context, 0, 62, cfg.sliding_window)
    print(f"{context:>8}{full:>11.1f}G{mixed:>10.2f}G{local:>10.2f}G")
# --8<-- [end:cache]
