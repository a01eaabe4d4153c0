import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
# Four documents packed into one 2,048-token training sequence.
lengths = [300, 700, 500, 548]
T, d = sum(lengths), 16
doc = torch.repeat_interleave(torch.arange(4), torch.tensor(lengths))
causal = torch.ones(T, T, dtype=torch.bool).tril()
doc_mask = causal & (doc[:, None] == doc[None, :])  # block-diagonal causal mask
cross = (causal & ~doc_mask).sum() / causal.sum()
print(f"plain causal mask: {cross:.2f} of attended pairs cross a document boundary")

q, k, v = (torch.randn(1, 1, T, d) for _ in range(3))
packed = F.scaled_dot_product_attention(q, k, v, attn_mask=doc_mask)
plain = F.scaled_dot_product_attention(q, k, v, is_causal=True)
s, e = 1000, 1500  # the third document on its own
alone = F.scaled_dot_product_attention(
    q[..., s:e, :], k[..., s:e, :], v[..., s:e, :], is_causal=True
)
same = torch.allclose(packed[..., s:e, :], alone, atol=1e-5)
print("document mask: third document's output = the document alone:", same)
same = torch.allclose(plain[..., s:e, :], alone, atol=1e-5)
print("plain causal:  third document's output = the document alone:", same)

# RoPE: pair i turns by theta_i = base^(-2i/d) per position. Pairs whose wavelength
# exceeds the training length never complete a turn, so longer contexts show them
# angles they never saw; a larger base stretches every wavelength.
head_dim = 128
i = torch.arange(head_dim // 2, dtype=torch.float64)
print("RoPE base   longest wavelength   pairs with wavelength above")
print("                                   8k tokens   128k tokens")
for base in (10_000, 500_000):
    wavelength = 2 * math.pi * base ** (2 * i / head_dim)
    n8k, n128k = (int((wavelength > n).sum()) for n in (8192, 131072))
    print(f"{base:9,d}   {wavelength.max():18,.0f}   {n8k:9d}   {n128k:11d}")
