import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


X = make_embeddings(40_500, d=128, latent=32)
xb, xq = X[:40_000], X[40_000:]
d, k, S = xb.shape[1], 10, 8
exact = faiss.IndexFlatL2(d)
exact.add(xb)
D_true, I_true = exact.search(xq, k)


def search_shards(shard_of, probe):
    """Each probed shard returns its local top-k; the coordinator merges them."""
    D_all, I_all = [], []
    for s in range(S):
        ids = np.flatnonzero(shard_of == s)
        index = faiss.IndexFlatL2(d)  # exact per shard, to isolate the sharding effect
        index.add(xb[ids])
        D, I = index.search(xq, k)
        D[~probe[:, s]] = np.inf  # shards not routed to contribute nothing
        D_all.append(D)
        I_all.append(ids[I])
    D_all, I_all = np.hstack(D_all), np.hstack(I_all)
    top = np.argsort(D_all, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(I_all, top, axis=1)


def recall(I):
    return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k


rng = np.random.default_rng(1)
random_shard = rng.integers(S, size=len(xb))
I = search_shards(random_shard, np.ones((len(xq), S), dtype=bool))
print("random sharding, all 8 shards queried, merged top-10 == global exact:", end=" ")
print(np.array_equal(np.sort(I, 1), np.sort(I_true, 1)))

# Partition (semantic) sharding: k-means with S centroids; route to the p nearest.
km = faiss.Kmeans(d, S, niter=20, seed=1)
km.train(xb)
part_shard = km.index.search(xb, 1)[1][:, 0]
_, nearest = km.index.search(xq, S)
print("\npartition sharding: vectors per shard (max/mean)", end=" ")
print(f"{np.bincount(part_shard, minlength=S).max() / (len(xb) / S):.2f}")
print(f"{'shards probed':>13} {'recall@10':>9} {'max shard load / mean':>22}")
for p in [1, 2, 3, 8]:
    probe = np.zeros((len(xq), S), dtype=bool)
    np.put_along_axis(probe, nearest[:, :p], True, axis=1)
    load = probe.sum(0)
    print(f"{p:>13} {recall(search_shards(part_shard, probe)):>9.3f}", end=" ")
    print(f"{load.max() / load.mean():>22.2f}")

# Tail latency: a query waits for the slowest shard it fans out to. Simulated shard
# latencies: log-normal around 10 ms, and 1% of calls hit a 5x hiccup (GC, compaction).
lat_rng = np.random.default_rng(2)


def shard_latency(size):
    base = 10 * lat_rng.lognormal(0, 0.25, size)
    return np.where(lat_rng.random(size) < 0.01, 5 * base, base)


print(f"\n{'fan-out':>7} {'p50 ms':>7} {'p99 ms':>7} {'p99 hedged ms':>14}")
for fan_out in [1, 8, 64]:
    t = shard_latency((100_000, fan_out)).max(1)
    # Hedging: also ask a second replica of each shard, take whichever answers first.
    hedged = np.minimum(
        shard_latency((100_000, fan_out)), shard_latency((100_000, fan_out))
    ).max(1)
    p50, p99, p99h = (
        np.percentile(t, 50),
        np.percentile(t, 99),
        np.percentile(hedged, 99),
    )
    print(f"{fan_out:>7} {p50:>7.1f} {p99:>7.1f} {p99h:>14.1f}")
