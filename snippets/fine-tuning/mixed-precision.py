import numpy as np
import torch

# 1. Range versus precision.
print(
    f"{'dtype':9s} {'max':>9s} {'min normal':>10s} {'min subnormal':>13s} {'eps':>9s}"
)
for dt in [torch.float32, torch.float16, torch.bfloat16]:
    fi = torch.finfo(dt)
    smallest = torch.nextafter(
        torch.tensor(0.0, dtype=dt), torch.tensor(1.0, dtype=dt)
    ).item()
    print(
        f"{str(dt)[6:]:9s} {fi.max:>9.3g} {fi.tiny:>10.3g} {smallest:>13.3g} "
        f"{fi.eps:>9.3g}"
    )

# 2. Small gradients underflow in fp16; a loss scale shifts them into range (and is
# divided out in fp32).
grads = torch.tensor([1e-3, 1e-5, 1e-7, 1e-8, 1e-9])
scale = 2.0**16
print("fp16           :", " ".join(f"{g:.1e}" for g in grads.half().float().tolist()))
print(
    "fp16, scaled   :",
    " ".join(f"{g:.1e}" for g in ((grads * scale).half().float() / scale).tolist()),
)
print(
    "bf16           :", " ".join(f"{g:.1e}" for g in grads.bfloat16().float().tolist())
)
rng = np.random.default_rng(0)
g = torch.tensor(
    rng.lognormal(mean=np.log(1e-6), sigma=2.0, size=1_000_000), dtype=torch.float32
)
print(
    f"gradients flushed to zero: fp16 {(g.half() == 0).float().mean():.1%}, "
    f"fp16 x 2^16 {((g * scale).half() == 0).float().mean():.1%}, bf16 "
    f"{(g.bfloat16() == 0).float().mean():.1%}"
)
print(
    f"overflow: 70000 in fp16 -> {torch.tensor(70000.0).half().item()}, in bf16 -> "
    f"{torch.tensor(70000.0).bfloat16().item():.0f}"
)

# 3. bf16 keeps fp32's range but only 7 mantissa bits (8 significant): small updates
# vanish -> keep fp32 master weights.
for dt in [torch.float32, torch.float16, torch.bfloat16]:
    w = torch.tensor(1.0, dtype=dt)
    print(
        f"{str(dt)[6:]:9s} weight 1.0 + update 1e-3 = "
        f"{(w + torch.tensor(1e-3, dtype=dt)).item():.6f}"
    )
total = {dt: torch.tensor(0.0, dtype=dt) for dt in [torch.float32, torch.bfloat16]}
for _ in range(10_000):
    for dt in total:
        total[dt] += torch.tensor(1e-4, dtype=dt)
print(
    f"10,000 updates of 1e-4: fp32 accumulator {total[torch.float32].item():.4f}, "
    f"bf16 accumulator {total[torch.bfloat16].item():.4f}"
)

# 4. What autocast casts (CPU, bf16): matmuls run in bf16, the loss is computed in fp32,
# parameters stay fp32.
torch.manual_seed(0)
lin = torch.nn.Linear(16, 4)
x, target = torch.randn(8, 16), torch.randint(0, 4, (8,))
with torch.autocast("cpu", dtype=torch.bfloat16):
    logits = lin(x)
    loss = torch.nn.functional.cross_entropy(logits, target)
loss.backward()
print(
    f"autocast: parameter {lin.weight.dtype}, linear output {logits.dtype}, loss "
    f"{loss.dtype}, grad {lin.weight.grad.dtype}"
)
