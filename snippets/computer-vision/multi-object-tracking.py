import numpy as np
from scipy.optimize import linear_sum_assignment

rng = np.random.default_rng(0)
W, T = 800, 150  # image width in pixels, frames per sequence
N_SEQ, N_OBJ = 10, 14


def iou(a, b):
    """IoU between every box in a and every box in b, boxes as (x1, y1, x2, y2)."""
    a, b = np.asarray(a, float).reshape(-1, 4), np.asarray(b, float).reshape(-1, 4)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def simulate():
    """People walking left and right through one band of the image, so paths cross.

    Returns the ground truth {frame: (ids, boxes)} and the detections
    {frame: (boxes, scores, source id or -1 for a false positive)}.
    """
    x = rng.uniform(-200, W + 200, N_OBJ)
    vx = rng.uniform(3, 7, N_OBJ) * rng.choice([-1, 1], N_OBJ)
    y = rng.uniform(160, 220, N_OBJ)
    vy = rng.normal(0, 0.3, N_OBJ)
    w, h = rng.uniform(30, 40, N_OBJ), rng.uniform(80, 100, N_OBJ)
    clutter = np.array(
        [[rng.uniform(100, W - 100), rng.uniform(150, 230)] for _ in "ab"]
    )
    gt, dets = {}, {}
    for t in range(T):
        # near-constant velocity: a small random acceleration every frame
        vx += rng.normal(0, 0.1, N_OBJ)
        vy += rng.normal(0, 0.05, N_OBJ)
        x, y = x + vx, y + vy
        boxes = np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], 1)
        on = np.flatnonzero((x > 0) & (x < W))
        gt[t] = (on, boxes[on])
        # visibility: the share of a box not hidden by the box in front of it that
        # covers most of it (a box whose bottom is lower is nearer the camera);
        # occluded people are missed, or detected with a low score and a noisier box
        inter = iou(boxes[on], boxes[on])
        area = w[on] * h[on]
        covered = inter * (area[:, None] + area[None, :]) / (1 + inter) / area[:, None]
        front = boxes[on][None, :, 3] > boxes[on][:, None, 3]
        vis = 1 - np.where(front, covered, 0).max(1, initial=0)
        det_b, det_s, det_src = [], [], []
        for k, i in enumerate(on):
            p_det = 0.0 if vis[k] < 0.2 else (0.97 if vis[k] > 0.7 else 0.8)
            if rng.random() < p_det:
                noise = rng.normal(0, 2 + 6 * (1 - vis[k]), 4)
                det_b.append(boxes[i] + noise)
                det_s.append(np.clip(0.15 + 0.75 * vis[k] + rng.normal(0, 0.07), 0, 1))
                det_src.append(i)
        # false positives: random boxes, and two spots of background clutter
        for _ in range(rng.poisson(0.5)):
            cx, cy = rng.uniform(20, W - 20), rng.uniform(150, 230)
            det_b.append(np.array([cx - 17, cy - 45, cx + 17, cy + 45]))
            det_s.append(
                rng.uniform(0.1, 0.5) if rng.random() < 0.8 else rng.uniform(0.5, 0.8)
            )
            det_src.append(-1)
        for cx, cy in clutter:
            if rng.random() < 0.4:
                det_b.append(
                    np.array([cx - 17, cy - 45, cx + 17, cy + 45]) + rng.normal(0, 2, 4)
                )
                det_s.append(rng.uniform(0.15, 0.45))
                det_src.append(-1)
        s = np.array(det_s)
        keep = s >= 0.1
        dets[t] = (
            np.array(det_b).reshape(-1, 4)[keep],
            s[keep],
            np.array(det_src)[keep],
        )
    return gt, dets


class Kalman:
    """Constant-velocity Kalman filter on (cx, cy, w, h) and their velocities."""

    F = np.eye(8) + np.eye(8, k=4)
    H = np.eye(4, 8)
    Q = np.diag([1.0, 1, 1, 1, 0.5, 0.5, 0.05, 0.05]) ** 2
    R = np.diag([3.0, 3, 3, 3]) ** 2

    def __init__(self, box):
        self.x = np.r_[(box[:2] + box[2:]) / 2, box[2:] - box[:2], 0, 0, 0, 0]
        self.P = np.diag([3.0, 3, 3, 3, 10, 10, 2, 2]) ** 2

    def predict(self):
        self.x = self.F @ self.x
        self.P = self.F @ self.P @ self.F.T + self.Q

    def update(self, box):
        z = np.r_[(box[:2] + box[2:]) / 2, box[2:] - box[:2]]
        S = self.H @ self.P @ self.H.T + self.R
        K = self.P @ self.H.T @ np.linalg.inv(S)
        self.x = self.x + K @ (z - self.H @ self.x)
        self.P = (np.eye(8) - K @ self.H) @ self.P

    def box(self):
        c, s = self.x[:2], self.x[2:4]
        return np.r_[c - s / 2, c + s / 2]


