# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 1M developers a day, 60 minutes of typing each at 150
# keystrokes a minute; after debouncing, one completion request per 2 keystrokes;
# peak 3x the mean (working hours). Prompts of 2,000 tokens (prefix, suffix and
# snippets from other files), completions of 24 tokens. A 3B-parameter model costs
# about 6 GFLOPs per token; with prefix caching, 80% of requests reuse the previous
# request's cache and prefill only 50 new tokens. GPUs sustain 300 TFLOP/s on prefill
# and decode 4,000 tokens/s each at the batch sizes a latency target allows; a GPU
# costs a placeholder $2 an hour and the peak fleet runs all day.
devs, minutes, keys_per_min, keys_per_request, peak = 1e6, 60, 150, 2, 3
prompt, output, flops_per_token, hit, fresh = 2_000, 24, 6e9, 0.8, 50
prefill_chip, decode_chip, dollars_per_hour = 300e12, 4_000, 2.0
rps = devs * minutes * keys_per_min / keys_per_request / 86_400 * peak
cached = rps * (hit * fresh + (1 - hit) * prompt)
prefill_gpus = rps * prompt * flops_per_token / prefill_chip
cached_gpus = cached * flops_per_token / prefill_chip
decode_gpus = rps * output / decode_chip
monthly = (cached_gpus + decode_gpus) * dollars_per_hour * 24 * 30 / devs
rows = [
    ("completion requests/s at peak", si(rps)),
    ("prompt tokens/s, no prefix cache", si(rps * prompt)),
    ("prompt tokens/s, with prefix cache", si(cached)),
    ("GPUs for prefill, no cache", f"{prefill_gpus:,.0f}"),
    ("GPUs for prefill, with cache", f"{cached_gpus:,.0f}"),
    ("GPUs for decode", f"{decode_gpus:,.0f}"),
    ("GPU $ per developer per month", f"{monthly:.2f}"),
]
for name, value in rows:
    print(f"{name:<36}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:debounce]
import numpy as np

rng = np.random.default_rng(0)
# A synthetic keystroke stream: 20,000 gaps between keystrokes, most of them typing
# (median 180 ms), 12% of them pauses (median 1.5 s) when the developer stops to
# think or read. A request, once sent, takes a network round trip of 50 ms plus a
# model time with a median of 220 ms (small inline model) or 3x that (large model).
n = 20_000
is_pause = rng.random(n) < 0.12
gap = np.where(
    is_pause, rng.lognormal(np.log(1.5), 0.8, n), rng.lognormal(np.log(0.18), 0.45, n)
)
model_time = rng.lognormal(np.log(0.22), 0.35, n)
waiting = gap >= 0.5  # pauses long enough for a suggestion to be useful


def simulate(debounce, cancel, slowdown=1.0):
    """After a keystroke the client waits `debounce` seconds; if no key comes, it
    sends a request. A suggestion is shown only if it arrives before the next key.
    Without cancellation a stale request still runs to the end on the GPU."""
    latency = 0.05 + slowdown * model_time
    sent = gap > debounce
    time_left = gap - debounce
    shown = sent & (latency <= time_left)
    gpu = np.where(sent, slowdown * model_time, 0.0)
    if cancel:
        gpu = np.where(shown, gpu, np.clip(time_left - 0.025, 0, gpu))
    from_key = (debounce + latency)[shown & waiting] * 1_000
    return (
        sent.mean() * 1_000,
        gpu.sum() / n * 1_000,
        gpu[~shown].sum() / gpu.sum(),
        shown[waiting].mean(),
        np.percentile(from_key, 50),
        np.percentile(from_key, 95),
    )


print(
    f"{'policy':<28}{'req':>6}{'GPU s':>7}{'wasted':>7}{'served':>7}"
    f"{'p50 ms':>7}{'p95 ms':>7}"
)
for name, args in [
    ("every key, no cancel", (0.0, False)),
    ("every key, cancel", (0.0, True)),
    ("debounce 100 ms, cancel", (0.1, True)),
    ("debounce 200 ms, cancel", (0.2, True)),
    ("debounce 300 ms, cancel", (0.3, True)),
    ("large model, 200 ms, cancel", (0.2, True, 3.0)),
]:
    req, gpu, wasted, served, p50, p95 = simulate(*args)
    print(
        f"{name:<28}{req:6.0f}{gpu:7.1f}{wasted:7.3f}{served:7.3f}{p50:7.0f}{p95:7.0f}"
    )
# --8<-- [end:debounce]
