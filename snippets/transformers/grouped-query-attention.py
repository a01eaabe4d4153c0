# --8<-- [start:numpy]
import numpy as np
import torch
import torch.nn.functional as F


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def grouped_query_attention(q, k, v):
    """q: (H, T, dh); k, v: (G, T, dh), G divides H.

    Head h reads K/V head h // (H/G).
    """
    H, T, dh = q.shape
    G = k.shape[0]
    k, v = np.repeat(k, H // G, axis=0), np.repeat(v, H // G, axis=0)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    return softmax(scores) @ v


rng = np.random.default_rng(0)
H, T, dh, d_model = 8, 10, 16, 128
q = rng.normal(size=(H, T, dh))
print("variant               K/V heads  W_k+W_v params  cache per token  matches SDPA")
for name, G in (
    ("multi-head (MHA)", 8),
    ("grouped-query (GQA)", 2),
    ("multi-query (MQA)", 1),
):
    k, v = rng.normal(size=(2, G, T, dh))
    ours = grouped_query_attention(q, k, v)
    qt, kt, vt = map(torch.from_numpy, (q, k, v))
    ref = F.scaled_dot_product_attention(qt, kt, vt, is_causal=True, enable_gqa=True)
    kv_params = 2 * d_model * G * dh
    cache = 2 * G * dh  # numbers stored per token, per layer
    same = np.allclose(ours, ref.numpy())
    print(f"{name:<21} {G:>9} {kv_params:>15,} {cache:>16}  {same}")
# --8<-- [end:numpy]

# --8<-- [start:decode]
import functools
import sys
import time

import torch

threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
H, dh, T = 32, 128, 8192  # one decode step of one layer: 8192 cached tokens


def decode_step(q, k, v):
    """q: (1, H, 1, dh); k, v: (1, G, T, dh). A reshape, not H/G copies of K and V."""
    G = k.shape[1]
    qg = q.view(1, G, H // G, dh)  # the H/G queries of a group read the same K/V head
    w = torch.softmax(qg @ k.transpose(-2, -1) / dh**0.5, dim=-1)
    return (w @ v).view(1, H, 1, dh)


def best_time(fn, rounds=5):
    """Best of several runs: interference from other processes only ever adds time."""
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


q = torch.randn(1, H, 1, dh)
times = {}
with torch.inference_mode():
    for G in (32, 8, 1):
        k, v = torch.randn(2, 1, G, T, dh)
        times[G] = best_time(functools.partial(decode_step, q, k, v))
        mib = 2 * G * T * dh * 4 / 2**20
        print(f"G={G:>2} K/V heads: cache read per step {mib:.0f} MiB")
torch.set_num_threads(threads)
gqa, mqa = times[32] / times[8], times[32] / times[1]
print(f"GQA (8 K/V heads) step at least 1.5x faster than MHA: {gqa >= 1.5}")
print(f"MQA (1 K/V head) step at least 3x faster than MHA: {mqa >= 3}")
print(", ".join(f"G={g}: {t * 1e3:.1f} ms" for g, t in times.items()), file=sys.stderr)
# --8<-- [end:decode]
