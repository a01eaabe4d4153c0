# --8<-- [start:bytes]
# y = dropout(gelu(x + b)) on a bf16 activation, p = 0.1: HBM bytes per element.
# Eager PyTorch on a GPU runs one kernel per op; each reads its input from HBM and
# writes its output back (the bias vector itself is negligible). Dropout keeps a
# 1-byte mask for the backward pass.
BF16, MASK = 2, 1
eager = {
    "x + b": BF16 + BF16,
    "gelu": BF16 + BF16,
    "dropout": BF16 + BF16 + MASK,
    "dropout backward": BF16 + MASK + BF16,
    "gelu backward": BF16 + BF16 + BF16,
    "bias gradient (sum)": BF16,
}
# One fused kernel each way: the intermediates x + b and gelu(x + b) live in
# registers. Forward reads x, writes y and the mask; backward reads dy, x and the
# mask, recomputes x + b, and writes dx (the bias gradient is reduced on the way).
fused = {"forward": BF16 + BF16 + MASK, "backward": BF16 + BF16 + MASK + BF16}
print("eager kernel          bytes per element")
for name, b in eager.items():
    print(f"  {name:20s} {b:5d}")
fwd = sum(list(eager.values())[:3])
print(f"forward:  eager {fwd} in 3 kernels, fused {fused['forward']} in 1: "
      f"{fwd / fused['forward']:.1f}x fewer bytes")  # fmt: skip
total, total_fused = sum(eager.values()), sum(fused.values())
print(f"training: eager {total} in 6 kernels, fused {total_fused} in 2: "
      f"{total / total_fused:.1f}x fewer bytes")  # fmt: skip
# --8<-- [end:bytes]

# --8<-- [start:amdahl]
# Derived, not measured: an MLP block (up-projection to 4h, the chain above, down-
# projection) on 16,384 tokens in bf16, timed with the H100 SXM roofline
# (989 TFLOP/s dense bf16, 3.35 TB/s HBM3), forward and backward.
PEAK, HBM, TOKENS = 989e12, 3.35e12, 16384
# HBM bytes per element of the chain, forward and backward (counted above)
EAGER, FUSED = 26, 12


def matmul_ms(m, k, n):
    # forward: 2mkn FLOPs; backward: two more matmuls of the same size
    flops, bytes_ = 3 * 2 * m * k * n, 3 * 2 * (m * k + k * n + m * n)
    return max(flops / PEAK, bytes_ / HBM) * 1e3


print("hidden  matmuls ms  chain ms eager  fused  block speed-up from fusion")
for h in [768, 4096, 16384]:
    mm = matmul_ms(TOKENS, h, 4 * h) + matmul_ms(TOKENS, 4 * h, h)
    elements = TOKENS * 4 * h
    chain_eager = elements * EAGER / HBM * 1e3
    chain_fused = elements * FUSED / HBM * 1e3
    speedup = (mm + chain_eager) / (mm + chain_fused)
    print(f"{h:6d} {mm:11.2f} {chain_eager:15.2f} {chain_fused:6.2f} {speedup:12.2f}x")
# --8<-- [end:amdahl]
