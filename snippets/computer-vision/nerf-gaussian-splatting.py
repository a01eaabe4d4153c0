# --8<-- [start:quadrature]
import numpy as np

rng = np.random.default_rng(0)
t_near, t_far = 2.0, 6.0  # the ray segment that is rendered


def render(t, sigma, linear_alpha=False):
    """NeRF's quadrature along each ray (one ray per row, samples sorted in t).
    Sample i's density holds over [t_i, t_(i+1)]; weight w_i = T_i * alpha_i.
    Returns opacity (sum of weights) and expected depth (sum of w_i * t_i)."""
    delta = np.diff(t, axis=-1, append=t_far)
    if linear_alpha:  # the first-order shortcut alpha = sigma * delta
        alpha = np.minimum(sigma * delta, 1.0)
    else:
        alpha = 1.0 - np.exp(-sigma * delta)
    # transmittance T_i = prod_{j<i} (1 - alpha_j): the light that reaches sample i
    trans = np.cumprod(1.0 - alpha, axis=-1)
    trans = np.concatenate([np.ones_like(trans[:, :1]), trans[:, :-1]], axis=-1)
    w = trans * alpha
    return w.sum(-1), (w * t).sum(-1)


def stratified(n_rays, n):
    """One uniform sample in each of n equal bins of [t_near, t_far]."""
    edges = np.linspace(t_near, t_far, n + 1)
    return edges[:-1] + rng.random((n_rays, n)) * (edges[1] - edges[0])


# A slab of constant density sigma and thickness L, at a random depth per ray
sigma, L, rays = 4.0, 0.5, 2000
a = rng.uniform(2.5, 5.0, rays)[:, None]
# closed form: opacity 1 - exp(-sigma L); expected depth = integral of t T sigma dt
exact_opacity = 1 - np.exp(-sigma * L)
exact_depth = (
    a[:, 0] * exact_opacity + (1 - np.exp(-sigma * L) * (1 + sigma * L)) / sigma
)
print(f"slab: sigma={sigma}, thickness {L}, opacity 1-exp(-2) = {exact_opacity:.4f}")
print("mean |error| over 2,000 rays, stratified samples")
print(f"{'samples':>7}{'opacity':>10}{'depth':>10}{'opacity, alpha=sigma*delta':>28}")
for n in (8, 32, 128, 512):
    t = stratified(rays, n)
    density = np.where((t >= a) & (t < a + L), sigma, 0.0)
    opacity, depth = render(t, density)
    opacity_lin, _ = render(t, density, linear_alpha=True)
    e_op = np.abs(opacity - exact_opacity).mean()
    e_depth = np.abs(depth - exact_depth).mean()
    e_lin = np.abs(opacity_lin - exact_opacity).mean()
    print(f"{n:>7}{e_op:>10.4f}{e_depth:>10.4f}{e_lin:>28.4f}")

# With sample bins on the slab's edges the density is exactly piecewise constant:
# 1 - exp(-sigma delta) is then exact, whatever the spacing; sigma * delta is not.
t = np.linspace(t_near, t_far, 17)[None, :-1]  # 16 bins of 0.25, slab at [3, 3.5]
density = np.where((t >= 3.0) & (t < 3.0 + L), sigma, 0.0)
print(f"16 samples on the slab's edges: opacity {render(t, density)[0][0]:.4f}, "
      f"with alpha=sigma*delta {render(t, density, True)[0][0]:.4f}")  # fmt: skip
# --8<-- [end:quadrature]

# --8<-- [start:splatting]
import numpy as np

rng = np.random.default_rng(0)

# 1) Projection: a 3-D Gaussian (Sigma = R S S^T R^T, as 3DGS stores it) seen by a
# pinhole camera at the origin looking down +z, focal length f pixels. 3DGS uses
# the local affine approximation Sigma_2D = J Sigma J^T (J: the projection's
# Jacobian at the mean); Monte Carlo projects 400,000 sampled points exactly.
f = 400.0
q = np.array([0.9, 0.2, -0.3, 0.25])
w, x, y, z = q / np.linalg.norm(q)  # unit quaternion -> rotation matrix
R = np.array(
    [
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ]
)
print("projected covariance, J Sigma J^T vs Monte Carlo: relative Frobenius error")
print(
    f"{'depth':>5}{'largest sd':>12}{'on screen (px)':>16}{'error':>8}{'MC noise':>10}"
)
for zc, sd in ((6.0, 0.05), (3.0, 0.2), (2.0, 0.4)):  # depth of the mean, largest sd
    mu = np.array([0.5, -0.3, zc])
    RS = R @ np.diag([sd, 0.5 * sd, 0.2 * sd])
    J = np.array([[f / zc, 0, -f * mu[0] / zc**2],
                  [0, f / zc, -f * mu[1] / zc**2]])  # fmt: skip
    cov_affine = J @ RS @ RS.T @ J.T
    pts = mu + rng.standard_normal((400_000, 3)) @ RS.T
    cov_mc = np.cov((f * pts[:, :2] / pts[:, 2:]).T)
    err = np.linalg.norm(cov_mc - cov_affine) / np.linalg.norm(cov_mc)
    # the same samples pushed through the affine map: pure sampling noise
    cov_lin = np.cov(((pts - mu) @ J.T).T)
    noise = np.linalg.norm(cov_lin - cov_affine) / np.linalg.norm(cov_affine)
    px = np.sqrt(np.linalg.eigvalsh(cov_affine).max())
    print(f"{zc:>5}{sd:>12}{px:>16.1f}{err:>8.1%}{noise:>10.1%}")

