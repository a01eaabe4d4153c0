import numpy as np
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

# A private registry: only this service's metrics, and no clash with other code in the
# process.
registry = CollectorRegistry()
REQUESTS = Counter(
    "sentiment_requests",
    "Requests by outcome",
    ["model_version", "outcome"],
    registry=registry,
)
LATENCY = Histogram(
    "sentiment_request_latency_seconds",
    "End-to-end latency",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=registry,
)
CONFIDENCE = Histogram(
    "sentiment_confidence",
    "Top-class probability",
    buckets=(0.6, 0.7, 0.8, 0.9),
    registry=registry,
)
PREDICTIONS = Counter(
    "sentiment_predictions", "Predicted labels", ["label"], registry=registry
)
EMPTY = Counter(
    "sentiment_empty_inputs", "Inputs empty after cleaning", registry=registry
)
MODEL = Gauge(
    "sentiment_model_loaded_timestamp_seconds",
    "When the model was loaded",
    registry=registry,
)

# Simulated traffic for one scrape interval: 2000 requests, 1% errors, 3% empty inputs.
rng = np.random.default_rng(0)
latencies = rng.lognormal(np.log(0.06), 0.6, size=2000)
MODEL.set(1_767_225_600)
served = []
for latency in latencies:
    if rng.random() < 0.01:
        REQUESTS.labels("v7", "error").inc()
        continue
    if rng.random() < 0.03:
        EMPTY.inc()
    REQUESTS.labels("v7", "ok").inc()
    LATENCY.observe(latency)
    served.append(latency)
    p_pos = rng.beta(4, 2)
    CONFIDENCE.observe(max(p_pos, 1 - p_pos))
    PREDICTIONS.labels("positive" if p_pos > 0.5 else "negative").inc()

exposition = generate_latest(registry).decode()
for line in exposition.splitlines():
    if line.startswith(("sentiment_requests_total", "sentiment_predictions_total")) or (
        "latency_seconds_bucket" in line
    ):
        print(line)


def histogram_quantile(q: float, text: str, name: str) -> float:
    """What PromQL's histogram_quantile does: find the bucket, interpolate in it."""
    buckets = []
    for line in text.splitlines():
        if line.startswith(name + "_bucket"):
            le = line.split('le="')[1].split('"')[0]
            buckets.append((float(le), float(line.rsplit(" ", 1)[1])))
    total = buckets[-1][1]
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= q * total:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * (q * total - prev_count) / (
                count - prev_count
            )
        prev_le, prev_count = le, count


p99_est = histogram_quantile(0.99, exposition, "sentiment_request_latency_seconds")
print(
    f"p99 latency from buckets: {p99_est * 1000:.0f} ms; exact p99: "
    f"{np.percentile(served, 99) * 1000:.0f} ms"
)

# Alert on symptoms against an SLO: 99.5% of requests succeed. Burn rate = error ratio /
# error budget; the SRE workbook pages at 14.4 (2% of a 30-day budget gone in an hour).
ok, err = (
    registry.get_sample_value(
        "sentiment_requests_total", {"model_version": "v7", "outcome": o}
    )
    for o in ("ok", "error")
)
burn = (err / (ok + err)) / 0.005
print(
    f"error ratio {err / (ok + err):.2%}, burn rate {burn:.1f}: page={burn > 14.4}, "
    f"ticket={burn > 1}"
)
