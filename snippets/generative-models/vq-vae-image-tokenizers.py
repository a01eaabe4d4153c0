import math
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# 8x8 digits in [-1, 1], 1,400 for training and 397 for testing. Each 4x4 quarter of a
# digit becomes one token: the encoder is an MLP applied to every quarter (a
# convolution with kernel = stride = 4) and the decoder maps a code back to 16 pixels.
x_train, _, x_test, _ = gl.digits()
# baseline: predict every test digit as the mean training digit
mean_digit_mse = ((x_test - x_train.mean(0)) ** 2).mean()


def quarters(x):
    x = torch.tensor(x).reshape(-1, 2, 4, 2, 4)
    return x.permute(0, 1, 3, 2, 4).reshape(-1, 16)


x_train, x_test = quarters(x_train), quarters(x_test)
DIM, BETA, STEPS = 8, 0.25, 200


class Adam:
    """Adam written out (the same update as torch.optim.Adam), which keeps this
    example's start-up short."""

    def __init__(self, params, lr, b1=0.9, b2=0.999):
        self.params, self.lr, self.b1, self.b2, self.t = params, lr, b1, b2, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        c1, c2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            m.lerp_(p.grad, 1 - self.b1)
            v.lerp_(p.grad**2, 1 - self.b2)
            p -= self.lr * (m / c1) / ((v / c2).sqrt() + 1e-8)
            p.grad = None


def train_vqvae(K, straight_through=True, restart=False, seed=0):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    enc = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, DIM))
    dec = nn.Sequential(nn.Linear(DIM, 64), nn.ReLU(), nn.Linear(64, 16))
    # codes start in a tiny ball at the origin, so at first a few win every lookup
    codebook = nn.Parameter(torch.empty(K, DIM).uniform_(-1 / K, 1 / K))
    opt = Adam([*enc.parameters(), *dec.parameters(), codebook], lr=6e-3)
    losses, counts = [], torch.zeros(K)
    for step in range(STEPS):
        x = x_train[torch.randint(0, len(x_train), (256,), generator=gen)]
        z = enc(x)
        # the nearest code: an argmin, through which no gradient flows
        idx = torch.cdist(z.detach(), codebook.detach()).argmin(1)
        e = codebook[idx]
        # straight-through: the decoder sees e, and its gradient is copied onto z;
        # without it the encoder learns only from the commitment term
        z_q = z + (e - z).detach() if straight_through else e
        recon = F.mse_loss(dec(z_q), x)
        # codebook loss moves the codes; commitment (weight beta) moves the encoder
        vq = F.mse_loss(e, z.detach()) + BETA * F.mse_loss(z, e.detach())
        (recon + vq).backward()
        opt.step()
        losses.append(recon.item())
        counts += torch.bincount(idx, minlength=K)
        if step % 10 == 9:
            # dead-code restart: a code no token chose in the last 10 batches moves
            # onto a random encoder output of this batch (not in the last 25%)
            dead = counts == 0
            if restart and step < 0.75 * STEPS and dead.any():
                pick = torch.randint(0, len(z), (int(dead.sum()),), generator=gen)
                codebook.data[dead] = z.detach()[pick]
            counts.zero_()
    with torch.no_grad():
        z = enc(x_test)
        idx = torch.cdist(z, codebook).argmin(1)
        mse = F.mse_loss(dec(codebook[idx]), x_test).item()
    p = torch.bincount(idx, minlength=K).float() / len(idx)
    p = p[p > 0]
    # perplexity = exp(entropy of the test tokens' codes): the effective codebook size
    perplexity = math.exp(-(p * p.log()).sum().item())
    start, end = sum(losses[:5]) / 5, sum(losses[-20:]) / 20
    return start, end, mse, len(p), perplexity


print(f"predicting the mean training digit: test MSE {mean_digit_mse:.3f}")
cols = f"{'test MSE':>9}{'codes used':>11}{'perplexity':>11}"
print(f"{'K = 64':<30}{'loss start':>11}{'end':>7}{cols}")
runs = {}
for name, kwargs in [
    ("no straight-through, restarts", dict(straight_through=False, restart=True)),
    ("straight-through, no restarts", dict()),
    ("straight-through, restarts", dict(restart=True)),
]:
    runs[name] = start, end, mse, used, ppl = train_vqvae(64, **kwargs)
    print(f"{name:<30}{start:>11.3f}{end:>7.3f}{mse:>9.3f}{used:>11}{ppl:>11.1f}")

raw = 64 * 8
print(f"\nraw digit: 64 pixels x 8 bits = {raw} bits")
print(f"{'K, restarts':<12}{cols}{'bits':>6}{'smaller':>9}")
for K in [8, 64, 512]:
    # K = 64 with restarts is the last model above
    _, _, mse, used, ppl = runs[name] if K == 64 else train_vqvae(K, restart=True)
    bits = 4 * math.log2(K)
    print(f"{K:<12}{mse:>9.3f}{used:>11}{ppl:>11.1f}{bits:>6.0f}{raw / bits:>8.1f}x")

# The same arithmetic at image-model scale: a 256x256 RGB image, 8 bits per value.
pixels = 256 * 256 * 3 * 8
print(f"\n256x256x3 bytes: {pixels:,} bits")
for grid, K in [(32, 8192), (16, 1024)]:
    bits = grid * grid * math.log2(K)
    ratio = pixels / bits
    print(f"{grid}x{grid} tokens, K = {K:,}: {bits:,.0f} bits, {ratio:.0f}x smaller")
