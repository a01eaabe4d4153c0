import numpy as np

rng = np.random.default_rng(0)
T = 1000


def log_snr(abar):
    """lambda = log(abar / (1 - abar)), the noise level in any parameterisation."""
    with np.errstate(divide="ignore"):
        return np.log(abar) - np.log1p(-abar)


def abar_from_betas(betas):
    return np.cumprod(1.0 - betas)


# 1. Three schedules as functions of log-SNR. Linear: Ho et al. (2020). Cosine: Nichol
# and Dhariwal (2021), s = 0.008, beta clipped at 0.999. Stable Diffusion's "scaled
# linear": sqrt(beta) linear from sqrt(0.00085) to sqrt(0.012).
linear = abar_from_betas(np.linspace(1e-4, 0.02, T))
f = np.cos((np.arange(T + 1) / T + 0.008) / 1.008 * np.pi / 2) ** 2
cosine = abar_from_betas(np.minimum(1 - f[1:] / f[:-1], 0.999))
sd = abar_from_betas(np.linspace(0.00085**0.5, 0.012**0.5, T) ** 2)
# Lin et al. (2024), Algorithm 1: shift sqrt(abar) so the last step is 0, then scale so
# the first step keeps its value.
root = np.sqrt(sd)
sd_zero = ((root - root[-1]) * root[0] / (root[0] - root[-1])) ** 2

print("schedule (T = 1000)     lambda_1  lambda_500  lambda_T     SNR_T  "
      "lam>0  lam<-5")  # fmt: skip
for name, abar in [
    ("linear (DDPM)", linear),
    ("cosine", cosine),
    ("scaled linear (SD)", sd),
    ("SD, zero terminal SNR", sd_zero),
]:
    lam = log_snr(abar)
    print(f"{name:<22}{lam[0]:>9.3f}{lam[499]:>12.3f}{lam[-1]:>10.3f}"
          f"{abar[-1] / (1 - abar[-1]):>10.2e}{np.mean(lam > 0):>7.3f}"
          f"{np.mean(lam < -5):>7.3f}")  # fmt: skip


# 2. The same schedule at two resolutions. One smooth "scene" (Fourier modes of up to
# 3 cycles per image, the same continuous function) sampled on 64x64 and 256x256
# pixels, noised with the same abar, then average-pooled to a 16x16 layout: how much
# of the layout survives (log-SNR of the pooled image, correlation with the clean one).
def scene(n, n_images, seed):
    r = np.random.default_rng(seed)
    u = (np.arange(n) + 0.5) / n
    img = np.zeros((n_images, n, n))
    for i in range(n_images):
        for _ in range(24):
            kx, ky = r.integers(-3, 4, size=2)
            if kx == 0 and ky == 0:
                continue
            amp, phase = r.normal() / np.hypot(kx, ky), r.uniform(0, 2 * np.pi)
            img[i] += amp * np.cos(
                2 * np.pi * (kx * u[:, None] + ky * u[None, :]) + phase
            )
    return img / img.std()


def pool(x, cells=16):
    k = x.shape[-1] // cells
    return x.reshape(len(x), cells, k, cells, k).mean(axis=(2, 4))


def layout_kept(x0, lam, seed):
    abar = 1 / (1 + np.exp(-lam))
    eps = np.random.default_rng(seed).standard_normal(x0.shape)
    xt_coarse = np.sqrt(abar) * pool(x0) + np.sqrt(1 - abar) * pool(eps)
    signal = np.sqrt(abar) * pool(x0)
    lam_coarse = np.log(signal.var() / (xt_coarse - signal).var())
    return lam_coarse, np.corrcoef(xt_coarse.ravel(), signal.ravel())[0, 1]


small, large = scene(64, 8, seed=1), scene(256, 8, seed=1)
shift = -2 * np.log(256 / 64)
print(f"\n{'cosine':>6}{'pixel':>8}{'64x64':>15}{'256x256':>15}{'256x256 shift':>15}")
print(f"{'step':>6}{'lambda':>8}" + f"{'lambda':>9}{'corr':>6}" * 3)
gaps = []
for t in (400, 600, 800, 900, 950):
    lam = log_snr(cosine[t - 1])
    row = [layout_kept(small, lam, 2), layout_kept(large, lam, 3)]
    row.append(layout_kept(large, lam + shift, 3))
    gaps.append(row[1][0] - row[0][0])
    print(f"{t:>6}{lam:>8.3f}" + "".join(f"{a:>9.3f}{c:>6.3f}" for a, c in row))
print(f"layout log-SNR gap, 256x256 minus 64x64: {np.mean(gaps):.3f} "
      f"(2 log(256/64) = {-shift:.3f})")  # fmt: skip

# 3. SD3's timestep shift for rectified flow, x_t = (1 - t) x_0 + t eps, whose log-SNR
# is 2 log((1 - t) / t): t' = s t / (1 + (s - 1) t) moves it by exactly -2 log s.
t = (np.arange(T) + 0.5) / T
s = 3.0
t_shift = s * t / (1 + (s - 1) * t)
lam, lam_shift = 2 * np.log((1 - t) / t), 2 * np.log((1 - t_shift) / t_shift)
same = np.allclose(lam_shift, lam - 2 * np.log(s), atol=1e-9)
print(f"\nSD3 shift s = {s}: lambda(t') = lambda(t) - 2 log s: {same} "
      f"(-2 log s = {-2 * np.log(s):.3f})")  # fmt: skip
print(f"share of uniform steps at lambda > 0: {np.mean(lam > 0):.3f} -> "
      f"{np.mean(lam_shift > 0):.3f}")  # fmt: skip


# 4. Non-zero terminal SNR leaks the image's mean brightness into x_T. Images: a random
# brightness m (std 0.5) plus zero-mean detail. With SD's abar_T, the mean of x_T
# still carries m; with the rescaled schedule it does not. More pixels, more leak.
# The mean is linear: mean(x_T) = sqrt(abar_T) mean(x_0) + sqrt(1 - abar_T) mean(eps).
def noise_means(n, count):
    """The pixel mean of each of `count` pure-noise n x n images, 100 at a time."""
    batches = [
        rng.standard_normal((100, n, n)).mean(axis=(1, 2)) for _ in range(count // 100)
    ]
    return np.concatenate(batches)


print("\npixels    corr(mean x_T, brightness): SD schedule  zero terminal SNR")
n_img = 2000
m = 0.5 * rng.standard_normal(n_img)
sd_means = {}
for n in (32, 64, 128):
    detail = scene(n, 1, seed=4)[0]
    x0_means = m + rng.uniform(0.5, 1.5, n_img) * detail.mean()
    eps_means = noise_means(n, n_img)
    corr = []
    for abar_T in (sd[-1], sd_zero[-1]):
        means = np.sqrt(abar_T) * x0_means + np.sqrt(1 - abar_T) * eps_means
        corr.append(np.corrcoef(means, m)[0, 1])
    sd_means[n] = np.sqrt(sd[-1]) * x0_means + np.sqrt(1 - sd[-1]) * eps_means
    print(f"{n:>4}x{n:<4}{corr[0]:>34.3f}{corr[1]:>19.3f}")

# What a model can read from x_T at the first step (64x64): the best linear estimate
# of m from mean(x_T), fitted on training inputs, then applied to pure noise, which is
# what sampling starts from.
slope = np.polyfit(sd_means[64], m, 1)[0]
pure = slope * noise_means(64, n_img)
print(f"64x64: brightness read from x_T, std {(slope * sd_means[64]).std():.3f} "
      f"in training, {pure.std():.3f} from pure noise (data 0.5)")  # fmt: skip
