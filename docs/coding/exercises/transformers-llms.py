"""The ML coding round: Transformers and language models. Practice file with 11 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scikit-learn torch pytest
    pytest transformers-llms.py                 # every exercise
    pytest transformers-llms.py -k <function>   # one exercise, e.g. -k causal_mask

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import functools
import itertools
import math
import re
from pydoc_data.topics import topics

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer
from torch import nn


# --------------------------------------------------------------------------------------
# 1. How do you implement scaled dot-product attention with causal and padding masks?
# Handbook: coding/transformers-llms/#attention-with-masks
# --------------------------------------------------------------------------------------


def causal_mask(n: int) -> np.ndarray:
    """(n, n) boolean mask, True where query i may attend to key j, that is j <= i."""
    raise NotImplementedError


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q k^T / sqrt(d)) v over the last two axes, for q (..., Lq, d),
    k (..., Lk, d), v (..., Lk, dv). mask is boolean, broadcastable to (..., Lq, Lk),
    True where attention is allowed. A query with no allowed key gets zero weights and a
    zero output, not nan. Returns (output (..., Lq, dv), weights (..., Lq, Lk))."""
    raise NotImplementedError


def test_attention_worked_example():
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(causal_mask(2), [[True, False], [True, True]])
    out, w = scaled_dot_product_attention(q, k, v, causal_mask(2))
    s = 1 / (
        1 + np.exp(-np.sqrt(0.5))
    )  # softmax([1, 0] / sqrt(2)) for the second query
    np.testing.assert_allclose(w, [[1.0, 0.0], [1 - s, s]])
    np.testing.assert_allclose(out[1], (1 - s) * v[0] + s * v[1])


