import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
)


def fake_quant(w, bits):
    """Symmetric per-output-channel quantize-dequantize, straight-through estimator."""
    qmax = 2 ** (bits - 1) - 1
    scale = w.detach().abs().amax(dim=1, keepdim=True) / qmax
    q = torch.clamp(torch.round(w / scale), -qmax, qmax) * scale
    return (
        w + (q - w).detach()
    )  # forward: q; backward: dq/dw treated as 1 (round has zero gradient a.e.)


class QLinear(torch.nn.Linear):
    bits = None  # None: full precision

    def forward(self, x):
        w = self.weight if self.bits is None else fake_quant(self.weight, self.bits)
        return torch.nn.functional.linear(x, w, self.bias)


def make():
    return torch.nn.Sequential(
        QLinear(64, 128),
        torch.nn.ReLU(),
        QLinear(128, 128),
        torch.nn.ReLU(),
        QLinear(128, 10),
    )


def set_bits(model, bits):
    for m in model:
        if isinstance(m, QLinear):
            m.bits = bits


def train(model, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for i in torch.randperm(len(Xtr)).split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xtr[i]), ytr[i]).backward()
            opt.step()


def accuracy(model):
    with torch.no_grad():
        return (model(Xte).argmax(1) == yte).float().mean().item()


# The hand-written fake quantizer equals PyTorch's, forward and backward.
w = torch.randn(128, 64, requires_grad=True)
scale = w.detach().abs().amax(dim=1) / 7
ref = torch.fake_quantize_per_channel_affine(
    w, scale, torch.zeros(128, dtype=torch.int32), 0, -7, 7
)
mine = fake_quant(w, bits=4)
print(
    "fake_quant == torch.fake_quantize_per_channel_affine: "
    f"{torch.allclose(mine, ref, atol=1e-6)}"
)
(g_ref,) = torch.autograd.grad(ref.sum(), w)
(g_mine,) = torch.autograd.grad(mine.sum(), w)
print(
    "same STE gradient (all ones inside the range): "
    f"{torch.equal(g_ref, g_mine) and bool((g_mine == 1).all())}"
)

fp32 = make()
train(fp32, epochs=20, lr=1e-3)
print(f"float32 test accuracy: {accuracy(fp32):.3f}")
print(f"{'weight bits':>11s} {'PTQ':>6s} {'QAT':>6s}")
for bits in [8, 4, 3, 2]:
    ptq = copy.deepcopy(fp32)
    set_bits(ptq, bits)  # post-training: round the trained weights, no more training
    qat = copy.deepcopy(fp32)
    set_bits(qat, bits)
    torch.manual_seed(1)
    train(qat, epochs=5, lr=3e-4)  # fine-tune with the rounding inside the forward pass
    print(f"{bits:>11d} {accuracy(ptq):>6.3f} {accuracy(qat):>6.3f}")
torch.set_num_threads(n_threads)
