# --8<-- [start:rslora]
import torch

torch.manual_seed(0)
d, n = 64, 256
X = torch.randn(n, d)
target = torch.randn(d, d) / d**0.5  # the weight change the task needs (full rank)
Y = X @ target.T


def train_lora(r, scale, steps=200, lr=1e-3):
    """Fit delta W = scale * B A by Adam; B starts at zero as in LoRA."""
    g = torch.Generator().manual_seed(r)
    A = (torch.randn(r, d, generator=g) / d**0.5).requires_grad_()
    B = torch.zeros(d, r, requires_grad=True)
    opt = torch.optim.Adam([A, B], lr=lr)
    for _ in range(steps):
        loss = ((X @ (scale * B @ A).T - Y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item() / (Y**2).mean().item()


alpha = 16
print(f"{'rank':>4s} {'alpha/r (LoRA)':>15s} {'alpha/sqrt(r) (rsLoRA)':>23s}")
for r in [4, 16, 64]:
    print(f"{r:>4d} {train_lora(r, alpha / r):>15.3f} "
          f"{train_lora(r, alpha / r**0.5):>23.3f}")  # fmt: skip
# --8<-- [end:rslora]

# --8<-- [start:init]
import numpy as np

rng = np.random.default_rng(0)
d, r = 256, 16
# A pretrained-like weight: a few strong directions plus noise and some outliers
U, _ = np.linalg.qr(rng.normal(size=(d, d)))
V, _ = np.linalg.qr(rng.normal(size=(d, d)))
spectrum = np.concatenate([np.linspace(8, 3, r), np.full(d - r, 0.5)])
W = (U * spectrum) @ V.T / np.sqrt(d)
W[rng.integers(0, d, 20), rng.integers(0, d, 20)] += 0.5


def quantize(w, bits=4, block=64):
    """Blockwise absmax round-to-nearest, symmetric (a stand-in for NF4)."""
    flat = w.reshape(-1, block)
    scale = np.abs(flat).max(1, keepdims=True) / (2 ** (bits - 1) - 1)
    return (np.round(flat / scale) * scale).reshape(w.shape)


def rank_r(m, r):
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    return (u[:, :r] * s[:r]) @ vt[:r]


def rel_err(approx):
    return np.linalg.norm(W - approx) / np.linalg.norm(W)


# QLoRA: quantized W, adapter starts at B A = 0
print(f"QLoRA start (B A = 0):          {rel_err(quantize(W)):.4f}")
# PiSSA: top-r singular directions in the (16-bit) adapter, quantize only the residual
principal = rank_r(W, r)
print(
    "PiSSA start (quantize residual): "
    f"{rel_err(quantize(W - principal) + principal):.4f}"
)
# LoftQ: alternate Q = quant(W - B A) and B A = best rank-r fit of W - Q
BA = np.zeros_like(W)
for _ in range(5):
    Q = quantize(W - BA)
    BA = rank_r(W - Q, r)
print(f"LoftQ start (5 alternations):    {rel_err(Q + BA):.4f}")
# --8<-- [end:init]

# --8<-- [start:dora]
import torch
from peft import LoraConfig, get_peft_model

torch.manual_seed(0)
base = torch.nn.Sequential(torch.nn.Linear(32, 16))
x = torch.randn(4, 32)
y0 = base(x)
W0 = base[0].weight.detach().clone()
model = get_peft_model(
    base, LoraConfig(r=4, lora_alpha=8, target_modules=["0"], init_lora_weights="pissa")
)
layer = model.base_model.model[0]
A, B = layer.lora_A["default"].weight, layer.lora_B["default"].weight
scaling = layer.scaling["default"]
W_res = layer.base_layer.weight
print("peft PiSSA: residual + scaling * B A == original W:",
      torch.allclose(W_res + scaling * B @ A, W0, atol=1e-5))  # fmt: skip
print("peft PiSSA: same outputs as the base model at step 0:",
      torch.allclose(model(x), y0, atol=1e-5))  # fmt: skip
# DoRA: W = m * V / ||V||, a trained magnitude per output row and a LoRA-updated V
dora = get_peft_model(
    torch.nn.Sequential(torch.nn.Linear(32, 16)),
    LoraConfig(r=4, lora_alpha=8, target_modules=["0"], use_dora=True),
)
n_lora = sum(
    p.numel() for n, p in dora.named_parameters() if "lora_" in n and p.requires_grad
)
print(f"DoRA trainable parameters: {n_lora} = LoRA's 4 x (32 + 16) + 16 magnitudes")
# --8<-- [end:dora]