def test_attention_matches_torch_sdpa_with_causal_and_padding_masks():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 3, 5, 8)) for _ in range(3))
    lengths = np.array([5, 3])  # the second sequence has two padding positions
    padding = np.arange(5)[None, :] < lengths[:, None]  # (batch, key)
    mask = causal_mask(5)[None, None] & padding[:, None, None, :]
    out, w = scaled_dot_product_attention(q, k, v, mask)
    t = [torch.tensor(a) for a in (q, k, v)]
    ref = F.scaled_dot_product_attention(*t, attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    assert np.all(w[1, :, :, 3:] == 0)  # no weight on padding keys
    ref_causal = F.scaled_dot_product_attention(*t, is_causal=True)
    out_causal, _ = scaled_dot_product_attention(q, k, v, causal_mask(5))
    np.testing.assert_allclose(out_causal, ref_causal.numpy(), rtol=1e-10, atol=1e-12)


def test_attention_fully_masked_query_gives_zeros_not_nan():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    mask = np.array([[True, True, False], [False, False, False], [True, False, True]])
    out, w = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_array_equal(out[1], [0.0, 0.0])
    np.testing.assert_array_equal(w[1], [0.0, 0.0, 0.0])
    assert np.all(np.isfinite(out))


# --------------------------------------------------------------------------------------
# 2. How do you write a multi-head attention module in PyTorch?
# Handbook: coding/transformers-llms/#multi-head-attention-module
# --------------------------------------------------------------------------------------


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention as in Vaswani et al. (2017), batch first.

    __init__ creates four nn.Linear(d_model, d_model) layers with biases, named q_proj,
    k_proj, v_proj and out_proj; d_model must be divisible by n_heads.
    forward(x, mask) takes x (B, L, d_model) and an optional boolean mask broadcastable
    to (B, n_heads, L, L), True where attention is allowed, and returns (B, L, d_model).
    """

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        raise NotImplementedError

    def forward(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        raise NotImplementedError


def reference_mha(ours, d_model, n_heads):
    ref = nn.MultiheadAttention(d_model, n_heads, batch_first=True).double()
    with torch.no_grad():
        ref.in_proj_weight.copy_(
            torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight])
        )
        ref.in_proj_bias.copy_(
            torch.cat([ours.q_proj.bias, ours.k_proj.bias, ours.v_proj.bias])
        )
        ref.out_proj.weight.copy_(ours.out_proj.weight)
        ref.out_proj.bias.copy_(ours.out_proj.bias)
    return ref


def test_multi_head_attention_worked_example():
    torch.manual_seed(0)
    mha = MultiHeadAttention(d_model=8, n_heads=2).double()
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    assert mha(x).shape == (3, 5, 8)
    assert sum(p.numel() for p in mha.parameters()) == 4 * (8 * 8 + 8)
    with pytest.raises((AssertionError, ValueError)):
        MultiHeadAttention(d_model=10, n_heads=3)


def test_multi_head_attention_matches_nn_multiheadattention():
    torch.manual_seed(1)
    ours = MultiHeadAttention(16, 4).double()
    ref = reference_mha(ours, 16, 4)
    x = torch.randn(2, 6, 16, dtype=torch.float64)
    expected, _ = ref(x, x, x, need_weights=False)
    torch.testing.assert_close(ours(x), expected)


def test_multi_head_attention_causal_mask_matches_and_blocks_the_future():
    torch.manual_seed(2)
    ours = MultiHeadAttention(16, 4).double()
    ref = reference_mha(ours, 16, 4)
    x = torch.randn(2, 6, 16, dtype=torch.float64)
    allowed = torch.tril(torch.ones(6, 6, dtype=torch.bool))
    # nn.MultiheadAttention's boolean mask means the opposite: True = not allowed
    expected, _ = ref(x, x, x, attn_mask=~allowed, need_weights=False)
    out = ours(x, allowed)
    torch.testing.assert_close(out, expected)
    changed = x.clone()
    changed[:, 4:] += 1.0  # edit the last two tokens
    torch.testing.assert_close(ours(changed, allowed)[:, :4], out[:, :4])


# --------------------------------------------------------------------------------------
# 3. How do you implement grouped-query attention with a KV cache for decoding?
# Handbook: coding/transformers-llms/#grouped-query-attention-kv-cache
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 4. How do you implement a Transformer decoder block from scratch?
# Handbook: coding/transformers-llms/#transformer-block-from-scratch
# --------------------------------------------------------------------------------------


class TransformerBlock(nn.Module):
    """Pre-norm Transformer decoder block (GPT-2 style), batch first, no dropout.

    __init__ creates ln1, ln2 = nn.LayerNorm(d_model); q_proj, k_proj, v_proj, out_proj
    = nn.Linear(d_model, d_model) with biases; ff1 = nn.Linear(d_model, d_ff) and
    ff2 = nn.Linear(d_ff, d_model). d_model must be divisible by n_heads.
    attention(x): causal multi-head self-attention, position i attends to j <= i.
    feed_forward(x): ff2(gelu(ff1(x))), with the exact (erf) GELU.
    forward(x): h = x + attention(ln1(x)); return h + feed_forward(ln2(h)).
    All three take and return (B, L, d_model).
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        raise NotImplementedError

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def feed_forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def block_parameter_formula(d, d_ff):
    attention = 4 * d * d + 4 * d
    ffn = 2 * d * d_ff + d_ff + d
    layer_norms = 4 * d
    return attention, ffn, layer_norms


def encoder_layer_like(block, d_model, n_heads, d_ff):
    """nn.TransformerEncoderLayer (pre-norm, GELU, no dropout) with block's weights."""
    ref = nn.TransformerEncoderLayer(
        d_model,
        n_heads,
        d_ff,
        dropout=0.0,
        activation="gelu",
        batch_first=True,
        norm_first=True,
    ).double()
    attn = ref.self_attn
    with torch.no_grad():
        attn.in_proj_weight.copy_(
            torch.cat([block.q_proj.weight, block.k_proj.weight, block.v_proj.weight])
        )
        attn.in_proj_bias.copy_(
            torch.cat([block.q_proj.bias, block.k_proj.bias, block.v_proj.bias])
        )
        pairs = [
            (attn.out_proj, block.out_proj),
            (ref.linear1, block.ff1),
            (ref.linear2, block.ff2),
            (ref.norm1, block.ln1),
            (ref.norm2, block.ln2),
        ]
        for theirs, ours in pairs:
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)
    return ref.eval()


