# --8<-- [start:signature]
import torch
from torch import nn


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def split(self, t: torch.Tensor) -> torch.Tensor:
        b, n, _ = t.shape  # (B, L, d_model) -> (B, heads, L, d_head)
        return t.view(b, n, self.n_heads, self.d_head).transpose(1, 2)

    def forward(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        q, k, v = (self.split(p(x)) for p in (self.q_proj, self.k_proj, self.v_proj))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)  # (B, heads, L, L)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v  # (B, heads, L, d_head)
        b, _, n, _ = out.shape
        # merge the heads back: (B, L, heads * d_head), then the output projection
        return self.out_proj(out.transpose(1, 2).reshape(b, n, -1))


# --8<-- [end:solution]


# --8<-- [start:tests]
import pytest
import torch
from torch import nn


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_multi_head_attention_worked_example,
    test_multi_head_attention_matches_nn_multiheadattention,
    test_multi_head_attention_causal_mask_matches_and_blocks_the_future,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
mha = MultiHeadAttention(d_model=8, n_heads=2)
print("output shape:", tuple(mha(torch.randn(3, 5, 8)).shape))
print("parameters:", sum(p.numel() for p in mha.parameters()))
# --8<-- [end:check]
