import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

rng = np.random.default_rng(0)

# Assumptions: round numbers for the example, not anyone's current prices.
API_IN, API_OUT = 1.00, 4.00  # $ per million input / output tokens
GPU_HOUR = 2.0  # $ per GPU-hour
GPUS = 4  # GPUs per replica: a 70B dense model in bf16, tensor-parallel over 4
MIN_REPLICAS = 2  # availability floor: one replica can fail or be upgraded
MIN_HYBRID = 1  # a hybrid fails over to the API, so one replica is enough
TARGET_UTIL = 0.7  # provision so the peak uses 70% of the throughput at the SLO
SCALE_UP_DELAY = 10  # minutes from the autoscaler's decision to a serving replica
SCALE_DOWN_WINDOW = 30  # minutes of lower demand before a replica is removed

# Throughput of one replica at the latency SLO, from a roofline: prefill is
# compute-bound (2 FLOPs per parameter per token), decode is bandwidth-bound (each
# step reads the weights and every sequence's KV cache). Per-GPU datasheet roofs of
# an 80 GB H100-class GPU, times the fractions of them assumed to be reached.
PARAMS, KV_BYTES = 70e9, 2 * 80 * 8 * 128 * 2  # K and V: 80 layers, 8 KV heads
HBM, BANDWIDTH, FLOPS = 80e9, 3.35e12, 989e12
BW_EFF, MFU, TPOT = 0.5, 0.4, 0.030  # reached fractions; 30 ms per output token

# One day of traffic: requests per minute on a daily sinusoid (peak mid-afternoon,
# trough at night) with noise and a 20-minute burst at 11:00, and input and output
# tokens drawn per request.
minute = np.arange(1440)
rate = 200 * (1 + 0.6 * np.sin(2 * np.pi * (minute - 540) / 1440))
rate[660:680] *= 2
rpm = rng.poisson(rate * rng.lognormal(0, 0.1, 1440))
owner = np.repeat(minute, rpm)
tok_in = np.round(rng.lognormal(np.log(800), 0.7, owner.size))
tok_out = np.round(rng.lognormal(np.log(200), 0.6, owner.size))
in_min = np.bincount(owner, tok_in, 1440)
out_min = np.bincount(owner, tok_out, 1440)
day_tokens = in_min.sum() + out_min.sum()
api_min = (in_min * API_IN + out_min * API_OUT) / 1e6  # API $ per minute
api_per_m = api_min.sum() / day_tokens * 1e6

mean_in, mean_out = tok_in.mean(), tok_out.mean()


def replica_work(tpot):
    """Largest decode batch under the TPOT target and the memory, its decode and
    prefill tokens/s, and the replica-seconds of work in each minute of the day."""
    step_bytes = tpot * GPUS * BANDWIDTH * BW_EFF  # what one decode step may read
    by_slo = (step_bytes - 2 * PARAMS) / ((mean_in + mean_out / 2) * KV_BYTES)
    by_memory = (0.9 * GPUS * HBM - 2 * PARAMS) / ((mean_in + mean_out) * KV_BYTES)
    batch = int(min(by_slo, by_memory))
    prefill = GPUS * FLOPS * MFU / (2 * PARAMS)
    return batch, prefill, batch / tpot, in_min / prefill + out_min / (batch / tpot)


batch, prefill_tps, decode_tps, work = replica_work(TPOT)
replica_day = GPUS * GPU_HOUR * 24  # $ for one replica for a day


def static(demand):
    """A fixed fleet sized for the day's peak minute: (replicas, replica-days)."""
    n = max(MIN_REPLICAS, int(np.ceil(demand.max() / TARGET_UTIL)))
    return n, n


def autoscaled(demand):
    """Reactive scaling; a replica serves SCALE_UP_DELAY minutes after it is asked
    for and is paid for from then on. Returns (late share of work, replica-days)."""
    want = np.maximum(MIN_REPLICAS, np.ceil(demand / TARGET_UTIL)).astype(int)
    # Remove a replica only after SCALE_DOWN_WINDOW minutes of lower demand.
    padded = np.concatenate([np.full(SCALE_DOWN_WINDOW - 1, want[0]), want])
    held = sliding_window_view(padded, SCALE_DOWN_WINDOW).max(1)
    arriving = np.zeros(1440 + SCALE_UP_DELAY, int)
    ready, pending, billed, late = held[0], 0, 0, 0.0
    for t in range(1440):
        ready, pending = ready + arriving[t], pending - arriving[t]
        billed += ready + pending
        late += max(0.0, demand[t] - ready)
        gap = held[t] - ready - pending
        if gap > 0:
            arriving[t + SCALE_UP_DELAY] += gap
            pending += gap
        elif gap < 0:
            # Cancel replicas still starting (latest first), then stop ready ones.
            for due in range(t + SCALE_UP_DELAY, t, -1):
                cut = min(-gap, arriving[due])
                arriving[due] -= cut
                pending, gap = pending - cut, gap + cut
            ready += gap
    return late / demand.sum(), billed / 1440


