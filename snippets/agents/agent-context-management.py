import json
import random
import sys

sys.path.insert(0, "snippets/agents")
# SmolLM2's tokenizer, to count tokens
from agents_llm import count_tokens as ntok  # noqa: E402

# A scripted 60-step trajectory: every step is one tool call and its result.
rng = random.Random(0)
SYSTEM = "You are a coding agent. Use the tools; answer when the task is done."
TASK = "Task: migrate the billing service from tax API v1 to v2 and open a PR."
WORDS = ["def", "return", "self", "items", "total", "tax", "rate", "invoice"]
WORDS += ["amount", "region", "client", "request", "response", "assert", "import"]
WORDS += ["config", "cents", "round", "customer", "id", "error", "retry", "status"]
WORDS += ["timeout", "ok", "fail", "pytest", "v1", "v2", "header", "json", "None"]
TOOLS = ["read_file", "grep", "run_tests", "search_docs"]
# step: (a fact the final answer needs, flagged as important when it is found)
FACTS = {
    2: ("the staging database listens on port 5433", True),
    5: ("invoice totals are rounded half-even to cents", True),
    9: ("reports/export_legacy.py also calls tax API v1", False),
    14: ("tax API v2 requires the header X-Region: eu-west", True),
    20: ("test_refunds.py is flaky unless run with --seed 7", True),
    27: ("customer ids are strings in v2 and integers in v1", True),
}


