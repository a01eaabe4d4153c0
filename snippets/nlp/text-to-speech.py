# --8<-- [start:griffin-lim]
import numpy as np
from scipy.signal import stft

SR, N_FFT, HOP = 16_000, 512, 128
# 1 s of a vowel-like sound: 66 harmonics of a pitch rising from 120 to 180 Hz,
# shaped by two moving formants
t = np.arange(SR) / SR
f0 = 120 + 60 * t
phase = 2 * np.pi * np.cumsum(f0) / SR
f1, f2 = 300 + 500 * t, 2200 - 1000 * t
x = np.zeros(SR)
for k in range(1, 67):
    fk = k * f0
    gain = np.exp(-(((fk - f1) / 150) ** 2)) + 0.5 * np.exp(-(((fk - f2) / 250) ** 2))
    x += np.where(fk < SR / 2, gain + 0.02, 0) * np.sin(k * phase)
x /= np.abs(x).max()

# STFT by hand: 32 ms Hann frames every 8 ms (75% overlap); padding so that every
# sample of x lies under 4 frames
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
padded = np.pad(x, (N_FFT, N_FFT))
n_frames = (len(padded) - N_FFT) // HOP + 1
starts = np.arange(n_frames)[:, None] * HOP + np.arange(N_FFT)
core = slice(N_FFT, N_FFT + SR)


def my_stft(y):
    return np.fft.rfft(y[starts] * window, axis=1)


