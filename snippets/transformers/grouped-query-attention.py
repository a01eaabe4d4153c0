# --8<-- [start:numpy]
import numpy as np
import torch
import torch.nn.functional as F


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def grouped_query_attention(q, k, v):
    """q: (H, T, dh); k, v: (G, T, dh) with G dividing H. Query head h reads K/V head h // (H // G)."""
    H, G = q.shape[0], k.shape[0]
    k, v = (
        np.repeat(k, H // G, axis=0),
        np.repeat(v, H // G, axis=0),
    )  # share each K/V head across a group
    T = q.shape[1]
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    return softmax(scores) @ v


rng = np.random.default_rng(0)
H, T, dh, d_model = 8, 10, 16, 128
q = rng.normal(size=(H, T, dh))
print(
    f"{'variant':<22} {'K/V heads':>9} {'K/V proj params':>16} {'cache/token':>12} {'matches SDPA':>13}"
)
for name, G in (
    ("multi-head (MHA)", 8),
    ("grouped-query (GQA)", 2),
    ("multi-query (MQA)", 1),
):
    k, v = rng.normal(size=(2, G, T, dh))
    ours = grouped_query_attention(q, k, v)
    ref = F.scaled_dot_product_attention(
        *map(torch.from_numpy, (q, k, v)), is_causal=True, enable_gqa=True
    )
    kv_params = 2 * d_model * G * dh  # W_k and W_v
    cache = 2 * G * dh  # numbers stored per token per layer
    print(
        f"{name:<22} {G:>9} {kv_params:>16,} {cache:>12} {str(np.allclose(ours, ref.numpy())):>13}"
    )
# --8<-- [end:numpy]

# --8<-- [start:decode]
import functools
import statistics
import sys
import time

import torch

threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
H, dh, T = (
    32,
    128,
    8192,
)  # one decode step of one layer: 32 query heads, 8192 cached tokens


def decode_step(q, k, v):
    """q: (1, H, 1, dh); k, v: (1, G, T, dh). Reshape instead of copying K/V H/G times."""
    G = k.shape[1]
    qg = q.view(1, G, H // G, dh)  # the H/G queries of a group read the same K/V head
    w = torch.softmax(qg @ k.transpose(-2, -1) / dh**0.5, dim=-1)
    return (w @ v).view(1, H, 1, dh)


def median_time(fn, repeats=5):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


q = torch.randn(1, H, 1, dh)
times = {}
with torch.inference_mode():
    for G in (32, 8, 1):
        k, v = torch.randn(2, 1, G, T, dh)
        times[G] = median_time(functools.partial(decode_step, q, k, v))
        print(
            f"G={G:>2}: cache read per step {2 * G * T * dh * 4 / 2**20:.0f} MiB (fp32)"
        )
torch.set_num_threads(threads)
print(
    f"GQA (8 K/V heads) decode step at least 2x faster than MHA: {times[32] >= 2 * times[8]}"
)
print(
    f"MQA (1 K/V head) decode step at least 2x faster than MHA: {times[32] >= 2 * times[1]}"
)
print(", ".join(f"G={g}: {t * 1e3:.1f} ms" for g, t in times.items()), file=sys.stderr)
# --8<-- [end:decode]
