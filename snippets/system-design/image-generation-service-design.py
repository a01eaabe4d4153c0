# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 20M images a day (5M prompts, 4 images each), peak 3x the
# mean. A 2B-parameter diffusion transformer on the latent of an f=8 autoencoder with
# 2x2 patches: a 1024x1024 image is (1024/16)^2 = 4,096 tokens, and one forward pass
# costs about 2 FLOPs per parameter per token (attention ignored). Classifier-free
# guidance (CFG) runs two passes per step. GPUs sustain 400 TFLOP/s and are kept 75%
# busy (queueing headroom); a placeholder $2 per GPU-hour; 0.5 MB stored per image.
images_per_day, peak, params, image_tokens = 20e6, 3, 2e9, 4_096
sustained, busy, dollars_per_hour = 400e12, 0.75, 2.0
peak_rate = images_per_day / 86_400 * peak
print(
    f"images/s at peak: {si(peak_rate)}, stored bytes/day: {si(images_per_day * 0.5e6)}"
)
print(
    f"{'sampler':<26}{'FLOP/image':>11}{'GPU s':>7}{'GPUs at peak':>13}"
    f"{'$/1k, scaled':>13}{'$/1k, fixed':>12}"
)
for name, steps, passes in [
    ("30 steps with CFG", 30, 2),
    ("15 steps with CFG", 15, 2),
    ("15 steps, no CFG", 15, 1),
    ("4 steps, no CFG", 4, 1),
]:
    flops = 2 * params * image_tokens * passes * steps
    gpu_s = flops / sustained
    gpus = peak_rate * gpu_s / busy
    # Scaled: the fleet follows the load, 75% busy. Fixed: the peak fleet runs all day.
    scaled = gpu_s / busy / 3_600 * dollars_per_hour * 1_000
    fixed = gpus * 24 * dollars_per_hour / images_per_day * 1_000
    print(
        f"{name:<26}{si(flops):>11}{gpu_s:7.2f}{gpus:13,.0f}{scaled:13.2f}{fixed:12.2f}"
    )
# --8<-- [end:capacity]

# --8<-- [start:queue]
import heapq
from collections import deque

import numpy as np

# Cost model (assumptions, not measurements): the capacity estimate's model, so one
# pass costs 10 microseconds per latent token, plus a fixed 10 ms per step (kernel
# launches, a GPU not yet full on small inputs). CFG doubles the latents in each pass.
# Decoding the latent and the safety check add 0.1 s per 1024x1024 image (in
# proportion to pixels). A pass holds at most 16,384 latent tokens (memory), which caps
# the batch per shape. Requests: one image each, 30% 512x512 drafts, 50% 1024x1024,
# 20% 1344x768; shapes share a batch only if padded to the largest width and height.
SHAPES = [(512, 512), (1024, 1024), (1344, 768)]
MIX = [0.3, 0.5, 0.2]
FIXED, PER_TOKEN, DECODE, BUDGET = 0.010, 10e-6, 0.1, 16_384


