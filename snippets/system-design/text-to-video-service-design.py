# --8<-- [start:capacity]
# Illustrative assumptions. A 14B-parameter video diffusion transformer shaped like
# Wan 2.1's largest (hidden size 5,120, 40 layers) with full 3-D self-attention over
# all video tokens. A causal 3-D VAE compresses 4x in time and 8x8 in space, and the
# transformer cuts 2x2 patches, so 16 fps x T seconds (16T + 1 frames) gives 4T + 1
# latent frames of (W/16) x (H/16) tokens each. One pass costs 2 FLOPs per parameter
# per token (every linear layer) plus 4 N^2 d FLOPs per layer for the attention
# scores and the weighted sum over N tokens; cross-attention to the prompt, the text
# encoder and the VAE decoder are left out. 50 steps, each two passes with
# classifier-free guidance (CFG). GPUs sustain 400 TFLOP/s on both kinds of work,
# are kept 75% busy, and cost a placeholder $2 per GPU-hour.
PARAMS, HIDDEN, LAYERS = 14e9, 5_120, 40
FPS, STEPS, PASSES = 16, 50, 2
SUSTAINED, BUSY, DOLLARS_PER_HOUR = 400e12, 0.75, 2.0
RESOLUTIONS = {"480p": (832, 480), "720p": (1280, 720)}