# 2) Blending: 100 anisotropic 2-D splats (what the 3-D Gaussians project to)
# on a 32x32 image; alpha = opacity * Gaussian falloff, clamped at 0.99 and
# dropped below 1/255 as in the 3DGS rasteriser.
K, H = 100, 32
mean = rng.uniform(4, 28, (K, 2))
scale = rng.uniform(2.0, 6.0, (K, 2))
angle = rng.uniform(0, np.pi, K)
opacity = rng.uniform(0.6, 1.0, K)
colour = rng.random((K, 3))
depth = rng.uniform(1, 10, K)
c, s = np.cos(angle), np.sin(angle)
rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
cov = rot @ (scale[:, :, None] ** 2 * np.eye(2)) @ rot.transpose(0, 2, 1)
pix = np.stack(np.meshgrid(np.arange(H), np.arange(H)), -1).reshape(-1, 2) + 0.5
d = pix[None] - mean[:, None]  # (K, pixels, 2)
power = -0.5 * np.einsum("kpi,kij,kpj->kp", d, np.linalg.inv(cov), d)
alpha = np.minimum(0.99, opacity[:, None] * np.exp(power))
alpha[alpha < 1 / 255] = 0.0


def front_to_back(order, stop=0.0):
    """Accumulate C += T * alpha * c, T *= (1 - alpha); a pixel whose
    transmittance has fallen below `stop` skips the remaining splats."""
    image, trans, work = np.zeros((H * H, 3)), np.ones(H * H), 0
    for k in order:
        a = np.where(trans < stop, 0.0, alpha[k])
        work += np.count_nonzero(a)
        image += (trans * a)[:, None] * colour[k]
        trans = trans * (1 - a)
    return image, work


def back_to_front(order):
    """The painter's 'over' operator: C = alpha * c + (1 - alpha) * C_behind."""
    image = np.zeros((H * H, 3))
    for k in order[::-1]:
        image = alpha[k][:, None] * colour[k] + (1 - alpha[k][:, None]) * image
    return image


near_first = np.argsort(depth)
over = back_to_front(near_first)
full, work_full = front_to_back(near_first)
early, work_early = front_to_back(near_first, stop=1e-4)
wrong, _ = front_to_back(near_first[::-1])  # blended far-to-near by mistake
print(f"\n{K} splats on {H}x{H} pixels")
print(f"front-to-back == back-to-front 'over': {np.allclose(full, over, atol=1e-12)}")
print(f"stop at transmittance < 1e-4: {1 - work_early / work_full:.0%} of "
      "splat-pixel blends skipped")  # fmt: skip
print(f"  ...max |change| < 1e-4: {np.abs(early - over).max() < 1e-4}")
print(
    f"blended in the wrong depth order: mean |error| {np.abs(wrong - over).mean():.3f}"
)
# --8<-- [end:splatting]

# --8<-- [start:encoding]
import math

import torch
from torch import nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # digits independent of the CPU

# A 1-D "scene": three sinusoids of 2, 11 and 29 cycles on [0, 1). The MLP sees
# every other point of a 256-point grid (128 "training rays", Nyquist limit 64
# cycles) and is scored on the 128 points in between ("held-out views").
grid = torch.arange(256) / 256
amplitude = {2: 1.0, 11: 0.5, 29: 0.3}
target = sum(a * torch.sin(2 * math.pi * k * grid) for k, a in amplitude.items())


def encode(x, n_freq):
    """NeRF's gamma(p): sin and cos of 2^k pi p, k < n_freq, plus p itself."""
    p = (2 * x - 1)[:, None]  # coordinates in [-1, 1]
    if n_freq == 0:
        return p
    k = 2.0 ** torch.arange(n_freq) * math.pi
    return torch.cat([p, torch.sin(k * p), torch.cos(k * p)], -1)


print("MLP fitted to 128 points (1000 Adam steps); amplitudes in the fit, true")
print("1.00 / 0.50 / 0.30; RMSE on the 128 training and 128 held-out points")
print(f"{'input':<13}{'2 / 11 / 29 cycles':>20}{'train':>8}{'held-out':>10}")
for name, n_freq in [("raw p", 0), ("gamma, L=6", 6), ("gamma, L=10", 10)]:
    torch.manual_seed(0)
    x = encode(grid, n_freq)
    net = nn.Sequential(
        nn.Linear(x.shape[1], 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 1),
    )  # fmt: skip
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    for _ in range(1000):  # full-batch Adam on the even (training) points
        loss = ((net(x[::2]).squeeze(-1) - target[::2]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = net(x).squeeze(-1)
    # amplitude of each frequency in the fitted function over the whole grid
    spectrum = 2 * torch.fft.rfft(pred).abs() / len(grid)
    amps = " / ".join(f"{spectrum[k]:.2f}" for k in amplitude)
    rmse = [((pred - target)[i::2] ** 2).mean().sqrt().item() for i in (0, 1)]
    print(f"{name:<13}{amps:>20}{rmse[0]:>8.3f}{rmse[1]:>10.3f}")
# --8<-- [end:encoding]
