# --8<-- [start:signature]
import numpy as np


def coco_map(
    pred_boxes: np.ndarray,
    pred_scores: np.ndarray,
    pred_labels: np.ndarray,
    pred_images: np.ndarray,
    gt_boxes: np.ndarray,
    gt_labels: np.ndarray,
    gt_images: np.ndarray,
    iou_thresholds: np.ndarray | None = None,
) -> float:
    """COCO-style mAP: AP averaged over IoU thresholds and classes (no crowd boxes).

    Boxes are [x1, y1, x2, y2]; labels are class ids; images are image ids.
    iou_thresholds defaults to COCO's ten, np.linspace(0.5, 0.95, 10). For each class
    that has ground truth (a class with none is skipped) and each threshold: take the
    class's detections in descending score (stable); each one matches the
    still-unmatched ground-truth box of its class and image with the highest IoU, if
    that IoU >= the threshold (a true positive), else it is a false positive.
    Precision = TP / detections so far, recall = TP / ground-truth boxes of the class.
    AP is the mean over the 101 recall points np.linspace(0, 1, 101) of the highest
    precision at any recall >= the point (0 if recall never reaches it). Returns the
    mean AP over classes and thresholds.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np

COCO_RECALL_POINTS = np.linspace(0.0, 1.0, 101)


def pairwise_box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def greedy_match(ious: np.ndarray, threshold: float) -> np.ndarray:
    """True-positive flags for the rows of ious (detections of one image and class, in
    descending score) against its columns (the ground-truth boxes)."""
    taken = np.zeros(ious.shape[1], dtype=bool)
    is_tp = np.zeros(ious.shape[0], dtype=bool)
    for d in range(ious.shape[0]):
        free = np.where(taken, -1.0, ious[d])
        g = free.argmax()
        if free[g] >= threshold:
            taken[g] = is_tp[d] = True
    return is_tp


def ap_101_points(is_tp: np.ndarray, n_gt: int) -> float:
    """AP of one class at one threshold: is_tp in descending score."""
    if is_tp.size == 0:
        return 0.0
    cum_tp = np.cumsum(is_tp)
    precision = cum_tp / np.arange(1, is_tp.size + 1)
    recall = cum_tp / n_gt
    # precision made monotone from the right, as pycocotools does
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    # read at the first detection whose recall reaches each recall point
    first = np.searchsorted(recall, COCO_RECALL_POINTS, side="left")
    reached = first < is_tp.size
    return float(envelope[first[reached]].sum() / COCO_RECALL_POINTS.size)


def coco_map(
    pred_boxes: np.ndarray,
    pred_scores: np.ndarray,
    pred_labels: np.ndarray,
    pred_images: np.ndarray,
    gt_boxes: np.ndarray,
    gt_labels: np.ndarray,
    gt_images: np.ndarray,
    iou_thresholds: np.ndarray | None = None,
) -> float:
    if iou_thresholds is None:
        iou_thresholds = np.linspace(0.5, 0.95, 10)
    thresholds = np.asarray(iou_thresholds, dtype=float)
    aps = []
    for label in np.unique(gt_labels):
        gts = np.flatnonzero(gt_labels == label)
        dets = np.flatnonzero(pred_labels == label)
        ranked = dets[np.argsort(-pred_scores[dets], kind="stable")]
        is_tp = np.zeros((thresholds.size, ranked.size), dtype=bool)
        for image in np.unique(pred_images[ranked]):
            # this image's detections, still in descending score
            rows = np.flatnonzero(pred_images[ranked] == image)
            image_gts = gts[gt_images[gts] == image]
            if image_gts.size == 0:
                continue
            ious = pairwise_box_iou(pred_boxes[ranked[rows]], gt_boxes[image_gts])
            for t, threshold in enumerate(thresholds):
                is_tp[t, rows] = greedy_match(ious, threshold)
        aps += [ap_101_points(flags, gts.size) for flags in is_tp]
    return float(np.mean(aps))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest

# image 0: two cats; image 1: one dog (class 0 = cat, 1 = dog)
WORKED_GT = (
    np.array([[0, 0, 10, 10], [20, 0, 30, 10], [0, 0, 10, 10]], dtype=float),
    np.array([0, 0, 1]),
    np.array([0, 0, 1]),
)
# a cat, its duplicate, the second cat at IoU 0.72, the dog at IoU 0.72
WORKED_PREDS = (
    np.array(
        [[0, 0, 10, 10], [0, 0, 10, 10], [20, 0, 30, 7.2], [0, 0, 10, 7.2]],
        dtype=float,
    ),
    np.array([0.9, 0.8, 0.7, 0.6]),
    np.array([0, 0, 0, 1]),
    np.array([0, 0, 0, 1]),
)


def test_coco_map_worked_example():
    # cat: TP, FP, TP up to 0.70 -> (51 * 1 + 50 * 2/3) / 101 = 253/303;
    # TP, FP, FP from 0.75 -> 51/101 = 153/303; dog: 1 up to 0.70, 0 from 0.75
    cat = (253 / 303 + 153 / 303) / 2
    assert coco_map(*WORKED_PREDS, *WORKED_GT) == pytest.approx((cat + 0.5) / 2)
    ap50 = coco_map(*WORKED_PREDS, *WORKED_GT, iou_thresholds=[0.5])
    assert ap50 == pytest.approx((253 / 303 + 1) / 2)


def test_coco_map_one_detection_counts_up_to_its_iou():
    gt = (np.array([[0, 0, 10, 10]], dtype=float), np.zeros(1), np.zeros(1))
    one = (np.array([0.9]), np.zeros(1), np.zeros(1))
    assert coco_map(gt[0], *one, *gt) == pytest.approx(1.0)
    # IoU 0.72 (not exactly 0.70, which would sit on a threshold): a TP at
    # 0.50, 0.55, 0.60, 0.65, 0.70 and a FP at the five thresholds above
    loose = np.array([[0, 0, 10, 7.2]])
    assert coco_map(loose, *one, *gt) == pytest.approx(5 / 10)
    assert coco_map(loose, *one, *gt, iou_thresholds=[0.7]) == pytest.approx(1.0)
    assert coco_map(loose, *one, *gt, iou_thresholds=[0.75]) == 0.0


def test_coco_map_duplicate_is_a_false_positive():
    gt = (
        np.array([[0, 0, 10, 10], [20, 0, 30, 10]], dtype=float),
        np.zeros(2),
        np.zeros(2),
    )
    boxes = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [20, 0, 30, 10]], dtype=float)
    labels, images = np.zeros(3), np.zeros(3)
    # TP, FP, TP: precision 1 up to recall 0.5 (51 points), 2/3 above (50 points)
    ap = coco_map(boxes, np.array([0.9, 0.8, 0.7]), labels, images, *gt)
    assert ap == pytest.approx((51 + 50 * 2 / 3) / 101)
    # ranked below both true positives, the duplicate costs nothing
    ap = coco_map(boxes, np.array([0.9, 0.6, 0.7]), labels, images, *gt)
    assert ap == pytest.approx(1.0)
    # matching is redone at each threshold: at 0.5 the loose box (IoU 0.72) takes
    # the object and the exact one is a duplicate; at 0.75 the exact one takes it
    boxes = np.array([[0, 0, 10, 7.2], [0, 0, 10, 10]])
    preds = (boxes, np.array([0.9, 0.8]), np.zeros(2), np.zeros(2))
    one = (boxes[1:], np.zeros(1), np.zeros(1))
    # TP then FP: precision 1 at recall 1; FP then TP: precision 1/2 at recall 1
    assert coco_map(*preds, *one, iou_thresholds=[0.5]) == pytest.approx(1.0)
    assert coco_map(*preds, *one, iou_thresholds=[0.75]) == pytest.approx(0.5)


def test_coco_map_classes_are_matched_and_averaged_separately():
    box = np.array([[0, 0, 10, 10]], dtype=float)
    gt = (box, np.array([0]), np.array([0]))
    # a dog detection on the cat matches nothing; the dog class has no ground
    # truth and is skipped; the cat class has no detection: AP 0
    assert coco_map(box, np.array([0.9]), np.array([1]), np.array([0]), *gt) == 0.0
    # a correct cat and a stray dog detection elsewhere: only the cat class counts
    boxes = np.array([[0, 0, 10, 10], [50, 50, 60, 60]], dtype=float)
    ap = coco_map(boxes, np.array([0.5, 0.9]), np.array([0, 1]), np.zeros(2), *gt)
    assert ap == pytest.approx(1.0)
    # a found cat and a missed dog: mean over classes (1 + 0) / 2
    two = (np.vstack([box, box + 50]), np.array([0, 1]), np.zeros(2))
    assert coco_map(box, np.array([0.9]), np.array([0]), np.zeros(1), *two) == 0.5


def brute_force_map(preds, gts, thresholds, recall_points):
    """preds: (score, label, image, box) tuples; gts: (label, image, box) tuples."""

    def iou(p, q):
        w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
        h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
        area_p = (p[2] - p[0]) * (p[3] - p[1])
        area_q = (q[2] - q[0]) * (q[3] - q[1])
        return w * h / (area_p + area_q - w * h)

    aps = []
    for label in sorted({g[0] for g in gts}):
        objects = [g for g in gts if g[0] == label]
        ranked = sorted((p for p in preds if p[1] == label), key=lambda p: -p[0])
        for threshold in thresholds:
            found, points, tp = set(), [], 0
            for k, (_, _, image, box) in enumerate(ranked, start=1):
                best, best_iou = None, threshold
                for j, (_, g_image, g_box) in enumerate(objects):
                    free = g_image == image and j not in found
                    if free and iou(box, g_box) >= best_iou:
                        best, best_iou = j, iou(box, g_box)
                if best is not None:
                    found.add(best)
                    tp += 1
                points.append((tp / len(objects), tp / k))
            # interpolated precision at r: the best precision at any recall >= r
            aps.append(
                np.mean(
                    [
                        max([p for r, p in points if r >= q], default=0.0)
                        for q in recall_points
                    ]
                )
            )
    return float(np.mean(aps))


def test_coco_map_matches_a_brute_force_implementation():
    rng = np.random.default_rng(0)
    gts, preds = [], []
    for image in range(8):
        for _ in range(rng.integers(0, 5)):
            label = int(rng.integers(0, 3))
            corner = rng.uniform(0, 80, 2)
            box = np.r_[corner, corner + rng.uniform(10, 40, 2)]
            gts.append((label, image, box))
            # 0 to 2 detections per object, with noisy corners; some get a wrong label
            for _ in range(rng.integers(0, 3)):
                noisy = box + rng.normal(0, 3, 4)
                wrong = rng.random() < 0.15
                preds.append(
                    (rng.random(), (label + 1) % 3 if wrong else label, image, noisy)
                )
        for _ in range(2):
            corner = rng.uniform(0, 80, 2)
            box = np.r_[corner, corner + rng.uniform(10, 40, 2)]
            # class 3 has no ground truth: its detections must be ignored
            preds.append((rng.random(), int(rng.integers(0, 4)), image, box))
    thresholds = np.linspace(0.5, 0.95, 10)
    expected = brute_force_map(preds, gts, thresholds, np.linspace(0, 1, 101))
    pred_arrays = (
        np.array([p[3] for p in preds]),
        np.array([p[0] for p in preds]),
        np.array([p[1] for p in preds]),
        np.array([p[2] for p in preds]),
    )
    gt_arrays = (
        np.array([g[2] for g in gts]),
        np.array([g[0] for g in gts]),
        np.array([g[1] for g in gts]),
    )
    assert 0.1 < expected < 0.9
    assert coco_map(*pred_arrays, *gt_arrays) == pytest.approx(expected, rel=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_coco_map_worked_example,
    test_coco_map_one_detection_counts_up_to_its_iou,
    test_coco_map_duplicate_is_a_false_positive,
    test_coco_map_classes_are_matched_and_averaged_separately,
    test_coco_map_matches_a_brute_force_implementation,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
ap = coco_map(*WORKED_PREDS, *WORKED_GT)
ap50 = coco_map(*WORKED_PREDS, *WORKED_GT, iou_thresholds=[0.5])
print(f"worked example: AP@[.5:.95] {ap:.4f}, AP50 {ap50:.4f}")

# A simulated detector on 150 images and 3 classes finds 90% of the objects and adds
# one false positive per image, mostly ranked below the hits. Only the localisation
# noise changes: each corner moves by noise x (box width or height) x N(0, 1).
rng = np.random.default_rng(0)
n_images = 150
counts = rng.integers(1, 5, n_images)
gt_images = np.repeat(np.arange(n_images), counts)
gt_labels = rng.integers(0, 3, gt_images.size)
corners = rng.uniform(0, 400, (gt_images.size, 2))
gt_boxes = np.hstack([corners, corners + rng.uniform(20, 100, (gt_images.size, 2))])
found = rng.random(gt_images.size) < 0.9
shake = rng.normal(0, 1, (gt_images.size, 4))
hit_scores = rng.uniform(0.3, 1.0, gt_images.size)
corners = rng.uniform(0, 400, (n_images, 2))
fp_boxes = np.hstack([corners, corners + rng.uniform(20, 100, (n_images, 2))])
fp_scores = rng.uniform(0.0, 0.7, n_images)
fp_labels = rng.integers(0, 3, n_images)
size = np.tile(gt_boxes[:, 2:] - gt_boxes[:, :2], 2)
print(f"{gt_images.size} objects, {found.sum()} detected, {n_images} false positives")
print("noise  median IoU   AP50   AP75  AP@[.5:.95]")
for noise in (0.0, 0.05, 0.1, 0.2):
    moved = gt_boxes + noise * size * shake
    # keep x1 <= x2 and y1 <= y2
    noisy = np.hstack(
        [np.minimum(moved[:, :2], moved[:, 2:]), np.maximum(moved[:, :2], moved[:, 2:])]
    )
    own_iou = np.median(np.diag(pairwise_box_iou(noisy, gt_boxes)))
    preds = (
        np.vstack([noisy[found], fp_boxes]),
        np.r_[hit_scores[found], fp_scores],
        np.r_[gt_labels[found], fp_labels],
        np.r_[gt_images[found], np.arange(n_images)],
    )
    gts = (gt_boxes, gt_labels, gt_images)
    ap50 = coco_map(*preds, *gts, iou_thresholds=[0.5])
    ap75 = coco_map(*preds, *gts, iou_thresholds=[0.75])
    ap = coco_map(*preds, *gts)
    print(f"{noise:5.2f}  {own_iou:10.3f}  {ap50:.3f}  {ap75:.3f}  {ap:11.3f}")
# --8<-- [end:check]
