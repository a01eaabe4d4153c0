# --8<-- [start:bucket]
import asyncio
import math

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class TokenBucket:
    """capacity tokens at most; refills at rate tokens per second; a request costs
    tokens."""

    def __init__(self, rate: float, capacity: float, clock):
        self.rate, self.capacity, self.clock = rate, capacity, clock
        self.tokens, self.updated = capacity, clock()

    def allow(self, cost: float = 1.0) -> tuple[bool, float]:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return True, 0.0
        return False, (cost - self.tokens) / self.rate  # seconds until it would pass


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


# Tests with a fake clock: deterministic, no sleeping.
clock = FakeClock()
bucket = TokenBucket(rate=5, capacity=10, clock=clock)
burst = [bucket.allow()[0] for _ in range(12)]
assert burst == [True] * 10 + [False] * 2, burst
print(
    f"burst of 12 at t=0: {sum(burst)} allowed, retry after {bucket.allow()[1]:.2f} s"
)
clock.t = 1.0
print(f"after 1 s: {sum(bucket.allow()[0] for _ in range(10))} allowed (rate 5/s)")
allowed = 0
for step in range(1, 601):  # 60 s of a client trying 20 times a second
    clock.t = 1.0 + step * 0.1
    allowed += sum(bucket.allow()[0] for _ in range(2))
print(f"sustained rate over 60 s: {allowed / 60:.2f} requests/s (limit 5)")
clock.t += 100
print(f"cost-weighted: a 12-token request on a 10-token bucket: {bucket.allow(12)[0]}")

# The same limiter in front of an endpoint, keyed by API key, answering 429 + Retry-
# After.
app, buckets = FastAPI(), {}


@app.middleware("http")
async def rate_limit(request: Request, call_next):
    key = request.headers.get("x-api-key", "anonymous")
    bucket = buckets.setdefault(key, TokenBucket(rate=5, capacity=10, clock=clock))
    ok, wait = bucket.allow()
    if not ok:
        return JSONResponse(
            {"error": "rate limited"},
            status_code=429,
            headers={"Retry-After": str(math.ceil(wait))},
        )
    return await call_next(request)


@app.get("/ping")
async def ping():
    return {"ok": True}


async def hammer():
    # ASGITransport calls the app in-process: no socket at all.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        a = [
            (await client.get("/ping", headers={"x-api-key": "a"})).status_code
            for _ in range(12)
        ]
        b = (await client.get("/ping", headers={"x-api-key": "b"})).status_code
        r = await client.get("/ping", headers={"x-api-key": "a"})
        return a, b, r.headers.get("retry-after")


a, b, retry = asyncio.run(hammer())
print(
    f"key a, 12 requests: {a.count(200)} x 200, {a.count(429)} x 429 (Retry-After: "
    f"{retry}); key b: {b}"
)
# --8<-- [end:bucket]

# --8<-- [start:cache]
import hashlib
import json
from collections import OrderedDict

import numpy as np


class LRUCache:
    def __init__(self, size: int):
        self.size, self.data, self.hits, self.misses = size, OrderedDict(), 0, 0

    def get_or_compute(self, key, compute):
        if key in self.data:
            self.hits += 1
            self.data.move_to_end(key)
            return self.data[key]
        self.misses += 1
        value = self.data[key] = compute()
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return value


def cache_key(prompt: str, model: str, params: dict, normalise: bool) -> str:
    if normalise:
        prompt = " ".join(prompt.lower().split())
    # The key includes the model version and decoding parameters: a new model or a
    # different temperature must not be served a stale answer.
    return hashlib.sha256(json.dumps([model, params, prompt]).encode()).hexdigest()


rng = np.random.default_rng(0)
questions = [f"how do i reset my password for service {i}?" for i in range(2_000)]
# Real traffic is skewed: a few questions are asked very often (Zipf, s = 1.1).
ranks = np.minimum(rng.zipf(1.1, size=20_000), len(questions)) - 1
variants = [str.lower, str.upper, lambda s: "  " + s, lambda s: s.replace(" ", "  ")]
stream = [variants[rng.integers(4)](questions[r]) for r in ranks]
params = {"temperature": 0.0, "max_tokens": 256}
print(f"{'cache':28} {'hit rate':>8}")
for normalise in [False, True]:
    cache = LRUCache(size=500)
    for prompt in stream:
        key = cache_key(prompt, "llm-2026-01", params, normalise)
        cache.get_or_compute(key, lambda: "answer")
    label = f"exact{' + normalised' if normalise else ''} LRU(500)"
    print(f"{label:28} {cache.hits / len(stream):8.1%}")
# --8<-- [end:cache]

# --8<-- [start:fallback]
import asyncio

import numpy as np

rng = np.random.default_rng(1)
# The primary model answers in 20-60 ms, except 8% of calls that hang for 0.6-1.0 s.
hang = rng.random(100) < 0.08
delays = np.where(hang, rng.uniform(0.6, 1.0, 100), rng.uniform(0.02, 0.06, 100))
failures = set(rng.choice(100, size=3, replace=False).tolist())  # and 3 calls error out


async def primary(i: int) -> str:
    await asyncio.sleep(delays[i])
    if i in failures:
        raise ConnectionError("upstream 503")
    return "primary"


async def fallback(i: int) -> str:
    await asyncio.sleep(0.01)  # a smaller model, a cached answer or a canned reply
    return "fallback"


async def with_timeout(i: int, timeout: float = 0.25) -> tuple[str, float]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        answer = await asyncio.wait_for(primary(i), timeout)
    except (TimeoutError, ConnectionError):
        answer = await fallback(i)
    return answer, loop.time() - start


async def without(i: int) -> tuple[str, float]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        return await primary(i), loop.time() - start
    except ConnectionError:
        return "error", loop.time() - start


async def main():
    return (
        await asyncio.gather(*[without(i) for i in range(100)]),
        await asyncio.gather(*[with_timeout(i) for i in range(100)]),
    )


plain, guarded = asyncio.run(main())
for label, results in [("no timeout", plain), ("timeout 250 ms + fallback", guarded)]:
    answers = [a for a, _ in results]
    worst = max(t for _, t in results)
    counts = {k: answers.count(k) for k in sorted(set(answers))}
    print(f"{label:26} {counts}; worst latency under 400 ms: {worst < 0.4}")
# --8<-- [end:fallback]
