import heapq
import itertools
import math
from dataclasses import dataclass

import numpy as np

# A discrete-event simulation: every time below is simulated, in seconds.
TIMEOUT = 4.0  # the gateway's per-call timeout
RETRYABLE = {429, 500, 502, 503, 504, "timeout"}
# A 429 says "slow down", not "broken": only these count against a breaker.
UNHEALTHY = {500, 502, 503, 504, "timeout"}


@dataclass
class Outcome:
    status: object  # 200, 400, 429, 503 or "timeout"
    latency: float
    retry_after: float = 0.0
    provider: str = ""

    @property
    def ok(self):
        return self.status == 200

    @property
    def retryable(self):
        return self.status in RETRYABLE


class Provider:
    """A fake model API: an outage window, a token-bucket rate limit, a slow tail."""

    def __init__(self, name, price, median, tail, rate, outage=(0, 0), seed=0):
        self.name, self.price, self.median, self.tail = name, price, median, tail
        self.rate, self.tokens, self.last = rate, rate, 0.0
        self.outage, self.rng = outage, np.random.default_rng(seed)
        self.calls, self.cost = 0, 0.0

    def call(self, now, bad_request):
        self.calls += 1
        if bad_request:
            return Outcome(400, 0.05, provider=self.name)
        if self.outage[0] <= now < self.outage[1]:
            return Outcome(503, 0.05, provider=self.name)
        self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            # Retry-After carries whole seconds.
            wait = math.ceil((1 - self.tokens) / self.rate)
            return Outcome(429, 0.02, retry_after=wait, provider=self.name)
        self.tokens -= 1
        # Assumption: a call that got past the limits is billed, even if it
        # times out, because the provider still generates the tokens.
        self.cost += self.price
        if self.rng.random() < self.tail:
            latency = self.rng.uniform(6.0, 12.0)
        else:
            latency = self.median * self.rng.lognormal(0.0, 0.35)
        if latency > TIMEOUT:
            return Outcome("timeout", TIMEOUT, provider=self.name)
        return Outcome(200, latency, provider=self.name)


class Breaker:
    """Opens after `threshold` failures in a row; after `cooldown` s lets one
    probe through (half-open); a success closes it, a failure reopens it."""

    def __init__(self, threshold=5, cooldown=10.0):
        self.threshold, self.cooldown = threshold, cooldown
        self.failures, self.open_until, self.probing, self.trips = 0, -1.0, False, 0

    def allow(self, now):
        if now < self.open_until or self.probing:
            return False
        if self.failures >= self.threshold:
            self.probing = True
        return True

    def record(self, now, failed):
        self.probing = False
        self.failures = self.failures + 1 if failed else 0
        if self.failures >= self.threshold and now >= self.open_until:
            self.open_until = now + self.cooldown
            self.trips += 1


# --- The gateway policies. A policy is a generator: it yields ("call", provider)
# and gets an Outcome back, or yields ("sleep", seconds) to back off.
def backoff(rng, attempt, retry_after, base=0.5, cap=8.0):
    # Exponential backoff with full jitter, never shorter than Retry-After.
    return max(retry_after, rng.uniform(0, min(cap, base * 2**attempt)))


def retry(gw, name, attempts, breaker=None):
    for attempt in range(attempts):
        out = yield ("call", name)
        if breaker is not None:
            breaker.record(gw.now, failed=out.status in UNHEALTHY)
        # Never retry a 400 (bad request, content policy): it fails the same way.
        if not out.retryable or attempt == attempts - 1:
            return out
        yield ("sleep", backoff(gw.rng, attempt, out.retry_after))


def single_provider(gw):
    return (yield ("call", "A"))


def retries_only(gw):
    return (yield from retry(gw, "A", attempts=4))


def retries_fallback_breaker(gw):
    out = Outcome(503, 0.0)  # what the caller gets if every breaker is open
    for name in ("A", "B", "C"):
        breaker = gw.breakers[name]
        if not breaker.allow(gw.now):
            continue  # skip a provider that is known to be failing
        out = yield from retry(gw, name, attempts=2, breaker=breaker)
        if out.ok or not out.retryable:
            return out
    return out


# --- The simulator: a fixed request stream replayed through each policy.
def request_stream(seed=0):
    """Poisson arrivals: 4 requests/s for 200 s, 9/s in a burst at 120-150 s;
    2% are bad requests (for example a prompt over the context limit)."""
    rng, t, stream = np.random.default_rng(seed), 0.0, []
    while t < 200:
        t += rng.exponential(1 / (9.0 if 120 <= t < 150 else 4.0))
        stream.append((t, rng.random() < 0.02))
    return stream


class Gateway:
    def __init__(self):
        # Prices per call (arbitrary units); A is the primary, B another provider's
        # comparable model, C a small model kept as the last resort.
        self.providers = {
            "A": Provider("A", 1.00, 0.8, 0.04, rate=6, outage=(40, 80), seed=1),
            "B": Provider("B", 1.25, 1.2, 0.01, rate=4, seed=2),
            "C": Provider("C", 0.20, 0.4, 0.00, rate=20, seed=3),
        }
        self.breakers = {name: Breaker() for name in self.providers}
        self.rng, self.now = np.random.default_rng(4), 0.0


def replay(policy, stream):
    gw, heap, seq, done = Gateway(), [], itertools.count(), []
    for i, (arrival, _) in enumerate(stream):
        heapq.heappush(heap, (arrival, next(seq), i, policy(gw), None))
    while heap:
        gw.now, _, i, task, value = heapq.heappop(heap)
        try:
            kind, arg = task.send(value)
        except StopIteration as stop:
            done.append((stop.value, gw.now - stream[i][0]))
            continue
        if kind == "sleep":
            heapq.heappush(heap, (gw.now + arg, next(seq), i, task, None))
        else:
            out = gw.providers[arg].call(gw.now, bad_request=stream[i][1])
            heapq.heappush(heap, (gw.now + out.latency, next(seq), i, task, out))
    return gw, done


stream = request_stream()
n = len(stream)
print(f"{n} requests, {sum(bad for _, bad in stream)} of them bad requests (400)")
head = f"{'policy':<30}{'success':>8}{'p50 s':>7}{'p95 s':>7}"
print(head + f"{'calls A':>8}{'B':>5}{'C':>5}{'cost/req':>9}{'/answer':>8}")
policies = [
    ("(a) one provider, no retries", single_provider),
    ("(b) retries with backoff", retries_only),
    ("(c) retries+fallback+breaker", retries_fallback_breaker),
]
for label, policy in policies:
    gw, done = replay(policy, stream)
    ok = [out for out, _ in done if out.ok]
    latency = np.array([t for _, t in done])
    calls = [gw.providers[k].calls for k in "ABC"]
    cost = sum(p.cost for p in gw.providers.values())
    line = f"{label:<30}{len(ok) / n:>8.1%}{np.percentile(latency, 50):>7.2f}"
    line += f"{np.percentile(latency, 95):>7.2f}{calls[0]:>8}{calls[1]:>5}{calls[2]:>5}"
    print(line + f"{cost / n:>9.2f}{cost / len(ok):>8.2f}")
    failed = [str(out.status) for out, _ in done if not out.ok]
    print(f"    failed: {dict(sorted((s, failed.count(s)) for s in set(failed)))}")
    if policy is retries_fallback_breaker:
        served = {k: sum(out.provider == k for out in ok) for k in "ABC"}
        trips = {k: b.trips for k, b in gw.breakers.items()}
        print(f"    answered by: {served}; breaker trips: {trips}")
print("costs in units of one call to A")
