# --8<-- [start:measure]
import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_zero.py trains the same 4-layer MLP two steps four ways on 2 processes.
result = launch("dist_zero", world=2)[0]  # rank 0's view; rank 1 is the same
n = result["n_params"]
print(f"Φ = {n:,} parameters, fp32 + Adam, 2 ranks: bytes per parameter on each rank")
print("setup         weights  grads  Adam  total  weights after fwd  same as DDP")
for name, s in result["setups"].items():
    b = {k: s[k] / n for k in ("params", "grads", "adam", "held_after_forward")}
    total = b["params"] + b["grads"] + b["adam"]
    print(
        f"{name:12s} {b['params']:8.2f} {b['grads']:6.2f} {b['adam']:5.2f} {total:6.2f}"
        f" {b['held_after_forward']:18.2f}  {s['same_as_ddp']}"
    )
print("traffic per step, in units of the fp32 model size (collectives' full sizes):")
names = {"allreduce_": "all-reduce", "broadcast_": "broadcast"}
names |= {"_allgather_base_": "all-gather", "_reduce_scatter_base_": "reduce-scatter"}
for name, s in result["setups"].items():
    parts = [
        f"{names[k]} {v / (4 * n):.2f}" for k, v in s["comm"].items() if v > 4 * n / 10
    ]
    print(f"  {name:12s} " + " + ".join(parts))
# --8<-- [end:measure]


# --8<-- [start:formula]
# Per-GPU model-state memory with mixed precision and Adam (ZeRO paper, section 5):
# 2 bytes bf16 weights + 2 bytes bf16 grads + K = 12 bytes of fp32 master weights,
# momentum and variance.
def zero_gb(phi: float, n: int) -> dict:
    return {
        "DDP": 16 * phi,
        "ZeRO-1": 4 * phi + 12 * phi / n,
        "ZeRO-2": 2 * phi + 14 * phi / n,
        "ZeRO-3": 16 * phi / n,
    }


print("GB per GPU        DDP  ZeRO-1  ZeRO-2  ZeRO-3")
for phi, n in [(7.5e9, 64), (70e9, 64), (70e9, 512)]:
    gb = {k: v / 1e9 for k, v in zero_gb(phi, n).items()}
    label = f"{phi / 1e9:g}B on {n} GPUs"
    print(f"{label:15s} " + " ".join(f"{v:7.1f}" for v in gb.values()))
# --8<-- [end:formula]
