import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from gguf import GGUFReader
from transformers import LlamaConfig, LlamaForCausalLM

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # noqa: E402  where the chapter's SmolLM2 GGUF file lives

torch.set_num_threads(1)


def layer_params(d, heads, kv_heads, head_dim, ffn):
    """One pre-norm block: Q and O, K and V (GQA), SwiGLU (3 matrices), 2 RMSNorms."""
    attention = 2 * d * heads * head_dim + 2 * d * kv_heads * head_dim
    return attention + 3 * d * ffn + 2 * d


def describe(layers, d, heads, kv_heads, head_dim, ffn, context=4096):
    """Non-embedding parameters, forward FLOPs per token, KV-cache bytes per token."""
    n = layers * layer_params(d, heads, kv_heads, head_dim, ffn) + d  # + final norm
    # attention over the context, averaged over a causal sequence (Kaplan et al.)
    flops = 2 * n + 2 * layers * context * heads * head_dim
    kv_bytes = 2 * layers * kv_heads * head_dim * 2  # K and V in bf16
    return n, flops, kv_bytes


# (1) Real shapes: SmolLM2-135M read from its GGUF file; Llama 3 from Table 3 of
# its paper (head dimension = d_model / heads).
meta = GGUFReader(transformers_llm.FOLDER / transformers_llm.GGUF).fields
keys = ("block_count", "embedding_length", "attention.head_count")
keys += ("attention.head_count_kv", "feed_forward_length", "vocab_size")
*smol, vocab = [meta[f"llama.{key}"].contents() for key in keys]
real = {
    "SmolLM2-135M": smol,
    "Llama 3 8B": [32, 4096, 32, 8, 14336],
    "Llama 3 70B": [80, 8192, 64, 8, 28672],
    "Llama 3 405B": [126, 16384, 128, 8, 53248],
}
print(
    "model         layers      d  heads  kv  head  ffn/d   N non-emb  d/L  KV KiB/tok"
)
for name, (layers, d, heads, kv, ffn) in real.items():
    n, _, kv_bytes = describe(layers, d, heads, kv, d // heads, ffn)
    print(
        f"{name:<13}{layers:>7}{d:>7}{heads:>7}{kv:>4}{d // heads:>6}{ffn / d:>7.2f}"
        f"{n / 1e6:>11,.1f}M{d / layers:>5.0f}{kv_bytes / 1024:>12.1f}"
    )
layers, d, heads, kv, ffn = smol
config = LlamaConfig(
    vocab_size=vocab,
    hidden_size=d,
    num_hidden_layers=layers,
    num_attention_heads=heads,
    num_key_value_heads=kv,
    intermediate_size=ffn,
    tie_word_embeddings=True,
)
with torch.device("meta"):  # shapes only, no memory
    llama = LlamaForCausalLM(config)
counted = sum(p.numel() for p in llama.model.layers.parameters())
counted += llama.model.norm.weight.numel()
formula = describe(layers, d, heads, kv, d // heads, ffn)[0]
print(f"SmolLM2 in transformers' LlamaModel: {counted:,} non-embedding, ", end="")
print(f"formula {formula:,}")


# (2) One budget, several shapes: choose the width (heads of a fixed size, GQA groups
# of at most 4, SwiGLU width 8d/3 rounded to a multiple of 128), then the number of
# layers that comes closest to the budget.
def shape_for(budget, d, head_dim):
    heads = d // head_dim
    kv = min(k for k in range(1, heads + 1) if heads % k == 0 and heads // k <= 4)
    ffn = round(8 * d / 3 / 128) * 128
    layers = max(1, round(budget / layer_params(d, heads, kv, head_dim, ffn)))
    return layers, d, heads, kv, head_dim, ffn


def tensor_parallel_ok(heads, kv, gpus=8):
    """Query heads split evenly; fewer K/V heads than GPUs are replicated."""
    return heads % gpus == 0 and (kv % gpus == 0 or gpus % kv == 0)


for budget, head_dim, widths in (
    (100e6, 64, (384, 512, 768, 1024, 1536, 2048)),
    (1e9, 128, (1024, 1536, 2048, 2560, 3072, 4096)),
):
    print(
        f"budget {budget / 1e6:,.0f}M non-embedding, head dim {head_dim}, context 4096"
    )
    print(
        "layers     d  heads  kv   ffn   N (M)   d/L  GFLOP/tok  KV KiB/tok  TP=8  PP=4"
    )
    for d in widths:
        layers, d, heads, kv, _, ffn = shape = shape_for(budget, d, head_dim)
        n, flops, kv_bytes = describe(*shape)
        print(
            f"{layers:>6}{d:>6}{heads:>7}{kv:>4}{ffn:>6}{n / 1e6:>8.1f}"
            f"{d / layers:>6.0f}{flops / 1e9:>11.2f}{kv_bytes / 1024:>12.1f}"
            f"{str(tensor_parallel_ok(heads, kv)):>6}{str(layers % 4 == 0):>6}"
        )

# (3) Real training at toy scale: four shapes with the same non-embedding parameters
# (the FFN width fills the budget), trained to sort 8 numbers from 0-31 written after
# them: x1 .. x8 SEP y1 .. y8. Loss and accuracy on y1 .. y8.
COUNT, NUMBERS = 8, 32
VOCAB, LENGTH = NUMBERS + 1, 2 * COUNT  # inputs: x1 .. x8 SEP y1 .. y7
OUTPUTS = torch.arange(COUNT, 2 * COUNT)  # positions whose next token is a y
FUTURE = torch.ones(LENGTH, LENGTH, dtype=torch.bool).triu(diagonal=1)


def sorting_batch(n, gen):
    x = torch.randint(NUMBERS, (n, COUNT), generator=gen)
    return torch.cat([x, torch.full((n, 1), NUMBERS), x.sort(dim=1).values], dim=1)


class Block(nn.Module):
    def __init__(self, d, heads, head_dim, ffn):
        super().__init__()
        self.heads, self.head_dim = heads, head_dim
        self.norm1, self.norm2 = nn.RMSNorm(d), nn.RMSNorm(d)
        self.qkv = nn.Linear(d, 3 * heads * head_dim, bias=False)
        self.out = nn.Linear(heads * head_dim, d, bias=False)
        self.gate_up = nn.Linear(d, 2 * ffn, bias=False)
        self.down = nn.Linear(ffn, d, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        qkv = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, self.head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        a = scores.masked_fill(FUTURE[:t, :t], -math.inf).softmax(dim=-1) @ v
        x = x + self.out(a.transpose(1, 2).reshape(b, t, -1))
        gate, up = self.gate_up(self.norm2(x)).chunk(2, dim=-1)
        return x + self.down(F.silu(gate) * up)


class TinyLM(nn.Module):
    def __init__(self, layers, d, heads, head_dim, ffn):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.position = nn.Parameter(0.02 * torch.randn(LENGTH, d))
        self.blocks = nn.ModuleList(
            Block(d, heads, head_dim, ffn) for _ in range(layers)
        )
        self.norm = nn.RMSNorm(d)
        self.unembed = nn.Linear(d, VOCAB, bias=False)

    def forward(self, x):
        h = self.embed(x) + self.position
        for block in self.blocks:
            h = block(h)
        return self.unembed(self.norm(h))


def sorting_loss(model, tokens):
    logits = model(tokens[:, :-1])[:, OUTPUTS]
    targets = tokens[:, OUTPUTS + 1]
    loss = F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))
    return loss, (logits.argmax(dim=-1) == targets).double().mean()


def train(shape, seed, steps=150, lr=1e-2, batch=32):
    torch.manual_seed(seed)
    model = TinyLM(*shape)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0, fused=True)
    gen = torch.Generator().manual_seed(1000 + seed)
    start = time.thread_time()
    for step in range(steps):
        # 20 warm-up steps, then cosine decay
        scale = min(1.0, (step + 1) / 20) * 0.5 * (1 + math.cos(math.pi * step / steps))
        opt.param_groups[0]["lr"] = lr * scale
        loss, _ = sorting_loss(model, sorting_batch(batch, gen))
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds_per_step = (time.thread_time() - start) / steps
    with torch.no_grad():
        loss, accuracy = sorting_loss(model, validation)
    return model, loss.item(), accuracy.item(), seconds_per_step


BUDGET, HEAD_DIM = 56_000, 8
validation = sorting_batch(2000, torch.Generator().manual_seed(7))
print("sorting 8 numbers, 150 steps of 32 sequences, one learning rate, 2 seeds")
print("layers   d  heads  ffn  N non-emb  d/L   val loss (seeds)  val accuracy (seeds)")
step_time, counts_match = {}, True
for layers, d in ((1, 64), (2, 48), (4, 32), (8, 24)):
    heads = d // HEAD_DIM
    ffn = round((BUDGET / layers - 4 * d * heads * HEAD_DIM - 2 * d) / (3 * d))
    shape = (layers, d, heads, HEAD_DIM, ffn)
    n = layers * layer_params(d, heads, heads, HEAD_DIM, ffn)
    runs = [train(shape, seed) for seed in (0, 1)]
    counts_match &= sum(p.numel() for p in runs[0][0].blocks.parameters()) == n
    step_time[layers] = min(run[3] for run in runs)
    print(
        f"{layers:>6}{d:>4}{heads:>7}{ffn:>5}{n:>11,}{d / layers:>5.0f}"
        f"{runs[0][1]:>10.3f}{runs[1][1]:>7.3f}{runs[0][2]:>13.2f}{runs[1][2]:>7.2f}"
    )
print(f"parameters counted in the models = formula: {counts_match}")
slower = step_time[8] > 1.5 * step_time[1]
print(f"CPU time per step, 8 layers vs 1, at least 1.5x: {slower}")
print({k: f"{v * 1000:.1f} ms" for k, v in step_time.items()}, file=sys.stderr)
