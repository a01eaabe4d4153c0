import math

import numpy as np
import torch

rng = np.random.default_rng(0)


# Every order-sensitive sum below is an explicit left-to-right float32 accumulation
# (np.cumsum): np.sum's pairwise blocking depends on the CPU's SIMD width.
def sequential_sum(values):
    return np.cumsum(values, dtype=np.float32)[-1]


# 1. The formats. TF32 has no torch dtype: take the IEEE formula for 8 exponent and 10
# mantissa bits, checked against torch.finfo where a dtype exists.
def ieee_limits(exp_bits, man_bits):
    bias = 2 ** (exp_bits - 1) - 1
    return (2 - 2.0**-man_bits) * 2.0**bias, 2.0 ** (1 - bias), 2.0**-man_bits


formats = [
    ("fp64", torch.float64, 11, 52),
    ("fp32", torch.float32, 8, 23),
    ("tf32", None, 8, 10),
    ("fp16", torch.float16, 5, 10),
    ("bf16", torch.bfloat16, 8, 7),
    ("fp8 e4m3", torch.float8_e4m3fn, 4, 3),
    ("fp8 e5m2", torch.float8_e5m2, 5, 2),
]
print("format    bits exp man       max  min normal      eps  digits")
formula_matches = []
for name, dtype, exp_bits, man_bits in formats:
    limits = ieee_limits(exp_bits, man_bits)
    if dtype is None:
        largest, tiny, eps = limits
    else:
        info = torch.finfo(dtype)
        largest, tiny, eps = info.max, info.tiny, info.eps
        if name != "fp8 e4m3":
            formula_matches.append((largest, tiny, eps) == limits)
    digits = math.log10(2.0 ** (man_bits + 1))
    print(
        f"{name:9s} {1 + exp_bits + man_bits:4d} {exp_bits:3d} {man_bits:3d} "
        f"{largest:9.3g} {tiny:11.3g} {eps:8.1e} {digits:7.1f}"
    )
print(f"IEEE formula = torch.finfo (all but e4m3): {all(formula_matches)}")


# 2. Softmax: exp overflows above about 11.1 in fp16 and 88.7 in fp32.
def softmax(z, subtract_max):
    e = np.exp(z - z.max() if subtract_max else z)
    return e / e.sum()


def show(p):
    return "[" + " ".join(f"{v:4.2f}" for v in p.astype(np.float64)) + "]"


print("\nsoftmax logits    bits  naive             max-subtracted  error<1e-3")
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    for logits in ([3.0, 9.0, 12.0], [10.0, 50.0, 100.0]):
        reference = softmax(np.array(logits), subtract_max=True)
        for dtype in (np.float16, np.float32):
            z = np.array(logits, dtype=dtype)
            naive, stable = softmax(z, False), softmax(z, True)
            ok = np.abs(stable.astype(np.float64) - reference).max() < 1e-3
            print(
                f"{str([int(v) for v in logits]):15s} {np.finfo(dtype).bits:>5d}  "
                f"{show(naive):17s} {show(stable):15s} {ok}"
            )
    z = np.array([0.0, 100.0, 200.0], dtype=np.float32)
    log_sum_exp = z.max() + np.log(np.exp(z - z.max()).sum())
    print(
        f"fp32 loss of class 0, logits [0, 100, 200]: -log(softmax) "
        f"{-np.log(softmax(z, True)[0])}, log-sum-exp {log_sum_exp - z[0]:.3f}"
    )

# 3. Variance of 10,000 float32 values, offset + N(0, 1): E[x^2] - E[x]^2 cancels.
n = 10_000
noise = rng.standard_normal(n)
print("\nvariance, fp32   fp64 ref     naive  two-pass  Welford  two-pass/Welford err")
for offset in (1e2, 1e3, 1e4):
    x = (offset + noise).astype(np.float32)
    x64 = x.astype(np.float64)
    reference = math.fsum((x64 - math.fsum(x64) / n) ** 2) / (n - 1)
    sum_x, sum_x2 = sequential_sum(x), sequential_sum(x * x)
    naive = (sum_x2 - sum_x * sum_x / np.float32(n)) / np.float32(n - 1)
    mean = sum_x / np.float32(n)
    two_pass = sequential_sum((x - mean) ** 2) / np.float32(n - 1)
    running_mean, m2 = np.float32(0), np.float32(0)
    for k, value in enumerate(x, start=1):
        delta = value - running_mean
        running_mean = running_mean + delta / np.float32(k)
        m2 = m2 + delta * (value - running_mean)
    welford = m2 / np.float32(n - 1)
    errors = [abs(float(v) - reference) / reference for v in (two_pass, welford)]
    print(
        f"mean {offset:8.0f} {reference:10.4f} {naive:9.3f} {two_pass:9.4f} "
        f"{welford:8.4f}  {errors[0]:.1e} / {errors[1]:.1e}"
    )


# 4. One million positive float32 values summed in float32, in different orders.
def pairwise_sum(values):
    size = 1 << (len(values) - 1).bit_length()
    v = np.concatenate([values, np.zeros(size - len(values), np.float32)])
    while len(v) > 1:
        v = v[0::2] + v[1::2]
    return v[0]


def kahan_sum(values):
    total, compensation = np.float32(0), np.float32(0)
    for value in values:
        y = value - compensation
        t = total + y
        compensation = (t - total) - y
        total = t
    return total


