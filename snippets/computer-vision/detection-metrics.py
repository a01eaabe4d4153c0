# --8<-- [start:iou]
import numpy as np


def iou(a, b):
    """Pairwise IoU of boxes a (N, 4) and b (M, 4), corners (x1, y1, x2, y2)."""
    a, b = np.asarray(a, float)[:, None], np.asarray(b, float)[None]
    w = np.clip(
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None
    )
    h = np.clip(
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    inter = w * h
    area = lambda r: (r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


def iou_by_pixels(a, b, size=64):
    """Brute force: paint both boxes on a grid of unit cells and count."""
    grid = np.zeros((2, size, size), bool)
    for g, (x1, y1, x2, y2) in zip(grid, (a, b)):
        g[y1:y2, x1:x2] = True
    return (grid[0] & grid[1]).sum() / (grid[0] | grid[1]).sum()


rng = np.random.default_rng(0)
xy = rng.integers(0, 40, (200, 2))
boxes = np.hstack([xy, xy + rng.integers(1, 24, (200, 2))])
fast = iou(boxes[:100], boxes[100:])
slow = np.array([[iou_by_pixels(a, b) for b in boxes[100:]] for a in boxes[:100]])
print(f"vectorised IoU == pixel counting on 10,000 pairs: {np.allclose(fast, slow)}")
box = [[0, 0, 10, 10]]
print(f"same box: {iou(box, box)[0, 0]:.3f}")
print(f"shifted by half its width: {iou(box, [[5, 0, 15, 10]])[0, 0]:.3f}")
print(f"twice as wide and tall, same centre: {iou(box, [[-5, -5, 15, 15]])[0, 0]:.3f}")
# --8<-- [end:iou]

# --8<-- [start:ap]
import numpy as np


def iou(a, b):
    a, b = np.asarray(a, float)[:, None], np.asarray(b, float)[None]
    w = np.clip(
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None
    )
    h = np.clip(
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    area = lambda r: (r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1])  # noqa: E731
    return w * h / (area(a) + area(b) - w * h)


# One class, three images. Ground truth: 6 objects. Predictions: (image, box, score).
gts = {
    0: [[10, 10, 50, 50], [60, 60, 100, 100]],
    1: [[20, 20, 60, 80], [70, 10, 110, 40]],
    2: [[0, 0, 40, 40], [50, 50, 90, 90]],
}
preds = [
    (0, [12, 12, 50, 52], 0.95),  # good
    (0, [14, 8, 52, 48], 0.90),  # duplicate of the first: a false positive
    (1, [22, 24, 60, 80], 0.85),  # good
    (2, [5, 5, 45, 45], 0.80),  # decent: IoU 0.62
    (1, [120, 120, 150, 150], 0.70),  # nothing there
    (0, [66, 66, 106, 106], 0.60),  # loose: IoU 0.57
    (1, [73, 12, 110, 41], 0.50),  # good
    (2, [50, 50, 70, 70], 0.30),  # covers a quarter of the object: IoU 0.25
]  # the object at [50, 50, 90, 90] in image 2 is never found well


def match(preds, gts, thr):
    """COCO-style greedy matching: by descending score, each prediction takes the
    unmatched ground truth it overlaps most, if that IoU >= thr; else it is a FP."""
    order = np.argsort([-s for _, _, s in preds], kind="stable")
    used = {img: np.zeros(len(b), bool) for img, b in gts.items()}
    tp = []
    for k in order:
        img, box, _ = preds[k]
        ious = iou([box], gts[img])[0]
        ious[used[img]] = -1
        j = ious.argmax()
        tp.append(bool(ious[j] >= thr))
        if tp[-1]:
            used[img][j] = True
    tp = np.array(tp)
    n_gt = sum(len(b) for b in gts.values())
    recall = np.cumsum(tp) / n_gt
    precision = np.cumsum(tp) / np.arange(1, len(tp) + 1)
    return tp, precision, recall


def ap_all_points(precision, recall):
    """VOC 2010+: area under the precision envelope (max precision to the right)."""
    r = np.concatenate([[0], recall])
    p = np.maximum.accumulate(np.concatenate([precision, [0]])[::-1])[::-1]
    return np.sum((r[1:] - r[:-1]) * p[:-1])


def ap_points(precision, recall, n):
    """VOC 2007 (n=11) and COCO (n=101): mean interpolated precision at n recalls."""
    env = np.maximum.accumulate(precision[::-1])[::-1]
    idx = np.searchsorted(recall, np.linspace(0, 1, n), side="left")
    return np.mean([env[i] if i < len(env) else 0.0 for i in idx])


tp, precision, recall = match(preds, gts, 0.5)
print("rank  score  best IoU  TP  precision  recall")
ranked = sorted(preds, key=lambda p: -p[2])
for k, ((img, box, s), t, p, r) in enumerate(zip(ranked, tp, precision, recall), 1):
    best = iou([box], gts[img]).max()
    print(f"{k:4}  {s:5.2f}  {best:8.2f}  {int(t):2}  {p:9.3f}  {r:6.3f}")
print(f"AP@0.5  all-point (VOC 2010+): {ap_all_points(precision, recall):.3f}")
print(f"AP@0.5  11-point (VOC 2007):   {ap_points(precision, recall, 11):.3f}")
print(f"AP@0.5  101-point (COCO):      {ap_points(precision, recall, 101):.3f}")
thresholds = np.linspace(0.5, 0.95, 10)
aps = [ap_points(*match(preds, gts, t)[1:], 101) for t in thresholds]
print("COCO AP per IoU threshold:", " ".join(f"{a:.2f}" for a in aps))
print(f"AP@[.5:.95] (COCO 'AP'):   {np.mean(aps):.3f}")
# --8<-- [end:ap]