def tokens(w, h):
    return (w // 16) * (h // 16)


def batch_seconds(w, h, b, steps, passes):
    step = FIXED + passes * b * tokens(w, h) * PER_TOKEN
    return steps * step + b * DECODE * w * h / 1024**2


def simulate(policy, gpus, segments, steps=30, passes=2, max_wait=0.0, max_queue=None):
    """Discrete-event simulation of a GPU pool fed by Poisson arrivals whose rate is
    constant within each (minutes, requests/s) segment. Returns the p50 and p95
    latency of served requests, GPU seconds per image, mean batch, share rejected."""
    rng = np.random.default_rng(0)
    arrive, start = [], 0.0
    for minutes, rate in segments:
        k = rng.poisson(rate * minutes * 60)
        arrive.append(start + np.sort(rng.uniform(0, minutes * 60, k)))
        start += minutes * 60
    arrive = np.concatenate(arrive)
    n = len(arrive)
    shape = rng.choice(len(SHAPES), n, p=MIX)
    cap = [max(1, BUDGET // (passes * tokens(*s))) for s in SHAPES]
    queues = [deque() for _ in SHAPES] if policy == "by shape" else [deque()]
    done = np.full(n, np.nan)
    free = [0.0] * gpus
    now, busy, batches, i, handled = 0.0, 0.0, 0, 0, 0
    while handled < n:
        # The GPU that frees first takes the next batch, when the policy allows one.
        now = max(now, heapq.heappop(free))
        while True:
            while i < n and arrive[i] <= now:
                if max_queue is not None and sum(map(len, queues)) >= max_queue:
                    handled += 1  # admission control: rejected at once
                else:
                    queues[shape[i] if policy == "by shape" else 0].append(i)
                i += 1
            q, batch = queues[0], None
            if policy == "one at a time" and q:
                batch = [q.popleft()]
            elif policy == "static batches of 4" and (len(q) >= 4 or (i == n and q)):
                batch = [q.popleft() for _ in range(min(4, len(q)))]
            elif policy == "by shape":
                # Oldest head among shapes whose batch is full or has waited enough.
                ready = [
                    k
                    for k, qk in enumerate(queues)
                    if qk and (len(qk) >= cap[k] or now >= arrive[qk[0]] + max_wait)
                ]
                if ready or (i == n and handled < n):
                    k = min(
                        ready or [k for k, qk in enumerate(queues) if qk],
                        key=lambda k: queues[k][0],
                    )
                    batch = [
                        queues[k].popleft() for _ in range(min(cap[k], len(queues[k])))
                    ]
            if batch is not None or handled == n:
                break
            # Nothing to run yet: jump to the next arrival or the next wait deadline.
            wake = [arrive[i]] if i < n else []
            if policy == "by shape":
                wake += [arrive[qk[0]] + max_wait for qk in queues if qk]
            now = max(now, min(wake))
        if batch is None:
            break
        w = max(SHAPES[shape[j]][0] for j in batch)
        h = max(SHAPES[shape[j]][1] for j in batch)
        t = batch_seconds(w, h, len(batch), steps, passes)
        done[batch] = now + t
        busy, batches, handled = busy + t, batches + 1, handled + len(batch)
        heapq.heappush(free, now + t)
    served = ~np.isnan(done)
    latency = (done - arrive)[served]
    return (
        np.percentile(latency, 50),
        np.percentile(latency, 95),
        busy / served.sum(),
        served.sum() / batches,
        1 - served.mean(),
    )


print("GPU s per image by batch size (30 steps with CFG)")
for w, h in SHAPES:
    cap = BUDGET // (2 * tokens(w, h))
    one, full = batch_seconds(w, h, 1, 30, 2), batch_seconds(w, h, cap, 30, 2) / cap
    print(
        f"  {w}x{h}: batch 1 {one:.2f}, batch {cap} {full:.2f}"
        f" ({1 - full / one:.0%} less)"
    )

rate, minutes = 8, 30
for gpus in (22, 19):
    print(f"\n{rate} requests/s, {gpus} GPUs        p50 s   p95 s  GPU s  batch  load")
    for label, policy, kw in [
        ("one at a time", "one at a time", {}),
        ("static batches of 4", "static batches of 4", {}),
        ("by shape, no wait", "by shape", {"max_wait": 0.0}),
        ("by shape, wait up to 0.5 s", "by shape", {"max_wait": 0.5}),
    ]:
        p50, p95, gpu_s, batch, _ = simulate(policy, gpus, [(minutes, rate)], **kw)
        print(
            f"{label:<30}{p50:7.2f}{p95:8.2f}{gpu_s:7.3f}{batch:7.2f}"
            f"{rate * gpu_s / gpus:6.2f}"
        )

target = 8.0
print(f"\nGPUs to keep p95 <= {target:.0f} s at {rate} requests/s")
print(
    f"{'sampler':<20}{'GPU s, batch 1':>15}{'one at a time':>15}{'by shape, 0.5 s':>17}"
)
for name, steps, passes in [
    ("30 steps with CFG", 30, 2),
    ("15 steps with CFG", 15, 2),
    ("15 steps, no CFG", 15, 1),
]:
    one = [batch_seconds(w, h, 1, steps, passes) for w, h in SHAPES]
    cost = float(np.dot(MIX, one))
    needed = []
    for policy, kw in [("one at a time", {}), ("by shape", {"max_wait": 0.5})]:
        # Start below the stability bound (rate x cost) and add GPUs until p95 fits.
        gpus = int(0.8 * rate * cost)
        while True:
            p50, p95, gpu_s, *_ = simulate(
                policy, gpus, [(minutes, rate)], steps, passes, **kw
            )
            if rate * gpu_s < gpus and p95 <= target:
                break
            gpus += 1
        needed.append(gpus)
    print(f"{name:<20}{cost:15.3f}{needed[0]:15d}{needed[1]:17d}")

# A surge: 10 minutes at 8/s, 10 at 12/s, 10 at 8/s, on 22 GPUs, one image at a time.
# Admission control rejects a request when 44 are already queued (2 per GPU).
surge = [(10, 8), (10, 12), (10, 8)]
print("\nsurge to 12 requests/s for 10 minutes, 22 GPUs   p50 s   p95 s  rejected")
for label, max_queue in [("no admission control", None), ("queue capped at 44", 44)]:
    p50, p95, _, _, rejected = simulate("one at a time", 22, surge, max_queue=max_queue)
    print(f"{label:<48}{p50:6.2f}{p95:8.2f}{rejected:10.3f}")
# --8<-- [end:queue]
