import torch
import torch.nn as nn
import torch.nn.functional as F

threads = torch.get_num_threads()
torch.set_num_threads(1)
d = 64


def block(norm_first):
    return nn.TransformerEncoderLayer(
        d, 4, 4 * d, dropout=0.0, batch_first=True, norm_first=norm_first
    )


class NoResidual(nn.Module):
    """A post-LN layer without its two skip connections: x -> LN(FFN(LN(Attn(x))))."""

    def __init__(self):
        super().__init__()
        self.m = block(norm_first=False)

    def forward(self, x):
        m = self.m
        x = m.norm1(m.self_attn(x, x, x, need_weights=False)[0])
        return m.norm2(m.linear2(F.relu(m.linear1(x))))


def measure(kind, depth):
    """One forward and backward pass at initialisation."""
    torch.manual_seed(0)
    if kind == "none":
        layers = [NoResidual() for _ in range(depth)]
    else:
        layers = [block(norm_first=kind == "pre") for _ in range(depth)]
    final_norm = nn.LayerNorm(d) if kind == "pre" else nn.Identity()  # pre-LN needs one
    head = nn.Linear(d, 10)
    x = torch.randn(16, 32, d, requires_grad=True)  # 16 sequences of 32 embeddings
    y = torch.randint(0, 10, (16, 32))
    h = x
    for layer in layers:
        h = layer(h)
    loss = F.cross_entropy(head(final_norm(h)).reshape(-1, 10), y.reshape(-1))
    loss.backward()
    top = torch.cat([p.grad.flatten() for p in layers[-1].parameters()]).norm()
    return top.item(), x.grad.norm().item(), h.norm(dim=-1).mean().item()


print("depth | top-layer grad          | grad at the input       | stream norm")
print("      | post   pre    post/pre  | post    pre     no-res  | post  pre")
for depth in (6, 12, 24, 48):
    top_post, in_post, h_post = measure("post", depth)
    top_pre, in_pre, h_pre = measure("pre", depth)
    _, in_none, _ = measure("none", depth)
    print(
        f"{depth:>5} | {top_post:.3f}  {top_pre:.3f}  {top_post / top_pre:<8.1f}  "
        f"| {in_post:.4f}  {in_pre:.4f}  {in_none:.4f}  | {h_post:<4.1f}  {h_pre:.1f}"
    )
torch.set_num_threads(threads)
