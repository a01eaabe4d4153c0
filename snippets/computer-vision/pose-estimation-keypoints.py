# --8<-- [start:decode]
import numpy as np
from scipy.ndimage import gaussian_filter

# A top-down model sees a 256 x 192 crop and outputs one heatmap per keypoint at
# stride 4 (64 x 48), trained towards a Gaussian with sigma = 2 heatmap pixels.
STRIDE, SIGMA, CROP_H, CROP_W = 4, 2.0, 256, 192


def render(x, y, stride):
    """One Gaussian heatmap per keypoint, centred on its exact sub-pixel position."""
    h, w = CROP_H // stride, CROP_W // stride
    u, v = x / stride, y / stride  # heatmap coordinates: pixel j sits at j
    cols, rows = np.arange(w)[None, None, :], np.arange(h)[None, :, None]
    d2 = (cols - u[:, None, None]) ** 2 + (rows - v[:, None, None]) ** 2
    return np.exp(-d2 / (2 * SIGMA**2))


def argmax2d(hm):
    n, h, w = hm.shape
    flat = hm.reshape(n, -1).argmax(axis=1)
    return (flat % w).astype(float), (flat // w).astype(float)


def quarter_shift(hm):
    # SimpleBaselines/HRNet post-processing: move a quarter of a heatmap pixel
    # from the maximum towards the higher of its two neighbours, on each axis
    u, v = argmax2d(hm)
    n, h, w = hm.shape
    i = np.arange(n)
    c, r = np.clip(u.astype(int), 1, w - 2), np.clip(v.astype(int), 1, h - 2)
    du = hm[i, r, c + 1] - hm[i, r, c - 1]
    dv = hm[i, r + 1, c] - hm[i, r - 1, c]
    return u + 0.25 * np.sign(du), v + 0.25 * np.sign(dv)


def dark(hm):
    # DARK (Zhang et al. 2020): smooth with the training Gaussian, take the log,
    # and step to the mode of a second-order Taylor expansion at the maximum
    u, v = argmax2d(hm)
    n, h, w = hm.shape
    logm = np.log(
        np.maximum(gaussian_filter(hm, (0, SIGMA, SIGMA), mode="constant"), 1e-10)
    )
    i = np.arange(n)
    c, r = np.clip(u.astype(int), 1, w - 2), np.clip(v.astype(int), 1, h - 2)

    def at(dr, dc):
        return logm[i, r + dr, c + dc]

    gx, gy = (at(0, 1) - at(0, -1)) / 2, (at(1, 0) - at(-1, 0)) / 2
    hxx = at(0, 1) - 2 * at(0, 0) + at(0, -1)
    hyy = at(1, 0) - 2 * at(0, 0) + at(-1, 0)
    hxy = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / 4
    det = hxx * hyy - hxy**2
    ok = (det > 0) & (hxx < 0)  # a maximum: step only where the Hessian is negative
    safe = np.where(ok, det, 1.0)
    du = np.where(ok, -(hyy * gx - hxy * gy) / safe, 0.0)
    dv = np.where(ok, -(hxx * gy - hxy * gx) / safe, 0.0)
    return c + np.clip(du, -1, 1), r + np.clip(dv, -1, 1)


def soft_argmax(hm, beta):
    # integral regression (Sun et al. 2018): expected position under softmax(beta * H)
    n, h, w = hm.shape
    z = beta * hm.reshape(n, -1)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = (p / p.sum(axis=1, keepdims=True)).reshape(n, h, w)
    return p.sum(axis=1) @ np.arange(w), p.sum(axis=2) @ np.arange(h)


DECODERS = {
    "argmax": argmax2d,
    "argmax + quarter shift": quarter_shift,
    "DARK (Taylor on log map)": dark,
    "soft-argmax, softmax(H)": lambda hm: soft_argmax(hm, 1.0),
    "soft-argmax, softmax(20 H)": lambda hm: soft_argmax(hm, 20.0),
}
PCK_PX = 2.0  # PCK threshold in crop pixels (0.1 of a 20-pixel head segment)

rng = np.random.default_rng(0)
n = 1000
# true keypoints anywhere in the crop, at least 8 heatmap pixels from the border
x = rng.uniform(8 * STRIDE, CROP_W - 8 * STRIDE, n)
y = rng.uniform(8 * STRIDE, CROP_H - 8 * STRIDE, n)
clean = render(x, y, STRIDE)
# a network's heatmap is not a perfect Gaussian: add smooth noise (white noise
# blurred over about one heatmap pixel), 10% of the peak height
noise = gaussian_filter(rng.standard_normal(clean.shape), (0, 1, 1))
noisy = clean + 0.1 * noise / noise.std()

print(f"{n:,} keypoints, crop {CROP_H} x {CROP_W}, heatmaps at stride {STRIDE}")
print(f"{'':27}{'clean heatmaps':>19}{'noisy heatmaps':>20}")
print(f"{'decoder':27}{'error px':>10}{'PCK@2px':>9}{'error px':>11}{'PCK@2px':>9}")
for name, decode in DECODERS.items():
    row = f"{name:27}"
    for hm in (clean, noisy):
        u, v = decode(hm)
        err = np.hypot(u * STRIDE - x, v * STRIDE - y)
        row += f"{err.mean():10.2f}{np.mean(err <= PCK_PX):9.2f} "
    print(row.rstrip())

# Quantisation alone: argmax error grows with the stride. For a keypoint uniform
# within a cell, the mean distance to the cell centre is 0.383 x stride.
theory = (np.sqrt(2) + np.log(1 + np.sqrt(2))) / 6
for s in (4, 8, 16):
    u, v = argmax2d(render(x, y, s))
    err = np.hypot(u * s - x, v * s - y).mean()
    print(f"argmax, clean maps, stride {s:2}: {err:5.2f} px (theory {theory * s:.2f})")
# --8<-- [end:decode]

# --8<-- [start:oks]
import numpy as np

# COCO's 17 keypoints and their sigmas (pycocotools); kappa = 2 * sigma
NAMES = ["nose", "left_eye", "right_eye", "left_ear", "right_ear"]
NAMES += [
    f"{side}_{part}"
    for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
    for side in ("left", "right")
]
SIGMAS = np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07,
                   .87, .87, .89, .89]) / 10  # fmt: skip


