import math
import sys

import torch

torch.manual_seed(0)

# Part 1: a pre-norm decoder block (GQA attention + SwiGLU MLP) split Megatron-style,
# with every rank simulated in a loop and the all-reduce done as a sum of partials.
HIDDEN, HEADS, KV_HEADS, HEAD_DIM, FFN, TOKENS = 64, 8, 4, 8, 256, 6
GROUP = HEADS // KV_HEADS  # query heads that share one K/V head


def rand(*shape):
    return torch.randn(*shape) / math.sqrt(shape[0])


W = {
    "q": rand(HIDDEN, HEADS * HEAD_DIM),
    "k": rand(HIDDEN, KV_HEADS * HEAD_DIM),
    "v": rand(HIDDEN, KV_HEADS * HEAD_DIM),
    "o": rand(HEADS * HEAD_DIM, HIDDEN),
    "gate": rand(HIDDEN, FFN),
    "up": rand(HIDDEN, FFN),
    "down": rand(FFN, HIDDEN),
}
x = torch.randn(TOKENS, HIDDEN)
causal = torch.ones(TOKENS, TOKENS).tril().bool()


def rms_norm(h):
    return h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + 1e-6)


def cols(heads):
    return [head * HEAD_DIM + d for head in heads for d in range(HEAD_DIM)]


