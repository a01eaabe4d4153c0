import random
import sys

sys.path.insert(0, "snippets/scaling")
from llm_cost import KV_BYTES, iteration_time  # noqa: E402


def workload(rate: float, n: int = 300) -> list[dict]:
    """Poisson arrivals; prompts of 500 to 4,000 tokens, answers of 100 to 400."""
    rng, t, reqs = random.Random(0), 0.0, []
    for _ in range(n):
        t += rng.expovariate(rate)
        reqs.append({"arrival": t, "prompt": rng.randint(500, 4000),
                     "output": rng.randint(100, 400)})  # fmt: skip
    return reqs


def decode_gpu(reqs, policy, budget=512, handoff=None):
    """One GPU's iteration loop. policy: 'prefill-first' (a waiting prompt runs alone,
    pausing every decode), 'chunked' (each iteration: all decodes plus up to `budget`
    prompt tokens), or 'decode-only' (prompts were prefilled elsewhere; `handoff` gives
    when each request's KV cache arrives)."""
    reqs = sorted(reqs, key=lambda r: handoff[id(r)] if handoff else r["arrival"])
    ready = (lambda r: handoff[id(r)]) if handoff else (lambda r: r["arrival"])
    clock, i, waiting, running = 0.0, 0, [], []
    while i < len(reqs) or waiting or running:
        if not waiting and not running:
            clock = max(clock, ready(reqs[i]))
        while i < len(reqs) and ready(reqs[i]) <= clock:
            r = reqs[i]
            r["done"], r["ctx"] = (r["prompt"], r["prompt"]) if handoff else (0, 0)
            (running if handoff else waiting).append(r)
            if handoff:  # the first token came from the prefill GPU with the cache
                r["made"], r["last"], r["gaps"] = 1, clock, []
            i += 1
        chunks = []
        if policy == "prefill-first" and waiting:
            r = waiting[0]
            chunks, decodes = [(r, r["prompt"])], []
        else:
            decodes = list(running)
            room = budget if policy == "chunked" else 0
            for r in waiting:
                if room <= 0:
                    break
                n = min(room, r["prompt"] - r["done"])
                chunks.append((r, n))
                room -= n
        clock += iteration_time(
            [(n, r["done"]) for r, n in chunks], [r["ctx"] for r in decodes]
        )
        for r, n in chunks:
            r["done"] += n
            if r["done"] == r["prompt"]:  # prompt finished: first token out
                waiting.remove(r)
                r["first"], r["made"], r["ctx"] = clock, 1, r["prompt"]
                r["last"], r["gaps"] = clock, []
                running.append(r)
        for r in decodes:
            r["made"] += 1
            r["ctx"] += 1
            r["gaps"].append(clock - r["last"])  # time between two tokens of a stream
            r["last"] = clock
            if r["made"] == r["output"]:
                r["end"] = clock
                running.remove(r)


def prefill_gpu(reqs) -> dict:
    """A prefill-only GPU: prompts one at a time, then the KV cache is sent over a
    50 GB/s link to the decode GPU."""
    clock, ready = 0.0, {}
    for r in sorted(reqs, key=lambda r: r["arrival"]):
        clock = max(clock, r["arrival"]) + iteration_time([(r["prompt"], 0)], [])
        ready[id(r)] = clock + r["prompt"] * KV_BYTES / 50e9
    return ready


def report(name, reqs):
    ttft = sorted(r["first"] - r["arrival"] for r in reqs)
    gaps = sorted(g for r in reqs for g in r["gaps"])
    pct = lambda xs, q: xs[int(q * (len(xs) - 1))] * 1e3  # noqa: E731
    print(f"{name:28s} {pct(ttft, .5):6.0f} {pct(ttft, .9):6.0f} "
          f"{pct(gaps, .5):10.1f} {pct(gaps, .99):6.1f}")  # fmt: skip


for rate in [6.0, 12.0]:  # requests per second to a pair of GPUs
    print(
        f"{rate:.0f} requests/s, 2 GPUs        TTFT ms p50    p90  "
        "token gap ms p50    p99"
    )
    for policy in ["prefill-first", "chunked"]:
        reqs = workload(rate)
        for gpu in (0, 1):  # two colocated GPUs, requests alternate between them
            decode_gpu(reqs[gpu::2], policy)
        report(f"  both phases, {policy}", reqs)
    reqs = workload(rate)
    ready = prefill_gpu(reqs)
    decode_gpu(reqs, "decode-only", handoff=ready)
    for r in reqs:
        r["first"] = ready[id(r)]  # first token: prefill GPU + transfer
    report("  1 prefill + 1 decode GPU", reqs)
