import heapq

import numpy as np

# Every latency below is simulated, in milliseconds; nothing times this machine.
rng = np.random.default_rng(0)
WORKERS = 4
# Model forward time per request: log-normal with a 20 ms median.
MEDIAN_MS, SIGMA = 20.0, 0.25
MEAN_MS = MEDIAN_MS * np.exp(SIGMA**2 / 2)


def simulate(utilisation, slowdown=1.0, n=200_000):
    """One host: Poisson arrivals, one FIFO queue, WORKERS model workers.

    `utilisation` is the load before the slowdown; returns (queue wait, model time).
    """
    rate_per_ms = utilisation * WORKERS / MEAN_MS
    arrivals = np.cumsum(rng.exponential(1 / rate_per_ms, n))
    model = slowdown * MEDIAN_MS * rng.lognormal(0, SIGMA, n)
    free_at = [0.0] * WORKERS
    wait = np.empty(n)
    for i in range(n):
        start = max(arrivals[i], heapq.heappop(free_at))
        wait[i] = start - arrivals[i]
        heapq.heappush(free_at, start + model[i])
    # Drop the first 10% so the queue has reached steady state.
    return wait[n // 10 :], model[n // 10 :]


def p(x, q):
    return np.percentile(x, q)


# (a) The same service, more traffic or a slower model. Each row is a trace split:
# time waiting in the queue and time in the model forward pass.
print("(a) one host, 4 workers")
head = f"{'scenario':<27}{'util':>5}{'mean':>7}{'p50':>7}{'p99':>7}"
print(head + f"{'p99 queue':>10}{'p99 model':>10}")
scenarios = [
    ("baseline", 0.60, 1.00),
    ("traffic +40%", 0.84, 1.00),
    ("model 15% slower", 0.60, 1.15),
    ("peak-hour baseline", 0.75, 1.00),
    ("model 15% slower at peak", 0.75, 1.15),
]
for name, util, slow in scenarios:
    wait, model = simulate(util, slow)
    total = wait + model
    row = f"{name:<27}{util * slow:>5.2f}{total.mean():>7.1f}{p(total, 50):>7.1f}"
    print(row + f"{p(total, 99):>7.1f}{p(wait, 99):>10.1f}{p(model, 99):>10.1f}")

# (b) A fleet of 8 hosts behind a balancer; host 7 is throttled (model 30% slower).
print("\n(b) fleet of 8 hosts at 60% load, host 7 throttled")
hosts = [sum(simulate(0.60, 1.30 if h == 7 else 1.0, n=60_000)) for h in range(8)]
per_host_p99 = [p(x, 99) for x in hosts]
print("per-host p99:", " ".join(f"{v:.0f}" for v in per_host_p99))
pooled = np.concatenate(hosts)
print(f"mean of per-host p99s     {np.mean(per_host_p99):6.1f}")
print(f"fleet p99 (pooled raw)    {p(pooled, 99):6.1f}")
# What a metrics system can do instead of keeping raw latencies: each host exports
# counts in shared buckets, the counts are summed, and the quantile is read off the
# merged histogram (linear interpolation inside the bucket, like histogram_quantile).
edges = np.geomspace(1, 10_000, 161)
counts = sum(np.histogram(x, bins=edges)[0] for x in hosts)
cum = np.cumsum(counts)
target = 0.99 * cum[-1]
b = np.searchsorted(cum, target)
below = cum[b - 1] if b else 0
hist_p99 = edges[b] + (edges[b + 1] - edges[b]) * (target - below) / counts[b]
print(f"fleet p99 (merged buckets){hist_p99:6.1f}")
fleet_p99 = p(pooled, 99)
slow_from_7 = np.sum(hosts[7] > fleet_p99) / np.sum(pooled > fleet_p99)
print(f"requests over the fleet p99 that came from host 7: {slow_from_7:.0%}")

# (c) Fan-out: a request calls N backends in parallel and waits for all of them.
print("\n(c) fan-out to N healthy backends")
backend = sum(simulate(0.60, n=120_000))
backend_p99 = p(backend, 99)
print(
    f"{'N':>4}{'P(>=1 backend over its p99)':>30}{'1 - 0.99^N':>12}{'request p50':>13}"
)
for n_backends in [1, 10, 50, 100]:
    calls = rng.choice(backend, size=(20_000, n_backends))
    slowest = calls.max(axis=1)
    hit = np.mean((calls > backend_p99).any(axis=1))
    print(
        f"{n_backends:>4}{hit:>30.3f}{1 - 0.99**n_backends:>12.3f}"
        f"{p(slowest, 50):>13.1f}"
    )