def test_transformer_block_worked_example():
    torch.manual_seed(0)
    block = TransformerBlock(d_model=16, n_heads=4, d_ff=64)
    assert block(torch.randn(1, 5, 16)).shape == (1, 5, 16)
    assert block(torch.randn(3, 5, 16)).shape == (3, 5, 16)
    assert sum(p.numel() for p in block.parameters()) == 3280
    with pytest.raises((AssertionError, ValueError)):
        TransformerBlock(d_model=10, n_heads=3, d_ff=40)


def test_transformer_block_matches_torch_encoder_layer_with_causal_mask():
    torch.manual_seed(1)
    for batch in (1, 4):
        block = TransformerBlock(24, 4, 96).double()
        ref = encoder_layer_like(block, 24, 4, 96)
        x = torch.randn(batch, 9, 24, dtype=torch.float64)
        mask = nn.Transformer.generate_square_subsequent_mask(9, dtype=torch.float64)
        with torch.no_grad():
            expected = ref(x, src_mask=mask, is_causal=True)
            attn, _ = ref.self_attn(x, x, x, attn_mask=mask, need_weights=False)
            ffn = ref.linear2(nn.functional.gelu(ref.linear1(x)))
            torch.testing.assert_close(block(x), expected, atol=1e-6, rtol=1e-6)
            torch.testing.assert_close(block.attention(x), attn, atol=1e-6, rtol=1e-6)
            torch.testing.assert_close(block.feed_forward(x), ffn, atol=1e-6, rtol=1e-6)


def test_transformer_block_is_causal():
    torch.manual_seed(2)
    block = TransformerBlock(16, 2, 32).double()
    x = torch.randn(2, 8, 16, dtype=torch.float64)
    out = block(x)
    for t in range(7):
        changed = x.clone()
        changed[:, t + 1] += torch.randn(2, 16, dtype=torch.float64)
        new = block(changed)
        # positions 0..t never see token t + 1; position t + 1 does
        torch.testing.assert_close(new[:, : t + 1], out[:, : t + 1])
        assert not torch.allclose(new[:, t + 1], out[:, t + 1])


def test_transformer_block_parameter_count():
    for d, heads, d_ff in [(16, 4, 64), (24, 3, 40), (32, 8, 128)]:
        block = TransformerBlock(d, heads, d_ff)
        attention, ffn, layer_norms = block_parameter_formula(d, d_ff)
        counts = {}
        for name, p in block.named_parameters():
            part = name.split(".")[0]
            counts[part] = counts.get(part, 0) + p.numel()
        assert sum(counts[m] for m in ("q_proj", "k_proj", "v_proj", "out_proj")) == (
            attention
        )
        assert counts["ff1"] + counts["ff2"] == ffn
        assert counts["ln1"] + counts["ln2"] == layer_norms
        total = sum(p.numel() for p in block.parameters())
        assert total == attention + ffn + layer_norms
        ref = nn.TransformerEncoderLayer(d, heads, d_ff, batch_first=True)
        assert total == sum(p.numel() for p in ref.parameters())


# --------------------------------------------------------------------------------------
# 5. How do you compute sinusoidal position encodings?
# Handbook: coding/transformers-llms/#sinusoidal-positions
# --------------------------------------------------------------------------------------


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    """The sinusoidal position encodings of Vaswani et al. (2017),
    (n_positions, d_model), d_model even: PE[p, 2i] = sin(p / 10000^(2i / d_model))
    and PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))."""
    raise NotImplementedError


def test_sinusoidal_positions_worked_example():
    pe = sinusoidal_positions(3, 4)
    expected = [
        [0.0, 1.0, 0.0, 1.0],
        [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)],
        [np.sin(2), np.cos(2), np.sin(0.02), np.cos(0.02)],
    ]
    np.testing.assert_allclose(pe, expected, atol=1e-12)


