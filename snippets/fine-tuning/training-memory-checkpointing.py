# --8<-- [start:table]
# Llama-2-7B shapes: 32 layers, hidden 4096, SwiGLU MLP 11008, 32 heads, vocabulary
# 32000.
L, h, ffn, heads, vocab = 32, 4096, 11008, 32, 32000
P = (
    L * (4 * h * h + 3 * h * ffn + 2 * h) + 2 * vocab * h + h
)  # attention, MLP, 2 norms per layer; embeddings, head
r = 16  # LoRA rank on all seven linear maps of every layer
P_lora = L * r * (4 * (h + h) + 2 * (h + ffn) + (ffn + h))
print(
    f"parameters: {P:,}; LoRA r={r} on all linear layers: {P_lora:,} "
    f"({100 * P_lora / P:.2f}%)"
)

GB = 1e9
# bytes per parameter: weights, gradients, optimizer states, fp32 master copy
setups = {
    "fp32 + Adam": (4, 4, 8, 0),
    "mixed precision + Adam": (2, 2, 8, 4),
    "mixed precision + 8-bit Adam": (2, 2, 2, 4),
}
print(
    f"{'GB for 7B':30s} {'weights':>8s} {'grads':>6s} {'optim':>6s} {'master':>7s} "
    f"{'B/param':>8s} {'total':>6s}"
)
for name, (w, g, o, m) in setups.items():
    cols = [x * P / GB for x in (w, g, o, m)]
    print(
        f"{name:30s} {cols[0]:>8.1f} {cols[1]:>6.1f} {cols[2]:>6.1f} {cols[3]:>7.1f} "
        f"{w + g + o + m:>8.2f} {sum(cols):>6.1f}"
    )
# LoRA / QLoRA: the frozen base has no gradients or optimizer states; the adapters are
# fp32 + Adam (16 B each).
for name, base_bytes in [
    ("LoRA r=16 (bf16 base)", 2.0),
    ("QLoRA r=16 (NF4 + double quant)", 4.127 / 8),
]:
    cols = [base_bytes * P / GB, 4 * P_lora / GB, 8 * P_lora / GB, 4 * P_lora / GB]
    print(
        f"{name:30s} {cols[0]:>8.1f} {cols[1]:>6.1f} {cols[2]:>6.1f} {cols[3]:>7.1f} "
        f"{sum(cols) * GB / P:>8.2f} {sum(cols):>6.1f}"
    )

# Activations (Korthikanti et al. 2022, 16-bit, GPT-style layer): about s*b*h*(34 +
# 5*a*s/h) bytes per layer;
# the 5*a*s/h term is the attention-score matrices, which FlashAttention never stores.
s, b = 2048, 1
print(f"activations for one sequence of {s} tokens:")
print(
    "  all stored:                         "
    f"{L * s * b * h * (34 + 5 * heads * s / h) / GB:5.1f} GB"
)
print(f"  with FlashAttention:                {L * s * b * h * 34 / GB:5.1f} GB")
print(
    f"  checkpoint every layer (its input): {L * 2 * s * b * h / GB:5.1f} GB + one "
    f"layer at a time ({s * b * h * 34 / GB:.2f} GB)"
)
# --8<-- [end:table]

# --8<-- [start:measure]
import torch
from torch.utils.checkpoint import checkpoint

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # faster on a shared machine; the results do not depend on it
torch.manual_seed(0)
D, L, N = 256, 16, 128  # width, blocks, tokens in the batch
calls = {"block forwards": 0}


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(D)
        self.ff = torch.nn.Sequential(
            torch.nn.Linear(D, 4 * D), torch.nn.GELU(), torch.nn.Linear(4 * D, D)
        )

    def forward(self, x):
        calls["block forwards"] += 1
        return x + self.ff(self.norm(x))


blocks = torch.nn.ModuleList(Block() for _ in range(L))
x = torch.randn(N, D)


def train_step(every):
    """One forward + backward, checkpointing every `every`-th block (0: none)."""
    stored = []

    def pack(t):  # autograd calls this for every tensor it keeps for the backward pass
        stored.append(t.numel() * t.element_size())
        return t

    calls["block forwards"] = 0
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        h = x
        for i, block in enumerate(blocks):
            h = (
                checkpoint(block, h, use_reentrant=False)
                if every and i % every == 0
                else block(h)
            )
        loss = h.pow(2).mean()
    blocks.zero_grad(set_to_none=True)
    loss.backward()  # checkpointed blocks run their forward again here
    return (
        sum(stored) / 2**20,
        calls["block forwards"] - L,
        [p.grad.clone() for p in blocks.parameters()],
    )


base_mb, _, base_grads = train_step(0)
print(
    f"{'checkpointed':>12s} {'stored MB':>9s} {'saving':>7s} "
    f"{'recomputed blocks':>17s} {'same grads':>10s}"
)
for every, label in [(0, "none"), (4, "1 in 4"), (2, "1 in 2"), (1, "all 16")]:
    mb, recomputed, grads = train_step(every)
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(grads, base_grads))
    print(
        f"{label:>12s} {mb:>9.1f} {base_mb / mb:>6.1f}x {recomputed:>17d} "
        f"{str(same):>10s}"
    )
torch.set_num_threads(n_threads)
# --8<-- [end:measure]
