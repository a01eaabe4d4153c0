# --8<-- [start:anchors]
import numpy as np


def iou_matrix(a, b):
    """IoU between every box in a (N, 4) and in b (M, 4), as x1, y1, x2, y2."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def anchors(image_size, stride, sizes, ratios):
    """One anchor per (cell, size, ratio), centred on each cell of a stride-s map."""
    centres = np.arange(stride / 2, image_size, stride)
    cy, cx = np.meshgrid(centres, centres, indexing="ij")
    out = []
    for s in sizes:
        for r in ratios:  # r = height / width, area s * s
            w, h = s / np.sqrt(r), s * np.sqrt(r)
            out.append(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1))
    return np.stack(out, 2).reshape(-1, 4)


rng = np.random.default_rng(0)
# 4 objects in a 512 x 512 image, between 40 and 160 pixels on a side
wh = rng.uniform(40, 160, size=(4, 2))
xy = rng.uniform(0, 512 - wh)
gt = np.hstack([xy, xy + wh])

# A feature pyramid: each level handles objects of a matching size (FPN / RetinaNet).
levels = {8: 32, 16: 64, 32: 128, 64: 256}  # stride -> anchor size
A = np.vstack(
    [
        anchors(512, st, [sz, sz * 1.26, sz * 1.59], [0.5, 1, 2])
        for st, sz in levels.items()
    ]
)
iou = iou_matrix(A, gt)
best = iou.max(1)
pos = best >= 0.5  # RetinaNet's rule: IoU >= 0.5 positive, < 0.4 negative
neg = best < 0.4
pos[iou.argmax(0)] = True  # every object gets at least its best anchor
neg &= ~pos
print(f"anchors: {len(A):,} over {len(levels)} pyramid levels, objects: {len(gt)}")
print(f"positive {pos.sum()}, negative {neg.sum():,}, ignored {(~pos & ~neg).sum()}")
print(f"negatives per positive: {neg.sum() / pos.sum():.0f}")
print("best anchor IoU per object:", np.round(iou.max(0), 2))
# --8<-- [end:anchors]

# --8<-- [start:focal]
import numpy as np
import torch
import torch.nn.functional as F


def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    """Sigmoid focal loss per element (Lin et al. 2017): alpha_t (1 - p_t)^gamma CE.
    alpha=None turns the class weighting off."""
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = 1.0 if alpha is None else alpha * targets + (1 - alpha) * (1 - targets)
    return alpha_t * (1 - p_t) ** gamma * ce


# One-stage detector's view: 100,000 anchors, 100 objects. Most negatives are easy
# (background, p = 0.01), a few are hard (p = 0.6), positives sit at p = 0.7.
groups = {
    "positives": (100, 0.7, 1.0),
    "hard negatives": (900, 0.6, 0.0),
    "easy negatives": (99_000, 0.01, 0.0),
}
logit = lambda p: float(np.log(p / (1 - p)))  # noqa: E731
z = torch.cat([torch.full((n,), logit(p)) for n, p, _ in groups.values()])
t = torch.cat([torch.full((n,), y) for n, _, y in groups.values()])
ce = F.binary_cross_entropy_with_logits(z, t, reduction="none")
fl = focal_loss(z, t)
no_focus = focal_loss(z, t, alpha=None, gamma=0.0)
print(f"gamma=0, no alpha is plain cross-entropy: {torch.allclose(no_focus, ce)}")
print(f"{'share of the total loss':24s} {'cross-entropy':>13s} {'focal':>7s}")
start = 0
for name, (n, _, _) in groups.items():
    part = slice(start, start + n)
    start += n
    print(
        f"{name:24s} {ce[part].sum() / ce.sum():>13.3f} "
        f"{fl[part].sum() / fl.sum():>7.3f}"
    )
# --8<-- [end:focal]