class Track:
    next_id = 0

    def __init__(self, box, kalman):
        Track.next_id += 1
        self.id, self.hits, self.misses = Track.next_id, 1, 0
        self.kf = Kalman(box) if kalman else None
        self.last = box

    def predict(self):
        if self.kf:
            self.kf.predict()
        self.misses += 1

    def box(self):
        return self.kf.box() if self.kf else self.last

    def update(self, box):
        if self.kf:
            self.kf.update(box)
        self.last, self.hits, self.misses = box, self.hits + 1, 0


def hungarian(tracks, boxes, min_iou):
    if not tracks or not len(boxes):
        return []
    m = iou([t.box() for t in tracks], boxes)
    rows, cols = linear_sum_assignment(-m)
    return [(r, c) for r, c in zip(rows, cols) if m[r, c] >= min_iou]


def greedy(tracks, boxes, min_iou):
    if not tracks or not len(boxes):
        return []
    m = iou([t.box() for t in tracks], boxes)
    pairs, used_r, used_c = [], set(), set()
    for r, c in zip(*np.unravel_index(np.argsort(-m, None), m.shape)):
        if m[r, c] < min_iou:
            break
        if r not in used_r and c not in used_c:
            pairs.append((r, c))
            used_r.add(r)
            used_c.add(c)
    return pairs


def run_tracker(
    dets, frames, kalman, match, high, second_stage, min_hits=3, max_age=10
):
    """Tracking by detection; returns {frame: (ids, boxes)} of the confirmed tracks."""
    tracks, out = [], {}
    for t in frames:
        boxes, scores, _ = dets[t]
        for tr in tracks:
            tr.predict()
        hi, lo = np.flatnonzero(scores >= high), np.flatnonzero(scores < high)
        matched_t, matched_d = set(), set()
        for r, c in match(tracks, boxes[hi], 0.3):
            tracks[r].update(boxes[hi[c]])
            matched_t.add(r)
            matched_d.add(hi[c])
        if second_stage:
            # ByteTrack: tracks still unmatched that were tracked in the previous frame
            # take low-score boxes, at a stricter IoU; low boxes never start a track
            rest = [
                i
                for i, tr in enumerate(tracks)
                if i not in matched_t and tr.misses == 1 and tr.hits >= min_hits
            ]
            for r, c in hungarian([tracks[i] for i in rest], boxes[lo], 0.5):
                tracks[rest[r]].update(boxes[lo[c]])
                matched_t.add(rest[r])
        # a new track from each unmatched high-score box; a tentative track (fewer than
        # min_hits hits) dies at its first miss, a confirmed one after max_age misses
        tracks = [
            tr
            for tr in tracks
            if tr.misses == 0 or (tr.hits >= min_hits and tr.misses <= max_age)
        ]
        tracks += [Track(boxes[d], kalman) for d in hi if d not in matched_d]
        live = [tr for tr in tracks if tr.misses == 0 and tr.hits >= min_hits]
        out[t] = (np.array([tr.id for tr in live]), np.array([tr.box() for tr in live]))
    return out