def oks(pred, gt, vis, area):
    """COCO object keypoint similarity, written as pycocotools computes it.
    pred, gt: (..., 17, 2) pixels; vis: (..., 17) flags, 0 = not labelled;
    area: the person's segment area, s^2."""
    d2 = ((pred - gt) ** 2).sum(axis=-1)
    e = d2 / (2 * SIGMAS) ** 2 / (np.asarray(area)[..., None] + np.spacing(1)) / 2
    labelled = vis > 0
    return (np.exp(-e) * labelled).sum(axis=-1) / labelled.sum(axis=-1)


def similarity(d, s, sigma):
    # the COCO formula for one keypoint: exp(-d^2 / (2 s^2 kappa^2))
    return np.exp(-(d**2) / (2 * s**2 * (2 * sigma) ** 2))


s = 96.0  # a person of segment area 96^2, the edge between COCO medium and large
print(f"one keypoint off by d pixels, person of area {s:.0f}^2 px")
print(f"{'keypoint':10}{'sigma':>7}{'d=2':>7}{'d=5':>7}{'d=10':>7}{'d where 0.5':>13}")
GROUPS = ["eyes", "nose", "ears", "wrists", "elbows", "shoulders", "knees", "ankles"]
for part in [*GROUPS, "hips"]:
    k = next(i for i, name in enumerate(NAMES) if name.endswith(part.rstrip("s")))
    row = "".join(f"{similarity(d, s, SIGMAS[k]):7.2f}" for d in (2, 5, 10))
    d_half = s * 2 * SIGMAS[k] * np.sqrt(2 * np.log(2))
    print(f"{part:10}{SIGMAS[k]:7.3f}{row}{d_half:11.1f} px")

# A prediction set: a reference pose of 17 labelled keypoints and three predictions
# with errors of the same size in pixels, placed on different keypoints
rng = np.random.default_rng(0)
gt = rng.uniform(0, s, (17, 2))
vis = np.full(17, 2)
eyes = [NAMES.index("left_eye"), NAMES.index("right_eye")]
hips = [NAMES.index("left_hip"), NAMES.index("right_hip")]
print("prediction                              OKS  >= 0.75  >= 0.95")
CASES = {
    "8 px off on both eyes, rest exact": eyes,
    "8 px off on both hips, rest exact": hips,
    "8 px off on all 17 keypoints": list(range(17)),
}
for label, idx in CASES.items():
    pred = gt.copy()
    angle = rng.uniform(0, 2 * np.pi, len(idx))
    pred[idx] += 8 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    o = oks(pred, gt, vis, s**2)
    print(f"{label:36}{o:7.3f}{str(o >= 0.75):>9}{str(o >= 0.95):>9}")

# the pycocotools form agrees with the formula on the COCO evaluation page
direct = similarity(np.linalg.norm(pred - gt, axis=1), s, SIGMAS).mean()
print("equals the mean of exp(-d^2 / 2 s^2 kappa^2):", np.isclose(o, direct))
# --8<-- [end:oks]
