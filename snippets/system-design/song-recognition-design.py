# --8<-- [start:capacity]
import math


def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 50M tracks of 3.5 minutes;
# 30 hashes per second of audio (an assumption; the toy below indexes 41); an entry is
# a 4-byte track id and a 2-byte anchor time (32 ms frames cover 35 minutes), the
# hash itself being the bucket it sits in; 2^24 distinct hashes; 30M recognitions a
# day, peak 4x the mean; a 10 s query clip; 256 GB machines with 70% usable.
tracks, seconds, rate, entry = 50e6, 210, 30, 6
buckets, recognitions, peak, clip = 2**24, 30e6, 4, 10
entries = tracks * seconds * rate
index_bytes = entries * entry + buckets * 8
peak_qps = recognitions / 86_400 * peak
postings_per_hash = entries / buckets
read_per_query = clip * rate * postings_per_hash * entry
rows = [
    ("audio in the catalogue (hours)", si(tracks * seconds / 3600)),
    ("index entries (hash, track, time)", si(entries)),
    ("index size (bytes)", si(index_bytes)),
    ("256 GB machines per copy", math.ceil(index_bytes / (0.7 * 256e9))),
    ("peak recognitions/s", si(peak_qps)),
    ("hashes per 10 s query", si(clip * rate)),
    ("mean entries per hash bucket", si(postings_per_hash)),
    ("entries read per query", si(clip * rate * postings_per_hash)),
    ("bytes read per query", si(read_per_query)),
    ("bytes read/s at peak", si(read_per_query * peak_qps)),
    ("upload: 10 s of 16 kHz 16-bit audio (bytes)", si(clip * 16_000 * 2)),
    ("upload: 10 s of hashes, 8 bytes each (bytes)", si(clip * rate * 8)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:search]
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import maximum_filter
from scipy.signal import butter, sosfilt

SR, WIN, HOP = 8000, 512, 256
FRAMES_PER_S = SR / HOP
rng = np.random.default_rng(0)


# One period of a note's waveform: 4 harmonics at amplitudes 1, 1/2, 1/3, 1/4
TABLE = sum(np.sin(2 * np.pi * k * np.arange(4096) / 4096) / k for k in range(1, 5))


def song(r, seconds=12.0):
    # A melody and a bass line on a beat grid, notes with a decaying envelope;
    # durations are 1/2, 1 or 2 beats at 90-150 bpm.
    out = np.zeros(int(seconds * SR))
    beat = 60 / r.uniform(90, 150)
    for low, high, level in ((55, 84, 1.0), (36, 55, 0.7)):
        t0 = 0.0
        while t0 < seconds:
            dur = beat * r.choice([0.5, 1, 2])
            n = min(int(dur * SR), len(out) - int(t0 * SR))
            t = np.arange(n) / SR
            f0 = 440 * 2 ** ((r.integers(low, high) - 69) / 12)
            note = TABLE[(4096 * f0 * t).astype(int) % 4096]
            start = int(t0 * SR)
            out[start : start + n] += level * note * np.exp(-3 * t / dur)
            t0 += dur
    return out


def spectrogram(x):
    frames = sliding_window_view(x, WIN)[::HOP] * np.hanning(WIN)
    return 20 * np.log10(np.abs(np.fft.rfft(frames, axis=1)).T + 1e-6)


def peaks(x):
    # Constellation map: local maxima in a 31-bin x 11-frame neighbourhood
    # (484 Hz x 0.35 s) that stand 10 dB above the clip's median level
    s = spectrogram(x)
    is_peak = (s == maximum_filter(s, size=(31, 11))) & (s > np.median(s) + 10)
    f, t = np.nonzero(is_peak)
    order = np.argsort(t, kind="stable")
    return f[order], t[order]


def landmarks(x, fan_out=5, min_dt=3, max_dt=63, max_df=63, look=40):
    # Pair each anchor peak with the next `fan_out` peaks in its target zone (3 to 63
    # frames later, at most 63 bins away); the hash packs (f1, f2, dt) in
    # 9 + 9 + 6 = 24 bits and keeps the anchor's time.
    f, t = peaks(x)
    i = np.arange(len(t))[:, None]
    j = np.minimum(i + np.arange(1, look + 1), len(t) - 1)
    dt, df = t[j] - t[i], f[j] - f[i]
    zone = (j > i) & (dt >= min_dt) & (dt <= max_dt) & (np.abs(df) <= max_df)
    zone &= np.cumsum(zone, axis=1) <= fan_out
    a, b = np.broadcast_to(i, j.shape)[zone], j[zone]
    return (f[a] << 15) | (f[b] << 6) | (t[b] - t[a]), t[a]


# The catalogue: 200 songs of 12 s; 100 other songs are never indexed and stand for
# music that is not in the catalogue (50 calibrate a threshold, 50 test it).
catalogue = [song(rng) for _ in range(200)]
outside = [song(rng) for _ in range(100)]
h, t, ids = [], [], []
for track, audio in enumerate(catalogue):
    hh, tt = landmarks(audio)
    h.append(hh)
    t.append(tt)
    ids.append(np.full(len(hh), track))
order = np.argsort(np.concatenate(h), kind="stable")
index_hash = np.concatenate(h)[order]
index_time = np.concatenate(t)[order]
index_track = np.concatenate(ids)[order]
audio_seconds = sum(len(a) for a in catalogue) / SR
print(f"catalogue: {len(catalogue)} songs, {audio_seconds:.0f} s of audio")
print(
    f"index: {len(index_hash)} entries, {len(index_hash) / audio_seconds:.1f} hashes/s"
)

# The phone: a microphone that passes 300-3400 Hz, then bar noise (pink noise plus
# chatter-like bursts of band-limited noise) at a given SNR
phone = butter(4, [300, 3400], btype="band", fs=SR, output="sos")
speech_band = butter(2, [300, 1500], btype="band", fs=SR, output="sos")


def bar_noise(n, r):
    spectrum = np.fft.rfft(r.normal(size=n))
    pink = np.fft.irfft(spectrum / np.sqrt(np.arange(1, len(spectrum) + 1)), n)
    bursts = np.repeat(r.random(n // 800 + 1) < 0.5, 800)[:n]
    chatter = sosfilt(speech_band, r.normal(size=n)) * bursts
    return pink / pink.std() + chatter / chatter.std()


def record(audio, seconds, snr_db, r, speed=1.0):
    start = r.integers(0, len(audio) - int((seconds + 0.5) * SR))
    clip = audio[start : start + int(seconds * SR * speed)]
    if speed != 1.0:
        # Played faster: pitch and tempo both go up by `speed`
        clip = np.interp(np.arange(0, len(clip) - 1, speed), np.arange(len(clip)), clip)
    clip = sosfilt(phone, clip)
    noise = bar_noise(len(clip), r)
    return clip + noise * clip.std() / noise.std() * 10 ** (-snr_db / 20)


def search(clip):
    # Look every query hash up; a match votes for (track, db time - query time).
    # Aligned score: the largest vote count in one 2-frame bin of offsets (peaks
    # move by a frame with the clip's start); raw: all matches.
    qh, qt = landmarks(clip)
    lo = np.searchsorted(index_hash, qh, "left")
    hi = np.searchsorted(index_hash, qh, "right")
    counts = hi - lo
    rows = np.repeat(np.arange(len(qh)), counts)
    pos = np.repeat(hi - counts.cumsum(), counts) + np.arange(counts.sum())
    track = index_track[pos]
    offset = (index_time[pos] - qt[rows]) // 2
    raw = np.bincount(track, minlength=len(catalogue))
    key, votes = np.unique(track * 100_000 + offset + 50_000, return_counts=True)
    aligned = np.zeros(len(catalogue), dtype=int)
    np.maximum.at(aligned, key // 100_000, votes)
    return raw, aligned


def best_scores(songs, seconds, snr_db, r):
    # Best raw and best aligned score of each clip over the whole catalogue
    return np.array(
        [[s.max() for s in search(record(a, seconds, snr_db, r))] for a in songs]
    )


# Thresholds: one vote above the best score that any of 50 clips of songs outside
# the catalogue reached (5 s at 10 dB); then 150 new outside clips (2, 5 and 10 s)
r = np.random.default_rng(1)
limit = best_scores(outside[:50], 5, 10, r).max(axis=0) + 1
test = np.concatenate([best_scores(outside[50:], s, 10, r) for s in (2, 5, 10)])
print(f"thresholds: raw {limit[0]}, aligned {limit[1]} votes")
false_raw, false_aligned = (test >= limit).mean(axis=0)
print(f"false positives on 150 new outside clips: raw {false_raw:.3f}")
print(f"  aligned {false_aligned:.3f}")
print("                    top-1 correct    accepted     aligned score")
print("clip  SNR  speed      raw aligned  raw aligned  median margin")
for seconds in (2, 5, 10):
    for snr_db, speed in ((10, 1.0), (0, 1.0), (-5, 1.0), (-10, 1.0), (10, 1.03)):
        r = np.random.default_rng(100 + seconds)
        hits = []
        for track in r.integers(0, len(catalogue), 60):
            scores = search(record(catalogue[track], seconds, snr_db, r, speed))
            row = []
            for score, bar in zip(scores, limit):
                row += [np.argmax(score) == track, score[track] >= bar]
            best, second = np.sort(scores[1])[-2:][::-1]
            hits.append(row + [best - second])
        top_raw, ok_raw, top, ok, margin = np.array(hits, dtype=float).T
        print(
            f"{seconds:>3} s {snr_db:>4} {speed:>6.2f} {top_raw.mean():>8.3f}"
            f" {top.mean():>7.3f} {(ok_raw * top_raw).mean():>4.3f}"
            f" {(ok * top).mean():>7.3f} {np.median(margin):>14.1f}"
        )
# --8<-- [end:search]