def evaluate(gt, hyp, frames, thr=0.5):
    """Counts for CLEAR MOT (MOTA, ID switches, fragmentations) and for IDF1.

    A ground-truth box and an output box can match only if their IoU >= thr.
    """
    fn = fp = idsw = frag = n_gt = n_hyp = 0
    last, tracked, pairs = {}, {}, {}
    for t in frames:
        g_ids, g_box = gt[t]
        h_ids, h_box = hyp[t]
        m = iou(g_box, h_box) if len(h_ids) else np.zeros((len(g_ids), 0))
        n_gt, n_hyp = n_gt + len(g_ids), n_hyp + len(h_ids)
        for gi, hi in zip(*np.nonzero(m >= thr)):
            key = (g_ids[gi], h_ids[hi])
            pairs[key] = pairs.get(key, 0) + 1
        # CLEAR MOT: keep last frame's correspondences that still hold, then Hungarian
        match = {}
        h_pos = {h: j for j, h in enumerate(h_ids)}
        for gi, g in enumerate(g_ids):
            j = h_pos.get(last.get(g, -1))
            if j is not None and m[gi, j] >= thr and j not in match.values():
                match[gi] = j
        free_g = [i for i in range(len(g_ids)) if i not in match]
        free_h = [j for j in range(len(h_ids)) if j not in match.values()]
        if free_g and free_h:
            sub = m[np.ix_(free_g, free_h)]
            for r, c in zip(*linear_sum_assignment(-sub)):
                if sub[r, c] >= thr:
                    match[free_g[r]] = free_h[c]
        for gi, g in enumerate(g_ids):
            if gi in match:
                h = h_ids[match[gi]]
                idsw += g in last and last[g] != h
                frag += tracked.get(g) is False
                last[g], tracked[g] = h, True
            elif g in tracked:
                tracked[g] = False
        fn += len(g_ids) - len(match)
        fp += len(h_ids) - len(match)
    # IDF1: one global one-to-one matching of whole trajectories, maximising the
    # number of frames where matched ids overlap (IDTP)
    g_u = sorted({g for g, _ in pairs})
    h_u = sorted({h for _, h in pairs})
    C = np.zeros((len(g_u), len(h_u)))
    for (g, h), n in pairs.items():
        C[g_u.index(g), h_u.index(h)] = n
    r, c = linear_sum_assignment(-C)
    idtp = C[r, c].sum()
    return np.array([fn, fp, idsw, frag, n_gt, n_hyp, idtp])


sequences = [simulate() for _ in range(N_SEQ)]
n_gt = sum(len(gt[t][0]) for gt, _ in sequences for t in range(T))
s, src = (
    np.concatenate([d[t][k] for _, d in sequences for t in range(T)]) for k in (1, 2)
)
print(f"{N_SEQ} sequences x {T} frames, {n_gt:,} ground-truth boxes")
print(f"  detected with score >= 0.5: {(src[s >= 0.5] >= 0).sum():,}, "
      f"only with score < 0.5: {(src[s < 0.5] >= 0).sum():,}, "
      f"missed: {n_gt - (src >= 0).sum():,}")  # fmt: skip
print(f"  false positives: {(src < 0).sum():,}, of which score >= 0.5: "
      f"{(src[s >= 0.5] < 0).sum():,}")  # fmt: skip

# the metrics on a perfect output, then on the same output with two ids swapped
gt, _ = sequences[0]
frames = range(T)
a, b = np.bincount(np.concatenate([gt[t][0] for t in frames])).argsort()[-2:]
swap = {a: b, b: a}
swapped = {
    t: (np.array([swap.get(i, i) if t >= T // 2 else i for i in ids]), boxes)
    for t, (ids, boxes) in gt.items()
}
for name, out in [("ground truth as output", gt), ("two ids swapped halfway", swapped)]:
    fn, fp, idsw, frag, n_g, n_h, idtp = evaluate(gt, out, frames)
    print(f"{name:24} MOTA {1 - (fn + fp + idsw) / n_g:.3f}  "
          f"IDF1 {2 * idtp / (n_g + n_h):.3f}  ID switches {idsw:.0f}")  # fmt: skip

trackers = [
    # name, Kalman prediction, assignment, high-score threshold, second stage
    ("greedy IoU, last box", False, greedy, 0.5, False),
    ("SORT (Kalman + Hungarian)", True, hungarian, 0.5, False),
    ("SORT, all boxes >= 0.1", True, hungarian, 0.1, False),
    ("ByteTrack-style 2 stages", True, hungarian, 0.5, True),
]
for step in (1, 3):
    frames = range(0, T, step)
    print("every frame" if step == 1 else "every 3rd frame only (a frame-rate drop)")
    print("tracker                       MOTA   IDF1  IDsw  frag    FP     FN")
    for name, *config in trackers:
        fn, fp, idsw, frag, n_g, n_h, idtp = sum(
            evaluate(gt, run_tracker(dets, frames, *config), frames)
            for gt, dets in sequences
        )
        mota, idf1 = 1 - (fn + fp + idsw) / n_g, 2 * idtp / (n_g + n_h)
        print(f"{name:27} {mota:6.3f} {idf1:6.3f} {idsw:5.0f} {frag:5.0f} "
              f"{fp:5.0f} {fn:6.0f}")  # fmt: skip