def overlap_add(frames):
    out = np.zeros((n_frames + N_FFT // HOP - 1, HOP))
    for j in range(N_FFT // HOP):
        out[j : j + n_frames] += frames[:, j * HOP : (j + 1) * HOP]
    return out.ravel()


window_power = overlap_add(np.broadcast_to(window**2, (n_frames, N_FFT)))


def my_istft(spec):
    # least-squares inverse: window the frames again, overlap-add, divide by sum w^2
    frames = np.fft.irfft(spec, n=N_FFT, axis=1) * window
    return overlap_add(frames) / np.maximum(window_power, 1e-10)


spec = my_stft(padded)
_, _, ref = stft(padded, SR, "hann", N_FFT, N_FFT - HOP, boundary=None, padded=False)
same = np.allclose(spec.T / window.sum(), ref)
print(f"STFT {spec.shape} (frames, bins) matches scipy.signal.stft: {same}")
target = np.abs(spec)


def spectral_convergence(y):
    """|| |STFT(y)| - target || / || target ||: is the magnitude right?"""
    return np.linalg.norm(np.abs(my_stft(y)) - target) / np.linalg.norm(target)


def snr_db(y):
    """Sample-by-sample agreement with the original waveform."""
    return 10 * np.log10(np.sum(x**2) / np.sum((x - y[core]) ** 2))


def griffin_lim(magnitude, checkpoints, momentum=0.0):
    """Alternate projections: keep the phase of the STFT of the current signal, put
    the target magnitude back. momentum=0.99 is fast Griffin-Lim (Perraudin et al.)."""
    rng = np.random.default_rng(0)
    z = magnitude * np.exp(2j * np.pi * rng.random(magnitude.shape))
    previous, signals = z, {}
    for i in range(max(checkpoints) + 1):
        if i in checkpoints:
            signals[i] = my_istft(z)
        s = my_stft(my_istft(z))
        projected = magnitude * s / np.maximum(np.abs(s), 1e-12)
        z = projected + momentum * (projected - previous)
        previous = projected
    return signals


y = my_istft(spec)
print(
    f"original phase: spectral convergence {spectral_convergence(y):.4f}, "
    f"SNR above 100 dB: {snr_db(y) > 100}"
)
print("method            iterations  spectral convergence  SNR (dB)  correlation")
for name, momentum in [("Griffin-Lim", 0.0), ("fast Griffin-Lim", 0.99)]:
    for i, y in griffin_lim(target, [0, 10, 50, 200], momentum).items():
        if momentum and i == 0:
            continue
        corr = np.corrcoef(x, y[core])[0, 1]
        sc = spectral_convergence(y)
        print(f"{name:<18}{i:10d}{sc:22.4f}{snr_db(y):10.1f}{corr:13.2f}")

# From an 80-band mel spectrogram: undo the mel pooling by pseudo-inverse first
# HTK mel scale, 80 triangular filters from 0 to 8 kHz
mel_max = 2595 * np.log10(1 + 8000 / 700)
mel_edges = 700 * (10 ** (np.linspace(0, mel_max, 82) / 2595) - 1)
freqs = np.fft.rfftfreq(N_FFT, 1 / SR)
lo, mid, hi = mel_edges[:-2, None], mel_edges[1:-1, None], mel_edges[2:, None]
mel_fb = np.maximum(0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
mel_power = target**2 @ mel_fb.T
guess = np.sqrt(np.maximum(mel_power @ np.linalg.pinv(mel_fb).T, 0))


def relative_error(band):
    return np.linalg.norm((guess - target)[:, band]) / np.linalg.norm(target[:, band])


low = freqs < 1000
print(
    f"magnitude rebuilt from 80 mel bands, before any phase: off by "
    f"{relative_error(freqs >= 0):.3f}\n  (below 1 kHz {relative_error(low):.3f}, "
    f"above {relative_error(~low):.3f})"
)
for i, y in griffin_lim(guess, [200], 0.99).items():
    sc = spectral_convergence(y)
    print(f"  then fast Griffin-Lim, {i} iterations: spectral convergence {sc:.4f}")
# --8<-- [end:griffin-lim]

# --8<-- [start:mos]
import numpy as np

rng = np.random.default_rng(0)
# Simulated listening test on a 1-5 scale. A rating is the system's quality plus the
# listener's own bias (some listeners rate everything higher) plus noise, rounded.
QUALITY = {"A": 3.70, "B": 3.85}
BIAS_SD, NOISE_SD, PER_LISTENER, TESTS, RESAMPLES = 0.5, 0.9, 20, 400, 1000


def ratings(quality, bias):
    """(tests, listeners, PER_LISTENER) integer ratings."""
    noise = NOISE_SD * rng.standard_normal(bias.shape + (PER_LISTENER,))
    return np.clip(np.round(quality + bias[..., None] + noise), 1, 5)


def resampled_means(per_listener):
    """Bootstrap over listeners: (tests, listeners) -> (tests, RESAMPLES) means."""
    n = per_listener.shape[1]
    counts = rng.multinomial(n, np.full(n, 1 / n), size=RESAMPLES)
    return per_listener @ counts.T / n


def interval(means):
    return np.percentile(means, [2.5, 97.5], axis=1)


# The true MOS is the expected rating, estimated from 2 million ratings
true = {
    system: ratings(quality, BIAS_SD * rng.standard_normal(100_000)).mean()
    for system, quality in QUALITY.items()
}
diff = true["B"] - true["A"]
print(f"true MOS: A {true['A']:.3f}, B {true['B']:.3f}, difference {diff:.3f}")
print(f"{TESTS} simulated tests, {PER_LISTENER} ratings per listener and system")
mos_rows, diff_rows = [], []
for n in [8, 16, 32, 64]:
    bias = BIAS_SD * rng.standard_normal((TESTS, n))
    a, b = ratings(QUALITY["A"], bias), ratings(QUALITY["B"], bias)
    # the usual mistake: every rating as an independent sample
    se = a.reshape(TESTS, -1).std(axis=1, ddof=1) / np.sqrt(n * PER_LISTENER)
    naive_cover = np.mean(np.abs(a.mean(axis=(1, 2)) - true["A"]) <= 1.96 * se)
    lo, hi = interval(resampled_means(a.mean(2)))
    boot_cover = np.mean((lo <= true["A"]) & (true["A"] <= hi))
    mos_rows.append(
        (n, 2 * 1.96 * se.mean(), naive_cover, np.mean(hi - lo), boot_cover)
    )
    # paired: the same listeners rate both systems, so their bias cancels
    lo_d, hi_d = interval(resampled_means(b.mean(2) - a.mean(2)))
    # unpaired: B rated by other listeners, each group resampled on its own
    b_other = ratings(QUALITY["B"], BIAS_SD * rng.standard_normal((TESTS, n)))
    lo_u, hi_u = interval(resampled_means(b_other.mean(2)) - resampled_means(a.mean(2)))
    diff_rows.append((n, np.mean(hi_d - lo_d), np.mean(lo_d > 0), np.mean(hi_u - lo_u)))

print("95% interval for MOS A   ratings independent    bootstrap over listeners")
print("listeners                width  coverage        width  coverage")
for n, w_naive, c_naive, w_boot, c_boot in mos_rows:
    print(f"{n:9d}{w_naive:20.3f}{c_naive:10.2f}{w_boot:13.3f}{c_boot:10.2f}")
# above 0: share of tests whose interval for B - A lies entirely above 0
print("95% interval for B - A   same listeners    other listeners")
print("listeners                width  above 0    width")
for n, w_paired, above, w_other in diff_rows:
    print(f"{n:9d}{w_paired:20.3f}{above:9.2f}{w_other:9.3f}")
# --8<-- [end:mos]
