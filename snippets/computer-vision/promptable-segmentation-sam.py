import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
start = time.process_time()
S = 32
yy, xx = np.mgrid[:S, :S]
LEVELS = ["whole", "part", "sub-part"]


def region(rng, y0, x0, h, w):
    """A filled rectangle or ellipse inside the box (y0, x0, h, w)."""
    if rng.random() < 0.5:
        return (yy >= y0) & (yy < y0 + h) & (xx >= x0) & (xx < x0 + w)
    cy, cx = y0 + (h - 1) / 2, x0 + (w - 1) / 2
    return ((yy - cy) / (h / 2)) ** 2 + ((xx - cx) / (w / 2)) ** 2 <= 1


def inner_box(rng, y0, x0, h, w, lo, hi):
    """A box of lo-hi times the size of (h, w), at a random place well inside it."""
    ih = max(3, int(h * rng.uniform(lo, hi)))
    iw = max(3, int(w * rng.uniform(lo, hi)))
    iy = y0 + (h - ih) // 4 + rng.integers(0, (h - ih) // 2 + 1)
    ix = x0 + (w - iw) // 4 + rng.integers(0, (w - iw) // 2 + 1)
    return iy, ix, ih, iw


def nested(rng, y0, x0, h, w):
    """Three nested masks: whole object, a part inside it, a sub-part inside that."""
    box = (y0, x0, h, w)
    masks = [region(rng, *box)]
    for lo, hi in [(0.5, 0.7), (0.45, 0.65)]:
        box = inner_box(rng, *box, lo, hi)
        masks.append(region(rng, *box) & masks[-1])
    return masks


