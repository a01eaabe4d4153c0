# --8<-- [start:signature]
import numpy as np


def detection_ap(
    pred_boxes: np.ndarray,
    pred_scores: np.ndarray,
    pred_images: np.ndarray,
    gt_boxes: np.ndarray,
    gt_images: np.ndarray,
    iou_threshold: float = 0.5,
) -> float:
    """Average precision of one object class over a set of images.

    Detections (boxes [x1, y1, x2, y2], scores, image ids) are taken in descending
    score. Each one matches the still-unmatched ground-truth box of its own image with
    the highest IoU, if that IoU >= iou_threshold (a true positive); otherwise it is a
    false positive. After each detection, precision = TP / detections so far and
    recall = TP / number of ground-truth boxes. AP is the area under the precision
    envelope (the precision at recall r replaced by the highest precision at any
    recall >= r), summed over the recall steps. Returns 0.0 if there are no detections.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def iou_one_to_many(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    w = np.clip(
        np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None
    )
    h = np.clip(
        np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None
    )
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return w * h / (area + areas - w * h)


def detection_ap(
    pred_boxes: np.ndarray,
    pred_scores: np.ndarray,
    pred_images: np.ndarray,
    gt_boxes: np.ndarray,
    gt_images: np.ndarray,
    iou_threshold: float = 0.5,
) -> float:
    if len(pred_scores) == 0:
        return 0.0
    order = np.argsort(-pred_scores, kind="stable")
    matched = np.zeros(len(gt_boxes), dtype=bool)
    tp = np.zeros(len(order))
    for rank, d in enumerate(order):
        candidates = np.flatnonzero((gt_images == pred_images[d]) & ~matched)
        if candidates.size:
            ious = iou_one_to_many(pred_boxes[d], gt_boxes[candidates])
            best = ious.argmax()
            if ious[best] >= iou_threshold:
                tp[rank] = 1
                matched[candidates[best]] = True
    cum_tp = np.cumsum(tp)
    precision = cum_tp / np.arange(1, len(tp) + 1)
    recall = cum_tp / len(gt_boxes)
    envelope = np.maximum.accumulate(precision[::-1])[
        ::-1
    ]  # max precision to the right
    return float(np.sum(np.diff(np.r_[0.0, recall]) * envelope))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def test_detection_ap_worked_example():
    gt_boxes = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=float)
    gt_images = np.array([0, 0, 1])
    pred_boxes = np.array(
        [[0, 0, 10, 10], [50, 50, 60, 60], [1, 1, 10, 10]], dtype=float
    )
    pred_scores = np.array([0.9, 0.8, 0.7])
    pred_images = np.array([0, 1, 1])
    # TP, FP, TP with 3 boxes to find: precision 1, 1/2, 2/3 at recall 1/3, 1/3, 2/3
    ap = detection_ap(pred_boxes, pred_scores, pred_images, gt_boxes, gt_images)
    assert ap == pytest.approx(1 / 3 * 1 + 1 / 3 * 2 / 3)


def test_detection_ap_duplicate_detection_is_a_false_positive():
    gt_boxes = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], dtype=float)
    pred_boxes = np.array(
        [[0, 0, 10, 10], [0, 0, 10, 10], [20, 0, 30, 10]], dtype=float
    )
    ap = detection_ap(
        pred_boxes, np.array([0.9, 0.8, 0.7]), np.zeros(3), gt_boxes, np.zeros(2)
    )
    assert ap == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_detection_ap_matches_the_best_unmatched_box():
    # two overlapping objects; the second detection overlaps the first object best, but
    # that one is taken, and it overlaps the second object by 0.74 >= 0.5: a TP
    gt_boxes = np.array([[0, 0, 10, 10], [2, 0, 12, 10]], dtype=float)
    pred_boxes = np.array([[0, 0, 10, 10], [0.5, 0, 10.5, 10]])
    ap = detection_ap(
        pred_boxes, np.array([0.9, 0.8]), np.zeros(2), gt_boxes, np.zeros(2)
    )
    assert ap == pytest.approx(1.0)


def test_detection_ap_image_ids_and_empty_input():
    gt_boxes = np.array([[0, 0, 10, 10]], dtype=float)
    # the right box in the wrong image matches nothing
    ap = detection_ap(gt_boxes, np.array([0.9]), np.array([1]), gt_boxes, np.array([0]))
    assert ap == 0.0
    empty = detection_ap(
        np.zeros((0, 4)), np.zeros(0), np.zeros(0), gt_boxes, np.zeros(1)
    )
    assert empty == 0.0


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_detection_ap_worked_example,
    test_detection_ap_duplicate_detection_is_a_false_positive,
    test_detection_ap_matches_the_best_unmatched_box,
    test_detection_ap_image_ids_and_empty_input,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
gt_boxes = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=float)
pred_boxes = np.array([[0, 0, 10, 10], [50, 50, 60, 60], [1, 1, 10, 10]], dtype=float)
ap = detection_ap(
    pred_boxes,
    np.array([0.9, 0.8, 0.7]),
    np.array([0, 1, 1]),
    gt_boxes,
    np.array([0, 0, 1]),
)
print(f"AP@0.5: {ap:.4f}")
# --8<-- [end:check]
