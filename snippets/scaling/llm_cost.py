"""A roofline cost model of one inference iteration: Llama-3.1-8B, bf16, one H100 SXM.

Derived from published numbers, not measured: 989 TFLOP/s dense bf16 and 3.35 TB/s of
HBM3 (NVIDIA H100 datasheet), the model's shapes (Llama 3 paper). Assumed: matmuls reach
60% of peak FLOP/s, memory traffic 80% of peak bandwidth, and 1 ms of fixed overhead per
iteration (scheduling, kernel launches). An iteration takes the longer of its compute
time and its memory time (the roofline), plus the overhead.
"""

PARAMS, LAYERS, HIDDEN = 8.03e9, 32, 4096
KV_HEADS, HEAD_DIM = 8, 128
KV_BYTES = 2 * LAYERS * KV_HEADS * HEAD_DIM * 2  # K and V per token, bf16: 128 KiB
WEIGHT_BYTES = 2 * PARAMS
FLOPS = 0.6 * 989e12
BANDWIDTH = 0.8 * 3.35e12
OVERHEAD = 1e-3
HBM = 80e9
KV_CAPACITY = int(
    (HBM - WEIGHT_BYTES - 8e9) / KV_BYTES
)  # tokens, 8 GB kept for the rest


def iteration_time(prefill: list[tuple[int, int]], decode: list[int]) -> float:
    """Seconds for one forward pass over prefill chunks (new tokens, tokens already in
    the cache) and decode steps (one new token each, given its context length)."""
    new = sum(n for n, _ in prefill) + len(decode)
    flops = 2 * PARAMS * new
    # attention: each new token attends to its context (4 FLOPs per head dim per key)
    flops += sum(4 * LAYERS * HIDDEN * n * (ctx + n / 2) for n, ctx in prefill)
    flops += sum(4 * LAYERS * HIDDEN * ctx for ctx in decode)
    moved = WEIGHT_BYTES  # every weight is read once per iteration
    moved += KV_BYTES * (sum(decode) + sum(ctx + n for n, ctx in prefill))  # KV reads
    return max(flops / FLOPS, moved / BANDWIDTH) + OVERHEAD
