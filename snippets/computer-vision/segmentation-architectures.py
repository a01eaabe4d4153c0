import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
start = time.process_time()


def shapes(n, size=24, seed=0):
    """Noisy images with 1-3 random disks or rectangles; the mask is the truth."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size]
    X = np.zeros((n, 1, size, size), np.float32)
    Y = np.zeros((n, 1, size, size), np.float32)
    for i in range(n):
        for _ in range(rng.integers(1, 4)):
            cy, cx, r = (
                rng.uniform(5, size - 5),
                rng.uniform(5, size - 5),
                rng.uniform(2.5, 5.5),
            )
            if rng.random() < 0.5:
                m = (yy - cy) ** 2 + (xx - cx) ** 2 < r**2
            else:
                m = (abs(yy - cy) < r) & (abs(xx - cx) < rng.uniform(2, 6))
            Y[i, 0][m] = 1
        X[i, 0] = Y[i, 0] * rng.uniform(0.5, 1) + rng.normal(0, 0.35, (size, size))
    return torch.tensor(X), torch.tensor(Y)


def block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(),
    )  # fmt: skip


class UNet(nn.Module):
    """Two down-sampling steps; skip=True concatenates encoder features in."""

    def __init__(self, skip=True, c=6):
        super().__init__()
        self.skip = skip
        k = 2 if skip else 1
        self.e1, self.e2, self.mid = block(1, c), block(c, 2 * c), block(2 * c, 4 * c)
        self.u2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2)
        self.d2 = block(k * 2 * c, 2 * c)
        self.u1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.d1 = block(k * c, c)
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        f1 = self.e1(x)  # 24 x 24
        f2 = self.e2(F.max_pool2d(f1, 2))  # 12 x 12
        h = self.mid(F.max_pool2d(f2, 2))  # 6 x 6
        h = self.u2(h)
        h = self.d2(torch.cat([h, f2], 1) if self.skip else h)
        h = self.u1(h)
        h = self.d1(torch.cat([h, f1], 1) if self.skip else h)
        return self.out(h)


def iou(logits, y):
    pred = logits > 0
    return ((pred & (y > 0)).sum() / (pred | (y > 0)).sum()).item()


def boundary_iou(logits, y):
    """IoU restricted to pixels within 1 pixel of an object edge."""
    edge = (F.max_pool2d(y, 3, 1, 1) - (-F.max_pool2d(-y, 3, 1, 1))) > 0
    pred = (logits > 0) & edge
    true = (y > 0) & edge
    return ((pred & true).sum() / (pred | true).sum()).item()


Xtr, Ytr = shapes(512, seed=0)
Xte, Yte = shapes(128, seed=1)
print(f"{'model':16s} {'params':>7s} {'IoU':>6s} {'boundary IoU':>12s}")
for run in range(3):
    for skip in [True, False]:
        torch.manual_seed(run)
        model = UNet(skip)
        opt = torch.optim.Adam(model.parameters(), lr=2e-3)
        for _ in range(120):
            i = torch.randint(0, len(Xtr), (16,))
            logits = model(Xtr[i])
            p = torch.sigmoid(logits)
            dice = 1 - 2 * (p * Ytr[i]).sum() / (p.sum() + Ytr[i].sum())
            loss = F.binary_cross_entropy_with_logits(logits, Ytr[i]) + dice
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            out = model(Xte)
        name = f"{'U-Net' if skip else 'no skips'} (run {run})"
        n = sum(p.numel() for p in model.parameters())
        print(
            f"{name:16s} {n:>7,} {iou(out, Yte):>6.3f} {boundary_iou(out, Yte):>12.3f}"
        )
print(f"{time.process_time() - start:.1f} s CPU", file=sys.stderr)
