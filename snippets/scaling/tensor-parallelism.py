# --8<-- [start:measure]
import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_tp.py: column split of the first linear layer, row split of the second, 2 ranks.
r = launch("dist_tp", world=2)[0]
m = r["manual"]
print(f"parameters per rank: {m['shard_params']:,} of {r['full_params']:,}")
print(f"by hand: output equals the unsplit MLP: {m['output']}")
print(f"by hand: weight gradients equal the matching slices: {m['weight_grads']}")
print(
    f"by hand: input gradient correct with f (backward all-reduce): {m['input_grad']}"
)
print(f"by hand: input gradient correct without f: {m['input_grad_without_f']}")
print(f"ColwiseParallel + RowwiseParallel: output {r['api_output']}, "
      f"input gradient {r['api_input_grad']}")  # fmt: skip
print(f"collectives in forward: {r['fwd']}, in backward: {r['bwd']}")
# --8<-- [end:measure]

# --8<-- [start:derive]
# Derived, not measured: one Llama-2-70B-shaped layer, tensor-parallel over t = 8 GPUs.
h, ffn, kv, s, b, t = 8192, 28672, 1024, 4096, 1, 8
layer_params = 2 * h * h + 2 * h * kv + 3 * h * ffn  # q, o; k, v (GQA); SwiGLU MLP
flops = 6 * layer_params * s * b / t  # forward + backward, per GPU, attention ignored
compute = flops / (0.5 * 989e12)  # at half of H100's dense bf16 peak
msg = s * b * h * 2  # one bf16 activation all-reduce
wire = 4 * 2 * (t - 1) / t * msg  # 2 all-reduces forward + 2 backward per layer
print(f"per layer per GPU: compute {compute * 1e3:.1f} ms, "
      f"all-reduce traffic {wire / 1e6:.0f} MB")  # fmt: skip
print(f"  that traffic over NVLink (450 GB/s): {wire / 450e9 * 1e3:.1f} ms; "
      f"over 400 Gb/s (50 GB/s): {wire / 50e9 * 1e3:.1f} ms")  # fmt: skip
# --8<-- [end:derive]