def test_sinusoidal_positions_shift_is_a_rotation_of_each_pair():
    # PE[p + k] is PE[p] rotated pair by pair by an angle that depends on k only:
    # what lets attention read relative positions from a linear map
    d, k = 16, 7
    pe = sinusoidal_positions(50, d)
    freqs = 10000.0 ** (-np.arange(0, d, 2) / d)
    for i, w in enumerate(freqs):
        c, s = np.cos(k * w), np.sin(k * w)
        rotation = np.array([[c, -s], [s, c]])  # acts on (sin, cos) as a row vector
        pair = pe[:, 2 * i : 2 * i + 2]
        np.testing.assert_allclose(pair[:-k] @ rotation, pair[k:], atol=1e-10)


def test_sinusoidal_positions_shape_and_range():
    pe = sinusoidal_positions(1000, 64)
    assert pe.shape == (1000, 64)
    assert np.abs(pe).max() <= 1.0
    assert len(np.unique(pe.round(6), axis=0)) == 1000  # every position distinct


# --------------------------------------------------------------------------------------
# 6. How do you apply rotary position embeddings (RoPE)?
# Handbook: coding/transformers-llms/#rope-rotation
# --------------------------------------------------------------------------------------


def apply_rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0
) -> np.ndarray:
    """Rotary position embedding (Su et al., 2021) of queries or keys x (..., L, d),
    d even, with positions (L,). Each pair (x[2i], x[2i + 1]) of a vector at position
    p is rotated by the angle p * theta_i, theta_i = base^(-2i / d):
    (a, b) -> (a cos - b sin, a sin + b cos)."""
    raise NotImplementedError


def test_apply_rope_worked_example():
    x = np.array([[1.0, 0.0, 1.0, 0.0]])
    out = apply_rope(x, np.array([1]))
    expected = [[np.cos(1), np.sin(1), np.cos(0.01), np.sin(0.01)]]
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_allclose(apply_rope(x, np.array([0])), x)  # position 0: identity


def test_apply_rope_matches_complex_multiplication_in_torch():
    # the pair (a, b) as the complex number a + ib, times e^{i p theta}:
    # how Meta's Llama reference code applies the interleaved form
    rng = np.random.default_rng(0)
    x, positions = rng.normal(size=(2, 3, 10, 8)), np.arange(10)
    theta = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    angles = torch.outer(torch.arange(10, dtype=torch.float64), theta)
    rot = torch.polar(torch.ones_like(angles), angles)  # (10, 4) complex
    xc = torch.view_as_complex(torch.tensor(x).reshape(2, 3, 10, 4, 2).contiguous())
    ref = torch.view_as_real(xc * rot).reshape(2, 3, 10, 8).numpy()
    np.testing.assert_allclose(apply_rope(x, positions), ref, atol=1e-12)


def test_apply_rope_scores_depend_only_on_relative_position():
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(1, 64)), rng.normal(size=(1, 64))

    def score(m, n):
        return (apply_rope(q, np.array([m])) @ apply_rope(k, np.array([n])).T).item()

    assert np.isclose(score(3, 1), score(103, 101))
    assert np.isclose(score(10, 10), (q @ k.T).item())
    norms = np.linalg.norm(apply_rope(q, np.array([57])), axis=-1)
    np.testing.assert_allclose(
        norms, np.linalg.norm(q, axis=-1)
    )  # rotations keep length


# --------------------------------------------------------------------------------------
# 7. How do you train and apply a byte-pair-encoding tokenizer?
# Handbook: coding/transformers-llms/#bpe-train-encode
# --------------------------------------------------------------------------------------


