import numpy as np
from scipy.fft import dctn, idctn, irfft2, rfft2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# Synthetic stand-ins only: random textures play the photos and two made-up
# "generators" leave two different spectral fingerprints. No real generator output.
SIZE = 64
rng = np.random.default_rng(0)
# Frequencies (cycles per pixel) of the half-spectrum that rfft2 returns for a real
# image: 64 rows by 33 columns.
FY, FX = np.meshgrid(np.fft.fftfreq(SIZE), np.fft.rfftfreq(SIZE), indexing="ij")
FREQ = np.hypot(FY, FX)
# Columns 1 to 31 of the half-spectrum stand for two frequencies each (k and -k).
WEIGHT = np.where((FX == 0) | (FX == 0.5), 1.0, 2.0).ravel()
PARITY = (-1.0) ** np.arange(SIZE)


def textures(n):
    # "Real photos": Gaussian fields with a 1/f^beta amplitude spectrum like natural
    # images, beta ~ U(0.8, 1.3), random contrast, plus white sensor noise. Both are
    # drawn at once by shaping white noise's spectrum to the sum of their spectra.
    beta = rng.uniform(0.8, 1.3, size=(n, 1, 1))
    shape = np.where(FREQ > 0, np.maximum(FREQ, 1e-9) ** (-2 * beta), 0.0)
    # Rescale so the 1/f field has unit variance (Parseval; columns 1-31 count twice).
    total = (shape * WEIGHT.reshape(FREQ.shape)).sum(axis=(1, 2), keepdims=True)
    shape *= SIZE**2 / total
    contrast = rng.uniform(0.08, 0.18, size=(n, 1, 1))
    noise = rng.uniform(0.0, 0.01, size=(n, 1, 1))
    spectrum = rfft2(rng.standard_normal((n, SIZE, SIZE)))
    spectrum *= np.sqrt(contrast**2 * shape + noise**2)
    return 0.5 + irfft2(spectrum, s=(SIZE, SIZE))


def blur(x, sigma):
    # Gaussian blur with per-image sigma (pixels), applied in the Fourier domain.
    gain = np.exp(-2 * np.pi**2 * np.asarray(sigma).reshape(-1, 1, 1) ** 2 * FREQ**2)
    return irfft2(rfft2(x) * gain, s=(SIZE, SIZE))


def family_a(n):
    # Transposed convolution with uneven overlap (stride 2, kernel 3): alternate rows
    # and columns get gains 1+u and 1-u, a checkerboard with a peak at Nyquist.
    u = rng.uniform(0.005, 0.03, size=(n, 1, 1))
    gain = (1 + u * PARITY[None, :, None]) * (1 + u * PARITY[None, None, :])
    return textures(n) * gain


def family_b(n):
    # Bilinear-style upsampling: no checkerboard, only a smoother high-frequency
    # fall-off, stood in for by a Gaussian blur with sigma ~ U(0.3, 0.6) pixels.
    return blur(textures(n), rng.uniform(0.3, 0.6, size=n))


# JPEG's luminance quantisation table (ITU-T T.81, Annex K), scaled as libjpeg does.
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


