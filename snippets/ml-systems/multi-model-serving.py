from collections import OrderedDict

import numpy as np

rng = np.random.default_rng(0)
N_MODELS = 5_000  # one model per customer
N_SERVERS = 4
N_REQUESTS = 200_000
WARMUP = 20_000  # requests served before measuring, so caches start warm
ZIPF_S = 1.1  # popularity of the tenant ranked k is proportional to 1 / k**s
INFER_MS = 20.0  # inference time of a loaded model (assumed, every model)
LOAD_FIXED_MS = 50.0  # per load: fetch metadata, deserialise, warm up (assumed)
LOAD_MS_PER_MB = 5.0  # 200 MB/s from object storage to server memory (assumed)
RUNTIME_MB = 300.0  # memory of an idle serving process, without its model (assumed)
HOT_SHARE = 0.01  # hottest tenants, served by every server in the hybrid policy

# Model sizes: log-normal, median 40 MB, clipped to 5 MB .. 500 MB, unrelated to
# popularity. Tenant ids are shuffled so that a tenant's rank says nothing about
# its id (and so nothing about where a hash puts it).
size_mb = np.clip(rng.lognormal(np.log(40.0), 1.0, N_MODELS), 5.0, 500.0)
rank = rng.permutation(N_MODELS)
popularity = 1.0 / (rank + 1.0) ** ZIPF_S
popularity /= popularity.sum()
tenant = rng.choice(N_MODELS, size=N_REQUESTS, p=popularity)
total_mb = size_mb.sum()

# Consistent hashing: each server owns 100 random points of a ring [0, 1), and a
# tenant goes to the first server point at or after the tenant's own hash point.
VNODES = 100


def ring_owner(n_servers, tenant_point, ring_seed=1):
    ring_rng = np.random.default_rng(ring_seed)
    points = ring_rng.random((n_servers, VNODES))
    order = np.argsort(points, axis=None)
    sorted_points = points.ravel()[order]
    owner_of_point = order // VNODES
    i = np.searchsorted(sorted_points, tenant_point) % sorted_points.size
    return owner_of_point[i]


tenant_point = rng.random(N_MODELS)
hash_server = ring_owner(N_SERVERS, tenant_point)
hot = rank < int(HOT_SHARE * N_MODELS)
random_server = rng.integers(0, N_SERVERS, N_REQUESTS)

routes = {
    "random": random_server,
    "hash": hash_server[tenant],
    "hash+hot": np.where(hot[tenant], random_server, hash_server[tenant]),
}


def simulate(server_of_request, budget_mb):
    """Per-server LRU caches with a memory budget; returns per-request latency."""
    caches = [OrderedDict() for _ in range(N_SERVERS)]
    used = np.zeros(N_SERVERS)
    latency = np.empty(N_REQUESTS)
    loaded_mb = 0.0
    for r in range(N_REQUESTS):
        m, s = tenant[r], server_of_request[r]
        cache = caches[s]
        if m in cache:
            cache.move_to_end(m)
            latency[r] = INFER_MS
            continue
        while used[s] + size_mb[m] > budget_mb:
            _, evicted_mb = cache.popitem(last=False)
            used[s] -= evicted_mb
        cache[m] = size_mb[m]
        used[s] += size_mb[m]
        latency[r] = INFER_MS + LOAD_FIXED_MS + LOAD_MS_PER_MB * size_mb[m]
        if r >= WARMUP:
            loaded_mb += size_mb[m]
    return latency[WARMUP:], loaded_mb


print(
    f"{N_MODELS:,} tenant models, {total_mb / 1024:.0f} GB in total, "
    f"{N_SERVERS} servers, Zipf s={ZIPF_S}"
)
top = np.sort(popularity)[::-1]
print(
    f"traffic share of the top 1% / 10% of tenants: "
    f"{top[:50].sum():.2f} / {top[:500].sum():.2f}"
)
print(
    f"{'fleet memory':>12} {'routing':>9} {'hit rate':>9} {'mean ms':>8} "
    f"{'p99 ms':>7} {'GB loaded/1k req':>17} {'busiest server':>15}"
)
for fraction in (0.01, 0.05, 0.20):
    budget_mb = fraction * total_mb / N_SERVERS
    assert budget_mb >= size_mb.max(), "a server must fit the largest model"
    for name, server_of_request in routes.items():
        latency, loaded_mb = simulate(server_of_request, budget_mb)
        n_measured = N_REQUESTS - WARMUP
        hit_rate = np.mean(latency == INFER_MS)
        share = np.bincount(server_of_request[WARMUP:], minlength=N_SERVERS)
        print(
            f"{fraction:>12.0%} {name:>9} {hit_rate:>9.3f} "
            f"{latency.mean():>8.0f} {np.percentile(latency, 99):>7.0f} "
            f"{loaded_mb / 1024 / n_measured * 1_000:>17.2f} "
            f"{share.max() / n_measured:>15.2f}"
        )

per_container_gb = (size_mb + RUNTIME_MB).sum() / 1024
print(
    f"one container per model: {per_container_gb:,.0f} GB resident, "
    f"p99 {INFER_MS:.0f} ms"
)
for fraction in (0.01, 0.05, 0.20):
    fleet_gb = (fraction * total_mb + N_SERVERS * RUNTIME_MB) / 1024
    print(
        f"  multi-model fleet at {fraction:.0%}: {fleet_gb:,.1f} GB "
        f"({per_container_gb / fleet_gb:.0f}x less)"
    )

# Adding a fifth server: share of tenants that change server (and lose their cache)
moved_ring = np.mean(ring_owner(N_SERVERS + 1, tenant_point) != hash_server)
moved_mod = np.mean(
    np.arange(N_MODELS) % (N_SERVERS + 1) != np.arange(N_MODELS) % N_SERVERS
)
print(
    f"tenants moved when a 5th server joins: ring {moved_ring:.2f}, "
    f"id mod n {moved_mod:.2f}"
)
