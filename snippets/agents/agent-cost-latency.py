from dataclasses import dataclass

# Every price and speed below is an ASSUMPTION for illustration, not a quote.
# Prices in USD per million tokens; cache reads and writes as multiples of the
# input price (the ratios of Anthropic's 5-minute cache: reads 0.1, writes 1.25).
CACHE_READ, CACHE_WRITE = 0.10, 1.25


@dataclass(frozen=True)
class Model:
    name: str
    usd_in: float
    usd_out: float
    # seconds before prefill (network, queue), then tokens per second
    overhead_s: float
    prefill_tps: float
    cached_tps: float
    decode_tps: float


BIG = Model("big", 3.00, 15.00, 0.5, 10_000, 100_000, 50)
SMALL = Model("small", 1.00, 5.00, 0.3, 30_000, 300_000, 150)


@dataclass(frozen=True)
class Step:
    tool: str
    reason: int  # output tokens of free-text reasoning before the call
    action: int  # output tokens of the tool call (or of the final answer)
    result: int  # tokens of the tool result appended to the context
    tool_s: float  # seconds the tool takes
    easy: bool  # mechanical next step that a small model can take
    group: int  # steps with the same group can be issued in one turn


# A recorded 12-step trace: debug a failed nightly job and patch it.
SYSTEM_AND_TOOLS, TASK, STUB = 3000, 150, 40
TRACE = [
    Step("search_logs", 250, 40, 1800, 1.5, False, 1),
    Step("read_file", 120, 30, 2400, 0.2, True, 2),
    Step("read_file", 80, 30, 1500, 0.2, True, 2),
    Step("read_file", 80, 30, 900, 0.2, True, 2),
    Step("run_query", 200, 60, 600, 2.0, False, 5),
    Step("search_docs", 180, 40, 1200, 1.0, False, 6),
    Step("get_ticket", 80, 30, 400, 0.5, False, 6),
    Step("edit_file", 300, 350, 150, 0.1, False, 8),
    Step("run_tests", 60, 30, 2500, 8.0, True, 9),
    Step("edit_file", 200, 250, 150, 0.1, False, 10),
    Step("run_tests", 60, 30, 900, 8.0, True, 11),
    Step("answer", 200, 500, 0, 0.0, False, 12),
]


def turns(parallel):
    """Step numbers grouped into model calls: one per step, or one per group when
    independent calls are issued together (one reasoning, several calls)."""
    out = []
    for j, s in enumerate(TRACE):
        if parallel and out and TRACE[out[-1][0]].group == s.group:
            out[-1].append(j)
        else:
            out.append([j])
    return out


def run(cache="none", trim=None, parallel=False, route=False, max_reason=None):
    """Replays the trace; returns per-call input tokens and totals."""
    calls = turns(parallel)
    # the context as blocks ((kind, id), tokens): a prefix cache matches whole
    # blocks; each model has its own cache, cold at the start of the task
    context = [(("system+tools", 0), SYSTEM_AND_TOOLS), (("task", 0), TASK)]
    caches = {BIG.name: [], SMALL.name: []}
    tot = dict(inp=0, cached=0, out=0, usd=0.0, sec=0.0, llm_sec=0.0)
    per_call = []
    for i, steps in enumerate(calls):
        call = [TRACE[j] for j in steps]
        model = SMALL if route and all(s.easy for s in call) else BIG
        prompt = list(context)
        if trim is not None:
            # keep the last `trim` tool results, replace older ones by a stub
            results = [j for j, (k, _) in enumerate(prompt) if k[0] == "result"]
            for j in results[:-trim]:
                prompt[j] = (("stub", prompt[j][0][1]), STUB)
        n_in = sum(t for _, t in prompt)
        # longest block prefix shared with a prompt this model cached before
        hit = 0
        for old in caches[model.name]:
            n = 0
            for a, b in zip(old, prompt):
                if a != b:
                    break
                n += a[1]
            hit = max(hit, n)
        if cache == "prefix":
            # breakpoint after the system prompt and tools only
            cacheable = SYSTEM_AND_TOOLS
            caches[model.name].append(prompt[:1])
        elif cache == "history":
            # breakpoint at the end of the prompt: the whole context is cached
            cacheable = n_in
            caches[model.name].append(prompt)
        else:
            cacheable = hit = 0
        write = max(cacheable - hit, 0)
        fresh = n_in - hit - write
        reason = call[0].reason
        if max_reason is not None:
            reason = min(reason, max_reason)
        n_out = reason + sum(s.action for s in call)
        usd = (fresh + CACHE_READ * hit + CACHE_WRITE * write) * model.usd_in
        usd = (usd + n_out * model.usd_out) / 1e6
        llm_s = model.overhead_s + (fresh + write) / model.prefill_tps
        llm_s += hit / model.cached_tps + n_out / model.decode_tps
        # tools of one turn run concurrently: the turn waits for the slowest
        tool_s = max(s.tool_s for s in call)
        tot["inp"] += n_in
        tot["cached"] += hit
        tot["out"] += n_out
        tot["usd"] += usd
        tot["llm_sec"] += llm_s
        tot["sec"] += llm_s + tool_s
        per_call.append(n_in)
        context.append((("assistant", i), n_out))
        for j in steps:
            if TRACE[j].result:
                context.append((("result", j), TRACE[j].result))
    tot["calls"] = len(calls)
    return per_call, tot