def bpe_train(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges (Sennrich et al., 2016) from word frequencies.

    Each word starts as its characters followed by the end-of-word symbol "</w>". Each
    step counts adjacent symbol pairs over all words, weighted by word frequency, merges
    the most frequent pair everywhere, and records it. Ties go to the pair first seen
    when scanning the words in the dict's order, each from left to right. Stops early
    when no pair is left. Returns the merges in the order learned.
    """
    raise NotImplementedError


def bpe_encode(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """Segment one word with learned merges: start from characters + "</w>" and
    repeatedly apply, among the adjacent pairs present, the one learned earliest, until
    none applies."""
    raise NotImplementedError


SENNRICH = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


def test_bpe_worked_example():
    merges = bpe_train(SENNRICH, 10)
    assert merges == [
        ("e", "s"),
        ("es", "t"),
        ("est", "</w>"),
        ("l", "o"),
        ("lo", "w"),
        ("n", "e"),
        ("ne", "w"),
        ("new", "est</w>"),
        ("low", "</w>"),
        ("w", "i"),
    ]
    assert bpe_encode("lowest", merges) == ["low", "est</w>"]
    assert bpe_encode("lower", merges) == ["low", "e", "r", "</w>"]


def test_bpe_encode_reproduces_the_training_segmentation():
    corpus = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    merges = bpe_train(corpus, 6)
    assert bpe_encode("hug", merges) == ["hug</w>"]
    assert bpe_encode("bun", merges) == ["b", "un</w>"]
    # an unseen word still encodes, falling back to smaller pieces
    assert "".join(bpe_encode("bugs", merges)) == "bugs</w>"


def test_bpe_train_stops_when_everything_is_merged():
    merges = bpe_train({"ab": 3}, 10)
    assert merges == [("a", "b"), ("ab", "</w>")]
    assert bpe_encode("ab", merges) == ["ab</w>"]


# --------------------------------------------------------------------------------------
# 8. How do you compute TF-IDF vectors from scratch?
# Handbook: coding/transformers-llms/#tf-idf-vectors
# --------------------------------------------------------------------------------------


def tfidf(docs: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """TF-IDF vectors of tokenised documents with scikit-learn's default weighting:
    tf = raw count of the term in the document; idf = ln((1 + n) / (1 + df)) + 1, where
    n is the number of documents and df the number containing the term; each row scaled
    to unit L2 norm. Returns (matrix (n_docs, n_terms), vocabulary sorted
    alphabetically)."""
    raise NotImplementedError


def test_tfidf_worked_example():
    X, vocab = tfidf([["a", "b", "a"], ["b", "c"]])
    assert vocab == ["a", "b", "c"]
    idf_a = np.log(3 / 2) + 1  # "a" is in one of two documents; "b" in both: idf 1
    row0 = np.array([2 * idf_a, 1.0, 0.0])
    np.testing.assert_allclose(X[0], row0 / np.linalg.norm(row0))
    np.testing.assert_allclose(X[1], [0.0, 0.57973867, 0.81480247], atol=1e-8)


def test_tfidf_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(words, size=rng.integers(1, 20))) for _ in range(25)]
    X, vocab = tfidf(docs)
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc)
    expected = vectorizer.fit_transform(docs).toarray()
    assert vocab == list(vectorizer.get_feature_names_out())
    np.testing.assert_allclose(X, expected, atol=1e-12)


# --------------------------------------------------------------------------------------
# 9. Implement word2vec skip-gram with negative sampling.
# Handbook: coding/transformers-llms/#word2vec-skipgram-negative-sampling
# --------------------------------------------------------------------------------------


def sgns_loss_and_grads(
    v_c: np.ndarray, u_o: np.ndarray, u_neg: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Skip-gram negative-sampling loss of B (centre, context) pairs, and its gradients.

    v_c (B, d): the centre words' vectors; u_o (B, d): the true context words' vectors;
    u_neg (B, k, d): the context vectors of k noise words per pair.
    loss = sum over pairs of -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c),
    with u_k = u_neg[b, k] for pair b.
    Returns (loss, dv_c, du_o, du_neg), each gradient with its input's shape. Finite for
    scores of any size (no overflow).
    """
    raise NotImplementedError


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """P_n(w) = counts[w] ** power / sum over w' of counts[w'] ** power."""
    raise NotImplementedError


def train_sgns(
    sentences: list[np.ndarray],
    vocab_size: int,
    dim: int = 16,
    window: int = 2,
    k: int = 5,
    lr: float = 0.05,
    epochs: int = 5,
    batch_size: int = 128,
    subsample: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Word vectors by skip-gram with negative sampling (SGNS), trained with SGD.

    sentences: arrays of word ids in [0, vocab_size). The pairs are every (centre,
    context) with the context at most `window` positions away in the same sentence;
    each pair gets k noise words drawn from noise_distribution(word counts).
    Initialisation as in word2vec: W_in uniform in [-0.5 / dim, 0.5 / dim), W_out zeros.
    Each epoch shuffles the pairs and steps on mini-batches of batch_size pairs: every
    row of W_in and W_out moves by -lr_t times the sum of its gradients in the batch,
    with lr_t decaying linearly from lr towards 0 over training.
    Optional: subsample = t > 0 drops each token of a word of frequency f (its share of
    the tokens) with probability 1 - sqrt(t / f), drawn again each epoch; 0 = off.
    Returns W_in (vocab_size, dim), the centre (input) vectors; W_out (vocab_size, dim),
    the context (output) vectors; and the mean loss per pair of each epoch.
    """
    raise NotImplementedError


def sgns_corpus(seed, n_sentences=1500, n_topics=4, per_topic=10, n_common=5):
    """Sentences of 8 word ids. Each sentence picks a topic and draws its words from
    that topic's 10 words (Zipf weights), except that each position is, with
    probability 0.4, one of 5 common words shared by all topics. Returns the sentences
    and every word's topic (-1 for the common words)."""
    rng = np.random.default_rng(seed)
    topic = np.repeat(np.arange(-1, n_topics), [n_common] + [per_topic] * n_topics)
    zipf = 1.0 / np.arange(1, per_topic + 1)
    zipf /= zipf.sum()
    sentences = []
    for _ in range(n_sentences):
        t = rng.integers(n_topics)
        words = n_common + t * per_topic + rng.choice(per_topic, size=8, p=zipf)
        common = rng.random(8) < 0.4
        words[common] = rng.integers(n_common, size=common.sum())
        sentences.append(words)
    return sentences, topic


def topic_cosines(W, topic):
    """Over the topic words: the mean cosine similarity of two words of the same topic,
    of two words of different topics, and the share of words whose nearest neighbour
    (by cosine) is in their own topic."""
    E = W[topic >= 0] / np.linalg.norm(W[topic >= 0], axis=1, keepdims=True)
    t = topic[topic >= 0]
    cos = E @ E.T
    same = (t[:, None] == t[None, :]) & ~np.eye(len(t), dtype=bool)
    np.fill_diagonal(cos, -np.inf)
    nearest_same = np.mean(t[cos.argmax(axis=1)] == t)
    np.fill_diagonal(cos, 1.0)
    return cos[same].mean(), cos[t[:, None] != t[None, :]].mean(), nearest_same


def central_differences(f, x, eps=1e-6):
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x, in place."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_sgns_worked_example():
    # one pair, d = 2, k = 1: scores u_o . v_c = 2 and u_1 . v_c = 0
    v_c, u_o, u_neg = (
        np.array([[1.0, 0.0]]),
        np.array([[2.0, 0.0]]),
        np.array([[[0.0, 1.0]]]),
    )
    loss, dv_c, du_o, du_neg = sgns_loss_and_grads(v_c, u_o, u_neg)
    s = 1 / (1 + math.exp(-2))
    assert loss == pytest.approx(-math.log(s) + math.log(2))
    np.testing.assert_allclose(dv_c, [[2 * (s - 1), 0.5]])
    np.testing.assert_allclose(du_o, [[s - 1, 0.0]])
    np.testing.assert_allclose(du_neg, [[[0.5, 0.0]]])
    # word2vec's initialisation, every context vector zero: (k + 1) ln 2, dv_c = 0
    zeros = sgns_loss_and_grads(np.ones((1, 2)), np.zeros((1, 2)), np.zeros((1, 5, 2)))
    assert zeros[0] == pytest.approx(6 * math.log(2)) and not zeros[1].any()
    expected = np.array([1, 8, 27]) / 36  # 1, 16 ** 0.75, 81 ** 0.75, normalised
    np.testing.assert_allclose(noise_distribution(np.array([1, 16, 81])), expected)


def test_sgns_gradients_match_central_differences():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=shape) for shape in [(3, 5), (3, 5), (3, 4, 5)]]
    _, *grads = sgns_loss_and_grads(*arrays)
    for x, grad in zip(arrays, grads):
        numeric = central_differences(lambda: sgns_loss_and_grads(*arrays)[0], x)
        assert grad.shape == x.shape
        assert np.abs(numeric - grad).max() / np.abs(grad).max() < 1e-6


