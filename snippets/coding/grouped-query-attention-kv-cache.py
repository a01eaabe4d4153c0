# --8<-- [start:signature]
import torch
from torch import nn


class GroupedQueryAttention(nn.Module):
    """Causal grouped-query self-attention (Ainslie et al., 2023), batch first.

    head_dim = d_model // n_heads. __init__ creates nn.Linear layers with biases:
    q_proj (d_model -> n_heads * head_dim), k_proj and v_proj (d_model ->
    n_kv_heads * head_dim) and out_proj (d_model -> d_model). d_model must be divisible
    by n_heads and n_heads by n_kv_heads. Query head h uses key/value head
    h // (n_heads // n_kv_heads): consecutive query heads share one K/V head.
    forward(x) takes x (B, L, d_model) and returns the causal attention output
    (B, L, d_model).
    decode_step(x_new, cache) takes the newest token x_new (B, 1, d_model) and cache,
    None or a pair (k, v) of tensors (B, n_kv_heads, T, head_dim) for the T earlier
    tokens; it returns the token's output (B, 1, d_model) and the cache with the
    token's key and value appended, (B, n_kv_heads, T + 1, head_dim) each.
    """

    def __init__(self, d_model: int, n_heads: int, n_kv_heads: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def decode_step(
        self,
        x_new: torch.Tensor,
        cache: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import torch
from torch import nn


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int, n_kv_heads: int):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        assert n_heads % n_kv_heads == 0, "n_heads must be divisible by n_kv_heads"
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads
        self.head_dim = d_model // n_heads
        self.q_proj = nn.Linear(d_model, n_heads * self.head_dim)
        self.k_proj = nn.Linear(d_model, n_kv_heads * self.head_dim)
        self.v_proj = nn.Linear(d_model, n_kv_heads * self.head_dim)
        self.out_proj = nn.Linear(d_model, d_model)

    def split(self, t: torch.Tensor, heads: int) -> torch.Tensor:
        b, n, _ = t.shape  # (B, L, heads * head_dim) -> (B, heads, L, head_dim)
        return t.view(b, n, heads, self.head_dim).transpose(1, 2)

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        # q (B, H, Lq, hd) holds the last Lq of the T positions in k, v (B, G, T, hd).
        # View the query heads as (G, H / G): head h = g * (H / G) + j sits in group g,
        # which broadcasts against K/V head g with no copy of k or v.
        b, _, n_q, hd = q.shape
        t = k.shape[2]
        q = q.view(b, self.n_kv_heads, -1, n_q, hd)
        k, v = k.unsqueeze(2), v.unsqueeze(2)  # (B, G, 1, T, hd)
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)  # (B, G, H / G, Lq, T)
        # query i sits at position T - Lq + i and may not see keys after it
        future = torch.ones(n_q, t, dtype=torch.bool, device=q.device).triu(t - n_q + 1)
        weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        out = (weights @ v).view(b, self.n_heads, n_q, hd)
        return self.out_proj(out.transpose(1, 2).reshape(b, n_q, -1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self.split(self.q_proj(x), self.n_heads)
        k = self.split(self.k_proj(x), self.n_kv_heads)
        v = self.split(self.v_proj(x), self.n_kv_heads)
        return self.attend(q, k, v)

    def decode_step(
        self,
        x_new: torch.Tensor,
        cache: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        q = self.split(self.q_proj(x_new), self.n_heads)
        k = self.split(self.k_proj(x_new), self.n_kv_heads)
        v = self.split(self.v_proj(x_new), self.n_kv_heads)
        if cache is not None:
            k = torch.cat([cache[0], k], dim=2)  # append along the sequence axis
            v = torch.cat([cache[1], v], dim=2)
        return self.attend(q, k, v), (k, v)


# --8<-- [end:solution]


# --8<-- [start:tests]
import pytest
import torch
import torch.nn.functional as F
from torch import nn


def gqa_qkv(model, x):
    """The model's projections split into heads: (B, heads, L, head_dim) each."""
    b, n, _ = x.shape
    hd = model.head_dim
    q = model.q_proj(x).view(b, n, -1, hd).transpose(1, 2)
    k = model.k_proj(x).view(b, n, -1, hd).transpose(1, 2)
    v = model.v_proj(x).view(b, n, -1, hd).transpose(1, 2)
    return q, k, v


def gqa_merge(model, out):
    b, _, n, _ = out.shape
    return model.out_proj(out.transpose(1, 2).reshape(b, n, -1))


def gqa_sdpa_reference(model, x):
    # PyTorch's own grouping (enable_gqa, PyTorch 2.5+): repeat_interleave of K and V
    q, k, v = gqa_qkv(model, x)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    return gqa_merge(model, out)


def gqa_wrong_grouping(model, x):
    # the classic bug: .repeat tiles the K/V heads, so query head h meets K/V head
    # h % n_kv_heads instead of h // (n_heads // n_kv_heads)
    q, k, v = gqa_qkv(model, x)
    g = q.shape[1] // k.shape[1]
    k, v = k.repeat(1, g, 1, 1), v.repeat(1, g, 1, 1)
    return gqa_merge(model, F.scaled_dot_product_attention(q, k, v, is_causal=True))


def gqa_decode_all(model, x):
    """Feed x one token at a time through decode_step; outputs and cache lengths."""
    cache, outs, lengths = None, [], []
    for t in range(x.shape[1]):
        out, cache = model.decode_step(x[:, t : t + 1], cache)
        outs.append(out)
        lengths.append(tuple(cache[0].shape))
    return torch.cat(outs, dim=1), cache, lengths


def test_gqa_worked_example():
    torch.manual_seed(0)
    gqa = GroupedQueryAttention(d_model=64, n_heads=8, n_kv_heads=2)
    assert gqa(torch.randn(3, 5, 64)).shape == (3, 5, 64)
    assert gqa.k_proj.weight.shape == gqa.v_proj.weight.shape == (16, 64)
    assert sum(p.numel() for p in gqa.parameters()) == 2 * (64 * 64 + 64) + 2 * (
        16 * 64 + 16
    )
    out, (k, v) = gqa.decode_step(torch.randn(3, 1, 64), None)
    assert out.shape == (3, 1, 64) and k.shape == v.shape == (3, 2, 1, 8)
    with pytest.raises((AssertionError, ValueError)):
        GroupedQueryAttention(d_model=64, n_heads=8, n_kv_heads=3)


def test_gqa_with_as_many_kv_heads_as_heads_is_multi_head_attention():
    torch.manual_seed(1)
    ours = GroupedQueryAttention(32, 4, n_kv_heads=4).double()
    ref = nn.MultiheadAttention(32, 4, batch_first=True).double()
    with torch.no_grad():
        ref.in_proj_weight.copy_(
            torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight])
        )
        ref.in_proj_bias.copy_(
            torch.cat([ours.q_proj.bias, ours.k_proj.bias, ours.v_proj.bias])
        )
        ref.out_proj.weight.copy_(ours.out_proj.weight)
        ref.out_proj.bias.copy_(ours.out_proj.bias)
    x = torch.randn(2, 7, 32, dtype=torch.float64)
    # nn.MultiheadAttention's boolean mask: True = blocked
    future = torch.ones(7, 7, dtype=torch.bool).triu(1)
    expected, _ = ref(x, x, x, attn_mask=future, need_weights=False)
    torch.testing.assert_close(ours(x), expected)


def test_gqa_with_one_kv_head_is_multi_query_attention():
    torch.manual_seed(2)
    ours = GroupedQueryAttention(32, 8, n_kv_heads=1).double()
    x = torch.randn(2, 6, 32, dtype=torch.float64)
    q, k, v = gqa_qkv(ours, x)
    assert k.shape == (2, 1, 6, 4)
    # one key/value head broadcast over all 8 query heads (Shazeer, 2019)
    scores = q @ k.transpose(-2, -1) / 2.0
    scores = scores.masked_fill(torch.ones(6, 6, dtype=torch.bool).triu(1), -torch.inf)
    expected = gqa_merge(ours, torch.softmax(scores, dim=-1) @ v)
    torch.testing.assert_close(ours(x), expected)


def test_gqa_matches_sdpa_with_enable_gqa():
    torch.manual_seed(3)
    x = torch.randn(2, 9, 48, dtype=torch.float64)
    for n_kv_heads in (6, 3, 2, 1):
        ours = GroupedQueryAttention(48, 6, n_kv_heads).double()
        torch.testing.assert_close(ours(x), gqa_sdpa_reference(ours, x))


def test_gqa_wrong_grouping_is_caught_by_the_reference():
    torch.manual_seed(4)
    ours = GroupedQueryAttention(64, 8, n_kv_heads=2).double()
    x = torch.randn(2, 10, 64, dtype=torch.float64)
    out, ref, wrong = ours(x), gqa_sdpa_reference(ours, x), gqa_wrong_grouping(ours, x)
    torch.testing.assert_close(out, ref)
    assert (wrong - ref).abs().max() > 1e-2  # the test above would have failed
    assert (wrong - out).abs().max() > 1e-2


def test_gqa_cached_decoding_matches_the_full_causal_pass():
    torch.manual_seed(5)
    ours = GroupedQueryAttention(64, 8, n_kv_heads=2).double()
    x = torch.randn(3, 12, 64, dtype=torch.float64)
    with torch.no_grad():
        stepped, (k, v), shapes = gqa_decode_all(ours, x)
        full = ours(x)
    torch.testing.assert_close(stepped, full)
    assert shapes == [(3, 2, t, 8) for t in range(1, 13)]  # grows by one per step
    assert k.shape == v.shape == (3, 2, 12, 8)
    # the cache holds exactly the keys and values of the full pass
    _, k_full, v_full = gqa_qkv(ours, x)
    torch.testing.assert_close(k, k_full)
    torch.testing.assert_close(v, v_full)


# --8<-- [end:tests]


# --8<-- [start:check]
from transformers import LlamaConfig

tests = [
    test_gqa_worked_example,
    test_gqa_with_as_many_kv_heads_as_heads_is_multi_head_attention,
    test_gqa_with_one_kv_head_is_multi_query_attention,
    test_gqa_matches_sdpa_with_enable_gqa,
    test_gqa_wrong_grouping_is_caught_by_the_reference,
    test_gqa_cached_decoding_matches_the_full_causal_pass,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# KV cache of a Llama 3 8B-shaped model in bf16 (2 bytes): layers, query heads and
# head_dim are LlamaConfig's defaults; Llama 3 8B keeps them and sets 8 K/V heads
cfg = LlamaConfig()
layers, heads, head_dim = cfg.num_hidden_layers, cfg.num_attention_heads, cfg.head_dim
kv_default = cfg.num_key_value_heads
print(f"LlamaConfig(): {layers} layers, {heads} query heads, {kv_default} K/V heads,")
print(f"  head_dim {head_dim}")
gib = 2**30
print("variant     K/V heads  KiB/token  GiB at 8,192  GiB at 131,072  GiB 32 x 8,192")
for name, kv in [("MHA", heads), ("GQA-8", 8), ("MQA", 1)]:
    per_token = 2 * layers * kv * head_dim * 2  # K and V, every layer, bf16
    print(
        f"{name:<10}{kv:>11}{per_token / 1024:>11,.0f}{per_token * 8192 / gib:>14.3f}"
        f"{per_token * 131072 / gib:>16.3f}{per_token * 32 * 8192 / gib:>16.3f}"
    )

# a tiny random layer: 8 query heads, 2 K/V heads, 32 tokens decoded one at a time
torch.manual_seed(0)
for dtype, tol in [(torch.float32, 1e-5), (torch.float64, 1e-12)]:
    layer = GroupedQueryAttention(64, 8, n_kv_heads=2).to(dtype)
    x = torch.randn(2, 32, 64, dtype=dtype)
    with torch.no_grad():
        stepped, cache, shapes = gqa_decode_all(layer, x)
        gap = (stepped - layer(x)).abs().max().item()
    name = str(dtype).removeprefix("torch.")
    print(f"{name}: cached vs full pass, max |difference| < {tol:g}: {gap < tol}")
print("cache shape after tokens 1, 2, 32:", shapes[0], shapes[1], shapes[31])
with torch.no_grad():
    ref = gqa_sdpa_reference(layer, x)
    wrong = (gqa_wrong_grouping(layer, x) - ref).abs().max().item()
    right = (layer(x) - ref).abs().max().item()
print(f"max |output - SDPA with enable_gqa|, ours < 1e-12: {right < 1e-12}")
print(f"max |output - SDPA with enable_gqa|, .repeat grouping: {wrong:.3f}")
# --8<-- [end:check]
