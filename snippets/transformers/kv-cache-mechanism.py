# --8<-- [start:scratch]
import torch

torch.manual_seed(0)
d, H = 32, 4
dh = d // H


def rope(x, pos):  # x: (B, H, T, dh); pos: (T,) absolute positions
    inv_freq = 1.0 / 10000 ** (torch.arange(0, dh, 2) / dh)
    angle = pos[:, None].float() * inv_freq
    cos, sin = angle.cos().repeat(1, 2), angle.sin().repeat(1, 2)
    x1, x2 = x[..., : dh // 2], x[..., dh // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class CausalSelfAttention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.projected = 0  # how many tokens went through the Q/K/V projection

    def forward(self, x, cache=None, continue_positions=True):
        """x: (B, T_new, d).

        cache: a dict that keeps "k" and "v", (B, H, T_past, dh).
        """
        B, T_new, _ = x.shape
        past = cache["k"].shape[2] if cache and "k" in cache else 0
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = (t.view(B, T_new, H, dh).transpose(1, 2) for t in (q, k, v))
        start = past if continue_positions else 0  # the bug: restart positions at 0
        pos = torch.arange(start, start + T_new)
        q, k = rope(q, pos), rope(k, pos)
        self.projected += T_new
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v  # keys are stored rotated: they never change
        # New query i is at absolute position past + i: it may see keys 0 .. past + i.
        allowed = torch.ones(T_new, past + T_new, dtype=torch.bool).tril(past)
        out = torch.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=allowed
        )
        return self.proj(out.transpose(1, 2).reshape(B, T_new, d))


layer = CausalSelfAttention().eval()
x = torch.randn(1, 12, d)  # 12 token embeddings: a 4-token prompt, then 8 new tokens


def decode(continue_positions=True):
    cache = {}
    layer(x[:, :4], cache)  # prefill: the whole prompt in one pass
    steps = [layer(x[:, t : t + 1], cache, continue_positions) for t in range(4, 12)]
    return torch.cat(steps, dim=1), cache  # decode: one token per step


with torch.no_grad():
    full = layer(x)[:, 4:]  # reference: one pass over all 12 tokens
    layer.projected = 0
    no_cache = torch.cat([layer(x[:, : t + 1])[:, -1:] for t in range(4, 12)], dim=1)
    work_without = layer.projected  # every step re-projects the whole prefix
    layer.projected = 0
    with_cache, cache = decode()
    work_with = layer.projected
    wrong_positions, _ = decode(continue_positions=False)
print(
    "cached decoding matches full recomputation: "
    f"{torch.allclose(with_cache, full, atol=1e-6)}"
)
print(f"uncached decoding matches too: {torch.allclose(no_cache, full, atol=1e-6)}")
print(
    f"tokens through Q/K/V projections: without cache {work_without}, with {work_with}"
)
print(
    f"cache, (batch, heads, tokens, head dim): k {tuple(cache['k'].shape)}, v the same"
)
error = (wrong_positions - full).abs().max()
print(f"same cache, new tokens given position 0: max error {error:.3f}")
# --8<-- [end:scratch]

# --8<-- [start:hf]
import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
config = GPT2Config(
    vocab_size=100, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0
)
model = GPT2LMHeadModel(config).eval()  # a random tiny GPT-2: the mechanism only
ids = torch.randint(0, 100, (1, 10), generator=torch.Generator().manual_seed(1))

with torch.no_grad():
    full = model(ids).logits  # all 10 positions in one pass
    out = model(ids[:, :6], use_cache=True)  # prefill 6 tokens
    cache, steps = out.past_key_values, [out.logits]
    for t in range(6, 10):  # then ONE new token per call, with the cache
        out = model(ids[:, t : t + 1], past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        steps.append(out.logits)
same = torch.allclose(torch.cat(steps, dim=1), full, atol=1e-5)
print(f"GPT-2 with past_key_values matches full recomputation: {same}")
keys = cache.layers[0].keys
print(f"{type(cache).__name__}: {len(cache.layers)} layers, keys {tuple(keys.shape)}")

# Cache size per token = 2 (K and V) x layers x K/V heads x head dim x bytes (fp16).
for name, layers, kv_heads, head_dim in (
    ("Llama-2-7B (32 K/V heads)", 32, 32, 128),
    ("Llama-3-8B (8 K/V heads)", 32, 8, 128),
):
    per_token = 2 * layers * kv_heads * head_dim * 2
    total = per_token * 4096 / 2**30
    print(f"{name}: {per_token / 2**10:.0f} KiB per token, {total:.1f} GiB for 4096")
# --8<-- [end:hf]
