import numpy as np
from scipy.fft import dct, idct
from scipy.signal import decimate, find_peaks, stft
from transformers.audio_utils import mel_filter_bank

SR = 16_000
# Whisper's framing: a 25 ms window (400 samples) every 10 ms (160 samples)
N_FFT, HOP = 400, 160
rng = np.random.default_rng(0)
# 1 s of audio
t = np.arange(SR) / SR


def hann(n):
    # periodic Hann window, as torch.hann_window and scipy's get_window build it
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def my_stft(x, n_win, hop, n_fft=None):
    """Cut x into frames of n_win samples every hop, window, real FFT per frame."""
    frames = np.lib.stride_tricks.sliding_window_view(x, n_win)[::hop]
    # n_fft > n_win zero-pads each frame: finer sampling of the same spectrum.
    # Returns (frames, frequency bins).
    return np.fft.rfft(frames * hann(n_win), n=n_fft or n_win)


# 1. The STFT by hand, checked against scipy.signal.stft on a chirp plus noise
x = np.sin(2 * np.pi * (200 * t + 1900 * t**2)) + 0.1 * rng.standard_normal(SR)
ours = my_stft(x, N_FFT, HOP)
_, _, ref = stft(x, SR, "hann", N_FFT, N_FFT - HOP, boundary=None, padded=False)
# scipy puts frequency first and divides by the window's sum
same = np.allclose(ours.T / hann(N_FFT).sum(), ref)
print(f"hand STFT {ours.shape} (frames, bins) matches scipy.signal.stft: {same}")
print(f"bin spacing {SR / N_FFT:.0f} Hz, {SR // HOP} frames per second")

