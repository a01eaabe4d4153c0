# --8<-- [start:order]
import torch

torch.manual_seed(0)
attn = torch.nn.MultiheadAttention(16, num_heads=2, batch_first=True).eval()
x = torch.randn(1, 6, 16)  # six token embeddings, no position information
perm = torch.tensor([3, 0, 5, 1, 4, 2])
with torch.no_grad():
    out, _ = attn(x, x, x)
    out_perm, _ = attn(x[:, perm], x[:, perm], x[:, perm])
same = torch.allclose(out_perm, out[:, perm], atol=1e-6)
print(f"shuffled input -> the same outputs, shuffled the same way: {same}")
same = torch.allclose(out.mean(1), out_perm.mean(1), atol=1e-6)
print(f"so 'dog bites man' and 'man bites dog' pool to the same vector: {same}")
# --8<-- [end:order]

# --8<-- [start:sinusoidal]
import numpy as np
import torch


def sinusoidal(n_positions, d):
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d))."""
    pos = np.arange(n_positions)[:, None]
    freq = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((n_positions, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(pos * freq), np.cos(pos * freq)
    return pe


pe = sinusoidal(1024, 64)
for k in (1, 10, 100):
    dots = (pe[:-k] * pe[k:]).sum(-1)  # PE(p) . PE(p + k) for every p
    same = dots.max() - dots.min() < 1e-9
    print(f"offset {k:>3}: PE(p).PE(p+k) = {dots.mean():.3f} for all p: {same}")

# PE(p + k) is a fixed linear map of PE(p): a 2x2 rotation per frequency, for every p.
k = 10
M, *_ = np.linalg.lstsq(pe[:-k], pe[k:], rcond=None)
same = np.allclose(pe[:-k] @ M, pe[k:], atol=1e-6)
print(f"one matrix maps PE(p) to PE(p+{k}) for all p: {same}")

learned = torch.nn.Embedding(512, 64)  # learned absolute positions: 512 rows
try:
    learned(torch.tensor([512]))
except IndexError:
    print("learned table of 512 positions, position 512: IndexError")
# --8<-- [end:sinusoidal]

# --8<-- [start:rope]
import numpy as np
import torch
from transformers.models.llama.configuration_llama import LlamaConfig
from transformers.models.llama.modeling_llama import (
    LlamaRotaryEmbedding,
    apply_rotary_pos_emb,
)


def rope(x, positions, base=10000.0):
    """Rotate the pairs (x[i], x[i + d/2]) by position * base^(-2i/d): 'rotate half'."""
    d = x.shape[-1]
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    angles = positions[:, None] * inv_freq  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], axis=-1)


rng = np.random.default_rng(0)
d = 64
q, k = rng.normal(size=d), rng.normal(size=d)


def score(m, n):  # query at position m, key at position n
    return rope(q[None], np.array([m]))[0] @ rope(k[None], np.array([n]))[0]


for offset in (0, 3, 50):
    s = [score(m, m - offset) for m in (offset, 100, 1000, 4000)]
    print(f"offset {offset:>2}: q.k at 4 absolute positions {np.round(s, 6).tolist()}")
norm_kept = np.isclose(
    np.linalg.norm(rope(q[None], np.array([77.0]))), np.linalg.norm(q)
)
print(f"rotation keeps the norm: {norm_kept}")

# The RoPE of Llama-family models in transformers: tiny random config, no download.
config = LlamaConfig(hidden_size=256, num_attention_heads=4)  # head_dim 64
rotary = LlamaRotaryEmbedding(config)
gen = torch.Generator().manual_seed(0)
x = torch.randn(1, 4, 10, d, generator=gen)  # (batch, heads, tokens, head_dim)
cos, sin = rotary(x, position_ids=torch.arange(10)[None])
hf_q, _ = apply_rotary_pos_emb(x, x, cos, sin)
ours = rope(x.numpy().astype(np.float64), np.arange(10.0))
same = np.allclose(ours, hf_q.numpy(), atol=1e-5)
print(f"matches transformers' apply_rotary_pos_emb: {same}")
# --8<-- [end:rope]
