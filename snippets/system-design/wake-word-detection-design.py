import math

import numpy as np

rng = np.random.default_rng(0)
# Assumptions of the simulation, not measurements of any product. The detector emits
# one keyword logit per 20 ms frame. Between events the score sits at FLOOR plus frame
# noise; only events are simulated frame by frame, each in a 90-frame (1.8 s) window.
FPS, WIN, LEAD, FLOOR = 50, 90, 30, -5.0
HOURS = 100
# One hour of background for each device class: the logit noise per frame, and how
# many near-miss words (TV speech, "hey seriously") and transients (a door, a clap)
# it holds. Peaks are (mean, sd) in logits for the small model and the big model.
CLASSES = {
    "quiet": dict(noise=0.8, near=10, transient=20, pos=((3.5, 1.5), (4.5, 1.2))),
    "noisy": dict(noise=1.0, near=40, transient=60, pos=((2.8, 1.6), (3.8, 1.4))),
}
NEAR_MISS = ((-1.0, 1.5), (-3.0, 1.5))
# A transient's height above the floor: the big model, with more context, is
# fooled less by a one-frame spike.
TRANSIENT = ((6.0, 1.5), (3.0, 1.5))
# Correlation of one event's peak in the two models; the big model costs 30 times
# the small one per second of audio; the big model checks 2 s of buffered audio.
RHO, COST_RATIO, CHECK_S = 0.5, 30, 2.0


def events(n, kind, peaks, noise):
    """Frame logits of n events for the small and the big model, and word ends."""
    z = rng.standard_normal((2, n))
    z[1] = RHO * z[0] + math.sqrt(1 - RHO**2) * z[1]
    k = np.arange(WIN)[None, :] - LEAD
    if kind == "word":
        # The keyword posterior builds over the word (25 to 45 frames) and peaks at
        # its last frame, then decays.
        length = rng.integers(25, 46, n)[:, None]
        rise = ((k + 1) / length).clip(0, 1) ** 2
        shape = np.where(k < length, rise, np.exp(-(k - length + 1) / 4))
        end = LEAD + length[:, 0] - 1
    else:
        # A transient: one or two frames.
        width = rng.integers(1, 3, n)[:, None]
        shape = ((k >= 0) & (k < width)).astype(float)
        end = np.full(n, LEAD)
    out = []
    for m in range(2):
        mean, sd = peaks[m]
        height = mean + sd * z[m] - (FLOOR if kind == "word" else 0.0)
        frame_noise = noise * rng.standard_normal((n, WIN))
        out.append(FLOOR + height[:, None] * shape + frame_noise)
    return out[0], out[1], end


def smooth(logits, w):
    """Causal moving average of the posteriors over the last w frames."""
    p = 1 / (1 + np.exp(-logits))
    if w == 1:
        return p
    c = np.cumsum(p, axis=1)
    c[:, w:] = c[:, w:] - c[:, :-w]
    return c / w


def background(cls):
    """Small and big model logits for HOURS of one device class's background."""
    c = CLASSES[cls]
    near = events(rng.poisson(c["near"] * HOURS), "word", NEAR_MISS, c["noise"])
    spikes = events(rng.poisson(c["transient"] * HOURS), "spike", TRANSIENT, c["noise"])
    return [np.vstack([near[m], spikes[m]]) for m in range(2)]


data = {}
for cls in CLASSES:
    dev, test = background(cls), background(cls)
    pos = events(2_000, "word", CLASSES[cls]["pos"], CLASSES[cls]["noise"])
    data[cls] = dict(dev=dev, test=test, pos=pos)


def floor_fa_per_hour(thr, noise):
    """Expected raw per-frame crossings of the floor between events, per hour."""
    z = (math.log(thr / (1 - thr)) - FLOOR) / noise
    return FPS * 3600 * 0.5 * math.erfc(z / math.sqrt(2))


def fa_per_hour(peak, thr):
    # Each event wakes the device at most once (a 2 s lockout after a wake).
    return (peak >= thr).sum() / HOURS


W = 15
q, n = CLASSES["quiet"], CLASSES["noisy"]
print(f"{HOURS} h of background per device class and split (dev, test),")
print("2,000 wake-word utterances per class; detector: 20 ms frames, posterior")
print(f"averaged over the last {W} frames (0.3 s); events per hour of background:")
print(f"quiet {q['near']} near-miss words + {q['transient']} transients, ", end="")
print(f"noisy {n['near']} + {n['transient']}")

# (1) The trade-off of the small model alone, at several thresholds.
print(f"\n{'(1) small model alone':<24}{'quiet device':>20}{'noisy device':>20}")
print(f"{'    threshold':<24}" + f"{'FA/hour':>13}{'FRR':>7}" * 2)
peak = {
    cls: (smooth(d["test"][0], W).max(1), smooth(d["pos"][0], W).max(1))
    for cls, d in data.items()
}
for thr in [0.1, 0.2, 0.3, 0.5, 0.7, 0.9]:
    cells = ""
    for cls in CLASSES:
        bg, pos = peak[cls]
        cells += f"{fa_per_hour(bg, thr):13.2f}{(pos < thr).mean():7.3f}"
    print(f"    {thr:<20.1f}{cells}")