def test_sgns_loss_is_finite_for_large_scores():
    # scores -1000 for the true context and +1000 for the noise word: about 1000 each
    loss, dv_c, _, _ = sgns_loss_and_grads(
        np.array([[10.0]]), np.array([[-100.0]]), np.array([[[100.0]]])
    )
    assert loss == pytest.approx(2000.0)
    np.testing.assert_allclose(dv_c, [[200.0]])


def test_sgns_training_loss_falls():
    sentences, topic = sgns_corpus(seed=1)
    W_in, W_out, losses = train_sgns(sentences, len(topic), k=5, epochs=5, seed=1)
    assert W_in.shape == W_out.shape == (len(topic), 16)
    assert len(losses) == 5 and np.isfinite(losses).all()
    # at initialisation (W_out = 0) every pair costs (k + 1) ln 2
    assert losses[-1] < losses[0] < 6 * math.log(2)
    assert losses[-1] < 0.6 * 6 * math.log(2)


def test_sgns_same_topic_words_are_closer():
    sentences, topic = sgns_corpus(seed=2)
    W_in, _, _ = train_sgns(sentences, len(topic), seed=2)
    within, across, nearest_same = topic_cosines(W_in, topic)
    assert within > across + 0.4
    assert nearest_same >= 0.9


# --------------------------------------------------------------------------------------
# 10. How do you build a bigram language model with smoothing and compute perplexity?
# Handbook: coding/transformers-llms/#bigram-language-model
# --------------------------------------------------------------------------------------


