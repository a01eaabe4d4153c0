# --8<-- [start:signature]
import numpy as np


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in a (N, 4) with every box in b (M, 4).

    Boxes are [x1, y1, x2, y2] with x1 <= x2, y1 <= y2 (continuous coordinates: the area
    of [0, 0, 2, 2] is 4). Returns (N, M); no Python loop; 0.0 where the union is empty.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    # the intersection's corners (N, M, 2): the larger top-left,
    # the smaller bottom-right
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left, 0, None)  # no overlap -> zero width or height
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def test_box_iou_worked_example():
    a = np.array([[0.0, 0.0, 2.0, 2.0]])
    b = np.array([[1.0, 0.0, 3.0, 2.0], [0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 4.0, 2.0]])
    np.testing.assert_allclose(box_iou(a, b), [[1 / 3, 1.0, 0.0]])


def test_box_iou_matches_a_pairwise_loop():
    rng = np.random.default_rng(0)
    corners = rng.random((30, 2)) * 10
    boxes = np.hstack([corners, corners + rng.random((30, 2)) * 5])
    a, b = boxes[:12], boxes[12:]
    expected = np.zeros((12, 18))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
            h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
            union = (
                (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - w * h
            )
            expected[i, j] = w * h / union
    np.testing.assert_allclose(box_iou(a, b), expected, rtol=1e-12)
    np.testing.assert_allclose(box_iou(b, a), expected.T, rtol=1e-12)


def test_box_iou_degenerate_boxes_give_zero_not_nan():
    point = np.array([[1.0, 1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(box_iou(point, point), [[0.0]])


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_box_iou_worked_example,
    test_box_iou_matches_a_pairwise_loop,
    test_box_iou_degenerate_boxes_give_zero_not_nan,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
a = np.array([[0.0, 0.0, 2.0, 2.0]])
b = np.array([[1.0, 0.0, 3.0, 2.0], [0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 4.0, 2.0]])
print(box_iou(a, b).round(4))
# --8<-- [end:check]
