# Derived, not measured: a Llama-2-70B-shaped model on 1,024 H100 80 GB (128 nodes
# of 8), 4,096-token sequences, 1,024 sequences (4.2M tokens) per step, micro-batches
# of 1 sequence.
L, h, ffn, kv, vocab = 80, 8192, 28672, 1024, 32000
phi = L * (2 * h * h + 2 * h * kv + 3 * h * ffn + 2 * h) + 2 * vocab * h + h
gpus, s, batch = 1024, 4096, 1024
PEAK, NVLINK, NIC = 989e12, 450e9, 50e9  # H100 SXM dense bf16; bytes/s per GPU
compute = 6 * phi * s * batch / (gpus * PEAK * 0.45)  # seconds per step at 45% MFU
print(f"parameters {phi / 1e9:.2f}B; compute per step at 45% MFU: {compute:.1f} s")


def plan(t: int, p: int, d: int, zero3: bool = False) -> str:
    """Memory per GPU, pipeline bubble and traffic for TP t, PP p, DP d."""
    m = batch // d  # micro-batches per pipeline per step
    shard = phi / (t * p)  # parameters on one GPU before data-parallel sharding
    if zero3:  # FSDP / ZeRO-3: everything sharded over d
        states = 16 * shard / d
        dp_bytes = 3 * 2 * shard * (d - 1) / d * m  # gathers repeat per micro-batch
    else:  # bf16 weights and grads replicated, fp32 Adam + master sharded (ZeRO-1)
        states = 4 * shard + 12 * shard / d
        dp_bytes = (
            2 * 2 * shard * (d - 1) / d
        )  # reduce-scatter grads, all-gather weights
    layer = 34 * s * h / t  # bytes per layer per sequence, TP + sequence parallel,
    # FlashAttention (Korthikanti et al. 2022, eq. 2 without the 5as/h score term)
    in_flight = min(p, m)  # stage 0 of 1F1B holds p micro-batches
    act = in_flight * (L / p) * layer
    act_full = in_flight * (L / p) * 2 * s * h / t + layer  # full recomputation
    bubble = (p - 1) / (m + p - 1)
    dp_time = dp_bytes / NIC
    # TP: 4 all-reduces (or reduce-scatter + all-gather pairs) of s*h bf16 per layer
    tp_bytes = m * (L / p) * 4 * 2 * (t - 1) / t * s * h * 2
    tp_time = tp_bytes / (NVLINK if t <= 8 else NIC)  # TP beyond 8 GPUs leaves the node
    fits = (
        "yes"
        if states + act < 70e9
        else ("recompute" if states + act_full < 70e9 else "no")
    )
    name = f"TP{t} PP{p} DP{d}" + (" ZeRO-3" if zero3 else "")
    gb = [v / 1e9 for v in (states, act, act_full)]
    return (f"{name:20s} {m:4d} {gb[0]:7.1f} {gb[1]:7.1f} {gb[2]:7.1f}  {fits:9s}"
            f" {bubble:6.3f} {tp_time:5.2f} {dp_time:5.2f}")  # fmt: skip


print(
    "layout                  m  states  act GB  act GB  fits in    bubble  TP s  DP s"
)
print("                               GB  select    full  70 GB")
for layout in [(1, 1, 1024, True), (1, 8, 128), (8, 1, 128), (8, 2, 64), (8, 4, 32),
               (16, 1, 64), (4, 4, 64)]:  # fmt: skip
    print(plan(*layout))
days = 6 * phi * 2e12 / (gpus * PEAK * 0.40) / 86400
print(f"2T tokens at 40% MFU on 1,024 GPUs: {days:.0f} days")
