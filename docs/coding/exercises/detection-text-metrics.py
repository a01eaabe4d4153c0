"""The ML coding round: Detection and text metrics. Practice file with 6 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy pytest
    pytest detection-text-metrics.py                 # every exercise
    pytest detection-text-metrics.py -k <function>   # one exercise, e.g. -k box_iou

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import itertools
import math
import random
import re
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np
import pytest


# --------------------------------------------------------------------------------------
# 1. How do you compute IoU for two sets of boxes?
# Handbook: coding/detection-text-metrics/#box-iou
# --------------------------------------------------------------------------------------


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in a (N, 4) with every box in b (M, 4).

    Boxes are [x1, y1, x2, y2] with x1 <= x2, y1 <= y2 (continuous coordinates: the area
    of [0, 0, 2, 2] is 4). Returns (N, M); no Python loop; 0.0 where the union is empty.
    """
    raise NotImplementedError


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


# --------------------------------------------------------------------------------------
# 2. How do you implement non-maximum suppression?
# Handbook: coding/detection-text-metrics/#nms-greedy
# --------------------------------------------------------------------------------------


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression. Repeatedly keep the highest-scoring remaining box
    and discard every remaining box whose IoU with it is greater than iou_threshold.
    boxes (N, 4) as [x1, y1, x2, y2]. Returns the kept indices, highest score first."""
    raise NotImplementedError


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


# --------------------------------------------------------------------------------------
# 3. How do you compute average precision for one class of object detections?
# Handbook: coding/detection-text-metrics/#detection-ap
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 4. Implement COCO-style mAP: AP averaged over IoU thresholds 0.50:0.95 and over classes.
# Handbook: coding/detection-text-metrics/#coco-map
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 5. Implement corpus BLEU with clipped n-gram precision and the brevity penalty.
# Handbook: coding/detection-text-metrics/#bleu-from-scratch
# --------------------------------------------------------------------------------------


def corpus_bleu(
    hypotheses: list[list[str]],
    references: list[list[list[str]]],
    max_n: int = 4,
) -> float:
    """Corpus BLEU (Papineni et al., 2002) on tokenised text, in [0, 1], no smoothing.

    hypotheses[i] is a list of tokens; references[i] is a list of one or more token
    lists, the references of hypotheses[i]. For each n in 1..max_n, every hypothesis
    n-gram is credited at most as many times as it occurs in a single reference (its
    count is clipped to the largest count over that segment's references). Clipped
    matches and hypothesis n-gram counts are each summed over the whole corpus, and
    p_n = matches / total. BLEU = BP * exp(mean over n of log p_n), and 0.0 if any p_n
    is 0 or has no hypothesis n-grams. BP = 1 if c > r, else exp(1 - r / c) (0.0 if
    c == 0), where c is the total hypothesis length and r the sum over segments of the
    reference length closest to the hypothesis length; on a tie, the shorter one.
    """
    raise NotImplementedError


# two segments: the first repeats "the" and "the cat" (clipped), the second is short
WORKED_HYPS = [h.split() for h in ["the cat the cat on the mat", "on the mat"]]
WORKED_REFS = [
    [r.split() for r in refs]
    for refs in [
        ["the cat is on the mat", "there is a cat on the mat"],
        ["the cat sat on the mat", "a cat is on the mat"],
    ]
]


def noisy_copy(rng: random.Random, tokens: list[str], p_drop: float) -> list[str]:
    vocab = [f"w{i}" for i in range(12)]
    out = []
    for token in tokens:
        u = rng.random()
        if u < p_drop:
            continue
        out.append(rng.choice(vocab) if u < p_drop + 0.2 else token)
        if u > 0.95:
            out.append(rng.choice(vocab))
    return out


def random_corpus(seed: int, n_refs: int, n_segments: int = 40):
    """Hypotheses and references that are noisy copies of hidden source sentences."""
    rng = random.Random(seed)
    p_drop = 0.05 + 0.05 * (seed % 4)
    hyps, refs = [], []
    for _ in range(n_segments):
        source = [f"w{rng.randrange(12)}" for _ in range(rng.randint(1, 15))]
        refs.append([noisy_copy(rng, source, 0.05) for _ in range(n_refs)])
        hyps.append(noisy_copy(rng, source, p_drop))
    return hyps, refs


def test_corpus_bleu_worked_example():
    # p1 = 8/10, p2 = 6/8, p3 = 3/6, p4 = 1/4; c = 7 + 3 = 10, r = 7 + 6 = 13
    expected = math.exp(1 - 13 / 10) * (8 / 10 * 6 / 8 * 3 / 6 * 1 / 4) ** 0.25
    assert corpus_bleu(WORKED_HYPS, WORKED_REFS) == pytest.approx(expected)


def test_corpus_bleu_clips_repeated_words():
    # Papineni et al.'s example: "the" x 7 is credited twice (reference 1 has it twice)
    hyp = ["the"] * 7
    refs = WORKED_REFS[0]
    assert corpus_bleu([hyp], [refs], max_n=1) == pytest.approx(2 / 7)


def test_corpus_bleu_closest_reference_length_and_ties():
    hyp = list("abcde")
    # 5 tokens, references of 4 and 6: a tie, the shorter (4) wins, so BP = 1
    tie = [list("abcd"), list("abcdef")]
    assert corpus_bleu([hyp], [tie], max_n=1) == pytest.approx(1.0)
    # references of 3 and 6: 6 is closer, so BP = exp(1 - 6 / 5)
    closer_longer = [list("abc"), list("abcdef")]
    bleu = corpus_bleu([hyp], [closer_longer], max_n=1)
    assert bleu == pytest.approx(math.exp(1 - 6 / 5))


def test_corpus_bleu_matches_sacrebleu():
    sacrebleu = pytest.importorskip("sacrebleu")
    for n_refs in (1, 3):
        for seed in range(8):
            hyps, refs = random_corpus(seed, n_refs)
            ours = corpus_bleu(hyps, refs)
            # sacrebleu wants strings and one reference *stream* per reference set
            streams = [[" ".join(r[k]) for r in refs] for k in range(n_refs)]
            theirs = sacrebleu.corpus_bleu(
                [" ".join(h) for h in hyps],
                streams,
                tokenize="none",
                smooth_method="none",
            )
            assert ours > 0.0
            assert abs(ours - theirs.score / 100) < 1e-9


def test_corpus_bleu_is_not_the_mean_of_sentence_bleus():
    corpus = corpus_bleu(WORKED_HYPS, WORKED_REFS)
    sentences = [corpus_bleu([h], [r]) for h, r in zip(WORKED_HYPS, WORKED_REFS)]
    # the 3-token hypothesis has no 4-gram: its sentence BLEU is 0, its n-grams still
    # count in the corpus totals
    assert sentences[1] == 0.0
    assert sum(sentences) / len(sentences) < corpus - 0.1


# --------------------------------------------------------------------------------------
# 6. Implement ROUGE-N and ROUGE-L (longest common subsequence) for summaries.
# Handbook: coding/detection-text-metrics/#rouge-from-scratch
# --------------------------------------------------------------------------------------


class RougeScore(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


def rouge_n(candidate: list[str], reference: list[str], n: int = 1) -> RougeScore:
    """ROUGE-N (Lin, 2004) of a tokenised candidate summary against one reference.

    The overlap credits each n-gram at most as many times as it occurs on either side
    (the smaller of its two counts). precision = overlap / candidate n-grams, recall =
    overlap / reference n-grams (0.0 for a side with no n-gram), fmeasure = their
    harmonic mean, F1 (0.0 when both are 0).
    """
    raise NotImplementedError


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of a longest common subsequence of a and b (same order, gaps allowed),
    by dynamic programming in O(len(a) * len(b)) time and O(min(len(a), len(b)))
    memory: two rows of the table, not the table."""
    raise NotImplementedError


def rouge_l(
    candidate: list[str], reference: list[str], beta: float = 1.0
) -> RougeScore:
    """ROUGE-L: precision = LCS / len(candidate), recall = LCS / len(reference) (0.0
    if that side is empty), fmeasure = (1 + beta**2) P R / (R + beta**2 P), or 0.0 if
    P or R is 0. beta = 1 gives F1, what rouge-score reports; beta > 1 weights recall
    (Lin's F_lcs; DUC took beta very large, so only recall counted)."""
    raise NotImplementedError


def rouge_max(
    candidate: list[str],
    references: list[list[str]],
    metric: Callable[[list[str], list[str]], RougeScore],
) -> RougeScore:
    """Multi-reference score: metric(candidate, reference) for every reference, and
    the score with the highest fmeasure (the first one on a tie), precision and
    recall included, as rouge-score's RougeScorer.score_multi does."""
    raise NotImplementedError


# Lin (2004), section 3.1: same bigram overlap, different meaning
LIN_TEXTS = [
    "police killed the gunman",
    "police kill the gunman",
    "the gunman kill police",
]
LIN_REFERENCE, *LIN_CANDIDATES = [text.split() for text in LIN_TEXTS]
SENTENCE_PAIRS = [
    # (candidate, reference): capitals, punctuation, numbers, repeats, a short one
    (
        "The council voted 7-2 to close the library.",
        "Council members voted to close the old library on Tuesday.",
    ),
    ("Rain, rain and more rain: the match was called off.", "The match was rained off"),
    ("A new station opens in 2027", "The new train station will open in 2027."),
    ("Yes.", "Yes, the vote passed."),
    ("the the the the", "the cat sat on the mat"),
    ("Prices rose 3% in May; they fell in June.", "In June prices fell after 3%"),
]


def rouge_tokens(text: str) -> list[str]:
    # rouge-score's default tokenizer without stemming: lowercase, [a-z0-9] runs
    return re.findall(r"[a-z0-9]+", text.lower())


def lcs_brute_force(a: list[str], b: list[str]) -> int:
    for k in range(min(len(a), len(b)), 0, -1):
        # combinations keep the order: these are the subsequences of length k
        of_b = set(itertools.combinations(b, k))
        if any(s in of_b for s in itertools.combinations(a, k)):
            return k
    return 0


def test_rouge_worked_example():
    kill, swapped = LIN_CANDIDATES
    for candidate in LIN_CANDIDATES:
        # 3 of 4 words match; of 3 bigrams only "the gunman" does
        unigrams, bigrams = (rouge_n(candidate, LIN_REFERENCE, n) for n in (1, 2))
        assert tuple(unigrams) == pytest.approx((0.75, 0.75, 0.75))
        assert tuple(bigrams) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    # LCS "police the gunman" (3) against "the gunman" (2)
    assert lcs_length(kill, LIN_REFERENCE) == 3
    assert lcs_length(swapped, LIN_REFERENCE) == 2
    assert tuple(rouge_l(kill, LIN_REFERENCE)) == pytest.approx((0.75,) * 3)
    assert tuple(rouge_l(swapped, LIN_REFERENCE)) == pytest.approx((0.5,) * 3)


def test_rouge_clipping_f_beta_and_empty_input():
    texts = ["the the the cat", "the cat sat on the mat"]
    candidate, reference = (text.split() for text in texts)
    # "the" x3 is credited twice (the reference has it twice), "cat" once: 3 matches
    assert tuple(rouge_n(candidate, reference, 1)) == pytest.approx((3 / 4, 3 / 6, 0.6))
    # LCS 2 ("the cat" or "the the"): P = 2/4, R = 2/6, F1 = 0.4
    assert tuple(rouge_l(candidate, reference)) == pytest.approx((1 / 2, 1 / 3, 0.4))
    # F_beta with beta = 3: 10 P R / (R + 9 P); a huge beta leaves the recall
    assert rouge_l(candidate, reference, beta=3.0).fmeasure == pytest.approx(10 / 29)
    assert rouge_l(candidate, reference, beta=1e6).fmeasure == pytest.approx(1 / 3)
    # nothing to match: zeros, not a ZeroDivisionError
    assert tuple(rouge_n([], reference, 1)) == (0.0, 0.0, 0.0)
    assert tuple(rouge_n(["cat"], ["cat", "sat"], 2)) == (0.0, 0.0, 0.0)
    assert tuple(rouge_l(candidate, [])) == (0.0, 0.0, 0.0)
    assert lcs_length([], reference) == 0


def test_rouge_swapping_candidate_and_reference_swaps_precision_and_recall():
    rng = random.Random(0)
    vocab = list("abcdef")
    for _ in range(200):
        a = rng.choices(vocab, k=rng.randint(0, 12))
        b = rng.choices(vocab, k=rng.randint(0, 12))
        scores = [partial(rouge_n, n=n) for n in (1, 2, 3)] + [rouge_l]
        for score in scores:
            ab, ba = score(a, b), score(b, a)
            assert ab.precision == ba.recall and ab.recall == ba.precision
            assert ab.fmeasure == pytest.approx(ba.fmeasure)
        assert lcs_length(a, b) == lcs_length(b, a)


def test_lcs_length_matches_brute_force():
    rng = random.Random(1)
    for _ in range(300):
        a = rng.choices("abc", k=rng.randint(0, 8))
        b = rng.choices("abc", k=rng.randint(0, 8))
        assert lcs_length(a, b) == lcs_brute_force(a, b)


def test_rouge_matches_rouge_score():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    types = ["rouge1", "rouge2", "rougeL"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=False)
    ours = {
        "rouge1": partial(rouge_n, n=1),
        "rouge2": partial(rouge_n, n=2),
        "rougeL": rouge_l,
    }
    for candidate, reference in SENTENCE_PAIRS:
        # rouge-score takes the reference (target) first
        theirs = scorer.score(reference, candidate)
        for key in types:
            mine = ours[key](rouge_tokens(candidate), rouge_tokens(reference))
            assert tuple(mine) == pytest.approx(tuple(theirs[key]), abs=1e-12)
    # several references: the one with the best F1, as score_multi picks it
    references = [reference for _, reference in SENTENCE_PAIRS]
    for candidate, _ in SENTENCE_PAIRS:
        theirs = scorer.score_multi(references, candidate)
        for key in types:
            refs = [rouge_tokens(r) for r in references]
            mine = rouge_max(rouge_tokens(candidate), refs, ours[key])
            assert tuple(mine) == pytest.approx(tuple(theirs[key]), abs=1e-12)
