import torch

torch.manual_seed(0)
E4M3, E5M2 = torch.float8_e4m3fn, torch.float8_e5m2
print("format        max  smallest normal    eps")
for name, dt in [("e4m3fn", E4M3), ("e5m2", E5M2), ("bf16", torch.bfloat16)]:
    f = torch.finfo(dt)
    print(f"{name:7s} {f.max:9.3g} {f.smallest_normal:16.2g} {f.eps:6.3g}")


def fp8(x: torch.Tensor, dtype, scale: torch.Tensor) -> torch.Tensor:
    """Scale, saturate, round to FP8, and scale back (what an FP8 GEMM sees)."""
    top = torch.finfo(dtype).max
    return (x / scale).clamp(-top, top).to(dtype).float() * scale


def per_tensor(x, dtype):
    return fp8(x, dtype, x.abs().max() / torch.finfo(dtype).max)


def per_block(x, dtype, block=128):  # one scale per 1 x 128 tile, as in DeepSeek-V3
    tiles = x.reshape(-1, block)
    scale = tiles.abs().amax(dim=1, keepdim=True) / torch.finfo(dtype).max
    return fp8(tiles, dtype, scale).reshape(x.shape)


def int8_per_tensor(x):
    scale = x.abs().max() / 127
    return (x / scale).round().clamp(-127, 127) * scale


def rel_err(a, b):
    return ((a - b).norm() / b.norm()).item()


# Activations with a few outlier channels (as LLMs have) times a weight matrix.
X = torch.randn(256, 1024)
X[:, :8] *= 60  # 8 of 1,024 channels are 60x larger
W = torch.randn(1024, 1024) * 0.02
Y = X @ W.T
print("relative error of X @ W.T with both operands quantised:")
for name, q in [
    ("bf16", lambda t: t.bfloat16().float()),
    ("int8, one scale per tensor", int8_per_tensor),
    ("e4m3, one scale per tensor", lambda t: per_tensor(t, E4M3)),
    ("e4m3, one scale per 1x128 tile", lambda t: per_block(t, E4M3)),
]:
    print(f"  {name:32s} {rel_err(q(X) @ q(W).T, Y):.4f}")

# Gradients span many decades; one scale per tensor cannot cover them all in e4m3.
G = torch.randn(256, 1024) * 10 ** torch.empty(256, 1).uniform_(-8, -1)  # rows differ
print("gradients spanning 7 decades: share flushed to zero, worst row's relative error")
for name, q in [
    ("e4m3, one scale per tensor", lambda t: per_tensor(t, E4M3)),
    ("e5m2, one scale per tensor", lambda t: per_tensor(t, E5M2)),
    ("e4m3, one scale per 1x128 tile", lambda t: per_block(t, E4M3)),
]:
    g = q(G)
    flushed = ((g == 0) & (G != 0)).float().mean().item()
    worst = max(rel_err(g[i], G[i]) for i in range(G.shape[0]))
    print(f"  {name:32s} {flushed:.3f}  {worst:.3f}")

# Delayed scaling sets this step's scale from the largest |x| of the last 16 steps; a
# sudden 8x spike is then clipped at 448, while scaling from the current tensor is not.
history = [torch.randn(4096).abs().max() for _ in range(16)]
spike = torch.randn(4096) * 8
delayed = fp8(spike, E4M3, max(history) / 448)
current = per_tensor(spike, E4M3)
clipped = (delayed.abs() < spike.abs() * 0.9).float().mean().item()
print(
    f"after an 8x spike, values clipped: delayed scaling {clipped:.3f}, "
    f"current scaling {(current.abs() < spike.abs() * 0.9).float().mean().item():.3f}"
)
