# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 200G source words a day, peak 2x the mean; 1.6 target
# tokens per source word on average over languages (more for scripts a tokenizer
# splits finely); 40% of segments served from a cache of earlier translations. The
# throughputs are placeholders for batched decoding on one GPU, prompt included: a
# distilled 0.6B encoder-decoder in int8, an 8B LLM and a 70B LLM (sharded, per GPU).
# GPUs are kept 60% busy at peak (tail-latency headroom); $2 per GPU-hour.
words_per_day, peak, tokens_per_word, hit_rate = 200e9, 2, 1.6, 0.4
busy, dollars_per_hour = 0.6, 2.0
peak_words = words_per_day / 86_400 * peak
print(f"source words/s at peak: {si(peak_words)}")
print(f"target tokens/s at peak: {si(peak_words * tokens_per_word)}")
print(
    f"{'model':<30}{'tokens/s/GPU':>13}{'cache':>6}{'GPUs at peak':>13}"
    f"{'$/1M words':>11}"
)
for name, per_gpu, cached in [
    ("0.6B encoder-decoder, int8", 40_000, False),
    ("0.6B encoder-decoder, int8", 40_000, True),
    ("8B LLM", 8_000, True),
    ("70B LLM", 1_000, True),
]:
    misses = 1 - hit_rate if cached else 1.0
    gpu_s_per_word = tokens_per_word * misses / per_gpu
    gpus = peak_words * gpu_s_per_word / busy
    dollars = gpu_s_per_word / busy / 3_600 * dollars_per_hour * 1e6
    print(
        f"{name:<30}{per_gpu:13,}{'yes' if cached else 'no':>6}{gpus:13,.0f}"
        f"{dollars:11.3f}"
    )
# --8<-- [end:capacity]

# --8<-- [start:serving]
import heapq

import numpy as np

rng = np.random.default_rng(0)
lengths = []  # source length in tokens of every segment id


def new_segments(n, median):
    """Allocate n segment ids with log-normal source lengths (tokens)."""
    start = len(lengths)
    lengths.extend(np.clip(np.round(median * rng.lognormal(0, 0.55, n)), 1, 150))
    return np.arange(start, start + n)


def zipf(n, size, a):
    p = 1 / np.arange(1, n + 1) ** a
    return rng.choice(n, size, p=p / p.sum())


# Traffic: 60% text box and chat (1-4 sentences, mostly new text, 15% stock phrases
# such as "thank you"); 30% web pages (a site's 12 menu and footer strings on every
# page, then the page's own sentences; popular pages are viewed by many users); 10%
# app UI strings (20 short strings from an app catalogue). 8 target languages, Zipf.
TARGETS = 8
KINDS = ["text", "web pages", "UI strings"]
sites = [new_segments(12, 4) for _ in range(200)]
pages = [
    np.concatenate([sites[p % 200], new_segments(int(rng.lognormal(3.0, 0.6)), 20)])
    for p in range(10_000)
]
ui_pool, stock = new_segments(3_000, 4), new_segments(300, 4)


def traffic(n):
    kind = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    m = rng.integers(1, 5, n)
    text = np.where(
        rng.random(m.sum()) < 0.15,
        stock[zipf(300, m.sum(), 1.2)],
        new_segments(m.sum(), 14),
    )
    text = np.split(text, np.cumsum(m)[:-1])
    page = zipf(len(pages), n, 1.0)
    ui = ui_pool[zipf(len(ui_pool), (n, 20), 1.1)]
    segs = [[text[i], pages[page[i]], ui[i]][k] for i, k in enumerate(kind)]
    return kind, zipf(TARGETS, n, 1.2), segs


# The cache holds what the previous 5 minutes translated; then 1 minute at 100
# requests/s is simulated. A cache key is (segment, target language).
RATE, SECONDS = 100, 60
_, warm_target, warm_segs = traffic(RATE * 300)
warm = set(np.concatenate([s * TARGETS + t for t, s in zip(warm_target, warm_segs)]))
kind, target, segs = traffic(RATE * SECONDS)
n_req = len(segs)
req_arrive = np.sort(rng.uniform(0, SECONDS, n_req))
req_of = np.repeat(np.arange(n_req), [len(s) for s in segs])
key = np.concatenate(segs) * TARGETS + target[req_of]
arrive = req_arrive[req_of]
src = np.array(lengths)[np.concatenate(segs)]
tgt = np.maximum(1, np.round(src * np.exp(rng.normal(0.1, 0.15, len(src)))))
n_seg = len(key)
starts = np.r_[0, np.flatnonzero(np.diff(req_of)) + 1]
req_end = np.r_[starts[1:], n_seg][req_of]

# A segment is a hit if the warm cache holds it; a repeat of a segment first seen in
# this minute waits for that copy (in flight or done) instead of being translated.
first = {}
source_of = np.full(n_seg, -1)
for i, k in enumerate(key.tolist()):
    if k not in warm:
        source_of[i] = first.setdefault(k, i)
miss = source_of == np.arange(n_seg)

# Cost model (assumptions): a batch of b segments padded to S source and T target
# tokens costs 2 ms + 10 us per padded source token (encoder), then T decoder steps
# of 3 ms + 40 us per row (memory-bound: the weights are read once per step). A batch
# holds at most 64 segments and 4,096 padded source tokens.
MAX_ROWS, MAX_TOKENS = 64, 4_096