def clip_tokens(seconds, w, h):
    latent_frames = FPS * seconds // 4 + 1
    return latent_frames, latent_frames * (w // 16) * (h // 16)


def flops_per_pass(n):
    linear = 2 * PARAMS * n
    attention = 4 * LAYERS * n**2 * HIDDEN
    return linear, attention


def gpu_seconds(seconds, w, h, steps=STEPS, passes=PASSES):
    linear, attention = flops_per_pass(clip_tokens(seconds, w, h)[1])
    return steps * passes * (linear + attention) / SUSTAINED


print("per step = 2 passes (CFG); PF = 1e15 FLOPs")
print(
    f"{'clip':<12}{'latent fr':>10}{'tokens':>9}{'attn PF':>9}{'linear PF':>10}"
    f"{'attn share':>11}{'GPU s':>8}{'$/video s':>10}"
)
for res, (w, h) in RESOLUTIONS.items():
    for seconds in (2, 5, 10):
        frames, n = clip_tokens(seconds, w, h)
        linear, attention = (PASSES * f for f in flops_per_pass(n))
        gpu_s = gpu_seconds(seconds, w, h)
        dollars = gpu_s / BUSY / 3_600 * DOLLARS_PER_HOUR / seconds
        print(
            f"{res + ', ' + str(seconds) + ' s':<12}{frames:10d}{n:9,}"
            f"{attention / 1e15:9.2f}{linear / 1e15:10.2f}"
            f"{attention / (attention + linear):11.2f}{gpu_s:8,.0f}{dollars:10.3f}"
        )

n5, n10 = clip_tokens(5, 1280, 720)[1], clip_tokens(10, 1280, 720)[1]
(l5, a5), (l10, a10) = flops_per_pass(n5), flops_per_pass(n10)
print(
    f"720p, 5 s -> 10 s: tokens x{n10 / n5:.2f}, attention x{a10 / a5:.2f}, "
    f"linear x{l10 / l5:.2f}, total x{(a10 + l10) / (a5 + l5):.2f}"
)
print(
    f"720p 5 s against a 1024x1024 image (4,096 tokens): x{n5 / 4_096:.1f} tokens, "
    f"x{(n5 / 4_096) ** 2:.0f} attention pairs"
)

# One job on one 8-GPU node with sequence parallelism, at an assumed 85% of 8x.
long_job = gpu_seconds(10, 1280, 720)
print(
    f"720p 10 s render: {long_job / 60:.1f} min on 1 GPU, "
    f"{long_job / (8 * 0.85) / 60:.1f} min on 8 GPUs"
)
preview = gpu_seconds(5, 832, 480, steps=4, passes=1)
print(
    f"preview of a 720p 5 s clip (480p, 4 steps, no CFG): {preview:.0f} GPU s, "
    f"{preview / gpu_seconds(5, 1280, 720):.1%} of the full render"
)

# Demand: 200,000 clips a day, peak 2x the mean; the mix of the queue simulation.
clips_per_day, peak = 200_000, 2
mix = {(2, "480p"): 0.30, (5, "480p"): 0.30, (5, "720p"): 0.25, (10, "720p"): 0.15}
print(f"\n{clips_per_day:,} clips/day, peak {peak}x the mean")
print(f"{'sampler':<24}{'GPU s/clip':>11}{'GPUs at peak':>13}{'$/video s':>10}")
for name, steps, passes in [
    ("50 steps with CFG", 50, 2),
    ("50 steps, no CFG", 50, 1),
    ("4 steps, no CFG", 4, 1),
]:
    gpu_s = sum(
        share * gpu_seconds(sec, *RESOLUTIONS[res], steps, passes)
        for (sec, res), share in mix.items()
    )
    video_s = sum(share * sec for (sec, _), share in mix.items())
    gpus = clips_per_day / 86_400 * peak * gpu_s / BUSY
    dollars = gpu_s / BUSY / 3_600 * DOLLARS_PER_HOUR / video_s
    print(f"{name:<24}{gpu_s:11,.0f}{gpus:13,.0f}{dollars:10.3f}")
# --8<-- [end:capacity]

# --8<-- [start:queue]
import heapq

import numpy as np

# The capacity estimate's cost model, in GPU-seconds per clip (50 steps with CFG).
PARAMS, HIDDEN, LAYERS, FPS, SUSTAINED = 14e9, 5_120, 40, 16, 400e12


def gpu_seconds(seconds, w, h):
    n = (FPS * seconds // 4 + 1) * (w // 16) * (h // 16)
    return 50 * 2 * (2 * PARAMS * n + 4 * LAYERS * n**2 * HIDDEN) / SUSTAINED


# Each job runs alone on one 8-GPU node (sequence parallel, 85% efficient), so a
# job's render time is known when it is submitted. Job mix: 30% 2 s 480p, 30% 5 s
# 480p, 25% 5 s 720p, 15% 10 s 720p; 20% of jobs come from paying users. A pool of
# 12 nodes; arrivals are Poisson. Jobs are not preempted once started.
CLIPS = [(2, 832, 480), (5, 832, 480), (5, 1280, 720), (10, 1280, 720)]
MIX, PAID, NODES = [0.30, 0.30, 0.25, 0.15], 0.20, 12
RENDER = np.array([gpu_seconds(*c) / (8 * 0.85) for c in CLIPS])
capacity = NODES * 3_600 / float(np.dot(MIX, RENDER))


def simulate(policy, segments, seed=0):
    """Non-preemptive pool of NODES; segments are (hours, load) with load the
    arrival rate as a share of the pool's capacity. Returns each job's wait in
    minutes, its clip class, whether it is paid, and the rendering work submitted
    as a share of the pool's capacity over the period (its utilisation)."""
    rng = np.random.default_rng(seed)
    arrive, start_of = [], 0.0
    for hours, load in segments:
        k = rng.poisson(load * capacity * hours)
        arrive.append(start_of + np.sort(rng.uniform(0, hours * 3_600, k)))
        start_of += hours * 3_600
    arrive = np.concatenate(arrive)
    n = len(arrive)
    kind = rng.choice(len(CLIPS), n, p=MIX)
    paid = rng.random(n) < PAID
    render = RENDER[kind]
    keys = {
        "FIFO": lambda j: (arrive[j],),
        "shortest job first": lambda j: (render[j], arrive[j]),
        "paid first, FIFO": lambda j: (not paid[j], arrive[j]),
        "paid first, then SJF": lambda j: (not paid[j], render[j], arrive[j]),
    }
    key = keys[policy]
    free = [0.0] * NODES
    queue, start, i = [], np.zeros(n), 0
    while i < n or queue:
        now = heapq.heappop(free)
        if not queue:
            now = max(now, arrive[i])
        while i < n and arrive[i] <= now:
            heapq.heappush(queue, (key(i), i))
            i += 1
        _, j = heapq.heappop(queue)
        start[j] = now
        heapq.heappush(free, now + render[j])
    return (start - arrive) / 60, kind, paid, render.sum() / (NODES * start_of)


print("render min per job: " + ", ".join(f"{r / 60:.1f}" for r in RENDER))
print(f"pool capacity: {capacity:.0f} jobs/h")
scenarios = [
    ("12 h at 0.9 load", [(12, 0.9)]),
    ("4 h at 0.7, 2 h at 1.15, 4 h at 0.7", [(4, 0.7), (2, 1.15), (4, 0.7)]),
]
for title, segments in scenarios:
    print(f"\n{title}: wait in minutes")
    print(
        f"{'policy':<22}{'2 s p50':>8}{'p95':>6}{'10 s p50':>9}{'p95':>6}"
        f"{'max':>6}{'paid p95':>9}{'all p95':>8}{'util':>6}"
    )
    for policy in [
        "FIFO",
        "shortest job first",
        "paid first, FIFO",
        "paid first, then SJF",
    ]:
        wait, kind, paid, util = simulate(policy, segments)
        short, long = wait[kind == 0], wait[kind == 3]
        p = np.percentile
        print(
            f"{policy:<22}{p(short, 50):8.1f}{p(short, 95):6.1f}{p(long, 50):9.1f}"
            f"{p(long, 95):6.1f}{long.max():6.1f}{p(wait[paid], 95):9.1f}"
            f"{p(wait, 95):8.1f}{util:6.2f}"
        )
# --8<-- [end:queue]
