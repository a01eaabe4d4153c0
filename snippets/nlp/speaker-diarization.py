import itertools

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering

rng = np.random.default_rng(0)
STEP = 0.1  # seconds per scoring frame
N_FRAMES = 1800  # a 3-minute conversation
SPEAKERS = ["A", "B", "C"]

# Reference "who spoke when": turns of 1.5-8 s, C takes the fewest; 35% of turn
# changes overlap the previous turn by 0.5-1.5 s, the others follow a pause.
ref = np.zeros((N_FRAMES, 3), dtype=bool)
t, prev = 30, -1
while t < N_FRAMES:
    spk = rng.choice(3, p=[0.45, 0.35, 0.20])
    if spk == prev:
        continue
    if prev >= 0 and rng.random() < 0.35:
        start = t - rng.integers(5, 16)
    else:
        start = t + rng.integers(0, 9)
    t = min(start + rng.integers(15, 81), N_FRAMES)
    ref[start:t, spk] = True
    prev = spk

# Voice activity detection: the reference speech with each boundary moved by up to
# 0.2 s, plus a door slam at 0.5-2.0 s that it takes for speech.
speech = ref.any(axis=1)
vad = speech.copy()
for b in np.flatnonzero(np.diff(speech)) + 1:
    shift = rng.integers(-2, 3)
    lo, hi = sorted((b, b + shift))
    vad[lo:hi] = speech[b] if shift < 0 else speech[b - 1]
vad[5:20] = True


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


# Speaker embeddings (think x-vectors) live on a sphere. C's voice is close to B's,
# and A moves away from the microphone halfway, which shifts A's embedding.
DIM = 16
e = np.linalg.qr(rng.standard_normal((DIM, 5)))[0].T  # 5 orthonormal directions
A1, B, NOISE = e[0], e[1], e[4]
A2 = 0.7 * e[0] + np.sqrt(1 - 0.7**2) * e[2]
C = 0.45 * e[1] + np.sqrt(1 - 0.45**2) * e[3]
print(f"cosine of voices: A1-A2 {A1 @ A2:.2f}, B-C {B @ C:.2f}, A to B and C 0")

# One embedding per 1.5 s window every 0.5 s: the mean voice of whoever speaks in
# the window (a mix at turn changes and overlaps) plus noise. Windows where the VAD
# finds no speech are skipped.
WIN, HOP = 15, 5
voices = np.empty((N_FRAMES, 3, DIM))  # each speaker's voice at each frame
voices[:, 0], voices[N_FRAMES // 2 :, 0] = A1, A2
voices[:, 1], voices[:, 2] = B, C
starts = np.arange(0, N_FRAMES - WIN + 1, HOP)
emb, kept = [], []
for s in starts:
    active = ref[s : s + WIN, :, None] * voices[s : s + WIN]
    n = ref[s : s + WIN].sum()
    if not vad[s : s + WIN].any():
        continue
    mean = active.sum(axis=(0, 1)) / n if n else NOISE
    emb.append(unit(mean + 0.08 * rng.standard_normal(DIM)))
    kept.append(s)
emb, kept = np.array(emb), np.array(kept)
# each frame takes the label of the window whose centre is nearest
centres = kept + WIN / 2
nearest = np.abs(np.arange(N_FRAMES)[:, None] + 0.5 - centres[None]).argmin(axis=1)


def diarize(threshold):
    """Agglomerative clustering, number of speakers unknown: merge clusters while
    their average cosine distance is below the threshold."""
    labels = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=threshold,
        metric="cosine",
        linkage="average",
    ).fit_predict(emb)
    hyp = np.zeros((N_FRAMES, labels.max() + 1), dtype=bool)
    hyp[np.arange(N_FRAMES), labels[nearest]] = True
    return hyp & vad[:, None]


def scored_frames(collar):
    """Frames outside +-collar seconds of every reference speaker boundary."""
    keep = np.ones(N_FRAMES, dtype=bool)
    c = round(collar / STEP)
    for spk in range(3):
        for b in np.flatnonzero(np.diff(ref[:, spk].astype(int))) + 1:
            keep[max(b - c, 0) : b + c] = False
    return keep


