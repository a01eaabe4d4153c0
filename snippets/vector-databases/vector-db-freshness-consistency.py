import numpy as np

rng = np.random.default_rng(0)

# A simulated segment-based vector store on a simulated clock (milliseconds). The
# primary appends every write to a log; a query node applies the log in order after a
# replication delay, into a growing segment searched by brute force. A growing
# segment is sealed after 1 s or 512 rows, then indexed by one background builder.
# Five compaction stalls pause the log applier for 800 ms each (the chaos part).
DIM, T_END, FIRST_READ, POLL = 32, 60_000.0, 50.0, 10.0
STALLS = [(s, s + 800.0) for s in (10_000.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0)]


def unit(n):
    x = rng.normal(size=(n, DIM))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# The log: background inserts every 10 ms, 200 sentinel inserts (unique random
# vectors, the write-then-read probes) and 100 deletes of old documents.
bg_ts = np.arange(0.0, T_END, 10.0)
probe_ts = np.sort(rng.uniform(5_000, 55_000, 200))
del_ts = np.sort(rng.uniform(15_000, 55_000, 100))
del_rows = rng.choice(np.flatnonzero(bg_ts < 5_000), size=100, replace=False)
ins_ts = np.concatenate([bg_ts, probe_ts])
vectors = unit(len(ins_ts))
probe_rows = np.arange(len(bg_ts), len(ins_ts))

log_ts = np.concatenate([ins_ts, del_ts])
log_row = np.concatenate([np.arange(len(ins_ts)), del_rows])
log_is_delete = np.r_[np.zeros(len(ins_ts), bool), np.ones(len(del_ts), bool)]
order = np.argsort(log_ts, kind="stable")
log_ts, log_row, log_is_delete = log_ts[order], log_row[order], log_is_delete[order]

# In-order apply: an entry is applied after its own delay and after the entry before
# it, so one stall delays everything queued behind it (head-of-line blocking).
delay = rng.lognormal(np.log(15.0), 0.5, len(log_ts))
log_applied = np.empty(len(log_ts))
last = 0.0
for i, (t, d) in enumerate(zip(log_ts, delay)):
    a = max(last, t + d)
    for s, e in STALLS:
        if s <= a < e:
            a = e
    log_applied[i] = last = a

applied = np.full(len(ins_ts), np.inf)  # when a row lands in a growing segment
deleted_at = np.full(len(ins_ts), np.inf)  # when its delete reaches the query node
applied[log_row[~log_is_delete]] = log_applied[~log_is_delete]
deleted_at[log_row[log_is_delete]] = log_applied[log_is_delete]

# Seal growing segments (1 s or 512 rows), then build their indexes one at a time.
sealed, segment, seg_start = [], [], 0.0
for r in np.argsort(applied, kind="stable"):
    if segment and applied[r] >= seg_start + 1_000:
        sealed.append((segment, seg_start + 1_000))
        segment = []
    if not segment:
        seg_start = applied[r]
    segment.append(r)
    if len(segment) == 512:
        sealed.append((segment, applied[r]))
        segment = []
sealed.append((segment, seg_start + 1_000))
indexed = np.empty(len(ins_ts))  # when a row becomes searchable in an index
builder_free = 0.0
for rows, sealed_at in sealed:
    builder_free = max(sealed_at, builder_free) + 100.0 + 0.5 * len(rows)
    indexed[rows] = builder_free


def guarantee_ready(g):
    """Time at which the query node has applied every log entry written up to g."""
    n = np.searchsorted(log_ts, g, side="right")
    return log_applied[n - 1] if n else 0.0


def read(q, t, setting, own_write):
    """Top-1 id for query q issued at time t, and the time the answer comes back."""
    if setting == "indexed segments only":
        ready, visible = t, indexed
    elif setting == "Eventually":
        ready, visible = t, applied
    elif setting == "Session":
        # Guarantee timestamp = this client's last write.
        ready, visible = max(t, guarantee_ready(own_write)), applied
    else:
        # Strong: guarantee timestamp = the time the read was issued.
        ready, visible = max(t, guarantee_ready(t)), applied
    live = (visible <= ready) & (deleted_at > ready)
    scores = np.where(live, vectors @ q, -np.inf)
    return int(np.argmax(scores)), ready


SETTINGS = ["indexed segments only", "Eventually", "Session", "Strong"]
print("200 write-then-read probes, first read 50 ms after the write is acknowledged")
print("                         first read   visible after (ms)   first read")
print("read setting               sees it         p50      p99    waits p99 ms")
for setting in SETTINGS:
    hits, lags, waits = 0, [], []
    for r, t0 in zip(probe_rows, probe_ts):
        t = t0 + FIRST_READ
        top, ready = read(vectors[r], t, setting, own_write=t0)
        hits += top == r
        waits.append(ready - t)
        while top != r:
            t += POLL
            top, ready = read(vectors[r], t, setting, own_write=t0)
        lags.append(ready - t0)
    p50, p99 = np.percentile(lags, [50, 99])
    print(
        f"{setting:<22} {hits / len(probe_rows):>11.3f} {p50:>11.0f} {p99:>8.0f}"
        f" {np.percentile(waits, 99):>15.0f}"
    )

print()
print(
    "100 delete probes (query = the deleted vector), first read 50 ms after the delete"
)
print(" " * 24 + "deleted doc returned" + " " * 3 + "gone from results")
print("read setting" + " " * 19 + "by first read" + " " * 8 + "after p99 ms")
for setting in SETTINGS:
    stale, gone = 0, []
    for r, t0 in zip(del_rows, del_ts):
        t = t0 + FIRST_READ
        top, ready = read(vectors[r], t, setting, own_write=t0)
        stale += top == r
        while top == r:
            t += POLL
            top, ready = read(vectors[r], t, setting, own_write=t0)
        gone.append(ready - t0)
    print(f"{setting:<22} {stale:>14d} of 100 {np.percentile(gone, 99):>19.0f}")