def batch_seconds(b, s, t):
    return 0.002 + 10e-6 * b * s + t * (0.003 + 40e-6 * b)


def simulate(lanes, gpus, per_request):
    """Each GPU, when free, takes a batch from the lane whose oldest segment has
    waited longest (no waiting to fill a batch). Returns every segment's finish
    time, GPU-seconds, the padding share of token slots and the number of batches."""
    done = np.full(n_seg, np.nan)
    free, ptr = [0.0] * gpus, [0] * len(lanes)
    lane_arrive = [arrive[lane] for lane in lanes]
    gpu_s = real = slots = batches = 0.0
    while True:
        heads = [a[p] if p < len(a) else np.inf for a, p in zip(lane_arrive, ptr)]
        j = int(np.argmin(heads))
        if heads[j] == np.inf:
            break
        now = max(heapq.heappop(free), heads[j])
        lane, p = lanes[j], ptr[j]
        end = min(p + MAX_ROWS, int(np.searchsorted(lane_arrive[j], now, "right")))
        if per_request:
            end = min(end, req_end[lane[p]])
        width = np.maximum.accumulate(src[lane[p:end]]) * np.arange(1, end - p + 1)
        b = max(1, int(np.sum(width <= MAX_TOKENS)))
        batch = lane[p : p + b]
        s, t = src[batch].max(), tgt[batch].max()
        seconds = batch_seconds(b, s, t)
        done[batch] = now + seconds
        gpu_s, batches = gpu_s + seconds, batches + 1
        real += src[batch].sum() + tgt[batch].sum()
        slots += b * (s + t)
        ptr[j] = p + b
        heapq.heappush(free, now + seconds)
    return done, gpu_s, 1 - real / slots, batches


def p95_latency(done, cached):
    if cached:
        # Warm hits finish on arrival; repeats finish with the copy they wait for.
        done = np.where(source_of < 0, arrive, done[np.maximum(source_of, 0)])
    finish = np.maximum.reduceat(np.maximum(done, arrive), starts)
    return np.percentile(finish - req_arrive, 95)


every = np.arange(n_seg)
bucket = np.searchsorted([8, 16, 32, 64], src)  # source-length buckets
policies = {
    "per request": ([every], True, False),
    "split, arrival order": ([every], False, False),
    "split, length buckets": ([every[bucket == k] for k in range(5)], False, False),
    "buckets + segment cache": (
        [every[miss & (bucket == k)] for k in range(5)],
        False,
        True,
    ),
}

hit = ~miss
shares = [f"{name} {hit[kind[req_of] == k].mean():.2f}" for k, name in enumerate(KINDS)]
print(f"{n_req:,} requests in {SECONDS} s, {n_seg:,} segments")
print(f"with the cache, not sent to a GPU: {', '.join(shares)}, all {hit.mean():.2f}")
whole = np.minimum.reduceat((source_of < 0).astype(int), starts).astype(bool)
print(f"requests answered wholly from the cache: {whole.mean():.2f}")

TARGET = 0.5
print(f"\nsmallest pool with p95 <= {TARGET} s, and its operating point")
print(
    f"{'policy':<26}{'GPUs':>5}{'padding':>8}{'GPU s/1k segs':>14}{'batch':>6}"
    f"{'p95 s':>6}"
)
for name, (lanes, per_request, cached) in policies.items():
    # Bisection on the pool size (p95 falls as GPUs are added).
    lo, hi = 1, 40
    while lo < hi:
        mid = (lo + hi) // 2
        done, *_ = simulate(lanes, mid, per_request)
        lo, hi = (lo, mid) if p95_latency(done, cached) <= TARGET else (mid + 1, hi)
    done, gpu_s, waste, batches = simulate(lanes, lo, per_request)
    sent = sum(map(len, lanes))
    print(
        f"{name:<26}{lo:5d}{waste:8.2f}{gpu_s / n_seg * 1000:14.2f}"
        f"{sent / batches:6.1f}{p95_latency(done, cached):6.2f}"
    )
# --8<-- [end:serving]

# --8<-- [start:pivot]
# Arithmetic with assumed numbers, an illustration rather than a result.
n = 200
print(
    f"{n} languages: {n * (n - 1):,} directions; an English-centric system trains "
    f"{2 * (n - 1)} of them\nand sends the other {(n - 1) * (n - 2):,} through "
    "English, two decodes each"
)
# Assumed share of segments without a major error for each hop and for a direct
# model; pivot errors compound (independence assumed), and an error in the first
# hop cannot be repaired by the second.
print(
    f"{'pair (assumed quality)':<34}{'X->en':>6}{'en->Y':>6}{'pivot':>6}{'direct':>7}"
)
for name, x_en, en_y, direct in [
    ("high-resource, direct data", 0.92, 0.92, 0.90),
    ("low-resource, little direct data", 0.75, 0.72, 0.45),
]:
    print(f"{name:<34}{x_en:6.2f}{en_y:6.2f}{x_en * en_y:6.2f}{direct:7.2f}")
# Formality: the German source says "Sie" (formal) 60% of the time and "du"
# otherwise; English "you" drops the distinction, so the en->fr hop picks "vous"
# 70% of the time whatever the source said. A direct model keeps it 97% of the time.
formal, vous = 0.6, 0.7
kept = formal * vous + (1 - formal) * (1 - vous)
print(f"de->fr formality kept: via English {kept:.2f}, direct 0.97 (assumed)")
# --8<-- [end:pivot]