def attention_partial(h, q_heads, w):
    """Attention for a set of query heads; returns this set's share of h @ W_o and
    how many K/V heads the rank must hold (and cache) for them."""
    kv_heads = sorted({head // GROUP for head in q_heads})
    q = (h @ w["q"][:, cols(q_heads)]).view(TOKENS, len(q_heads), HEAD_DIM)
    k = (h @ w["k"][:, cols(kv_heads)]).view(TOKENS, len(kv_heads), HEAD_DIM)
    v = (h @ w["v"][:, cols(kv_heads)]).view(TOKENS, len(kv_heads), HEAD_DIM)
    outs = []
    for i, head in enumerate(q_heads):
        j = kv_heads.index(head // GROUP)
        scores = (q[:, i] @ k[:, j].T) / math.sqrt(HEAD_DIM)
        probs = scores.masked_fill(~causal, float("-inf")).softmax(-1)
        outs.append(probs @ v[:, j])
    # rows of W_o that belong to these heads: the row-parallel half of the split
    return torch.cat(outs, -1) @ w["o"][cols(q_heads), :], len(kv_heads)


def mlp_partial(h, cols, w):
    gate, up = h @ w["gate"][:, cols], h @ w["up"][:, cols]
    return (torch.nn.functional.silu(gate) * up) @ w["down"][cols, :]


def block(x, tp):
    """Run the block on tp simulated ranks; sum() over partials is the all-reduce."""
    heads_per_rank, ffn_per_rank = HEADS // tp, FFN // tp
    partials, kv_per_rank = [], []
    for rank in range(tp):
        q_heads = list(range(rank * heads_per_rank, (rank + 1) * heads_per_rank))
        out, n_kv = attention_partial(rms_norm(x), q_heads, W)
        partials.append(out)
        kv_per_rank.append(n_kv)
    h = x + sum(partials)  # all-reduce 1
    ffn_cols = [
        list(range(r * ffn_per_rank, (r + 1) * ffn_per_rank)) for r in range(tp)
    ]
    h = h + sum(mlp_partial(rms_norm(h), cols, W) for cols in ffn_cols)  # all-reduce 2
    return h, kv_per_rank


reference, _ = block(x, tp=1)
print(f"one block: {HEADS} query heads, {KV_HEADS} KV heads, FFN {FFN}, float32")
print("TP  max |split - unsplit| < 1e-5  KV heads per rank  KV copies stored")
for tp in [2, 4, 8]:
    out, kv_per_rank = block(x, tp)
    error = (out - reference).abs().max().item()
    print(f"TP{tp} max abs difference {error:.2e}", file=sys.stderr)
    print(f"{tp:2d}  {str(error < 1e-5):>27s}  {kv_per_rank[0]:17d}"
          f"  {sum(kv_per_rank) / KV_HEADS:15.0f}x")  # fmt: skip
print(
    f"all-reduces per block: 2, each of one hidden vector ({HIDDEN} values) per token"
)

# Part 2: Llama-3-70B in bf16 on 80 GB GPUs, a bandwidth (roofline) estimate.
LAYERS, D, Q_HEADS, KV, HD, INTER, VOCAB = 80, 8192, 64, 8, 128, 28672, 128256
per_layer = D * (Q_HEADS + 2 * KV) * HD + Q_HEADS * HD * D + 3 * D * INTER + 2 * D
PARAMS = LAYERS * per_layer + 2 * VOCAB * D + D
WEIGHT_BYTES = 2 * PARAMS
KV_PER_TOKEN = 2 * LAYERS * KV * HD * 2  # K and V, bf16
AR_BYTES = D * 2  # one token's hidden vector in bf16
HBM, RESERVED = 80e9, 8e9  # per GPU; reserved: activations, CUDA graphs, buffers
HBM_BW = 0.8 * 3.35e12  # 80% of the H100 SXM's 3.35 TB/s
FLOPS = 0.6 * 989e12  # 60% of dense bf16 peak
LINK = {"NVLink": (450e9, 10e-6), "network": (50e9, 30e-6)}  # bytes/s, latency s
SEQ = 8192

print()
print(
    f"Llama-3-70B: {PARAMS / 1e9:.2f}B parameters, {WEIGHT_BYTES / 1e9:.1f} GB in bf16"
)
print(f"KV cache per token: {KV_PER_TOKEN:,} bytes = {KV_PER_TOKEN // 1024} KiB;"
      f" per {SEQ}-token sequence {KV_PER_TOKEN * SEQ / 1e9:.2f} GB")  # fmt: skip
print(f"all-reduce payload: {AR_BYTES // 1024} KiB per token, {2 * LAYERS} all-reduces"
      f" per token = {2 * LAYERS * AR_BYTES / 2**20:.1f} MiB")  # fmt: skip
sent = [f"TP{t} {2 * (t - 1) / t * AR_BYTES / 1024:.0f} KiB" for t in (2, 4, 8)]
print("ring all-reduce of it, sent by each GPU: " + ", ".join(sent))


def all_reduce_s(n, batch, link):
    bandwidth, latency = LINK[link]
    return latency + 2 * (n - 1) / n * batch * AR_BYTES / bandwidth


def decode_s(tp, pp, batch, context):
    """Seconds for every sequence of the batch to advance one token, and the part
    spent communicating. A pipeline splits the batch into pp micro-batches, one per
    stage, so every stage stays busy; each GPU reads its weights once per
    micro-batch and its slice of the cache."""
    gpus, micro = tp * pp, max(batch / pp, 1)
    kv_per_gpu = KV_PER_TOKEN / pp / min(tp, KV)  # past 8 KV heads, replicated
    read = WEIGHT_BYTES / gpus + micro * context * kv_per_gpu
    flops = micro * (2 * PARAMS + 4 * LAYERS * D * context) / gpus
    stage = max(read / HBM_BW, flops / FLOPS)
    link = "NVLink" if tp <= 8 else "network"
    comm = 2 * LAYERS / pp * all_reduce_s(tp, micro, link) if tp > 1 else 0.0
    bandwidth, latency = LINK["network"]
    hop = latency + micro * AR_BYTES / bandwidth if pp > 1 else 0.0
    return pp * (stage + comm + hop), pp * (comm + hop)


print()
print(
    "layout               GPUs weights  ms/token of which  KV room 8k seqs  tok/s   per"
)
print(
    "                          GB/GPU 1 request  comm ms GB total         at max   GPU"
)
layouts = [("TP1", 1, 1, 1), ("TP2", 2, 1, 1), ("TP4", 4, 1, 1), ("TP8", 8, 1, 1),
           ("PP2, 1 GPU per node", 1, 2, 1), ("TP8 x PP2, 2 nodes", 8, 2, 1),
           ("TP16 over 2 nodes", 16, 1, 1),
           ("TP8, 2 replicas (DP2)", 8, 1, 2)]  # fmt: skip
for name, tp, pp, replicas in layouts:
    gpus = tp * pp
    weights = WEIGHT_BYTES / gpus
    room = gpus * (HBM - RESERVED - weights)
    if room <= 0:
        print(f"{name:21s} {gpus:4d} {weights / 1e9:7.1f}  does not fit")
        continue
    stored_per_token = KV_PER_TOKEN * max(tp / KV, 1)  # replication past 8 KV heads
    seqs = int(room // (stored_per_token * SEQ))
    latency, comm = decode_s(tp, pp, 1, 1)
    throughput = seqs / decode_s(tp, pp, seqs, SEQ)[0]
    row = f"{name:21s} {gpus * replicas:4d} {weights / 1e9:7.1f} {latency * 1e3:9.1f}"
    print(f"{row} {comm * 1e3:8.2f} {replicas * room / 1e9:8.1f} {replicas * seqs:7d}"
          f" {replicas * throughput:6.0f} {throughput / gpus:5.0f}")  # fmt: skip