def result_text(step, lines):
    out = []
    for i in range(lines):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        out.append(f"billing/mod_{step}.py:{10 * i + 1}: {words}")
    if step in FACTS:
        out.insert(lines // 2, f"NOTE: {FACTS[step][0]}.")
    return "\n".join(out)


# (call, result, the stub that replaces a cleared result)
STEPS = []
for s in range(1, 61):
    tool = rng.choice(TOOLS)
    call = json.dumps({"name": tool, "arguments": {"target": f"billing/mod_{s}.py"}})
    # about 200 to 3,000 tokens
    size = min(3000, max(200, rng.lognormvariate(6.8, 0.7)))
    result = result_text(s, int(size / 25))
    stub = f"[result of step {s} cleared ({ntok(result)} tokens); call again to see it]"
    STEPS.append((f"step {s}: {call}", result, stub))
FINAL = "Now write the PR description, with every caveat you found."
SUMMARISE = "Summarise the work so far: progress, decisions and every important fact."


class Meter:
    """Counts what each model call reads, and how much of it a prefix cache holds:
    the messages it shares, from the start, with the call before it."""

    def __init__(self):
        self.prev, self.calls, self.total, self.cached, self.peak = [], 0, 0, 0, 0
        self.totals = []

    def call(self, msgs):
        n = [ntok(m) for m in msgs]
        k = 0
        while k < min(len(msgs), len(self.prev)) and msgs[k] == self.prev[k]:
            k += 1
        self.calls += 1
        self.total += sum(n)
        self.cached += sum(n[:k])
        self.peak = max(self.peak, sum(n))
        self.prev = list(msgs)
        self.totals.append(self.total)


def pairs(indices, cleared=(), extra=None):
    out = []
    for i in indices:
        call, result, stub = STEPS[i]
        if extra and i in extra:
            # a second call in the same turn
            call = call + "\n" + extra[i]
        out += [call, stub if i in cleared else result]
    return out


def run(strategy, k=5, keep=3, threshold=30_000, seed=0):
    """Each strategy builds what the model reads before step s; the last call
    writes the answer. Returns the meter and the final call's input."""
    m, drop = Meter(), random.Random(seed)
    head, cleared, summary, notes, extra = [SYSTEM, TASK], set(), None, [], {}
    # compaction: the first step not yet in a summary
    start = 0
    # s steps are done; s = 60 is the final answer
    for s in range(61):
        if strategy == "keep everything":
            msgs = head + pairs(range(s))
        elif strategy == f"window of {k} steps":
            msgs = head + pairs(range(max(0, s - k), s))
        elif strategy == "clear results, every step":
            msgs = head + pairs(range(s), cleared=set(range(s - keep)))
        elif strategy == "clear results, in batches":
            msgs = head + pairs(range(s), cleared)
            if sum(map(ntok, msgs)) > threshold:
                cleared |= set(range(s - keep))
                msgs = head + pairs(range(s), cleared)
        elif strategy == "compaction":
            msgs = head + ([summary] if summary else []) + pairs(range(start, s))
            if sum(map(ntok, msgs)) > threshold:
                # the summariser reads everything, and sometimes drops a fact
                m.call(msgs + [SUMMARISE])
                text = "\n".join(msgs)
                kept = [f for f, flag in FACTS.values() if flag and f in text]
                if kept and drop.random() < 0.25:
                    kept.remove(drop.choice(kept))
                summary = (
                    f"Summary of steps 1-{s}: read and tested the billing modules; "
                    "v1 calls are being replaced by v2 calls module by module. "
                    "Facts: " + "; ".join(kept) + "."
                )
                start, msgs = s, head + [summary]
        elif strategy == f"window of {k} + notes":
            # a fact just read: the next turn also calls append_note
            fact = FACTS.get(s)
            if fact and fact[1]:
                notes.append(fact[0])
                note = {"name": "append_note", "arguments": {"text": fact[0]}}
                extra[s] = json.dumps(note)
            msgs = head + pairs(range(max(0, s - k), s), extra=extra)
            if s == 60:
                # read the notes file just in time
                m.call(msgs)
                read = {"name": "read_file", "arguments": {"target": "NOTES.md"}}
                msgs = msgs + [f"step 61: {json.dumps(read)}", "\n".join(notes)]
        m.call(msgs + [FINAL] if s == 60 else msgs)
    return m, msgs


def facts_found(msgs):
    text = "\n".join(msgs)
    here = sum(f in text for f, _ in FACTS.values())
    # a cleared result still shows the call that fetched it: it can be re-fetched
    refetch = sum(f in text or STEPS[s - 1][0] in text for s, (f, _) in FACTS.items())
    return here, refetch


sizes = [ntok(r) for _, r, _ in STEPS]
print(
    f"60 steps, results of {min(sizes)} to {max(sizes)} tokens "
    f"(mean {sum(sizes) / 60:.0f}); 6 facts needed at the end, 5 flagged"
)
# cost: input tokens billed, if a cached token costs a tenth of an uncached one
print(
    f"{'strategy':26} {'peak':>6} {'input':>9} {'cached':>6} {'uncached':>8}"
    f" {'cost':>7} {'in ctx':>6} {'re-fetch':>8}"
)
strategies = [
    "keep everything",
    "window of 5 steps",
    "clear results, every step",
    "clear results, in batches",
    "compaction",
    "window of 5 + notes",
]
totals = {}
for name in strategies:
    m, msgs = run(name)
    here, refetch = facts_found(msgs)
    cost = m.total - m.cached + 0.1 * m.cached
    print(
        f"{name:26} {m.peak:6,} {m.total:9,} {m.cached / m.total:6.3f}"
        f" {m.total - m.cached:8,} {cost:7,.0f} {here:4}/6 {refetch:6}/6"
    )
    totals[name] = m.totals
    if name == "compaction":
        print(f"{'':26} {m.calls - 61} summariser calls")

refetched = sum(sizes[s - 1] for s in FACTS)
print(f"re-fetching the 6 cleared results: 6 more calls, {refetched:,} more tokens")
# The summariser drops facts at random: repeat the compaction run 1,000 times.
here = [facts_found(run("compaction", seed=i)[1])[0] for i in range(1000)]
print(
    f"compaction, 1,000 runs: {sum(here) / 1000:.2f}/6 facts in context on average,"
    f" all 5 flagged in {sum(h == 5 for h in here) / 1000:.3f}"
)
for name in strategies[:2]:
    grow = totals[name][60] / totals[name][30]
    print(f"{name}: input over 60 steps / over the first 30 = {grow:.2f}")
