import numpy as np
from scipy import ndimage

# The detector here is a stand-in, not a CNN: it scores bright squares with box
# filters 8 to 23 px wide in ITS INPUT, like a network that sees nothing much
# smaller than its finest stride. What is real is the geometry: resizing shrinks
# objects below what the detector can see, and tiles cut objects at their borders.
SIZE, TILE = 2048, 512
LEVELS = (8, 11, 16, 23)
THRESHOLD = 0.45
PAD = 48
rng = np.random.default_rng(0)


def make_scene(n_objects=300):
    """Textured noise and square objects of side 8 to 24 px, at least 16 px apart."""
    img = 0.08 * rng.standard_normal((SIZE, SIZE))
    # Blurred noise with sigma 3, 8 and 20 px; the coarse layers are drawn at a
    # lower resolution and enlarged (cheaper than a wide blur at full size).
    for sigma, zoom in ((3.0, 1), (4.0, 2), (5.0, 4)):
        layer = ndimage.gaussian_filter(rng.standard_normal((SIZE // zoom,) * 2), sigma)
        layer = ndimage.zoom(layer, zoom, order=1) if zoom > 1 else layer
        img += 0.12 * layer / layer.std()
    gts = np.zeros((0, 4))
    while len(gts) < n_objects:
        d = int(rng.integers(8, 25))
        x, y = (int(v) for v in rng.integers(0, SIZE - d, 2))
        near = (
            (x < gts[:, 2] + 16)
            & (x + d > gts[:, 0] - 16)
            & (y < gts[:, 3] + 16)
            & (y + d > gts[:, 1] - 16)
        )
        if not near.any():
            img[y : y + d, x : x + d] += rng.uniform(0.8, 1.2)
            gts = np.vstack([gts, [x, y, x + d, y + d]])
    return img, gts


def overlap(a, b, smaller=False):
    """Pairwise IoU of boxes a (N, 4) and b (M, 4), or IoS: over the smaller box."""
    a, b = np.asarray(a, float)[:, None], np.asarray(b, float)[None]
    w = np.clip(
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None
    )
    h = np.clip(
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    if smaller:
        return w * h / np.minimum(area_a, area_b)
    return w * h / (area_a + area_b - w * h)


def nms(boxes, scores, thr=0.5):
    """Greedy NMS by IoU (see the NMS question)."""
    order, ious, keep = np.argsort(-scores, kind="stable"), overlap(boxes, boxes), []
    while len(order):
        keep.append(order[0])
        order = order[1:][ious[order[0], order[1:]] <= thr]
    return boxes[keep], scores[keep]


def merge_ios(boxes, scores, thr=0.5):
    """Greedy merging like SAHI's default (GREEDYNMM, IOS, 0.5): the best box absorbs
    every box that lies mostly inside it (or contains it) and grows to their union."""
    order, ios = np.argsort(-scores, kind="stable"), overlap(boxes, boxes, True)
    out, kept = [], []
    while len(order):
        group = boxes[order[ios[order[0], order] > thr]]
        out.append([*group[:, :2].min(0), *group[:, 2:].max(0)])
        kept.append(scores[order[0]])
        order = order[ios[order[0], order] <= thr]
    return np.array(out).reshape(-1, 4), np.array(kept)


def detect(img):
    """The stand-in detector on one input: boxes (x1, y1, x2, y2) and scores."""
    h, w = img.shape
    # Zero padding (the background level) and an integral image for box sums.
    ii = np.zeros((h + 2 * PAD + 1, w + 2 * PAD + 1))
    ii[1:, 1:] = np.pad(img, PAD).cumsum(0).cumsum(1)

    def box(y, x, ky, kx):
        # Sums over ky x kx boxes with top-left corners (y, x) (arrays, padded).
        return ii[y + ky, x + kx] - ii[y, x + kx] - ii[y + ky, x] + ii[y, x]

    def contrast(y, x, k):
        # Mean inside a k x k box minus the brightest of the four k/2-wide strips
        # along its sides: high only for a bright square of about k x k.
        m = k // 2
        strips = [
            box(y - m, x, m, k),
            box(y + k, x, m, k),
            box(y, x - m, k, m),
            box(y, x + k, k, m),
        ]
        return box(y, x, k, k) / k**2 - np.maximum.reduce(strips) / (m * k)

    def dense(oy, ox, ky, kx, nh, nw):
        # box() for every pixel at once, from four shifted slices of ii.
        a, b = PAD + oy, PAD + ox
        return (
            ii[a + ky : a + ky + nh, b + kx : b + kx + nw]
            - ii[a : a + nh, b + kx : b + kx + nw]
            - ii[a + ky : a + ky + nh, b : b + nw]
            + ii[a : a + nh, b : b + nw]
        )

    score = np.full((h, w), -np.inf)
    for k in LEVELS:
        c, m = -(k // 2), k // 2
        # The strips above and below are one map read at two shifts; same for the
        # strips left and right.
        rows = dense(c - m, c, m, k, h + k + m, w)
        cols = dense(c, c - m, k, m, h, w + k + m)
        strips = np.maximum(rows[:h], rows[k + m :])
        np.maximum(strips, cols[:, :w], out=strips)
        np.maximum(strips, cols[:, k + m :], out=strips)
        level = dense(c, c, k, k, h, w) / k**2 - strips / (m * k)
        np.maximum(score, level, out=score)
    # A detection at each local maximum (25 x 25 window) above the threshold.
    peak = (score > THRESHOLD) & (ndimage.maximum_filter(score, size=25) == score)
    ys, xs = np.nonzero(peak)
    if len(ys) == 0:
        return np.zeros((0, 4)), np.zeros(0), score, contrast
    # Box: the square (side 2 to 36 px, shifted by up to 2 px) of largest contrast;
    # for an isolated square of side d that is the square itself.
    s = np.arange(2, 37)[None, :, None, None]
    dy = np.arange(-2, 3)[None, None, :, None]
    dx = np.arange(-2, 3)[None, None, None, :]
    y0 = ys[:, None, None, None] - s // 2 + dy
    x0 = xs[:, None, None, None] - s // 2 + dx
    fit = contrast(y0 + PAD, x0 + PAD, s).reshape(len(ys), -1).argmax(1)
    i_s, i_y, i_x = np.unravel_index(fit, (s.size, 5, 5))
    side = s.ravel()[i_s]
    bx, by = xs - side // 2 + i_x - 2, ys - side // 2 + i_y - 2
    boxes = np.clip(np.stack([bx, by, bx + side, by + side], 1), 0, [w, h, w, h])
    return *nms(boxes.astype(float), score[ys, xs]), score, contrast


def tile_starts(tile, overlap_ratio):
    """Tile origins along one axis, as SAHI slices: the last tile is moved back so
    that it ends at the border."""
    step, starts = tile - int(overlap_ratio * tile), [0]
    while starts[-1] + tile < SIZE:
        starts.append(min(starts[-1] + step, SIZE - tile))
    return starts


def run_whole(img, side):
    """Resize the whole image to side x side (area averaging), detect, scale back."""
    f = SIZE // side
    boxes, scores, _, _ = detect(img.reshape(side, f, side, f).mean((1, 3)))
    return boxes * f, scores, 1, side * side


def run_tiles(img, overlap_ratio):
    """Detect on every TILE x TILE crop at full resolution; boxes in image pixels."""
    starts = tile_starts(TILE, overlap_ratio)
    boxes, scores = [], []
    for y in starts:
        for x in starts:
            b, s, _, _ = detect(img[y : y + TILE, x : x + TILE])
            boxes.append(b + [x, y, x, y])
            scores.append(s)
    n = len(starts) ** 2
    return np.vstack(boxes), np.concatenate(scores), n, n * TILE * TILE


def evaluate(dets, scenes):
    """Greedy matching at IoU 0.5 per image, as in COCO: which objects were found,
    and per detection (score, true positive, best IoU, lies on an object)."""
    found, rows = [], []
    for (boxes, scores), (_, gts) in zip(dets, scenes):
        order = np.argsort(-scores, kind="stable")
        ious = overlap(boxes[order], gts)
        on_object = overlap(boxes[order], gts, True).max(1) >= 0.5
        used = np.zeros(len(gts), bool)
        for i, row in enumerate(ious):
            j = np.where(used, -1, row).argmax()
            tp = row[j] >= 0.5 and not used[j]
            used[j] |= tp
            rows.append((scores[order[i]], tp, row[j], on_object[i]))
        found.append(used)
    return np.concatenate(found), np.array(sorted(rows, key=lambda r: -r[0]))


def ap50(rows, n_objects):
    """101-point interpolated AP at IoU 0.5 (see the detection-metrics question)."""
    tp = rows[:, 1]
    recall = np.cumsum(tp) / n_objects
    precision = np.cumsum(tp) / np.arange(1, len(tp) + 1)
    env = np.maximum.accumulate(precision[::-1])[::-1]
    idx = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return np.mean([env[k] if k < len(env) else 0.0 for k in idx])


scenes = [make_scene() for _ in range(3)]
gts = np.vstack([g for _, g in scenes])
sizes = gts[:, 2] - gts[:, 0]

# Check: the dense score map equals the contrast formula evaluated pixel by pixel.
crop = scenes[0][0][:200, :200]
_, _, score, contrast = detect(crop)
yy, xx = np.mgrid[PAD : PAD + 200, PAD : PAD + 200]
pointwise = np.max([contrast(yy - k // 2, xx - k // 2, k) for k in LEVELS], axis=0)
print(f"dense score map == pixel-by-pixel formula: {np.allclose(score, pointwise)}")

BUCKETS = ((8, 11), (12, 16), (17, 24))
setups = [
    ("whole image -> 512", lambda im: run_whole(im, 512), None),
    ("whole image -> 1024", lambda im: run_whole(im, 1024), None),
    ("whole image, 2048", lambda im: run_whole(im, 2048), None),
    ("tiles 0%", lambda im: run_tiles(im, 0.0), None),
]
for ratio in (0.10, 0.25):
    tiles = lambda im, r=ratio: run_tiles(im, r)  # noqa: E731
    setups += [
        (f"tiles {ratio:.0%}, no merge", tiles, None),
        (f"tiles {ratio:.0%}, NMS IoU .5", tiles, nms),
        (f"tiles {ratio:.0%}, IoS merge", tiles, merge_ios),
    ]

print(f"objects: {len(gts)} in 3 images of {SIZE}x{SIZE}, sides 8-24 px")
cols = "".join(f"{f'R {lo}-{hi}':>8}" for lo, hi in BUCKETS)
cols += f"{'recall':>7}" + "".join(f"{c:>6}" for c in ("prec", "dup", "AP50", "IoU"))
print(f"{'setup':21}{'runs':>5}{'Mpx':>6}{cols}")
cache, found_at = {}, {}
for name, run, merge in setups:
    key = name.split(",")[0]
    if key not in cache:
        cache[key] = [run(img) for img, _ in scenes]
    outs = cache[key]
    dets = [(b, s) if merge is None else merge(b, s) for b, s, _, _ in outs]
    found, rows = evaluate(dets, scenes)
    found_at[name] = found
    tp = rows[:, 1] == 1
    # dup: false positives lying on an object (duplicates, pieces of cut objects)
    dup = int((~tp & (rows[:, 3] == 1)).sum())
    cells = [found[(sizes >= lo) & (sizes <= hi)].mean() for lo, hi in BUCKETS]
    line = f"{name:21}{outs[0][2]:5d}{outs[0][3] / 1e6:6.2f}"
    line += "".join(f"{c:8.3f}" for c in cells)
    line += f"{found.mean():7.3f}{tp.mean():6.3f}{dup:6d}"
    print(line + f"{ap50(rows, len(gts)):6.3f}{rows[tp, 2].mean():6.3f}")

for ratio in (0.10, 0.25):
    print(f"tile origins at {ratio:.0%} overlap: {tile_starts(TILE, ratio)}")
lines = np.arange(TILE, SIZE, TILE)
cut = ((gts[:, :2, None] < lines) & (gts[:, 2:, None] > lines)).any((1, 2))
print(
    f"objects cut by a 0% tile border: {cut.sum()}, found by 0% tiles: "
    f"{found_at['tiles 0%'][cut].sum()}, by 10% tiles: "
    f"{found_at['tiles 10%, IoS merge'][cut].sum()}"
)