def der(hyp, collar=0.0, mapping="hungarian"):
    """NIST diarization error rate: (missed + false alarm + confusion) / speech,
    in speaker time, so an overlap frame counts once per speaker."""
    keep = scored_frames(collar)
    r, h = ref[keep], hyp[keep]
    overlap = r.T.astype(int) @ h.astype(int)  # frames each pair shares
    if mapping == "hungarian":
        # one-to-one mapping that maximises the shared time
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        correct = overlap[rows, cols].sum()
    else:
        # not allowed: every cluster takes its majority speaker (many-to-one)
        majority = overlap.argmax(axis=0)
        correct = (r[:, majority] & h).any(axis=1).sum()
    n_ref, n_hyp = r.sum(axis=1), h.sum(axis=1)
    miss = np.maximum(n_ref - n_hyp, 0).sum()
    fa = np.maximum(n_hyp - n_ref, 0).sum()
    conf = np.minimum(n_ref, n_hyp).sum() - correct
    total = n_ref.sum()
    return miss / total, fa / total, conf / total, (miss + fa + conf) / total


def jer(hyp):
    """Jaccard error rate (DIHARD II): 1 - |ref & hyp| / |ref | hyp| per reference
    speaker under the best one-to-one mapping, averaged over reference speakers."""
    inter = ref.T.astype(int) @ hyp.astype(int)
    union = ref.sum(0)[:, None] + hyp.sum(0)[None] - inter
    err = 1 - inter / union
    rows, cols = linear_sum_assignment(err)
    per_speaker = np.ones(3)
    per_speaker[rows] = err[rows, cols]
    return per_speaker.mean()


def brute_force_correct(hyp):
    """Best shared time over every one-to-one mapping, by enumeration."""
    overlap = ref.T.astype(int) @ hyp.astype(int)
    k = overlap.shape[1]
    pad = np.zeros((3, max(k, 3)), dtype=int)
    pad[:, :k] = overlap
    return max(
        pad[[0, 1, 2], list(p)].sum()
        for p in itertools.permutations(range(pad.shape[1]), 3)
    )


def what_happened(hyp):
    """Speakers whose main cluster is the same are merged; a speaker with less
    than 80% of their time in their main cluster is split."""
    overlap = ref.T.astype(int) @ hyp.astype(int)
    main = overlap.argmax(axis=1)
    top_share = overlap.max(axis=1) / overlap.sum(axis=1)
    notes = [
        "+".join(SPEAKERS[s] for s in np.flatnonzero(main == m)) + " merged"
        for m in np.unique(main)
        if (main == m).sum() > 1
    ]
    split = [SPEAKERS[s] for s in range(3) if top_share[s] < 0.8]
    notes += [", ".join(split) + " split"] if split else []
    return ", ".join(notes) or "one cluster per speaker"


talk = ref.sum(axis=0) * STEP
n_ref = ref.sum(axis=1)
print(f"speech per speaker (s): A {talk[0]:.0f}, B {talk[1]:.0f}, C {talk[2]:.0f}")
print(
    f"share of speaker time that one label per frame must miss (overlap): "
    f"{np.maximum(n_ref - 1, 0).sum() / n_ref.sum():.3f}"
)
print("\nDER c.25: DER with a 0.25 s forgiveness collar around reference boundaries")
print(
    f"{'thresh.':>7}{'clusters':>9}{'miss':>6}{'FA':>6}{'conf.':>6}{'DER':>6}"
    f"{'DER c.25':>9}{'JER':>6}  what happened"
)
hungarian_ok = True
for threshold in [0.1, 0.4, 0.5, 0.6, 0.9]:
    hyp = diarize(threshold)
    miss, fa, conf, total = der(hyp)
    collared = der(hyp, collar=0.25)[3]
    overlap = ref.T.astype(int) @ hyp.astype(int)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    if hyp.shape[1] <= 7:
        hungarian_ok &= overlap[rows, cols].sum() == brute_force_correct(hyp)
    print(
        f"{threshold:>7.2f}{hyp.shape[1]:>9}{miss:6.3f}{fa:6.3f}{conf:6.3f}{total:6.3f}"
        f"{collared:9.3f}{jer(hyp):6.3f}  {what_happened(hyp)}"
    )
print(
    f"Hungarian mapping = brute force over all mappings (<= 7 clusters): {hungarian_ok}"
)
best = diarize(0.5)
sizes = best.sum(axis=0) * STEP
small = sizes.argmin()
print(
    f"threshold 0.50, clusters of (s): {', '.join(f'{x:.1f}' for x in sizes)}; "
    f"speech in the smallest {(best[:, small] & speech).sum() * STEP:.1f} s"
)
split = diarize(0.4)
print(
    f"threshold 0.40 scored with a many-to-one mapping (not allowed): "
    f"DER {der(split, mapping='majority')[3]:.3f}"
)