def jpeg(x, quality):
    # JPEG-like: 8-bit pixels, 8x8 block DCT, quantise, invert (no chroma, no entropy
    # coding). quality is one value or one per image, 1..100.
    quality = np.broadcast_to(np.asarray(quality, dtype=float), (len(x),))
    scale = np.where(quality < 50, 5000 / quality, 200 - 2 * quality)
    step = np.maximum(np.floor((JPEG_TABLE * scale[:, None, None] + 50) / 100), 1)
    # Axes: image, block row, row in block, block column, column in block.
    step = step[:, None, :, None, :]
    pixels = np.clip(np.round(x * 255), 0, 255) - 128
    blocks = pixels.reshape(len(x), SIZE // 8, 8, SIZE // 8, 8)
    coef = np.round(dctn(blocks, axes=(2, 4), norm="ortho") / step) * step
    out = idctn(coef, axes=(2, 4), norm="ortho").reshape(x.shape)
    return np.clip(np.round(out + 128), 0, 255) / 255


def low_pass(x, keep=0.375):
    # What a resize to 3/4 of the size keeps: nothing above 0.375 cycles per pixel.
    mask = (np.abs(FY) <= keep) & (np.abs(FX) <= keep)
    return irfft2(rfft2(x) * mask, s=(SIZE, SIZE))


# Features: azimuthally averaged log power spectrum, one value per integer radius
# from 1 to 45 (the corner of the 64x64 spectrum), of the standardised image. The
# floor keeps log10 finite: after 8-bit rounding an outer ring, which holds only a
# few frequencies, can have exactly zero power.
RADIUS = np.round(FREQ * SIZE).astype(int).ravel()
RING = np.eye(RADIUS.max() + 1)[RADIUS] * WEIGHT[:, None]
RING /= RING.sum(axis=0)


def features(x):
    x = x - x.mean(axis=(1, 2), keepdims=True)
    x = x / x.std(axis=(1, 2), keepdims=True)
    power = np.abs(rfft2(x)) ** 2 / SIZE**2
    return np.log10(power.reshape(len(x), -1) @ RING + 1e-6)[:, 1:]


def augment(x):
    # Wang et al. (2020): blur with prob. 0.5, JPEG (quality 30-100) with prob. 0.5;
    # their blur sigma ~ U(0, 3) on 256-px images is scaled to U(0, 0.75) for 64 px.
    x = x.copy()
    hit = rng.random(len(x)) < 0.5
    x[hit] = blur(x[hit], rng.uniform(0, 0.75, hit.sum()))
    hit = rng.random(len(x)) < 0.5
    x[hit] = jpeg(x[hit], rng.integers(30, 101, hit.sum()))
    return x


def detector(real, fake):
    x = np.concatenate([real, fake])
    y = np.r_[np.zeros(len(real)), np.ones(len(fake))]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    return model.fit(features(x), y)


n_train, n_real, n_fake = 1000, 2000, 1000
train_real, train_a = textures(n_train), family_a(n_train)
test_real, test_a, test_b = textures(n_real), family_a(n_fake), family_b(n_fake)
models = {
    "plain": detector(train_real, train_a),
    "augmented": detector(augment(train_real), augment(train_a)),
}
print("synthetic stand-ins: 64x64 1/f textures, not real generator output")
print(f"train: {n_train:,} real + {n_train:,} family A (checkerboard upsampling)")
print(f"test: {n_real:,} real, {n_fake:,} family A, {n_fake:,} family B (unseen)")
print()

# Every post-processing is applied to the real test images as well.
conditions = {
    "A, as generated": (lambda x: x, test_a),
    "B, as generated (unseen)": (lambda x: x, test_b),
    "A, JPEG quality 75": (lambda x: jpeg(x, 75), test_a),
    "A, JPEG quality 50": (lambda x: jpeg(x, 50), test_a),
    "A, resize low-pass + JPEG 75": (lambda x: jpeg(low_pass(x), 75), test_a),
}
labels = np.r_[np.zeros(n_real), np.ones(n_fake)]
rates = {}
print(f"{'test images':30s} {'AUC plain':>10s} {'AUC augmented':>14s}")
for name, (process, fake) in conditions.items():
    x = features(np.concatenate([process(test_real), process(fake)]))
    aucs = []
    for kind, model in models.items():
        score = model.predict_proba(x)[:, 1]
        aucs.append(roc_auc_score(labels, score))
        # Alert when the detector's probability is at least 0.5.
        alert = score >= 0.5
        rates[kind, name] = (alert[labels == 1].mean(), alert[labels == 0].mean())
    print(f"{name:30s} {aucs[0]:10.3f} {aucs[1]:14.3f}")

print()
# Feature k is the ring at radius k + 1 (cycles per image); radius 32 is the Nyquist
# frequency along each axis, where the checkerboard puts its peak.
ring = {
    name: features(x)[:, 31].mean()
    for name, x in [("real", test_real), ("family A", test_a), ("family B", test_b)]
}
print(
    "mean log10 power at radius 32: "
    + ", ".join(f"{k} {v:.2f}" for k, v in ring.items())
)
for kind, model in models.items():
    weights = model[-1].coef_[0]
    top = np.argmax(np.abs(weights))
    print(f"{kind} detector: largest weight {weights[top]:.1f} on radius {top + 1}")

print()
prevalence = 0.01
print(f"alert at probability >= 0.5 when {prevalence:.0%} of images are generated")
header = ("detector", "test images", "recall", "FPR", "precision")
print("{:10s} {:24s} {:>7s} {:>7s} {:>10s}".format(*header))
for kind in models:
    for name in ("A, as generated", "A, JPEG quality 75", "B, as generated (unseen)"):
        recall, fpr = rates[kind, name]
        flagged = prevalence * recall + (1 - prevalence) * fpr
        precision = prevalence * recall / flagged
        print(f"{kind:10s} {name:24s} {recall:7.3f} {fpr:7.3f} {precision:10.3f}")
