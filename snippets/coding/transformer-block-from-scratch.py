# --8<-- [start:signature]
import torch
from torch import nn


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


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import torch
from torch import nn


class TransformerBlock(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.ln1 = nn.LayerNorm(d_model)
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff1 = nn.Linear(d_model, d_ff)
        self.ff2 = nn.Linear(d_ff, d_model)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        # (B, L, d) -> (B, heads, L, d_head) for each of q, k, v
        q, k, v = (
            p(x).view(b, n, self.n_heads, self.d_head).transpose(1, 2)
            for p in (self.q_proj, self.k_proj, self.v_proj)
        )
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)  # (B, heads, L, L)
        # True above the diagonal: the future, which position i must not see
        future = torch.ones(n, n, dtype=torch.bool, device=x.device).triu(1)
        weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(b, n, d)  # merge the heads
        return self.out_proj(out)

    def feed_forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ff2(nn.functional.gelu(self.ff1(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # pre-norm: each sublayer reads a normalised copy and adds to the raw stream
        x = x + self.attention(self.ln1(x))
        return x + self.feed_forward(self.ln2(x))


# --8<-- [end:solution]


# --8<-- [start:tests]
import pytest
import torch
from torch import nn


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_transformer_block_worked_example,
    test_transformer_block_matches_torch_encoder_layer_with_causal_mask,
    test_transformer_block_is_causal,
    test_transformer_block_parameter_count,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
n_params = sum(p.numel() for p in TransformerBlock(768, 12, 3072).parameters())
print(f"one block at GPT-2 small sizes (d 768, 12 heads, d_ff 3072): {n_params:,}")

# is_causal is a hint that src_mask is causal, not a mask of its own
torch.manual_seed(3)
layer = nn.TransformerEncoderLayer(16, 4, 64, dropout=0.0, batch_first=True).eval()
x = torch.randn(2, 6, 16)
with torch.no_grad():
    hint_only = layer(x, is_causal=True)
    print(
        "is_causal=True without src_mask (eval, no_grad) equals no mask:",
        torch.equal(hint_only, layer(x)),
    )


def rms(t):
    return t.pow(2).mean().sqrt().item()


def post_norm(block, x):
    # the same weights wired post-norm: normalise after each residual addition
    x = block.ln1(x + block.attention(x))
    return block.ln2(x + block.feed_forward(x))


def run_stack(blocks, step, x0, depths=(1, 2, 4, 8, 12)):
    """Apply step(block, x) block after block; at the given depths record the stream
    RMS, the relative change |x_l - x_(l-1)| / |x_(l-1)| and the mean per-token
    cosine between x_l and the input x_0."""
    rows, x = [], x0
    for depth, block in enumerate(blocks, start=1):
        new = step(block, x)
        if depth in depths:
            change = (new - x).norm().item() / x.norm().item()
            cos = nn.functional.cosine_similarity(new, x0, dim=-1).mean().item()
            rows.append((depth, rms(new), change, cos))
        x = new
    return rows, x


# 12 stacked blocks at PyTorch's default init; input of RMS about 1; float64
torch.manual_seed(0)
blocks = [TransformerBlock(64, 4, 256).double() for _ in range(12)]
x0 = torch.randn(4, 32, 64, dtype=torch.float64)
with torch.no_grad():
    pre_rows, pre_out = run_stack(blocks, lambda block, x: block(x), x0)
    post_rows, _ = run_stack(blocks, post_norm, x0)
    final_rms = rms(nn.functional.layer_norm(pre_out, (64,)))
print(f"12 blocks, d 64, PyTorch default init, input RMS {rms(x0):.3f}")
print("       pre-norm                    post-norm")
print("depth  RMS    |dx|/|x|  cos(x0)    RMS    |dx|/|x|  cos(x0)")
for (depth, a, b, c), (_, e, f, g) in zip(pre_rows, post_rows):
    print(f"{depth:5d}  {a:.3f}  {b:8.3f}  {c:7.3f}    {e:.3f}  {f:8.3f}  {g:7.3f}")
print(f"pre-norm stream at depth 12 after a final LayerNorm: RMS {final_rms:.3f}")
# --8<-- [end:check]