def hybrid(demand, api):
    """A fixed base fleet; demand above its target load goes to the API. Returns
    the cheapest base (replicas) and the share of each minute sent to the API."""
    best = (api.sum(), 0, np.ones(1440))
    for n in range(MIN_HYBRID, static(demand)[0] + 1):
        sent = np.maximum(0, demand - n * TARGET_UTIL) / demand
        best = min(best, (n * replica_day + (sent * api).sum(), n, sent))
    return best[1], best[2]


def options(volume, work=work, api=api_min):
    """Each option at `volume` tokens/day, with its $ per day."""
    scale = volume / day_tokens
    demand = scale * work / 60  # replicas busy, minute by minute
    n, _ = static(demand)
    late, replica_days = autoscaled(demand)
    n_base, sent = hybrid(demand, scale * api)
    return {
        "api": scale * api.sum(),
        "static": n * replica_day,
        "autoscaled": replica_days * replica_day,
        "hybrid": n_base * replica_day + scale * (sent * api).sum(),
        "replicas": n,
        "util": demand.mean() / n,
        "auto util": demand.mean() / replica_days,
        "late": late,
        "base": n_base,
        "to API": (sent * (in_min + out_min)).sum() / day_tokens,
    }


print(
    f"one day: {owner.size:,} requests, {day_tokens / 1e6:.0f}M tokens, "
    f"busiest minute {rpm.max() / rpm.mean():.2f}x the mean"
)
print(
    f"mean tokens per request: {mean_in:.0f} in, {mean_out:.0f} out; "
    f"API: ${api_per_m:.2f} per M tokens"
)
print(
    f"one replica ({GPUS} GPUs) at {TPOT * 1e3:.0f} ms/token: batch {batch}, "
    f"prefill {prefill_tps:,.0f} tok/s, decode {decode_tps:,.0f} tok/s"
)
busy = GPUS * GPU_HOUR * work.sum() / 3600 / day_tokens * 1e6
print(f"self-hosted $ per M tokens if every GPU-hour were busy: {busy:.2f}")
print()
print("            API    static fleet         autoscaled          hybrid")
print("tokens/day  $/M  GPUs  util   $/M   util  late   $/M   GPUs  to API   $/M")
for volume in [1e7, 3e7, 1e8, 3e8, 1e9, 3e9, 1e10]:
    o, m = options(volume), volume / 1e6
    print(
        f"{m:>8,.0f}M {o['api'] / m:4.2f} {o['replicas'] * GPUS:5d} {o['util']:5.2f}"
        f" {o['static'] / m:5.2f}  {o['auto util']:5.2f} {o['late']:5.3f}"
        f" {o['autoscaled'] / m:5.2f}  {o['base'] * GPUS:5d} {o['to API']:7.2f}"
        f" {o['hybrid'] / m:5.2f}"
    )


def break_even(**kw):
    """Daily tokens above which each self-hosted option stays cheaper than the API
    (searched from 10M to 30,000M)."""
    grid = np.geomspace(1e7, 3e10, 81)
    table = [options(v, **kw) for v in grid]
    found = []
    for k in ("static", "autoscaled", "hybrid"):
        cheaper = np.array([o[k] < o["api"] for o in table])
        if not cheaper[-1]:
            found.append("none")
            continue
        j = np.flatnonzero(~cheaper)[-1]  # the last volume where the API wins
        lo, hi = grid[j], grid[j + 1]
        for _ in range(20):
            mid = np.sqrt(lo * hi)
            o = options(mid, **kw)
            lo, hi = (lo, mid) if o[k] < o["api"] else (mid, hi)
        found.append(f"{hi / 1e6:,.0f}M")
    return found


print()
batch_25, _, decode_25, work_25 = replica_work(0.025)
print(f"at 25 ms/token: batch {batch_25}, decode {decode_25:,.0f} tok/s")
flat = np.full(1440, work.mean())  # the same tokens spread evenly over the day
flat_api = np.full(1440, api_min.mean())
floors = [n * replica_day / api_per_m for n in (MIN_REPLICAS, MIN_HYBRID)]
print(
    f"floor / API price: {MIN_REPLICAS} replicas {floors[0]:,.0f}M, "
    f"{MIN_HYBRID} replica {floors[1]:,.0f}M tokens/day"
)
print("break-even tokens/day (10M-30,000M)  static  autoscaled  hybrid")
for name, kw in [
    ("as assumed", {}),
    ("API price halved", {"api": api_min / 2}),
    ("API halved, flat traffic", {"work": flat, "api": flat_api / 2}),
    ("throughput halved", {"work": work * 2}),
    ("25 ms per output token", {"work": work_25}),
]:
    print(f"{name:34s}" + "".join(f"{b:>10s}" for b in break_even(**kw)))
