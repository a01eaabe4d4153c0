# --8<-- [start:capacity]
# Illustrative assumptions: 500 cars drive 6 h a day and take a panorama every 10 m at
# 20 km/h; a panorama is 8192 x 4096 pixels, cut into 45 overlapping 1024-pixel tiles
# plus one downscaled pass of the whole panorama; one detector for faces and plates
# takes 10 ms per tile on a GPU at $2 an hour; an original JPEG is 5 MB.
cars, hours, metres, kmh = 500, 6, 10, 20
passes, ms_per_pass, gpu_dollars, jpeg_mb = 45 + 1, 10, 2.0, 5
archive = 1e9
per_day = cars * hours * kmh * 1_000 / metres
gpu_s = passes * ms_per_pass / 1_000
gpu_hours = per_day * gpu_s / 3_600
reprocess = archive * gpu_s / 3_600
# Faces a random audit must label to estimate a recall near 0.99 to +/-0.003
# (a 95% normal interval).
audit = 1.96**2 * 0.99 * 0.01 / 0.003**2
rows = [
    ("panoramas/day", f"{per_day / 1e6:.1f}M"),
    ("detector passes per panorama", f"{passes}"),
    ("GPU-hours/day", f"{gpu_hours:,.0f}"),
    ("GPUs busy around the clock", f"{gpu_hours / 24:.0f}"),
    ("GPU $/day", f"{gpu_hours * gpu_dollars:,.0f}"),
    ("GPU $ per 1,000 panoramas", f"{gpu_s * 1_000 / 3_600 * gpu_dollars:.2f}"),
    ("GPU-hours to re-run 1B archived", f"{reprocess:,.0f}"),
    ("$ to re-run 1B archived", f"{reprocess * gpu_dollars:,.0f}"),
    ("originals to encrypt, TB/day", f"{per_day * jpeg_mb / 1e6:.0f}"),
    ("faces to audit per slice", f"{audit:,.0f}"),
]
for name, value in rows:
    print(f"{name:<34}{value:>10}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np

rng = np.random.default_rng(0)
W, H, SIDE, OVERLAP = 8192, 4096, 1024, 128


def views(scale, whole=True):
    # Detector passes as (x0, y0, width, height) in native pixels, plus the scale
    # from native pixels to the detector's input. A whole-panorama pass downscales
    # 8192 x 4096 to 1024 x 512; tiles are SIDE x SIDE inputs overlapping by OVERLAP.
    out = [(0, 0, W, H, SIDE / W)] if whole else []
    if scale is None:
        return out
    side, stride = SIDE / scale, (SIDE - OVERLAP) / scale
    xs = np.append(np.arange(0, W - side, stride), W - side)
    ys = np.append(np.arange(0, H - side, stride), H - side)
    return out + [(x, y, side, side, scale) for x in xs for y in ys]


def panoramas(n):
    # Faces per panorama ~ Poisson(6); height in native pixels lognormal, median
    # 18 px, so many are tiny; near the horizon row; 30% in group B; a latent
    # difficulty (occlusion, pose, light) shared by every pass that sees the face.
    k = rng.poisson(6, n)
    h = np.clip(rng.lognormal(np.log(18), 0.7, k.sum()), 6, 300)
    w = 0.8 * h
    x = rng.uniform(w / 2, W - w / 2)
    y = np.clip(rng.normal(H / 2 + 150, 250, h.size), h / 2, H - h / 2)
    group_b = rng.random(h.size) < 0.3
    return dict(n=n, h=h, w=w, x=x, y=y, b=group_b, u=rng.normal(0, 1, h.size))


def logit(size_in):
    # The assumed detector: the score's logit rises with the face's height in the
    # detector's input, 0 (score 0.5) at 6 px, +2.5 per doubling.
    return 2.5 * (np.log2(size_in) - np.log2(6))


def detect(p, vs):
    # Each face's best score over the passes that contain it whole (NMS across
    # tiles keeps that box), and false positives from background: per pass
    # Poisson(10 per input megapixel) candidates with logit ~ N(-4, 1.3).
    best = np.full(p["h"].size, -np.inf)
    fp_logit, fp_area = [], []
    for x0, y0, vw, vh, s in vs:
        inside = (p["x"] - p["w"] / 2 >= x0) & (p["x"] + p["w"] / 2 <= x0 + vw)
        inside &= (p["y"] - p["h"] / 2 >= y0) & (p["y"] + p["h"] / 2 <= y0 + vh)
        z = logit(p["h"] * s) - 0.7 * p["b"] + p["u"] + rng.normal(0, 0.5, p["h"].size)
        best = np.where(inside, np.maximum(best, z), best)
        m = rng.poisson(10 * vw * s * vh * s / 1e6 * p["n"])
        fp_logit.append(rng.normal(-4.0, 1.3, m))
        # A false box is about 16 px in the input, so 1/s times larger in native px.
        fp_area.append(0.8 * (rng.lognormal(np.log(16), 0.5, m) / s) ** 2)
    score = 1 / (1 + np.exp(-best))
    fp = 1 / (1 + np.exp(-np.concatenate(fp_logit)))
    return score, fp, np.concatenate(fp_area)


methods = {
    "whole panorama": views(None),
    "tiles, 1/2 resolution": views(0.5),
    "tiles, native resolution": views(1.0),
}
test = panoramas(1_000)
edges = [6, 12, 24, 48, 301]
bucket = np.digitize(test["h"], edges) - 1
print("recall at threshold 0.5, by face height in native pixels")
head = "".join(f"{c:>7}" for c in ["6-11", "12-23", "24-47", "48+", "all"])
print(f"{'method':<24}{'passes':>7}{'Mpx':>6}{head}{'FP/pano':>8}")
results = {}
for name, vs in methods.items():
    score, fp, fp_area = results[name] = detect(test, vs)
    mpx = sum(vw * s * vh * s for _, _, vw, vh, s in vs) / 1e6
    rec = "".join(f"{(score[bucket == i] >= 0.5).mean():7.3f}" for i in range(4))
    rec += f"{(score >= 0.5).mean():7.3f}"
    fp_rate = (fp >= 0.5).sum() / test["n"]
    print(f"{name:<24}{len(vs):>7}{mpx:>6.1f}{rec}{fp_rate:>8.2f}")
share = np.bincount(bucket, minlength=4) / bucket.size
print(f"{'share of faces':<37}" + "".join(f"{v:7.3f}" for v in share))

# Choose the threshold for the tiled detector on a validation split, apply it to
# the test split, and count what it costs: precision, false boxes, blurred area.
val = panoramas(1_000)
vs = methods["tiles, native resolution"]
v_score, v_fp, _ = detect(val, vs)
t_score, t_fp, t_fp_area = results["tiles, native resolution"]
grid = np.sort(np.concatenate([v_score, v_fp]))[::-1]
tp_cum = np.searchsorted(-np.sort(v_score)[::-1], -grid, side="right")
fp_cum = np.searchsorted(-np.sort(v_fp)[::-1], -grid, side="right")
f1 = 2 * tp_cum / (tp_cum + fp_cum + v_score.size)


def for_recall(scores, target=0.99):
    # The highest threshold that keeps at least `target` of these faces.
    return np.sort(scores)[int(np.floor((1 - target) * scores.size))]


rules = {
    "max F1": grid[np.argmax(f1)],
    "recall 0.99 overall": for_recall(v_score),
    "recall 0.99 per group": min(
        for_recall(v_score[val["b"]]), for_recall(v_score[~val["b"]])
    ),
}
face_area = test["h"] * test["w"]
# blur %: share of the panoramas' pixels blurred; FP area: share of that blur on
# false boxes; missed: faces left unblurred in the 1,000 test panoramas.
print(
    f"{'rule (set on validation)':<25}{'thresh':>7}{'recall':>7}{'grp A':>6}"
    f"{'grp B':>6}{'prec':>6}{'FP/pano':>8}{'blur %':>7}{'FP area':>8}{'missed':>7}"
)
for name, t in rules.items():
    hit, false = t_score >= t, t_fp >= t
    area_tp, area_fp = face_area[hit].sum(), t_fp_area[false].sum()
    print(
        f"{name:<25}{t:7.4f}{hit.mean():7.3f}{hit[~test['b']].mean():6.3f}"
        f"{hit[test['b']].mean():6.3f}{hit.sum() / (hit.sum() + false.sum()):6.3f}"
        f"{false.sum() / test['n']:8.1f}"
        f"{100 * (area_tp + area_fp) / (W * H * test['n']):7.3f}"
        f"{area_fp / (area_tp + area_fp):8.3f}{(~hit).sum():7d}"
    )
# --8<-- [end:simulation]