class BigramLM:
    """A bigram language model with add-k smoothing.

    Each training sentence is read as <s> w1 ... wn </s>. The vocabulary V is every
    training word plus "</s>" and "<unk>" ("<s>" is never predicted, so it is not in V);
    at test time, words outside V are read as "<unk>".
    prob(word, prev) = (c(prev, word) + k) / (c(prev) + k * |V|), where c(prev, word)
    counts the bigram and c(prev) counts prev followed by anything.
    perplexity(sentences) = exp(-mean log prob) over every predicted token, each "</s>"
    included.
    """

    def __init__(self, sentences: list[list[str]], k: float = 1.0):
        raise NotImplementedError

    def prob(self, word: str, prev: str) -> float:
        raise NotImplementedError

    def perplexity(self, sentences: list[list[str]]) -> float:
        raise NotImplementedError


TRAIN = [["the", "cat", "sat"], ["the", "dog", "sat"]]


def test_bigram_worked_example():
    lm = BigramLM(TRAIN, k=1.0)  # |V| = 6: the cat dog sat </s> <unk>
    assert lm.prob("the", "<s>") == pytest.approx(3 / 8)
    assert lm.prob("cat", "the") == pytest.approx(2 / 8)
    assert lm.prob("dog", "cat") == pytest.approx(1 / 7)
    expected = (3 / 8 * 2 / 8 * 2 / 7 * 3 / 8) ** (-1 / 4)
    assert lm.perplexity([["the", "cat", "sat"]]) == pytest.approx(expected)


def test_bigram_probabilities_sum_to_one_in_every_context():
    lm = BigramLM(TRAIN + [["a", "cat", "ran", "off"]], k=0.5)
    for prev in ["<s>", "the", "cat", "off", "<unk>", "never-seen"]:
        total = sum(lm.prob(w, prev) for w in lm.vocab)
        assert total == pytest.approx(1.0)