values = rng.lognormal(0.0, 2.0, 1_000_000).astype(np.float32)
exact = math.fsum(values.astype(np.float64))
partials = [sequential_sum(chunk) for chunk in np.array_split(values, 64)]
sums = {
    "random order, sequential": sequential_sum(values),
    "ascending, sequential": sequential_sum(np.sort(values)),
    "descending, sequential": sequential_sum(np.sort(values)[::-1]),
    "64 partial sums, then sum": sequential_sum(np.array(partials, np.float32)),
    "pairwise (tree)": pairwise_sum(values),
    "Kahan, sequential": kahan_sum(values),
}
bound = (len(values) - 1) * 2.0**-24
print(
    f"\nfp32 sum of 1e6 lognormal values: exact {exact:,.1f}, bound (n-1)u {bound:.1e}"
)
for name, total in sums.items():
    error = abs(float(total) - exact) / exact
    print(f"  {name:27s} {float(total):13,.1f}  rel. error {error:.1e}")

# A dot product of 4,096 fp16 pairs in U(0, 1): the products are exact in fp32 (11 + 11
# significant bits); what matters is the accumulator's precision.
a, b = (rng.uniform(0, 1, 4096).astype(np.float16) for _ in range(2))
products = a.astype(np.float32) * b.astype(np.float32)
exact_dot = math.fsum(products.astype(np.float64))
acc16 = np.cumsum(products.astype(np.float16), dtype=np.float16)[-1]
acc32 = sequential_sum(products)
print(
    f"fp16 dot product, exact {exact_dot:.2f}: fp16 accumulator {float(acc16):.2f}, "
    f"fp32 accumulator {float(acc32):.2f}"
)

# 5. 1,000 steps of an update of 1e-4 to 1,000 weights equal to 1: exact result 0.9.
steps, update, n_weights = 1_000, 1e-4, 1_000


def stochastic_round_to_bf16(x32):
    # bf16 is the top 16 bits of fp32: add uniform noise below them, then truncate.
    bits = x32.numpy().view(np.uint32)
    noise16 = rng.integers(0, 1 << 16, bits.shape, dtype=np.uint32)
    rounded = ((bits + noise16) & np.uint32(0xFFFF0000)).view(np.float32)
    return torch.from_numpy(rounded).to(torch.bfloat16)


weights = {
    dtype: torch.ones(n_weights, dtype=dtype)
    for dtype in (torch.float32, torch.float16, torch.bfloat16)
}
master = torch.ones(n_weights, dtype=torch.float32)
w_sr = torch.ones(n_weights, dtype=torch.bfloat16)
w_kahan = torch.ones(n_weights, dtype=torch.bfloat16)
compensation = torch.zeros(n_weights, dtype=torch.bfloat16)
for _ in range(steps):
    for dtype in weights:
        weights[dtype] = weights[dtype] - torch.tensor(update, dtype=dtype)
    master -= update
    w_sr = stochastic_round_to_bf16(w_sr.float() - update)
    y = torch.tensor(-update, dtype=torch.bfloat16) - compensation
    t = w_kahan + y
    compensation = (t - w_kahan) - y
    w_kahan = t
rows = [
    ("fp32 weights", weights[torch.float32]),
    ("fp16 weights", weights[torch.float16]),
    ("bf16 weights", weights[torch.bfloat16]),
    ("fp32 master, bf16 copy", master.to(torch.bfloat16)),
    ("bf16, stochastic rounding", w_sr),
    ("bf16 + bf16 Kahan buffer", w_kahan),
]
print(f"\n{steps:,} updates of -{update:g} to weights = 1   mean weight  sd")
for name, w in rows:
    w = w.double()
    print(f"  {name:38s} {w.mean():.4f}  {w.std():.4f}")

# 6. Gradients with magnitudes log-uniform on [1e-10, 1e-2], cast to fp16 after a loss
# scale (and divided by it again in fp64).
grads = rng.standard_normal(1_000_000) * 10.0 ** rng.uniform(-10, -2, 1_000_000)
print("\ngradients in fp16   zero  error>1%, nonzero  inf  step taken")
with np.errstate(over="ignore", invalid="ignore"):
    for exponent in (0, 16, 24):
        scale = 2.0**exponent
        back = (grads * scale).astype(np.float16).astype(np.float64) / scale
        finite_nonzero = np.isfinite(back) & (back != 0)
        inexact = finite_nonzero & (np.abs(back - grads) > 0.01 * np.abs(grads))
        print(
            f"  loss scale 2^{exponent:<4d} {(back == 0).mean():6.1%} "
            f"{inexact.mean():15.1%} {np.isinf(back).mean():6.1%}  "
            f"{bool(np.isfinite(back).all())}"
        )
bf16 = torch.from_numpy(grads).to(torch.bfloat16).double().numpy()
print(
    f"  bf16, no scale    {(bf16 == 0).mean():6.1%} "
    f"{(np.abs(bf16 - grads) > 0.01 * np.abs(grads)).mean():15.1%}"
)

# 7. Epsilons, and comparing floats.
eps16 = torch.tensor(1e-8, dtype=torch.float16)
zero16 = torch.zeros(1, dtype=torch.float16)
print(
    f"\nAdam in fp16, zero gradient (m = v = 0): eps 1e-8 -> {eps16.item()}, "
    f"m / (sqrt(v) + eps) = {(zero16 / (zero16.sqrt() + eps16)).item()}"
)
constant_row = torch.full((1, 4), 3.0)
no_eps = torch.nn.functional.layer_norm(constant_row, (4,), eps=0.0)[0, 0].item()
with_eps = torch.nn.functional.layer_norm(constant_row, (4,), eps=1e-5)[0, 0].item()
print(f"LayerNorm of a constant row: eps=0 -> {no_eps}, eps=1e-5 -> {with_eps}")
print(
    f"0.1 + 0.2 == 0.3: {0.1 + 0.2 == 0.3}; math.isclose: "
    f"{math.isclose(0.1 + 0.2, 0.3)}; np.isclose(1e-9, 2e-9): {np.isclose(1e-9, 2e-9)}"
)