# 1. Where the tokens, the money and the time go, without any lever.
per_call, base = run()
print("baseline, input tokens of each call:")
print(" ".join(f"{n:,}" for n in per_call))
cum = [sum(per_call[:t]) for t in (3, 6, 12)]
print(f"input tokens over the first 3, 6, 12 steps: {cum[0]:,} {cum[1]:,} {cum[2]:,}")
print(f"12 steps read {cum[2] / cum[1]:.2f}x the input of 6 (linear would be 2x)")
usd_out = base["out"] * BIG.usd_out / 1e6
dec = base["out"] / BIG.decode_tps
tools = base["sec"] - base["llm_sec"]
print(
    f"cost ${base['usd']:.4f} = input ${base['usd'] - usd_out:.4f} "
    f"({base['inp']:,} tokens) + output ${usd_out:.4f} ({base['out']:,} tokens)"
)
print(
    f"latency {base['sec']:.1f} s = decoding {dec:.1f} + prefill and overhead "
    f"{base['llm_sec'] - dec:.1f} + tools {tools:.1f}"
)

# 2. One lever at a time, then together. "same": the model sees the same prompts
# and the same model as in the baseline, so its behaviour cannot change.
LEVERS = {
    "baseline": ({}, "yes"),
    "cache system+tools": (dict(cache="prefix"), "yes"),
    "cache whole context": (dict(cache="history"), "yes"),
    "trim old results (keep 3)": (dict(trim=3), "no"),
    "parallel tool calls": (dict(parallel=True), "no"),
    "route easy steps to small": (dict(route=True), "no"),
    "reasoning <= 60 tokens": (dict(max_reason=60), "no"),
    "all but trimming": (
        dict(cache="history", parallel=True, route=True, max_reason=60),
        "no",
    ),
    "all together": (
        dict(cache="history", trim=3, parallel=True, route=True, max_reason=60),
        "no",
    ),
}
print()
head = f"{'lever':<26}{'calls':>5}{'input':>8}{'cached':>7}{'output':>7}"
print(head + f"{'cost $':>8}{'cost x':>7}{'time s':>7}{'time x':>7}  same")
results = {}
for name, (kw, changes) in LEVERS.items():
    _, t = run(**kw)
    results[name] = t
    print(
        f"{name:<26}{t['calls']:>5}{t['inp']:>8,}{t['cached'] / t['inp']:>7.0%}"
        f"{t['out']:>7,}{t['usd']:>8.4f}{t['usd'] / base['usd']:>7.2f}"
        f"{t['sec']:>7.1f}{t['sec'] / base['sec']:>7.2f}  {changes}"
    )
combined = ("baseline", "all but trimming", "all together")
single = [n for n in LEVERS if n not in combined]
best_cost = min(single, key=lambda n: results[n]["usd"])
best_lat = min(single, key=lambda n: results[n]["sec"])
print(f"best single lever for cost: {best_cost}; for latency: {best_lat}")
