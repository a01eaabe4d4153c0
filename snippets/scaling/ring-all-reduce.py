# --8<-- [start:simulate]
import numpy as np


def ring_all_reduce(grads: list[np.ndarray]) -> tuple[list[np.ndarray], int]:
    """Simulate a ring of len(grads) ranks; return results and bytes sent per rank."""
    n = len(grads)
    chunks = [list(np.split(g.copy(), n)) for g in grads]  # chunks[rank][c]
    sent = 0
    for phase in ("reduce-scatter", "all-gather"):
        for s in range(n - 1):
            # every rank sends one chunk to its right neighbour at the same time
            shift = 0 if phase == "reduce-scatter" else 1
            msgs = [(r, (r - s + shift) % n) for r in range(n)]
            payload = [chunks[r][c].copy() for r, c in msgs]
            for (r, c), data in zip(msgs, payload):
                right = (r + 1) % n
                if phase == "reduce-scatter":
                    chunks[right][c] += data
                else:
                    chunks[right][c] = data
            sent += payload[0].nbytes  # per rank: one chunk per step
    return [np.concatenate(c) for c in chunks], sent


rng = np.random.default_rng(0)
size = 2**20  # 1M float32 gradients = 4 MiB per rank
print("ranks  all equal the sum  MiB sent per rank  2(N-1)/N x 4 MiB")
for n in [2, 4, 8, 16]:
    grads = [rng.normal(size=size).astype(np.float32) for _ in range(n)]
    out, sent = ring_all_reduce(grads)
    total = np.sum(grads, axis=0)
    ok = all(np.allclose(o, total, atol=1e-4) for o in out)
    print(f"{n:5d}  {str(ok):>17}  {sent / 2**20:17.2f}  {2 * (n - 1) / n * 4:16.2f}")
# --8<-- [end:simulate]

# --8<-- [start:launch]
import sys  # noqa: E402

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# Two processes on this machine, gloo backend; dist_ring.py is the code each rank runs.
results = launch("dist_ring", world=2, numel=2**18)
for rank, r in enumerate(results):
    print(f"rank {rank}: ring == dist.all_reduce: {r['equal']}")
    print(f"  sent {r['sent']:,} bytes for a {r['size']:,}-byte gradient: "
          f"{r['sent'] / r['size']:.2f} x size, 2(N-1)/N = 1.00")  # fmt: skip
# --8<-- [end:launch]

# --8<-- [start:derive]
# Derived, not measured: time = 2(N-1)/N * bytes / per-GPU bandwidth (latency ignored).
# NVLink 4 on H100 SXM: 900 GB/s total = 450 GB/s each way; one 400 Gb/s NIC per GPU
# (50 GB/s) between nodes (NVIDIA H100 and DGX H100 specifications).
grad_bytes = 7e9 * 2  # gradients of a 7B-parameter model in bf16
for where, n, bandwidth in [
    ("8 GPUs, NVLink", 8, 450e9),
    ("64 GPUs, 8 nodes, 400 Gb/s", 64, 50e9),
    ("512 GPUs, 64 nodes, 400 Gb/s", 512, 50e9),
]:
    t = 2 * (n - 1) / n * grad_bytes / bandwidth
    print(f"{where:30s} all-reduce of 14 GB: {t * 1e3:6.0f} ms")
# --8<-- [end:derive]
