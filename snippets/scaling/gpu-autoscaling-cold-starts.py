from collections import deque

import numpy as np

# Cold start of one replica, back of the envelope. Bandwidths and the fixed
# steps are assumptions to replace with your own measurements.
params, bytes_per_param = 8e9, 2  # an 8B model in bf16
weights_gb, image_gb = params * bytes_per_param / 1e9, 10.0
paths = {
    "new node, pull over network": dict(node=90, bw=0.5, image=True),
    "warm node, NVMe, image cached": dict(node=0, bw=4.0, image=False),
}
warmup = 20  # CUDA context, CUDA graph capture, warm-up requests (assumed)
print(f"cold start of one replica, {weights_gb:.0f} GB of weights")
print("path                             node  image  weights  warm-up  total")
cold = {}
for name, p in paths.items():
    image = image_gb / p["bw"] if p["image"] else 0.0
    weights = weights_gb / p["bw"]
    cold[name] = round(p["node"] + image + weights + warmup)
    print(f"{name:31s} {p['node']:5d} {image:6.0f} {weights:8.0f} {warmup:8d}"
          f" {cold[name]:6d} s  (at {p['bw']} GB/s)")  # fmt: skip
SLOW, FAST = cold.values()

# Traffic: a 4-hour rise from 10 to 60 requests/s with a 10-minute ripple,
# and a 10-minute burst at 1.8x; Poisson arrivals, one value per second.
T = 4 * 3600
t = np.arange(T)
rate = 10 + 50 * (1 - np.cos(np.pi * t / T)) / 2 + 6 * np.sin(2 * np.pi * t / 600)
BURST = (t >= 9000) & (t < 9600)
rate[BURST] *= 1.8
arrivals = np.random.default_rng(0).poisson(rate)
CAP, TIMEOUT, EVERY, MAX_REPLICAS = 5, 60, 15, 40  # req/s per GPU, s, s, GPUs


def simulate(policy, min_rep=1, window=300, pool=0):
    """Per-second simulation. Every EVERY s the policy recommends a replica count;
    scale-down takes the highest recommendation of the last `window` s (the HPA's
    stabilisation); scale-up is capped at max(2x, +4) per step (HPA default).
    `pool` standby GPU nodes with image and weights cached start in FAST s."""
    queue, waits, dropped = deque(), np.zeros(TIMEOUT + 1), 0
    late_calm = 0  # requests outside the burst that waited over 5 s or gave up
    # One entry per replica: when it can serve. Start sized for the first load.
    target = max(min_rep, int(np.ceil(rate[0] / (0.7 * CAP))))
    ready_at = [0] * target
    standby, refill = pool, []  # warm nodes waiting, and refills under way
    events, gpu_s, served_win, recent = 0, 0, 0, deque()
    for s in range(T):
        queue.append([s, int(arrivals[s])])
        ready = sum(r <= s for r in ready_at)
        room = CAP * ready
        while queue and room:
            n = min(room, queue[0][1])
            waits[s - queue[0][0]] += n
            late_calm += n * (s - queue[0][0] > 5 and not BURST[queue[0][0]])
            room, served_win = room - n, served_win + n
            queue[0][1] -= n
            if queue[0][1] == 0:
                queue.popleft()
        while queue and queue[0][0] <= s - TIMEOUT:
            late_calm += queue[0][1] * (not BURST[queue[0][0]])
            dropped += queue.popleft()[1]  # the client gave up
        standby += sum(r == s for r in refill)  # a refilled warm node is ready
        refill = [r for r in refill if r > s]
        gpu_s += len(ready_at) + standby + len(refill)
        if s % EVERY:
            continue
        if policy == "gpu-util":  # busy fraction of ready GPUs: saturates at 1
            util = served_win / max(1, CAP * ready * EVERY)
            want = int(np.ceil(ready * min(util, 1.0) / 0.7))
        else:  # arrival rate plus the queue drained in 30 s, at 70% of capacity
            waiting = sum(n for _, n in queue)
            demand = arrivals[max(0, s - EVERY + 1) : s + 1].mean() + waiting / 30
            want = int(np.ceil(demand / (0.7 * CAP)))
        served_win = 0
        recent.append((s, want))
        while recent[0][0] <= s - window:
            recent.popleft()
        new = want if want > target else max(w for _, w in recent)
        new = min(new, max(2 * target, target + 4))
        new = int(np.clip(new, min_rep, MAX_REPLICAS))
        if new != target:
            events += 1
        while len(ready_at) < new:
            warm = standby > 0
            standby -= warm
            refill += [s + SLOW] * warm
            ready_at.append(s + (FAST if warm else SLOW))
        while len(ready_at) > new:
            ready_at.remove(max(ready_at))  # starting replicas go first
            if standby + len(refill) < pool:
                standby += 1  # the freed node stays warm
        target = new
    total = arrivals.sum()
    p99 = np.searchsorted(np.cumsum(waits) / waits.sum(), 0.99)
    late = (waits[6:].sum() + dropped) / total  # waited over 5 s or gave up
    calm = late_calm / arrivals[~BURST].sum()
    return dropped / total, late, calm, p99, gpu_s / 3600, events


print(f"\ntraffic: {arrivals.sum():,} requests in 4 h, 1-min peak "
      f"{np.convolve(arrivals, np.ones(60) / 60, 'valid').max():.0f}/s; "
      f"{CAP} req/s per GPU; cold start {SLOW} s")  # fmt: skip
print("late: waited over 5 s or dropped; calm: outside the burst")
print("policy                          dropped   late  late, calm  p99 wait s"
      "  GPU-h  events")  # fmt: skip
runs = {
    "(a) GPU utilisation 70%, min 1": dict(policy="gpu-util"),
    "(b) queue + rate, 70% target": dict(policy="queue"),
    "(c) = (b), min 8 replicas": dict(policy="queue", min_rep=8),
    "(d) = (b) + 6 warm standby GPUs": dict(policy="queue", pool=6),
    "(b) without scale-down window": dict(policy="queue", window=1),
}
for name, kw in runs.items():
    drop, late, calm, p99, hours, events = simulate(**kw)
    print(f"{name:32s} {drop:6.1%} {late:6.1%} {calm:11.1%} {p99:11d}"
          f" {hours:6.1f} {events:7d}")  # fmt: skip
print(f"ideal: GPU-hours if capacity tracked demand exactly: "
      f"{arrivals.sum() / CAP / 3600:.1f}")  # fmt: skip
