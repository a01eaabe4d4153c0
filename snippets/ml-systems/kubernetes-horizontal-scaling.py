# --8<-- [start:manifests]
import math

import yaml

with open("data/ml-systems/k8s-digits.yaml") as f:
    docs = list(yaml.safe_load_all(f))
by_kind = {d["kind"]: d for d in docs}
print(f"documents: {[d['kind'] for d in docs]}")

checks = {}
for d in docs:
    checks[f"{d['kind']} has apiVersion, kind, metadata.name"] = all(
        [d.get("apiVersion"), d.get("kind"), d.get("metadata", {}).get("name")]
    )
dep, svc, hpa = (
    by_kind["Deployment"],
    by_kind["Service"],
    by_kind["HorizontalPodAutoscaler"],
)
pod_labels = dep["spec"]["template"]["metadata"]["labels"]
container = dep["spec"]["template"]["spec"]["containers"][0]
port_names = {p["name"] for p in container["ports"]}
checks["Deployment selector matches its pod labels"] = (
    dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
)
checks["Service selector matches the pods"] = (
    svc["spec"]["selector"].items() <= pod_labels.items()
)
checks["Service targetPort is a named container port"] = all(
    p["targetPort"] in port_names for p in svc["spec"]["ports"]
)
# A CPU-utilisation HPA divides usage by the request: without requests it cannot scale.
checks["container sets a CPU request (HPA needs it)"] = (
    "cpu" in container["resources"]["requests"]
)
checks["readiness and liveness probes set"] = {
    "readinessProbe",
    "livenessProbe",
} <= container.keys()
checks["HPA targets this Deployment"] = (
    hpa["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
)
checks["HPA min <= max"] = hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
checks["PDB selects the pods"] = (
    by_kind["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items()
    <= pod_labels.items()
)
for name, ok in checks.items():
    print(f"{'ok  ' if ok else 'FAIL'} {name}")


def hpa_desired(current: int, metric: float, target: float, lo: int, hi: int, tol=0.1):
    """The HPA rule: ceil(current * metric / target), unchanged within 10% tolerance."""
    ratio = metric / target
    if abs(ratio - 1) <= tol:
        return current
    return max(lo, min(hi, math.ceil(current * ratio)))


# Each pod saturates one CPU at 50 requests/s; traffic ramps from 40 to 400 requests/s.
target = hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"]
lo, hi = hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]
replicas = lo
print(f"{'load rps':>8} {'replicas':>8} {'CPU %':>6}")
for rps in [40, 100, 200, 400, 400, 400]:
    utilisation = 100 * rps / (replicas * 50)
    print(f"{rps:8} {replicas:8} {utilisation:6.0f}")
    replicas = hpa_desired(replicas, utilisation, target, lo, hi)
# --8<-- [end:manifests]

# --8<-- [start:balancing]
import numpy as np


def simulate(policy: str, n=20_000, servers=4, load=0.85, seed=0):
    """FIFO replicas; heavy-tailed service times (mean 20 ms); Poisson arrivals."""
    rng = np.random.default_rng(seed)
    service = rng.lognormal(mean=np.log(0.020) - 0.5, sigma=1.0, size=n)
    arrivals = np.cumsum(rng.exponential(service.mean() / (load * servers), size=n))
    free_at = np.zeros(servers)
    pending = [[] for _ in range(servers)]
    latency = np.empty(n)
    for i, (t, s) in enumerate(zip(arrivals, service)):
        if policy == "round robin":
            k = i % servers
        elif policy == "random":
            k = rng.integers(servers)
        else:
            # Least outstanding requests: the balancer knows each replica's in-flight
            # count.
            counts = [sum(d > t for d in p[-50:]) for p in pending]
            k = int(np.argmin(counts))
        start = max(t, free_at[k])
        free_at[k] = start + s
        pending[k].append(free_at[k])
        latency[i] = free_at[k] - t
    return np.percentile(latency, [50, 99]) * 1000


print(f"{'policy':22} {'p50 ms':>7} {'p99 ms':>7}")
results = {p: simulate(p) for p in ["random", "round robin", "least outstanding"]}
for policy, (p50, p99) in results.items():
    print(f"{policy:22} {p50:7.1f} {p99:7.1f}")
gain = results["round robin"][1] / results["least outstanding"][1]
print(f"least outstanding cuts p99 at least 2x versus round robin: {gain >= 2}")
# --8<-- [end:balancing]