# 2. Time-frequency trade-off: two tones 30 Hz apart, then a click
tones = np.sin(2 * np.pi * 1000 * t) + np.sin(2 * np.pi * 1030 * t)
freqs = np.fft.rfftfreq(4096, 1 / SR)
band = (freqs > 900) & (freqs < 1130)
for ms in [25, 128]:
    mag = np.abs(my_stft(tones, SR * ms // 1000, HOP, n_fft=4096)).mean(axis=0)
    level = 20 * np.log10(mag[band] / mag[band].max())
    # a peak: within 20 dB of the top and at least 3 dB above the dip beside it
    peaks, _ = find_peaks(level, height=-20, prominence=3)
    found = ", ".join(f"{f:.0f} Hz" for f in freqs[band][peaks])
    print(f"{ms:>3} ms window: {len(peaks)} peak(s) near 1 kHz: {found}")
click = np.zeros(SR)
click[SR // 2] = 1.0
for ms in [25, 128]:
    # a 1 ms hop (16 samples) so that both windows are read on the same time grid
    energy = (np.abs(my_stft(click, SR * ms // 1000, 16)) ** 2).sum(axis=1)
    spread = (energy > energy.max() / 2).sum()
    print(f"{ms:>3} ms window: the click spreads over {spread} ms (above half energy)")

# 3. Aliasing: 16 kHz -> 8 kHz (Nyquist 4 kHz) with a 1 kHz and a 5 kHz tone
mix = np.sin(2 * np.pi * 1000 * t) + np.sin(2 * np.pi * 5000 * t)
rel_db = {}
for name, y in [("naive", mix[::2]), ("decimate", decimate(mix, 2))]:
    spec = np.abs(np.fft.rfft(y * hann(len(y))))
    f = np.fft.rfftfreq(len(y), 2 / SR)
    rel_db[name] = 20 * np.log10(spec[f == 3000][0] / spec[f == 1000][0])
print(
    "x[::2]: the 5 kHz tone folds to 8 - 5 = 3 kHz at "
    f"{abs(rel_db['naive']):.0f} dB relative to the 1 kHz tone"
)
print(
    f"scipy.signal.decimate: 3 kHz more than 100 dB down: {rel_db['decimate'] < -100}"
)


# 4. Mel filterbank: Slaney's mel scale and area normalisation (librosa's default,
# which Whisper's stored filters come from)
def hz_to_mel(f):
    # linear below 1 kHz (200/3 Hz per mel), logarithmic above
    f = np.asarray(f, dtype=float)
    log_part = 15 + np.log(np.maximum(f, 1e-9) / 1000) / (np.log(6.4) / 27)
    return np.where(f < 1000, f / (200 / 3), log_part)


def mel_to_hz(m):
    m = np.asarray(m, dtype=float)
    return np.where(m < 15, m * 200 / 3, 1000 * np.exp((m - 15) * np.log(6.4) / 27))


def mel_filterbank(n_mels, n_fft=N_FFT, sr=SR):
    edges = mel_to_hz(np.linspace(0, hz_to_mel(sr / 2), n_mels + 2))
    f = np.fft.rfftfreq(n_fft, 1 / sr)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    # triangles rising from lo to mid and falling to hi, each with the same area
    tri = np.maximum(0, np.minimum((f - lo) / (mid - lo), (hi - f) / (hi - mid)))
    return tri * 2 / (hi - lo)


fb = mel_filterbank(80)
lib = mel_filter_bank(N_FFT // 2 + 1, 80, 0.0, SR / 2, SR, "slaney", "slaney").T
same = np.allclose(fb, lib)
print(f"mel filterbank {fb.shape} matches transformers' (= librosa's): {same}")
centres = mel_to_hz(np.linspace(0, hz_to_mel(SR / 2), 82))[1:-1]
print(
    f"filter spacing {centres[1] - centres[0]:.0f} Hz at the bottom, "
    f"{centres[-1] - centres[-2]:.0f} Hz at the top"
)


def mel_power(x, n_mels=80):
    """Centred frames (Whisper drops the last one), power spectrum, mel filters.
    Returns (n_mels, frames)."""
    frames = my_stft(np.pad(x, N_FFT // 2, mode="reflect"), N_FFT, HOP)[:-1]
    return mel_filterbank(n_mels) @ (np.abs(frames) ** 2).T


def whisper_log_mel(x, n_mels=80):
    logm = np.log10(np.maximum(mel_power(x, n_mels), 1e-10))
    # keep 8 decades (80 dB) below the loudest bin, then a fixed global scaling
    logm = np.maximum(logm, logm.max() - 8)
    return (logm + 4) / 4


# 5. A vowel-like sound: harmonics of a rising pitch shaped by two moving formants
f0 = 120 + 60 * t
phase = 2 * np.pi * np.cumsum(f0) / SR
f1, f2 = 300 + 500 * t, 2200 - 1000 * t
voice = 0.01 * rng.standard_normal(SR)
for k in range(1, 67):
    fk = k * f0
    gain = np.exp(-(((fk - f1) / 150) ** 2)) + 0.5 * np.exp(-(((fk - f2) / 250) ** 2))
    voice += np.where(fk < SR / 2, gain, 0) * np.sin(k * phase)
feats = whisper_log_mel(voice)
print(
    f"log-mel of 1 s: {feats.shape}; with 128 bins: {whisper_log_mel(voice, 128).shape}"
)
print(f"Whisper-scaled values from {feats.min():.2f} to {feats.max():.2f}")
padded = whisper_log_mel(np.pad(voice, (0, 29 * SR)))
print(
    f"padded to 30 s: {padded.shape}, {padded.shape[1] // 2} positions after stride 2"
)

# MFCCs: DCT along the mel axis of the log-mel (in dB), keep the first 13
mel_db = 10 * np.log10(np.maximum(mel_power(voice), 1e-10))
coef = dct(mel_db, type=2, axis=0, norm="ortho")
low = centres < 1000


def rms(e):
    return f"{np.sqrt(np.mean(e**2)):.2f}"


for keep in [80, 13]:
    kept = np.pad(coef[:keep], ((0, 80 - keep), (0, 0)))
    err = idct(kept, type=2, axis=0, norm="ortho") - mel_db
    print(
        f"log-mel rebuilt from {keep} MFCCs: RMS error {rms(err)} dB "
        f"(bins below 1 kHz {rms(err[low])}, above {rms(err[~low])})"
    )
