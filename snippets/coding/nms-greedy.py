# --8<-- [start:signature]
import numpy as np


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression. Repeatedly keep the highest-scoring remaining box
    and discard every remaining box whose IoU with it is greater than iou_threshold.
    boxes (N, 4) as [x1, y1, x2, y2]. Returns the kept indices, highest score first."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(i)
        # IoU of the kept box with all remaining boxes, vectorised
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        iou = inter / (areas[i] + areas[rest] - inter)
        order = rest[iou <= iou_threshold]
    return np.array(keep, dtype=int)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def iou_matrix(boxes):
    tl = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    br = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    return inter / (area[:, None] + area[None, :] - inter)


def test_nms_worked_example():
    boxes = np.array(
        [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]], dtype=float
    )
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    np.testing.assert_array_equal(nms(boxes, scores, 0.5), [0, 2])
    np.testing.assert_array_equal(nms(boxes, scores, 0.95), [0, 1, 2, 3])


def test_nms_kept_boxes_are_exactly_the_greedy_set():
    # greedy NMS is characterised by two facts: kept boxes never overlap more than the
    # threshold, and every dropped box overlaps some higher-scoring kept box by more
    rng = np.random.default_rng(0)
    corners = rng.random((200, 2)) * 50
    boxes = np.hstack([corners, corners + 5 + rng.random((200, 2)) * 10])
    scores = rng.random(200)
    keep = nms(boxes, scores, 0.3)
    iou = iou_matrix(boxes)
    assert np.all(np.diff(scores[keep]) < 0)
    kept_pairs = iou[np.ix_(keep, keep)]
    assert np.all(kept_pairs[~np.eye(len(keep), dtype=bool)] <= 0.3)
    for j in np.setdiff1d(np.arange(200), keep):
        assert np.any((iou[j, keep] > 0.3) & (scores[keep] > scores[j]))


def test_nms_empty_input():
    assert len(nms(np.zeros((0, 4)), np.zeros(0), 0.5)) == 0


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_nms_worked_example,
    test_nms_kept_boxes_are_exactly_the_greedy_set,
    test_nms_empty_input,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
boxes = np.array(
    [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]], dtype=float
)
scores = np.array([0.9, 0.8, 0.7, 0.6])
print("IoU of box 0 with boxes 1 and 3:", iou_matrix(boxes)[0, [1, 3]].round(3))
print("kept at threshold 0.5:", nms(boxes, scores, 0.5))
# --8<-- [end:check]
