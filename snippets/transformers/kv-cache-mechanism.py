# --8<-- [start:scratch]
import torch

torch.manual_seed(0)
d, H = 32, 4
dh = d // H


def rope(x, pos):  # x: (B, H, T, dh), pos: (T,) absolute positions
    inv_freq = 1.0 / 10000 ** (torch.arange(0, dh, 2) / dh)
    ang = pos[:, None].float() * inv_freq
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
    x1, x2 = x[..., : dh // 2], x[..., dh // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class CausalSelfAttention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.projected_tokens = 0  # how many tokens went through the K/V projection

    def forward(self, x, cache=None, continue_positions=True):
        """x: (B, T_new, d). cache: dict with past "k", "v" of shape (B, H, T_past, dh), or None."""
        B, T_new, _ = x.shape
        past = 0 if cache is None or "k" not in cache else cache["k"].shape[2]
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = (t.view(B, T_new, H, dh).transpose(1, 2) for t in (q, k, v))
        start = (
            past if continue_positions else 0
        )  # the bug: restarting positions at 0 on every step
        pos = torch.arange(
            start, start + T_new
        )  # new tokens continue the positions after the cache
        q, k = rope(q, pos), rope(k, pos)
        self.projected_tokens += T_new
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v  # store rotated keys: they never change again
        # New query i sits at absolute position past + i and may see keys 0..past + i.
        allowed = torch.ones(T_new, past + T_new, dtype=torch.bool).tril(diagonal=past)
        out = torch.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=allowed
        )
        return self.proj(out.transpose(1, 2).reshape(B, T_new, d))


layer = CausalSelfAttention().eval()
x = torch.randn(
    1, 12, d
)  # 12 token embeddings: a 4-token prompt, then 8 generated tokens

with torch.no_grad():
    # Without a cache: at every step, run the whole prefix again and keep the last output.
    layer.projected_tokens = 0
    no_cache = torch.cat([layer(x[:, : t + 1])[:, -1:] for t in range(4, 12)], dim=1)
    work_without = layer.projected_tokens

    # With a cache: the prompt once (prefill), then one token per step (decode).
    layer.projected_tokens = 0
    cache = {}
    layer(x[:, :4], cache)
    with_cache = torch.cat([layer(x[:, t : t + 1], cache) for t in range(4, 12)], dim=1)
    work_with = layer.projected_tokens

    full = layer(x)[:, 4:]  # one pass over all 12 tokens, for reference
print(
    f"cached decoding matches full recomputation: {torch.allclose(with_cache, full, atol=1e-6)}"
)
print(f"uncached decoding matches too: {torch.allclose(no_cache, full, atol=1e-6)}")
print(
    f"tokens through the Q/K/V projection: without cache {work_without}, with cache {work_with}"
)
with torch.no_grad():
    cache_bug = {}
    layer(x[:, :4], cache_bug)
    bug = torch.cat(
        [
            layer(x[:, t : t + 1], cache_bug, continue_positions=False)
            for t in range(4, 12)
        ],
        dim=1,
    )
print(
    f"same cache, new tokens given position 0: max error {(bug - full).abs().max():.3f}"
)
print(
    f"cache after 12 tokens: k {tuple(cache['k'].shape)}, v {tuple(cache['v'].shape)} (batch, heads, tokens, dh)"
)
# --8<-- [end:scratch]

# --8<-- [start:hf]
import torch

from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
config = GPT2Config(
    vocab_size=100, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0
)
model = GPT2LMHeadModel(
    config
).eval()  # random tiny GPT-2: the mechanism, not a language model
ids = torch.randint(0, 100, (1, 10), generator=torch.Generator().manual_seed(1))

with torch.no_grad():
    full = model(ids).logits  # all 10 positions in one pass
    out = model(ids[:, :6], use_cache=True)  # prefill 6 tokens
    cache, steps = out.past_key_values, [out.logits]
    for t in range(6, 10):  # feed ONE new token per step, with the cache
        out = model(ids[:, t : t + 1], past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        steps.append(out.logits)
print(
    f"GPT-2 logits with past_key_values match full recomputation: {torch.allclose(torch.cat(steps, 1), full, atol=1e-5)}"
)
print(
    f"cache: {type(cache).__name__}, {len(cache.layers)} layers, keys per layer {tuple(cache.layers[0].keys.shape)}"
)

# Cache size per token = 2 (K and V) x layers x KV heads x head dim x bytes.
for name, layers, kv_heads, head_dim in (
    ("Llama-2-7B (MHA)", 32, 32, 128),
    ("Llama-3-8B (GQA, 8 KV heads)", 32, 8, 128),
):
    per_token = 2 * layers * kv_heads * head_dim * 2  # fp16
    print(
        f"{name}: {per_token / 2**10:.0f} KiB per token, {per_token * 4096 / 2**30:.1f} GiB for 4096 tokens"
    )
# --8<-- [end:hf]
