import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

d, n_heads, n_kv_heads = 384, 6, 2
head_dim = d // n_heads
d_kv = n_kv_heads * head_dim
ffn_2017, ffn_2025 = 4 * d, 8 * d // 3


class Block2017(nn.Module):
    """Post-norm: LayerNorm after each residual add, biases, ReLU FFN of width 4d."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, n_heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(
            nn.Linear(d, ffn_2017), nn.ReLU(), nn.Linear(ffn_2017, d)
        )
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x):
        causal = nn.Transformer.generate_square_subsequent_mask(x.shape[1])
        a = self.attn(x, x, x, attn_mask=causal, need_weights=False)[0]
        x = self.norm1(x + a)
        return self.norm2(x + self.ffn(x))


def rope(x, positions, base=500_000.0):
    """Rotate pairs (i, i + head_dim/2) by position * base^(-2i/head_dim)."""
    half = x.shape[-1] // 2
    freqs = base ** (-torch.arange(half, dtype=x.dtype) / half)
    angles = positions.to(x.dtype)[:, None] * freqs
    x1, x2 = x[..., :half], x[..., half:]
    cos, sin = angles.cos(), angles.sin()
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Block2025(nn.Module):
    """Pre-norm RMSNorm, GQA with RoPE, SwiGLU FFN of width 8d/3, no biases."""

    def __init__(self):
        super().__init__()
        self.norm1, self.norm2 = nn.RMSNorm(d), nn.RMSNorm(d)
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d_kv, bias=False)
        self.wv = nn.Linear(d, d_kv, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.gate = nn.Linear(d, ffn_2025, bias=False)
        self.up = nn.Linear(d, ffn_2025, bias=False)
        self.down = nn.Linear(ffn_2025, d, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        pos = torch.arange(t)
        h = self.norm1(x)
        q = rope(self.wq(h).view(b, t, n_heads, head_dim).transpose(1, 2), pos)
        k = rope(self.wk(h).view(b, t, n_kv_heads, head_dim).transpose(1, 2), pos)
        v = self.wv(h).view(b, t, n_kv_heads, head_dim).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        x = x + self.wo(a.transpose(1, 2).reshape(b, t, d))
        h = self.norm2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


def count(module):
    return sum(p.numel() for p in module.parameters())


old, new = Block2017(), Block2025()
rows = {
    "attention": (count(old.attn), count(new.wq) + count(new.wk) * 2 + count(new.wo)),
    "FFN": (count(old.ffn), count(new.gate) * 3),
    "norms": (count(old.norm1) * 2, count(new.norm1) * 2),
}
rows["total"] = (count(old), count(new))
print(f"one block, d = {d}, {n_heads} heads of {head_dim}")
print(f"2025 block: {n_kv_heads} K/V heads, SwiGLU width {ffn_2025} = 8d/3")
print(f"{'part':<10} {'2017 block':>11} {'2025 block':>11}")
for part, (a, b) in rows.items():
    print(f"{part:<10} {a:>11,} {b:>11,}")
print("2017 total = 12d^2 + 13d:", count(old) == 12 * d * d + 13 * d)
formula_2025 = 2 * d * d + 2 * d * d_kv + 3 * d * ffn_2025 + 2 * d
print("2025 total = 2d^2 + 2d d_kv + 3d f + 2d:", count(new) == formula_2025)

# Published shapes (config.json of each model); parameters and KV cache from them.
llama3_8b = dict(L=32, d=4096, H=32, kv=8, ffn=14336, V=128256)
qwen3_8b = dict(L=36, d=4096, H=32, kv=8, ffn=12288, V=151936)


def dense_params(c, head_dim=128, qk_norm=False):
    attn = c["d"] * head_dim * (2 * c["H"] + 2 * c["kv"]) + 2 * head_dim * qk_norm
    per_layer = attn + 3 * c["d"] * c["ffn"] + 2 * c["d"]
    return c["L"] * per_layer + 2 * c["V"] * c["d"] + c["d"]


def deepseek_v3_params(d=7168, heads=128, q_rank=1536, kv_rank=512):
    """MLA attention, 3 dense layers, 58 MoE layers of 256 routed + 1 shared expert."""
    nope, rope_dim, v_dim = 128, 64, 128
    q_side = d * q_rank + q_rank + q_rank * heads * (nope + rope_dim)
    kv_side = d * (kv_rank + rope_dim) + kv_rank + kv_rank * heads * (nope + v_dim)
    attn = q_side + kv_side + heads * v_dim * d
    expert, routed, active = 3 * d * 2048, 256, 8
    dense_layer = attn + 3 * d * 18432 + 2 * d
    moe_layer = attn + (routed + 1) * expert + routed * d + 2 * d
    embeddings = 2 * 129280 * d + d
    total = 3 * dense_layer + 58 * moe_layer + embeddings
    return total, total - 58 * (routed - active) * expert


def kv_bytes(layers, numbers_per_layer, bytes_per_number=2):
    return layers * numbers_per_layer * bytes_per_number


ds_total, ds_active = deepseek_v3_params()
print("parameters from the configs:")
print(f"  Llama 3 8B  {dense_params(llama3_8b) / 1e9:.2f}B")
print(f"  Qwen3-8B    {dense_params(qwen3_8b, qk_norm=True) / 1e9:.2f}B")
print(f"  DeepSeek-V3 {ds_total / 1e9:.1f}B total, {ds_active / 1e9:.1f}B active")
caches = {
    "Llama 3 8B, GQA (8 K/V heads)": kv_bytes(32, 2 * 8 * 128),
    "  same with MHA (32 K/V heads)": kv_bytes(32, 2 * 32 * 128),
    "Qwen3-8B, GQA (8 K/V heads)": kv_bytes(36, 2 * 8 * 128),
    "DeepSeek-V3, MLA (512 + 64)": kv_bytes(61, 512 + 64),
    "  same with MHA (128 heads)": kv_bytes(61, 128 * (192 + 128)),
}
print(f"{'KV cache, bf16':<31} {'KiB/token':>9} {'GiB at 128k':>11}")
for name, per_token in caches.items():
    print(f"{name:<31} {per_token / 1024:>9.1f} {per_token * 131072 / 2**30:>11.1f}")

# RoPE: the query-key score depends only on the offset. Sinusoidal positions added to
# the input (2017) give the same content a different score at every position.
x_q, x_k = torch.randn(d, dtype=torch.float64), torch.randn(d, dtype=torch.float64)


def sinusoid(pos):
    i = torch.arange(0, d, 2, dtype=torch.float64)
    angles = pos / 10000 ** (i / d)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten()


w_q, w_k, _ = old.attn.in_proj_weight.detach().double().chunk(3)
wq_new, wk_new = new.wq.weight.detach().double(), new.wk.weight.detach().double()
print("score of one query-key pair, key 3 tokens back, query at position m:")
print(f"{'m':<20}" + "".join(f"{m:>9}" for m in (10, 100, 1000, 10000)))
line_2017, line_2025 = "sinusoidal (2017)   ", "RoPE (2025)         "
for m in (10, 100, 1000, 10000):
    q = (w_q @ (x_q + sinusoid(m)))[:head_dim]
    k = (w_k @ (x_k + sinusoid(m - 3)))[:head_dim]
    line_2017 += f"{q @ k / math.sqrt(head_dim):>9.4f}"
    q = rope((wq_new @ x_q)[:head_dim], torch.tensor([m]))
    k = rope((wk_new @ x_k)[:head_dim], torch.tensor([m - 3]))
    line_2025 += f"{(q @ k.T).item() / math.sqrt(head_dim):>9.4f}"
print(line_2017)
print(line_2025)


# A deep untrained stack of each kind: each block's weight gradient and the scale
# of the residual stream it leaves behind.
def deep_stack(block_class, depth=24, vocab=1000, batch=4, tokens=32):
    torch.manual_seed(0)
    blocks = nn.ModuleList(block_class() for _ in range(depth))
    embed, head = nn.Embedding(vocab, d), nn.Linear(d, vocab, bias=False)
    final_norm = nn.RMSNorm(d) if block_class is Block2025 else nn.Identity()
    for module in (blocks, embed, head, final_norm):
        for name, p in module.named_parameters():
            with torch.no_grad():
                if p.dim() >= 2:
                    p.normal_(0.0, 0.02)
                elif name.endswith("bias"):
                    p.zero_()
                else:
                    p.fill_(1.0)
    ids = torch.randint(0, vocab, (batch, tokens + 1))
    h = embed(ids[:, :-1])
    if block_class is Block2017:
        positions = torch.stack([sinusoid(p) for p in range(tokens)]).float()
        h = h * math.sqrt(d) + positions
    stream_rms = []
    for block in blocks:
        h = block(h)
        stream_rms.append(h.pow(2).mean().sqrt().item())
    loss = F.cross_entropy(head(final_norm(h)).flatten(0, 1), ids[:, 1:].flatten())
    loss.backward()
    grads = [
        torch.cat([p.grad.flatten() for p in b.parameters()]).norm().item()
        for b in blocks
    ]
    return grads, stream_rms


post_grads, post_rms = deep_stack(Block2017)
pre_grads, pre_rms = deep_stack(Block2025)
print("24 untrained blocks (weights N(0, 0.02)), one loss on random tokens:")
print(f"{'block':<24}{1:>8}{12:>8}{24:>8}")
for label, values in (
    ("grad norm, post-norm", post_grads),
    ("grad norm, pre-norm", pre_grads),
    ("stream RMS, post-norm", post_rms),
    ("stream RMS, pre-norm", pre_rms),
):
    print(f"{label:<24}" + "".join(f"{values[i]:>8.3f}" for i in (0, 11, 23)))
