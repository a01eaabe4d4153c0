# --8<-- [start:matching]
import itertools

import numpy as np
from scipy.optimize import linear_sum_assignment


def giou(a, b):
    """Generalised IoU between every box in a and in b (x1, y1, x2, y2)."""
    lt, rb = (
        np.maximum(a[:, None, :2], b[None, :, :2]),
        np.minimum(a[:, None, 2:], b[None, :, 2:]),
    )
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    union = area(a)[:, None] + area(b)[None, :] - inter
    hull = (
        np.maximum(a[:, None, 2:], b[None, :, 2:])
        - np.minimum(a[:, None, :2], b[None, :, :2])
    ).prod(-1)
    return inter / union - (hull - union) / hull


def match_cost(prob, boxes, gt_cls, gt_box):
    """DETR's matching cost: -p(class) + 5 L1 + 2 (-GIoU), one row per query."""
    l1 = np.abs(boxes[:, None, :] - gt_box[None, :, :]).sum(-1)
    return -prob[:, gt_cls] + 5 * l1 - 2 * giou(boxes, gt_box)


# 3 objects (classes 0, 1, 2; class 3 = "no object"), normalised coordinates
gt_cls = np.array([0, 1, 2])
gt_box = np.array([[0.1, 0.1, 0.4, 0.4], [0.5, 0.2, 0.9, 0.6], [0.2, 0.6, 0.5, 0.9]])
# 6 queries: one good prediction per object, a duplicate of object 0, two stray boxes
boxes = np.array([
    [0.11, 0.10, 0.41, 0.39], [0.50, 0.22, 0.88, 0.60], [0.21, 0.61, 0.50, 0.88],
    [0.12, 0.12, 0.42, 0.42], [0.70, 0.70, 0.95, 0.95], [0.00, 0.50, 0.10, 0.60],
])  # fmt: skip
prob = np.array([
    [0.80, 0.05, 0.05, 0.10], [0.05, 0.80, 0.05, 0.10], [0.05, 0.05, 0.80, 0.10],
    [0.75, 0.05, 0.05, 0.15], [0.10, 0.10, 0.10, 0.70], [0.10, 0.10, 0.10, 0.70],
])  # fmt: skip
C = match_cost(prob, boxes, gt_cls, gt_box)
rows, cols = linear_sum_assignment(C)  # Hungarian: minimum-cost one-to-one matching
brute = min(
    sum(C[q, g] for g, q in enumerate(perm))
    for perm in itertools.permutations(range(len(boxes)), len(gt_cls))
)
print("query -> object:", dict(zip(rows.tolist(), cols.tolist())))
print(f"matching cost {C[rows, cols].sum():.3f}, brute force over 120 assignments: "
      f"{brute:.3f}")  # fmt: skip
target = np.full(len(boxes), 3)  # unmatched queries must predict "no object"
target[rows] = gt_cls[cols]
print("classification targets per query:", target.tolist())
# Anchor-style assignment instead: every prediction with IoU >= 0.5 is a positive
lt = np.maximum(boxes[:, None, :2], gt_box[None, :, :2])
rb = np.minimum(boxes[:, None, 2:], gt_box[None, :, 2:])
inter = np.clip(rb - lt, 0, None).prod(-1)
area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
iou = inter / (area(boxes)[:, None] + area(gt_box)[None, :] - inter)
print(f"positives, one-to-one: {len(rows)}; many-to-one (IoU >= 0.5): "
      f"{(iou.max(1) >= 0.5).sum()}")  # fmt: skip
# --8<-- [end:matching]

# --8<-- [start:stability]
import numpy as np
from scipy.optimize import linear_sum_assignment


def assignment(boxes, gt):
    cost = np.abs(boxes[:, None, :] - gt[None, :, :]).sum(-1)  # L1 on (cx, cy, w, h)
    q, g = linear_sum_assignment(cost)
    return q[np.argsort(g)]  # the query matched to each object


rng = np.random.default_rng(0)
n_queries, n_objects, trials = 100, 10, 200
flips = {"early (random boxes)": [], "late (queries near objects)": []}
for _ in range(trials):
    gt = rng.uniform(0.2, 0.8, size=(n_objects, 4))
    early = rng.uniform(0, 1, size=(n_queries, 4))
    late = early.copy()
    late[:n_objects] = gt + rng.normal(0, 0.02, size=gt.shape)
    for name, pred in [
        ("early (random boxes)", early),
        ("late (queries near objects)", late),
    ]:
        step = pred + rng.normal(0, 0.02, size=pred.shape)  # one small update
        flips[name].append(np.mean(assignment(pred, gt) != assignment(step, gt)))
for name, f in flips.items():
    print(
        f"{name:28s} objects whose matched query changes after one step: "
        f"{np.mean(f):.3f}"
    )
# --8<-- [end:stability]
