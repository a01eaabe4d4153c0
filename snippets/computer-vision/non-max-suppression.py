# --8<-- [start:nms]
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


def nms(boxes, scores, thr):
    """Greedy NMS: keep the best box, drop every box overlapping it by more than thr,
    repeat on what is left. Returns kept indices, best first."""
    order = np.argsort(-scores, kind="stable")
    ious = iou(boxes, boxes)
    keep = []
    while len(order):
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[ious[best, order] <= thr]
    return np.array(keep, int)


def nms_reference(boxes, scores, thr):
    """The textbook loop, one pair at a time."""
    keep = []
    for i in sorted(range(len(boxes)), key=lambda i: -scores[i]):
        if all(iou([boxes[i]], [boxes[k]])[0, 0] <= thr for k in keep):
            keep.append(i)
    return np.array(keep, int)


def soft_nms(boxes, scores, sigma=0.5, min_score=1e-3):
    """Gaussian Soft-NMS (Bodla et al. 2017): decay overlapping scores, drop none."""
    scores, ious = scores.astype(float).copy(), iou(boxes, boxes)
    todo, out = list(range(len(boxes))), []
    while todo:
        best = max(todo, key=lambda i: scores[i])
        todo.remove(best)
        out.append(best)
        for i in todo:
            scores[i] *= np.exp(-(ious[best, i] ** 2) / sigma)
    keep = np.array([i for i in out if scores[i] >= min_score], int)
    return keep, scores


rng = np.random.default_rng(0)
agree = 0
for _ in range(200):
    xy = rng.uniform(0, 80, (30, 2))
    b = np.hstack([xy, xy + rng.uniform(10, 40, (30, 2))])
    s = rng.random(30)
    agree += np.array_equal(nms(b, s, 0.5), nms_reference(b, s, 0.5))
print(f"vectorised NMS == reference loop on 200 random sets: {agree == 200}")
# --8<-- [end:nms]

# --8<-- [start:effect]
# A synthetic detector: several jittered boxes per object (duplicates), some
# false alarms, and crowded scenes where true objects overlap each other.
rng = np.random.default_rng(1)
images = []
for _ in range(60):
    gt = []
    for _ in range(rng.integers(2, 5)):
        x, y, s = rng.uniform(0, 150), rng.uniform(0, 150), rng.uniform(20, 40)
        gt.append([x, y, x + s, y + s])
        if rng.random() < 0.4:  # a second object overlapping the first
            dx = s * rng.uniform(0.3, 0.5)
            gt.append([x + dx, y + dx / 2, x + dx + s, y + dx / 2 + s])
    gt = np.array(gt)
    boxes, scores = [], []
    for g in gt:
        size = g[2] - g[0]
        for _ in range(5):
            b = g + rng.normal(0, 0.07 * size, 4)
            boxes.append(b)
            scores.append(0.6 * rng.random() + 0.4 * iou([b], [g])[0, 0])
    for _ in range(4):
        x, y, s = rng.uniform(0, 160), rng.uniform(0, 160), rng.uniform(20, 40)
        boxes.append([x, y, x + s, y + s])
        scores.append(0.7 * rng.random())
    images.append((gt, np.array(boxes), np.array(scores)))


def coco_ap(dets, thr):
    """101-point AP over all images; dets: per image (boxes, scores)."""
    flat = [(i, b, s) for i, (bs, ss) in enumerate(dets) for b, s in zip(bs, ss)]
    flat.sort(key=lambda d: -d[2])
    used = [np.zeros(len(gt), bool) for gt, _, _ in images]
    tp = []
    for i, b, _ in flat:
        o = iou([b], images[i][0])[0]
        o[used[i]] = -1
        j = o.argmax()
        tp.append(o[j] >= thr)
        used[i][j] |= tp[-1]
    tp = np.array(tp)
    recall = np.cumsum(tp) / sum(len(gt) for gt, _, _ in images)
    env = np.maximum.accumulate((np.cumsum(tp) / np.arange(1, len(tp) + 1))[::-1])[::-1]
    idx = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return np.mean([env[k] if k < len(env) else 0.0 for k in idx]), recall[-1]


def evaluate(name, dets):
    n = sum(len(s) for _, s in dets)
    ap50, recall50 = coco_ap(dets, 0.5)
    ap = np.mean([coco_ap(dets, t)[0] for t in np.linspace(0.5, 0.95, 10)])
    print(f"{name:20}{n:>6}{recall50:>11.3f}{ap50:>8.3f}{ap:>13.3f}")


print(f"{'':20}{'boxes':>6}{'recall@.5':>11}{'AP@.5':>8}{'AP@[.5:.95]':>13}")
evaluate("no NMS", [(b, s) for _, b, s in images])
for thr in (0.3, 0.5, 0.7):
    kept = [(b, s, nms(b, s, thr)) for _, b, s in images]
    evaluate(f"NMS, IoU > {thr}", [(b[k], s[k]) for b, s, k in kept])
soft = [(b, *soft_nms(b, s)) for _, b, s in images]
evaluate("Soft-NMS, sigma 0.5", [(b[k], s[k]) for b, k, s in soft])
print(f"ground-truth objects: {sum(len(gt) for gt, _, _ in images)}")
# --8<-- [end:effect]
