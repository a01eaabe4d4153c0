# --8<-- [start:measure]
import functools
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
H, d_head = 2, 64


def naive(q, k, v):  # materialises the (L x L) score and weight matrices
    return torch.softmax(q @ k.transpose(-2, -1) / d_head**0.5, dim=-1) @ v


def chunked(
    q, k, v, chunk=256
):  # exact too: 256 query rows at a time, so only (256 x L) scores exist
    return torch.cat(
        [naive(q[..., i : i + chunk, :], k, v) for i in range(0, q.shape[-2], chunk)],
        dim=-2,
    )


def median_time(fn, repeats=3):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bytes_allocated(
    fn,
):  # every CPU allocation made during the call, from the PyTorch profiler
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    return sum(
        e.self_cpu_memory_usage
        for e in prof.key_averages()
        if e.self_cpu_memory_usage > 0
    )


t_naive, t_sdpa = {}, {}
with torch.inference_mode():
    for L in (512, 1024, 2048):
        q, k, v = torch.randn(3, 1, H, L, d_head)
        t_naive[L] = median_time(functools.partial(naive, q, k, v))
        t_sdpa[L] = median_time(
            functools.partial(F.scaled_dot_product_attention, q, k, v)
        )
    same = torch.allclose(
        F.scaled_dot_product_attention(q, k, v), naive(q, k, v), atol=1e-5
    )
    same_chunked = torch.allclose(chunked(q, k, v), naive(q, k, v), atol=1e-6)
    mem_naive = bytes_allocated(lambda: naive(q, k, v))
    mem_sdpa = bytes_allocated(lambda: F.scaled_dot_product_attention(q, k, v))
torch.set_num_threads(threads)

print(f"SDPA and chunked attention give the naive result: {same and same_chunked}")
print(
    f"naive time grows faster than linearly: time(2048) >= 6 x time(512): {t_naive[2048] >= 6 * t_naive[512]}"
)
print(
    f"SDPA (fused flash kernel on CPU) at least as fast as naive at L=2048: {t_sdpa[2048] <= t_naive[2048]}"
)
print(
    f"L=2048, {H} heads: naive allocates {mem_naive / 2**20:.0f} MiB (3 score-sized tensors of"
    f" {H * 2048 * 2048 * 4 / 2**20:.0f} MiB); SDPA below 5% of that: {mem_sdpa < 0.05 * mem_naive}"
)
print(
    ", ".join(
        f"L={L}: naive {t_naive[L] * 1e3:.1f} ms, sdpa {t_sdpa[L] * 1e3:.1f} ms"
        for L in t_naive
    ),
    f"sdpa {mem_sdpa / 2**20:.2f} MiB",
    file=sys.stderr,
)
# --8<-- [end:measure]

# --8<-- [start:exact]
# Exact sizes for one attention layer of a 7B-class model: 32 heads of 128 dims, fp16, batch 1.
H, d_head, fp16 = 32, 128, 2
print(
    f"{'L':>7} {'scores H*L*L':>14} {'256-query chunk':>16} {'flash state':>12} {'K and V':>10}"
)
for L in (2_048, 8_192, 32_768, 131_072):
    scores = H * L * L * fp16  # naive: the full weight matrix exists at once
    chunk = H * 256 * L * fp16  # chunked queries: one 256-row slice at a time
    flash = (
        H * L * (d_head * fp16 + 4)
    )  # output + one fp32 log-sum-exp per row, kept for the backward pass
    kv = 2 * H * L * d_head * fp16  # the inputs themselves, for scale

    def fmt(n):
        return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"

    print(f"{L:>7} {fmt(scores):>14} {fmt(chunk):>16} {fmt(flash):>12} {fmt(kv):>10}")
# --8<-- [end:exact]