def make(n, seed):
    """Image with a clicked object and a distractor; click map; 3 nested masks."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 2, S, S), np.float32)
    M = np.zeros((n, 3, S, S), np.float32)
    for i in range(n):
        while True:
            h, w = rng.integers(12, 19, 2)
            y0, x0 = rng.integers(0, S - h + 1), rng.integers(0, S - w + 1)
            masks = nested(rng, y0, x0, h, w)
            if masks[2].sum() >= 4:
                break
        # a smaller distractor object with a part, away from the clicked object
        for _ in range(50):
            dh, dw = rng.integers(6, 11, 2)
            dy, dx = rng.integers(0, S - dh + 1), rng.integers(0, S - dw + 1)
            if dy > y0 + h or dy + dh < y0 or dx > x0 + w or dx + dw < x0:
                other = nested(rng, dy, dx, dh, dw)[:2]
                break
        else:
            other = [np.zeros((S, S), bool)] * 2
        img = 0.35 * (masks[0] | other[0]) + 0.3 * (masks[1] | other[1])
        img = img + 0.35 * masks[2] + rng.normal(0, 0.1, (S, S))
        ys, xs = np.nonzero(masks[2])
        k = rng.integers(len(ys))
        click = np.exp(-((yy - ys[k]) ** 2 + (xx - xs[k]) ** 2) / 2.0)
        X[i] = img, click
        M[i] = masks
    return torch.tensor(X), torch.tensor(M)


class Net(nn.Module):
    """A tiny encoder-decoder; k mask logits, plus k predicted IoUs if iou_head."""

    def __init__(self, k, iou_head=False, c=16):
        super().__init__()
        self.inp = nn.Conv2d(2, c, 4, stride=2, padding=1)
        self.mid = nn.ModuleList(
            [nn.Conv2d(c, c, 3, padding=d, dilation=d) for d in (1, 2, 4, 8)]
        )
        self.out = nn.Conv2d(c, k, 1)
        self.iou = nn.Linear(c + k, k) if iou_head else None

    def forward(self, x):
        # 16 x 16 features; dilation 1, 2, 4, 8 lets a pixel see the whole image
        h = F.relu(self.inp(x))
        for conv in self.mid:
            h = F.relu(conv(h)) + h
        logits = F.interpolate(self.out(h), scale_factor=2.0, mode="bilinear")
        if self.iou is None:
            return logits, None
        pooled = torch.cat([h.mean((2, 3)), torch.sigmoid(logits).mean((2, 3))], 1)
        return logits, self.iou(pooled)


def iou(pred, target):
    inter = (pred & target).sum((-2, -1)).float()
    union = (pred | target).sum((-2, -1)).float()
    return inter / union.clamp(min=1)


def train(model, X, M, steps=300, batch=32):
    g = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        i = torch.randint(0, len(X), (batch,), generator=g)
        # the target is one of the three nested masks, at random
        level = torch.randint(0, 3, (batch,), generator=g)
        y = M[i, level].unsqueeze(1)
        logits, p_iou = model(X[i])
        bce = F.binary_cross_entropy_with_logits(
            logits, y.expand_as(logits), reduction="none"
        ).mean((2, 3))
        if p_iou is None:
            loss = bce.mean()
        else:
            # SAM: back-propagate only the lowest of the three mask losses
            true_iou = iou(logits > 0, y > 0.5).detach()
            loss = bce.min(1).values.mean() + F.mse_loss(p_iou, true_iou)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


Xtr, Mtr = make(3000, seed=0)
Xte, Mte = make(600, seed=1)
torch.manual_seed(0)
single = train(Net(1), Xtr, Mtr)
torch.manual_seed(0)
multi = train(Net(3, iou_head=True), Xtr, Mtr)
with torch.no_grad():
    p1 = torch.sigmoid(single(Xte)[0][:, 0])
    logits3, p_iou = multi(Xte)
pred1 = p1 > 0.5
pred3 = logits3 > 0
T = Mte > 0.5
# IoU of every output (n, 3 outputs) against every granularity (n, 3 targets)
grid = torch.stack([iou(pred3, T[:, [t]].expand_as(pred3)) for t in range(3)], 2)
pick = p_iou.argmax(1)
picked = grid[torch.arange(len(T)), pick]  # (n, 3 targets)
print(f"{len(Xte)} held-out images; the click is always on the sub-part")
print("IoU against the target        single output  best of 3  IoU-head pick")
for t, name in enumerate(LEVELS):
    single_iou = iou(pred1, T[:, t]).mean()
    best = grid[:, :, t].max(1).values.mean()
    print(
        f"target = {name:8s}             {single_iou:13.3f}  {best:9.3f}"
        f"  {picked[:, t].mean():13.3f}"
    )
spec = grid.mean(0)  # (outputs, targets)
for k in range(3):
    t = spec[k].argmax().item()
    print(f"output {k} matches {LEVELS[t]:8s} (mean IoU {spec[k, t]:.3f})")
# the granularity each picked output matches best, against the uniform targets
pick_level = grid[torch.arange(len(T)), pick].argmax(1)
share = torch.bincount(pick_level, minlength=3).float() / len(T)
print(
    "IoU head picks: "
    + ", ".join(f"{LEVELS[t]} {share[t]:.3f}" for t in range(3))
    + " (targets: 0.333 each)"
)
# the IoU head is trained on one random target, so it learns the expected IoU
expected = grid.mean(2)[torch.arange(len(T)), pick].mean()
print(
    f"picked output: predicted IoU {p_iou.max(1).values.mean():.3f},"
    f" mean IoU over the 3 targets {expected:.3f}"
)
rings = {
    "sub-part": T[:, 2],
    "part minus sub-part": T[:, 1] & ~T[:, 2],
    "whole minus part": T[:, 0] & ~T[:, 1],
    "background": ~T[:, 0],
}
print("single output, mean probability in each ring (share of targets covering it)")
for (name, ring), share_t in zip(rings.items(), [1.0, 2 / 3, 1 / 3, 0.0]):
    print(f"  {name:20s} {p1[ring].mean():.3f}  ({share_t:.3f})")
print(f"{time.process_time() - start:.1f} s CPU", file=sys.stderr)
