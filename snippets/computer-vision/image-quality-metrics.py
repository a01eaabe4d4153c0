import numpy as np
from scipy.fft import dctn, idctn
from scipy.ndimage import correlate1d, gaussian_filter
from sklearn.datasets import load_sample_image

PEAK = 255.0
K1, K2 = 0.01, 0.03
rng = np.random.default_rng(0)


def gaussian_window(size=11, sigma=1.5):
    offsets = np.arange(size) - size // 2
    weights = np.exp(-(offsets**2) / (2 * sigma**2))
    return weights / weights.sum()


WINDOW = gaussian_window()
HALF = len(WINDOW) // 2


def local_mean(img):
    # Separable 11x11 Gaussian; cropping the border keeps only windows that lie
    # entirely inside the image, like MATLAB's filter2(..., 'valid').
    blurred = correlate1d(img, WINDOW, axis=0)
    blurred = correlate1d(blurred, WINDOW, axis=1)
    return blurred[HALF:-HALF, HALF:-HALF]


def ssim_terms(x, y, peak=PEAK):
    c1, c2 = (K1 * peak) ** 2, (K2 * peak) ** 2
    mu_x, mu_y = local_mean(x), local_mean(y)
    var_x = local_mean(x * x) - mu_x**2
    var_y = local_mean(y * y) - mu_y**2
    cov = local_mean(x * y) - mu_x * mu_y
    luminance = (2 * mu_x * mu_y + c1) / (mu_x**2 + mu_y**2 + c1)
    # Contrast times structure, with C3 = C2 / 2 as in Wang et al. (2004).
    contrast_structure = (2 * cov + c2) / (var_x + var_y + c2)
    return luminance, contrast_structure


def ssim(x, y, peak=PEAK):
    luminance, contrast_structure = ssim_terms(x, y, peak)
    return float(np.mean(luminance * contrast_structure))


def mse(x, y):
    return float(np.mean((x - y) ** 2))


def psnr(x, y, peak=PEAK):
    error = mse(x, y)
    return np.inf if error == 0 else 10 * np.log10(peak**2 / error)


def ssim_one_window(x, y, row, col):
    # The same quantity from explicit weighted sums over one 11x11 patch.
    weights = np.outer(WINDOW, WINDOW)
    patch = np.s_[row : row + len(WINDOW), col : col + len(WINDOW)]
    px, py = x[patch], y[patch]
    mx, my = np.sum(weights * px), np.sum(weights * py)
    vx, vy = np.sum(weights * (px - mx) ** 2), np.sum(weights * (py - my) ** 2)
    cxy = np.sum(weights * (px - mx) * (py - my))
    c1, c2 = (K1 * PEAK) ** 2, (K2 * PEAK) ** 2
    return (2 * mx * my + c1) * (2 * cxy + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2))


# JPEG's luminance quantisation table (ITU-T T.81, Annex K).
JPEG_TABLE = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=float,
)


def jpeg_like(img, scale):
    h, w = img.shape
    blocks = (img - 128).reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
    coeffs = dctn(blocks, axes=(2, 3), norm="ortho")
    step = scale * JPEG_TABLE
    decoded = idctn(np.round(coeffs / step) * step, axes=(2, 3), norm="ortho")
    return decoded.transpose(0, 2, 1, 3).reshape(h, w) + 128


def match_mse(make, target, low, high):
    # Bisection on the distortion's strength until its MSE equals the target.
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if mse(ref, make(mid)) < target else (low, mid)
    return (low + high) / 2


def luma(rgb):
    return rgb @ np.array([0.299, 0.587, 0.114])


photo = load_sample_image("china.jpg").astype(float)
rows, cols = slice(150, 406), slice(90, 346)
ref = luma(photo[rows, cols])
print(f"reference: china.jpg (scikit-learn), 256x256 crop, luma 0-255, peak {PEAK:.0f}")

print("SSIM against closed forms")
print(f"  identical images: {ssim(ref, ref):.6f}")
flat_a, flat_b = np.full((32, 32), 100.0), np.full((32, 32), 110.0)
c1 = (K1 * PEAK) ** 2
closed = (2 * 100 * 110 + c1) / (100**2 + 110**2 + c1)
print(f"  flat 100 vs flat 110: {ssim(flat_a, flat_b):.6f}, closed form {closed:.6f}")
luminance, contrast_structure = ssim_terms(ref, ref + 20)
offset_ok = np.allclose(contrast_structure, 1, rtol=0, atol=1e-9)
print(f"  offset +20: contrast-structure term is 1 everywhere: {offset_ok}")
print(f"  offset +20: SSIM = mean luminance term: {ssim(ref, ref + 20):.6f}", end="")
print(f" = {np.mean(luminance):.6f}")
noisy_check = ref + 10 * rng.standard_normal(ref.shape)
lum_map, cs_map = ssim_terms(ref, noisy_check)
window_gap = abs((lum_map * cs_map)[40, 70] - ssim_one_window(ref, noisy_check, 40, 70))
print(f"  one window by explicit weighted sums matches the map: {window_gap < 1e-9}")