def test_bigram_unknown_words_map_to_unk():
    lm = BigramLM(TRAIN, k=1.0)
    assert lm.prob("zebra", "the") == lm.prob("<unk>", "the")
    assert math.isfinite(lm.perplexity([["a", "zebra", "sat"]]))


def test_bigram_less_smoothing_fits_training_data_better():
    sharp, smooth = BigramLM(TRAIN, k=0.01), BigramLM(TRAIN, k=1.0)
    assert sharp.perplexity(TRAIN) < smooth.perplexity(TRAIN)


# --------------------------------------------------------------------------------------
# 11. Implement a noisy-channel spelling corrector.
# Handbook: coding/transformers-llms/#noisy-channel-spelling
# --------------------------------------------------------------------------------------


def edits1(word: str) -> set[str]:
    """Every string one edit from word over the letters a-z: a deletion, a swap of two
    adjacent letters, a replacement or an insertion (word itself may be included)."""
    raise NotImplementedError


class SpellCorrector:
    """A noisy-channel corrector: correct(word) = argmax_c P(c) * P(word | c).

    Built from a list of lowercase tokens. Candidates c are known words (tokens) at most
    two edits from word, word itself included if known. Error model: P(word | c) =
    p_edit ** d for the fewest edits d (0, 1 or 2) found by applying edits1 once or
    twice. Prior: the unigram frequency P(c) = count(c) / len(tokens); given prev (a
    word seen in training), the interpolated bigram
    lam * count(prev, c) / count(prev) + (1 - lam) * P(c).
    Ties go to the alphabetically first candidate; with no candidate, return word.
    """

    def __init__(self, tokens: list[str], p_edit: float = 1e-3, lam: float = 0.5):
        raise NotImplementedError

    def candidates(self, word: str) -> dict[str, int]:
        """Known words within two edits of word, each with its edit count d."""
        raise NotImplementedError

    def correct(self, word: str, prev: str | None = None) -> str:
        raise NotImplementedError


TOY = [
    "the",
    "cat",
    "sat",
    "on",
    "the",
    "mat",
    "the",
    "cat",
    "ate",
    "the",
    "hat",
    "a",
    "hat",
    "fell",
    "the",
    "cat",
]


@functools.cache
def pydoc_tokens() -> tuple[str, ...]:
    # The Python documentation that ships with Python: fixed for a given version
    text = "\n".join(topics[key] for key in sorted(topics))
    return tuple(re.findall(r"[a-z]+", text.lower()))


def osa_distance(a: str, b: str) -> int:
    # Edit distance with adjacent swaps (optimal string alignment), for the test
    d = [
        [i + j if i * j == 0 else 0 for j in range(len(b) + 1)]
        for i in range(len(a) + 1)
    ]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        d[i][j] = min(
            d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
        )
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_spelling_worked_example():
    sc = SpellCorrector(TOY)
    near = {"cat": 1, "hat": 1, "mat": 1, "sat": 1, "a": 2, "ate": 2}
    assert sc.candidates("xat") == near
    assert sc.candidates("hte") == {"ate": 1, "the": 1, "hat": 2}
    assert sc.correct("xat") == "cat"
    assert sc.correct("xat", prev="a") == "hat"
    assert sc.correct("cat") == "cat"
    assert sc.correct("qqqqq") == "qqqqq"


def test_edits1_is_every_string_at_distance_one():
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    for word in ["ab", "aa"]:
        brute = {
            "".join(chars)
            for n in range(1, len(word) + 2)
            for chars in itertools.product(alphabet, repeat=n)
            if osa_distance("".join(chars), word) == 1
        }
        assert edits1(word) - {word} == brute


def test_spelling_on_the_python_docs():
    sc = SpellCorrector(list(pydoc_tokens()))
    assert sc.correct("fucntion") == "function"
    assert sc.correct("retunred") == "returned"
    assert sc.candidates("retunred")["returned"] == 1
    assert sc.candidates("fucntoin")["function"] == 2
    assert sc.correct("wich") == "with"
    assert sc.correct("wich", prev="in") == "which"
    assert sc.correct("lock", prev="code") == "block"