# (2) A cascade: the small model always on at a permissive threshold, the big model
# only on the 2 s around each of its triggers, against the big model always on.
T1, T2 = 0.2, 0.5
print(f"\n(2) stage 1 at {T1}, stage 2 at {T2}", end="")
print(f"{'FA/hour':>9}{'FRR':>7}{'big runs':>10}{'compute':>9}")
for cls, d in data.items():
    bg = [smooth(x, W).max(1) for x in d["test"][:2]]
    pos = [smooth(x, W).max(1) for x in d["pos"][:2]]
    share = (bg[0] >= T1).sum() * CHECK_S / (HOURS * 3600)
    rows = [
        ("small model alone", bg[0] >= T2, pos[0] < T2, 0.0),
        ("big model always on", bg[1] >= T2, pos[1] < T2, 1.0),
        (
            "cascade",
            (bg[0] >= T1) & (bg[1] >= T2),
            (pos[0] < T1) | (pos[1] < T2),
            share,
        ),
    ]
    print(f"    {cls} device")
    for name, fa, miss, run in rows:
        cost = 1 + COST_RATIO * run if run < 1 else COST_RATIO
        print(
            f"      {name:<28}{fa.sum() / HOURS:9.2f}{miss.mean():7.3f}"
            f"{run:10.4f}{cost:9.2f}"
        )
print("    big runs: share of the audio the big model processes; compute: per")
print("    second of audio, in units of the small model's cost")

# (3) A raw per-frame threshold against posterior smoothing, on the noisy device:
# each threshold is the lowest on a grid whose FA/hour on the dev hours is <= 1.
grid = 1 / (1 + np.exp(-np.arange(-4.0, 9.0, 0.05)))
noisy, noise = data["noisy"], CLASSES["noisy"]["noise"]
print(f"\n{'(3) noisy device':<31}{'threshold':>10}{'FA/hour':>9}{'FRR':>7}", end="")
print(f"{'wake delay, ms':>16}")
print(f"{'    <= 1 FA/hour on dev hours':<41}{'(test)':>9}{'p50':>16}{'p90':>7}")
for name, w in [
    ("raw per-frame posterior", 1),
    ("smoothed over 0.3 s", 15),
    ("smoothed over 0.8 s", 40),
]:
    dev_peak = smooth(noisy["dev"][0], w).max(1)
    floor = [floor_fa_per_hour(t, noise) if w == 1 else 0.0 for t in grid]
    fa_dev = np.array([fa_per_hour(dev_peak, t) + f for t, f in zip(grid, floor)])
    thr = grid[np.argmax(fa_dev <= 1.0)]
    floor_test = floor_fa_per_hour(thr, noise) if w == 1 else 0.0
    fa_test = fa_per_hour(smooth(noisy["test"][0], w).max(1), thr) + floor_test
    sm = smooth(noisy["pos"][0], w)
    hit = sm.max(1) >= thr
    # Delay from the word's last frame to the first frame at or above threshold.
    delay = (np.argmax(sm >= thr, axis=1) - noisy["pos"][2])[hit] * 1000 / FPS
    p50, p90 = np.percentile(delay, [50, 90])
    print(
        f"    {name:<27}{thr:10.3f}{fa_test:9.2f}{(~hit).mean():7.3f}"
        f"{p50:9.0f}{p90:7.0f}"
    )

# (4) One stage-2 threshold per device class, set on the dev hours for fewer than
# 1 false accept per 10 hours, applied to the test hours of both classes.
print(f"\n{'(4) cascade, stage-2 threshold':<34}{'quiet device':>22}", end="")
print(f"{'noisy device':>22}")
print(f"{'    for < 0.1 FA/hour on':<34}" + f"{'FA/hour':>9}{'(n)':>6}{'FRR':>7}" * 2)
score = {}
for cls, d in data.items():
    for split in ["dev", "test", "pos"]:
        s1, s2 = (smooth(x, W).max(1) for x in d[split][:2])
        # Stage 2 only sees what stage 1 passed on.
        score[cls, split] = np.where(s1 >= T1, s2, 0.0)
for src in CLASSES:
    fa_dev = np.array([fa_per_hour(score[src, "dev"], t) for t in grid])
    thr = grid[np.argmax(fa_dev < 0.1)]
    cells = ""
    for cls in CLASSES:
        n_fa = (score[cls, "test"] >= thr).sum()
        frr = (score[cls, "pos"] < thr).mean()
        cells += f"{n_fa / HOURS:9.2f} ({n_fa:3d}){frr:7.3f}"
    print(f"    {src + ' dev hours: ' + format(thr, '.3f'):<30}{cells}")