TARGET_MSE = 100.0
noise = rng.standard_normal(ref.shape)
noise *= np.sqrt(TARGET_MSE / np.mean(noise**2))
blur_sigma = match_mse(lambda s: gaussian_filter(ref, s), TARGET_MSE, 0.1, 20)
jpeg_scale = match_mse(lambda q: jpeg_like(ref, q), TARGET_MSE, 0.1, 50)
offset = np.sqrt(TARGET_MSE)
gain = 1 + np.sqrt(TARGET_MSE) / ref.std()
distorted = {
    f"noise, sd {noise.std():.1f}": ref + noise,
    f"blur, sigma {blur_sigma:.2f} px": gaussian_filter(ref, blur_sigma),
    f"JPEG-like, table x{jpeg_scale:.2f}": jpeg_like(ref, jpeg_scale),
    f"brightness +{offset:.1f}": ref + offset,
    f"contrast x{gain:.3f}": ref.mean() + gain * (ref - ref.mean()),
    # The crop one pixel to the right: nothing lost, and its MSE is set by the image.
    "shift by one pixel": luma(photo[rows, 91:347]),
}
print(f"\ndistortions matched to MSE {TARGET_MSE:.0f}, except the shift")
print(f"{'distortion':25}{'MSE':>8}{'PSNR dB':>9}{'SSIM':>7}{'lum':>7}{'con*str':>9}")
for name, img in distorted.items():
    luminance, contrast_structure = ssim_terms(ref, img)
    print(
        f"{name:25}{mse(ref, img):8.1f}{psnr(ref, img):9.2f}{ssim(ref, img):7.3f}"
        f"{np.mean(luminance):7.3f}{np.mean(contrast_structure):9.3f}"
    )

print("\npitfalls")
noisy = ref + noise
wrong_ssim = ssim(ref / 255, noisy / 255, peak=255)
print(f"  noise, images in 0-1 but SSIM constants for 255: SSIM {wrong_ssim:.3f}")
wrong_psnr = psnr(ref / 255, noisy / 255, peak=255)
print(f"  noise, images in 0-1 but PSNR peak 255: {wrong_psnr:.2f} dB")

to_ycc = np.array(
    [[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]]
)
colour = photo[rows, cols]
ycc = colour @ to_ycc.T
for channel in (1, 2):
    plane = ycc[..., channel].reshape(128, 2, 128, 2).mean(axis=(1, 3))
    ycc[..., channel] = np.repeat(np.repeat(plane, 2, axis=0), 2, axis=1)
subsampled = ycc @ np.linalg.inv(to_ycc).T
y_unchanged = np.max(np.abs(luma(subsampled) - luma(colour))) < 1e-9
print(f"  chroma 4:2:0: PSNR on RGB {psnr(colour, subsampled):.2f} dB", end="")
print(f", Y channel unchanged: {y_unchanged}")

sky = luma(photo[0:128, 420:548])
per_image, squared_errors = [], []
for img in (ref, sky):
    blurred = gaussian_filter(img, 1.0)
    per_image.append(psnr(img, blurred))
    squared_errors.append(np.sum((img - blurred) ** 2))
pooled = 10 * np.log10(PEAK**2 / (sum(squared_errors) / (ref.size + sky.size)))
print(f"  blur sigma 1: textured {per_image[0]:.2f} dB, sky {per_image[1]:.2f} dB;")
print(f"    mean of the two PSNRs {np.mean(per_image):.2f} dB", end="")
print(f", PSNR of their pooled MSE {pooled:.2f} dB")

zero_padded = gaussian_filter(sky, 1.0, mode="constant")
inside = slice(4, -4)
cropped = psnr(sky[inside, inside], zero_padded[inside, inside])
print(f"  sky blurred with zero padding: {psnr(sky, zero_padded):.2f} dB", end="")
print(f", 4-pixel border cropped {cropped:.2f} dB")
