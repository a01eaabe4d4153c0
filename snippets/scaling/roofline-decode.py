# --8<-- [start:derive]
# Derived, not measured: H100 SXM (NVIDIA datasheet) running Llama-3-8B in bf16.
PEAK, HBM = 989e12, 3.35e12  # dense bf16 FLOP/s; HBM3 bytes/s
print(f"ridge point: {PEAK / HBM:.0f} FLOP per byte")

# One 4096 x 4096 bf16 weight applied to a batch of B token vectors.
d = 4096
print("batch  FLOP/byte  share of peak FLOP/s")
for B in [1, 16, 64, 256, 1024]:
    flops, moved = 2 * B * d * d, 2 * (d * d + 2 * B * d)  # weight + inputs + outputs
    print(f"{B:5d} {flops / moved:10.1f} {min(PEAK, flops / moved * HBM) / PEAK:20.3f}")

# A whole decode step: every weight is read once, each sequence reads its own KV cache.
params, layers, kv_heads, head_dim, q_heads = 8.03e9, 32, 8, 128, 32
kv_per_token = 2 * layers * kv_heads * head_dim * 2  # K and V, bf16: 128 KiB
context = 4096
print("batch  GB read per step  step ms  tokens/s  KV share of bytes  bound")
for B in [1, 16, 64, 112]:  # 112 x 4096 tokens of cache is about all that fits in 80 GB
    flops = (
        2 * params * B + B * layers * 4 * context * q_heads * head_dim
    )  # + attention
    moved = 2 * params + B * context * kv_per_token
    step = max(flops / PEAK, moved / HBM)
    kv_share = B * context * kv_per_token / moved
    bound = "memory" if moved / HBM > flops / PEAK else "compute"
    print(f"{B:5d} {moved / 1e9:17.1f} {step * 1e3:8.2f} {B / step:9.0f}"
          f" {kv_share:18.2f}"
          f"  {bound}")  # fmt: skip
attn_intensity = (4 * context * q_heads * head_dim) / (context * kv_per_token / layers)
print(f"decode attention: {attn_intensity:.0f} FLOP per byte of KV cache, at any batch")
# --8<-- [end:derive]

# --8<-- [start:measure]
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

torch.manual_seed(0)
W = torch.randn(4096, 4096)  # 64 MiB of fp32 weights: larger than the CPU caches


def _cpu_seconds(fn) -> float:
    start = time.thread_time()
    fn()
    return time.thread_time() - start


# One thread, so the matmul runs on this thread, timed by this thread's CPU time:
# wall-clock time also counts the moments the OS gives the core to other processes,
# which on a loaded machine cuts a long batch-256 call's apparent speed several times
# over and a short batch-1 call's hardly at all. Both batch sizes are timed in turn and
# the fastest of 10 kept.
threads = torch.get_num_threads()
torch.set_num_threads(1)
x1, x256 = torch.randn(1, 4096), torch.randn(256, 4096)
x1 @ W, x256 @ W  # warm-up
best1 = best256 = float("inf")
for _ in range(10):
    best1 = min(best1, _cpu_seconds(lambda: x1 @ W))
    best256 = min(best256, _cpu_seconds(lambda: x256 @ W))
torch.set_num_threads(threads)
one, many = (2 * b * 4096 * 4096 / t for b, t in [(1, best1), (256, best256)])
print(f"CPU: {one / 1e9:.1f} vs {many / 1e9:.1f} GFLOP per CPU second", file=sys.stderr)
# About 8x measured, idle or loaded; 2x leaves room for a busy hyperthread sibling.
print(f"this CPU, batch 256 vs batch 1: at least 2x the FLOP/s: {many > 2 * one}")
# --8<-- [end:measure]
