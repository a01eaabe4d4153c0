import numpy as np

rng = np.random.default_rng(0)

# A pinhole camera 1.5 m above flat ground, looking along +z (x right, y down):
# focal length f pixels, principal point (cx, cy). Depth = the z of the surface seen.
W, H, f = 160, 96, 100.0
cx, cy = W / 2, H / 2
cam_h, max_depth = 1.5, 80.0
# boxes on the ground: x from, x to, height, z from, z to (metres)
boxes = np.array([[-2.5, -1.0, 1.0, 6.0, 7.0],
                  [1.0, 3.0, 2.0, 10.0, 11.5],
                  [-4.0, -1.5, 1.5, 18.0, 19.0]])  # fmt: skip


def cast(u, v, cam_x=0.0, box_dx=(0.0, 0.0, 0.0)):
    """Ray-cast pixels (u, v) of a camera at (cam_x, 0, 0). Returns depth, surface
    id (-1 sky, 0 ground, k box k) and the 3-D point hit (box points in box
    coordinates, so a texture moves with its box). box_dx shifts each box in x."""
    d = np.stack([(u - cx) / f, (v - cy) / f, np.ones_like(u)], -1)
    o = np.array([cam_x, 0.0, 0.0])
    depth, sid = np.full(u.shape, np.inf), np.full(u.shape, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_ground = np.where(d[..., 1] > 0, cam_h / d[..., 1], np.inf)
        hit = t_ground < max_depth
        depth[hit], sid[hit] = t_ground[hit], 0
        for k, (x0, x1, h, z0, z1) in enumerate(boxes, start=1):
            lo = np.array([x0 + box_dx[k - 1], cam_h - h, z0])
            hi = np.array([x1 + box_dx[k - 1], cam_h, z1])
            t1, t2 = (lo - o) / d, (hi - o) / d
            near = np.minimum(t1, t2).max(-1)
            far = np.maximum(t1, t2).min(-1)
            hit = (near <= far) & (near > 0) & (near < depth)
            depth[hit], sid[hit] = near[hit], k
        point = o + depth[..., None] * d  # sky: not finite
    for k in (1, 2, 3):
        point[sid == k, 0] -= box_dx[k - 1]
    return depth, sid, point


v, u = np.mgrid[0:H, 0:W] + 0.5
gt, sid, _ = cast(u, v)
valid = sid >= 0
z = gt[valid]


def metrics(pred, z):
    """AbsRel, RMSE (m), log RMSE and delta < 1.25 over valid pixels."""
    ratio = np.maximum(pred / z, z / pred)
    return (np.mean(np.abs(pred - z) / z), np.sqrt(np.mean((pred - z) ** 2)),
            np.sqrt(np.mean(np.log(pred / z) ** 2)), np.mean(ratio < 1.25))  # fmt: skip


def median_scale(pred, z):
    return pred * np.median(z) / np.median(pred)


def fit_scale_shift(x, y):
    """Least-squares s, t minimising sum (s x + t - y)^2 (closed form)."""
    xm, ym = x.mean(), y.mean()
    s = np.sum((x - xm) * (y - ym)) / np.sum((x - xm) ** 2)
    return s, ym - s * xm


# "Predictions" of the kinds real models give, each with 10% log-normal noise
noise = np.exp(0.1 * rng.standard_normal(z.shape))
metric = z * noise  # a metric model
scaled = 0.3 * z * noise  # metric up to an unknown scale (self-supervised video)
disp = 500.0 / z * noise + 120.0  # disparity up to unknown scale and shift (MiDaS)
s, t = fit_scale_shift(disp, 1 / z)
A = np.stack([disp, np.ones_like(disp)], 1)
same = np.allclose((s, t), np.linalg.lstsq(A, 1 / z, rcond=None)[0])
aligned = 1 / np.maximum(s * disp + t, 1 / max_depth)  # cap depth at 80 m
flat = np.full_like(z, 10.0)  # no structure at all: one depth everywhere
rows = [("metric", "none", metric),
        ("depth x 0.3", "none", scaled),
        ("depth x 0.3", "median", median_scale(scaled, z)),
        ("affine disparity", "none (1/d)", 1 / disp),
        ("affine disparity", "median", median_scale(1 / disp, z)),
        ("affine disparity", "scale+shift", aligned),
        ("constant 10 m", "median", median_scale(flat, z))]  # fmt: skip
print(f"{z.size:,} valid pixels, depth {z.min():.1f} to {z.max():.1f} m")
print(f"{'prediction':<19}{'alignment':<13}{'AbsRel':>8}{'RMSE m':>8}"
      f"{'log RMSE':>9}{'d<1.25':>8}")  # fmt: skip
for name, how, pred in rows:
    a, r, lr, d1 = metrics(pred, z)
    print(f"{name:<19}{how:<13}{a:>8.3f}{r:>8.2f}{lr:>9.3f}{d1:>8.3f}")
far = z > 40
rmse_far = [np.sqrt(np.mean((p[far] - z[far]) ** 2)) for p in (metric, aligned)]
print(f"beyond 40 m: RMSE {rmse_far[0]:.2f} m metric, {rmse_far[1]:.2f} m scale+shift")
print(f"closed-form scale and shift == np.linalg.lstsq: {same}")


# Eigen et al.'s loss on log depth, d_i = log pred_i - log true_i:
# mean(d^2) - lambda * mean(d)^2; lambda = 1 is the scale-invariant error.
def eigen_loss(pred, z, lam):
    d = np.log(pred) - np.log(z)
    return np.mean(d**2) - lam * np.mean(d) ** 2


print("\nloss of the metric prediction times c   c=1     c=0.3   c=10")
for lam, name in ((0.0, "log MSE (lambda=0)"), (0.5, "Eigen training (lambda=0.5)"),
                  (1.0, "scale-invariant (lambda=1)")):  # fmt: skip
    vals = [eigen_loss(c * metric, z, lam) for c in (1.0, 0.3, 10.0)]
    print(f"{name:<40}" + "".join(f"{x:>8.4f}" for x in vals))


# MiDaS-style loss on disparity: align by least squares, then mean squared error
def ssi_loss(pred_disp, z):
    s, t = fit_scale_shift(pred_disp, 1 / z)
    return np.mean((s * pred_disp + t - 1 / z) ** 2)


true_disp = noise / z  # the affine disparity before its scale and shift
print(f"affine disparity: scale-invariant error {eigen_loss(1 / disp, z, 1):.4f}, "
      f"{eigen_loss(1 / true_disp, z, 1):.4f} before the shift")  # fmt: skip
same = np.isclose(ssi_loss(disp, z), ssi_loss(true_disp, z))
print(f"scale-and-shift-invariant loss on disparity unchanged: {same}")


# Back-projection: pixel (u, v), depth z -> z ((u - cx) / f_used, (v - cy) / f_used, 1)
def measure(depth, f_used):
    pts = np.stack([(u - cx) / f_used * depth, (v - cy) / f_used * depth, depth], -1)
    ground = pts[sid == 0]
    centre = ground.mean(0)
    normal = np.linalg.svd(ground - centre, full_matrices=False)[2][-1]
    height = abs(centre @ normal)  # distance from the camera to the plane
    tilt = np.degrees(np.arccos(abs(normal[1])))  # true ground normal: (0, 1, 0)
    box1 = pts[sid == 1]
    size = box1.max(0) - box1.min(0)  # x: wide, y: high, z: deep
    ratio = pts[sid == 3][:, 2].min() / box1[:, 2].min()
    return height, tilt, size, ratio


print("\npoint cloud            camera m  ground tilt  box 1 high x wide x deep"
      "  box 3 / box 1")  # fmt: skip
for name, depth, f_used in (("true depth and f", gt, f),
                            ("depth x 0.3", 0.3 * gt, f),
                            ("disparity + 0.02/m", 1 / (1 / gt + 0.02), f),
                            ("focal length x 0.7", gt, 0.7 * f)):  # fmt: skip
    hgt, tilt, (bw, bh, bd), ratio = measure(depth, f_used)
    dims = f"{bh:.2f} x {bw:.2f} x {bd:.2f} m"
    print(f"{name:<21}{hgt:>9.2f}{tilt:>9.1f} deg{dims:>26}{ratio:>15.2f}")

# Self-supervision: a second frame after the camera moves tx = 0.5 m to the right
# (or the other camera of a stereo pair). Box 1 is textureless; box 3 moves with
# the camera, like a car ahead at the same speed. Frame 2 is rendered exactly at
# each warped pixel (a real pipeline samples the image bilinearly).
freq = rng.normal(0.0, 3.0, (3, 8, 3))  # colour channel, wave, xyz (rad/m)
phase = rng.uniform(0.0, 2 * np.pi, (3, 8))


def image(depth, surface, point):
    """RGB of each ray: sums of sinusoids of the 3-D point hit."""
    point = np.where(np.isfinite(point), point, 0.0)
    waves = np.einsum("...i,cki->...ck", point, freq) + phase
    rgb = 0.5 + 0.5 * np.sin(waves).mean(-1)
    rgb[surface == 1] = 0.6  # textureless box
    rgb[surface == -1] = (0.6, 0.7, 0.9)  # sky
    return rgb


tx = 0.5
moved = (0.0, 0.0, tx)  # box 3 moves with the camera
frame1 = image(*cast(u, v))


def photometric(depth, cam_x):
    """|frame 1 - frame 2 warped into frame 1| per pixel, for a depth map and a
    camera shift cam_x: u2 = u - f cam_x / depth (a sideways move keeps v)."""
    u2 = u - f * cam_x / depth
    frame2 = image(*cast(u2, v, tx, moved))  # the camera really moved by tx
    return np.abs(frame1 - frame2).mean(-1)


scales = (0.5, 0.8, 1.0, 1.25, 2.0, np.inf)
box1 = sid == 1
inner = box1 & np.roll(box1, 5, axis=1) & np.roll(box1, -5, axis=1)
regions = (("textured, static", (sid == 0) | (sid == 2)),
           ("textureless box", box1),
           ("  5 px from its edges", inner),
           ("box moving with camera", sid == 3))  # fmt: skip
err = [photometric(s * gt, tx) for s in scales]
print("\nphotometric error, depth map = true depth x s")
print(f"{'region':<24}" + "".join(f"{'s=' + str(s):>8}" for s in scales))
for name, mask in regions:
    print(f"{name:<24}" + "".join(f"{e[mask].mean():>8.3f}" for e in err))
# at the true depth, error remains only where frame 2 sees another surface
static = regions[0][1]
hidden = static & (cast(u - f * tx / gt, v, tx, moved)[1] != sid)
left = static & (err[2] > 1e-9)
print(
    f"textured pixels with error at the true depth: {left.sum()} of "
    f"{static.sum():,}, all hidden in frame 2: {np.array_equal(left, hidden)}"
)
same = np.allclose(photometric(2.5 * gt, 2.5 * tx), err[2])
print(f"depth x 2.5 with camera shift x 2.5: same error as the truth: {same}")
