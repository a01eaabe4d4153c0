# --8<-- [start:causal]
import numpy as np
import torch
import torch.nn.functional as F


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def attention(q, k, v, allowed):
    """allowed[i, j] is True where query i may look at key j."""
    scores = q @ k.T / np.sqrt(k.shape[-1])
    w = softmax(np.where(allowed, scores, -np.inf))  # exp(-inf) = 0 exactly
    return w @ v, w


rng = np.random.default_rng(0)
L, d = 6, 8
x = rng.normal(size=(L, d))
causal = np.tril(np.ones((L, L), dtype=bool))  # query i sees keys 0..i
out, w = attention(x, x, x, causal)
print("causal weights (row = query, column = key):")
print(np.array2string(w, precision=2, suppress_small=True))
print(f"weight on future keys: {w[~causal].sum()}")
xt = torch.from_numpy(x)[None]
ref = F.scaled_dot_product_attention(xt, xt, xt, is_causal=True)[0]
print(f"matches SDPA(is_causal=True): {np.allclose(out, ref.numpy())}")

# What the mask is for: editing future tokens cannot change earlier outputs.
x_edit = x.copy()
x_edit[4:] = rng.normal(size=(2, d))  # rewrite tokens 4 and 5
out_edit, _ = attention(x_edit, x_edit, x_edit, causal)
print(
    "after editing tokens 4-5, outputs 0-3 change by "
    f"{np.abs(out_edit - out)[:4].max()}"
)
print(f"outputs 4-5 change by up to {np.abs(out_edit - out)[4:].max():.3f}")
# --8<-- [end:causal]

# --8<-- [start:padding]
import torch

torch.manual_seed(0)
E = 8
mha = torch.nn.MultiheadAttention(E, num_heads=2, batch_first=True).eval()
long_seq, short_seq = torch.randn(5, E), torch.randn(3, E)
pad = torch.full((2, E), 7.0)  # padding vectors: their values must not matter
batch = torch.stack([long_seq, torch.cat([short_seq, pad])])  # (2, 5, E)
# nn.MultiheadAttention's key_padding_mask: True = this key is padding, ignore it.
padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])

with torch.no_grad():
    out, w = mha(batch, batch, batch, key_padding_mask=padding)
    s = short_seq[None]
    alone, _ = mha(s, s, s)  # the short sequence on its own, no padding
    batch2 = batch.clone()
    batch2[1, 3:] = -100.0  # other padding values
    out2, _ = mha(batch2, batch2, batch2, key_padding_mask=padding)
    no_mask, _ = mha(batch, batch, batch)
print(f"weight on padded keys: {w[1, :, 3:].sum().item()}")
same = torch.allclose(out[1, :3], alone[0], atol=1e-6)
print(f"real tokens of the padded sequence equal the unpadded run: {same}")
same = torch.allclose(out[1, :3], out2[1, :3], atol=1e-6)
print(f"padding values do not leak into real tokens: {same}")
error = (no_mask[1, :3] - alone[0]).abs().max()
print(f"without the mask, max error on real tokens: {error:.3f}")
# --8<-- [end:padding]

# --8<-- [start:conventions]
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(1, 4, 8)
real = torch.tensor([[True, True, False, False]] * 4)  # "keys 0 and 1 are real"
mha = torch.nn.MultiheadAttention(8, num_heads=1, batch_first=True, bias=False)
with torch.no_grad():  # identity projections: both APIs compute plain attention
    mha.in_proj_weight.copy_(torch.eye(8).repeat(3, 1))
    mha.out_proj.weight.copy_(torch.eye(8))
    _, w_right = mha(x, x, x, attn_mask=~real)  # MHA: True = NOT allowed
    _, w_wrong = mha(x, x, x, attn_mask=real)  # SDPA's convention passed to MHA
    scores = x @ x.transpose(-2, -1) / 8**0.5
    w_ref = scores.masked_fill(~real, float("-inf")).softmax(-1)
print("SDPA: True = may attend. nn.MultiheadAttention: True = masked out.")
print(f"MHA with the inverted mask matches: {torch.allclose(w_right, w_ref)}")
print(
    f"MHA with SDPA's mask: weight on keys 2-3 = {w_wrong[0, :, 2:].sum():.2f} of 4.00"
)

# A query with no allowed key at all.
allowed = torch.tensor([[True] * 4, [False] * 4] * 2)  # queries 1 and 3 see nothing
scores = (x @ x.transpose(-2, -1)).masked_fill(~allowed, float("-inf"))
naive = scores.softmax(-1) @ x
sdpa = F.scaled_dot_product_attention(x, x, x, attn_mask=allowed)
with torch.no_grad():
    all_pad = torch.ones(1, 4, dtype=torch.bool)  # every key is padding
    mha_out, _ = mha(x, x, x, key_padding_mask=all_pad)
print("fully masked row:", end=" ")
print(
    f"naive {naive[0, 1, 0]:.1f}, SDPA {sdpa[0, 1, 0]:.1f}, MHA {mha_out[0, 0, 0]:.1f}"
)
# --8<-- [end:conventions]
