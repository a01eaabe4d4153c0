import hashlib
import json
import random
import tempfile
from pathlib import Path


def digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:12]


class Recorder:
    """Live run: call the real model and tools, and write one span per step."""

    def __init__(self, path, llm, tools):
        self.path, self.llm, self.tools, self.step = path, llm, tools, 0

    def _span(self, kind, name, inputs, output):
        self.step += 1
        span = {"step": self.step, "kind": kind, "name": name}
        span |= {"input_hash": digest(inputs), "input": inputs, "output": output}
        with open(self.path, "a") as f:  # append as it goes: a crash keeps the trace
            f.write(json.dumps(span) + "\n")
        return output

    def chat(self, messages):
        return self._span("chat", "llm", messages, self.llm(messages))

    def tool(self, name, args):
        return self._span("execute_tool", name, args, self.tools[name](**args))


class Replayer:
    """Replay: same agent code, but every model and tool output comes from the
    trace. Stops at the first step whose input differs from the recording."""

    def __init__(self, path):
        self.spans = [json.loads(line) for line in Path(path).read_text().splitlines()]
        self.step = 0

    def _next(self, kind, name, inputs):
        span = self.spans[self.step]
        self.step += 1
        if (span["kind"], span["name"], span["input_hash"]) != (
            kind,
            name,
            digest(inputs),
        ):
            raise RuntimeError(f"diverged at step {self.step}: {kind} {name}")
        return span["output"]

    def chat(self, messages):
        return self._next("chat", "llm", messages)

    def tool(self, name, args):
        return self._next("execute_tool", name, args)


def agent(run, question, prompt="You answer questions about the weather."):
    """The agent code under test; `run` is a Recorder or a Replayer."""
    messages = [
        {"role": "system", "content": prompt},
        {"role": "user", "content": question},
    ]
    for _ in range(4):
        reply = run.chat(messages)
        messages.append({"role": "assistant", "content": reply})
        if not reply.startswith("CALL "):
            return reply, len(messages)
        name, city = reply.split()[1:]
        result = run.tool(name, {"city": city})
        messages.append({"role": "tool", "content": result})
    return None, len(messages)


def live_llm(messages):  # a sampled model: not the same twice
    if messages[-1]["role"] == "user":
        return f"CALL {random.choice(['forecast', 'forecast', 'alerts'])} Lyon"
    return f"It will be {messages[-1]['content']} (answer {random.randint(1, 99)})."


def live_tool(city):  # a live API: its answer changes over time
    return random.choice(["sunny", "rainy", "windy"])


random.seed(3)  # the "live" run is random; seeded so this page shows one fixed run
tools = {"forecast": live_tool, "alerts": live_tool}
with tempfile.TemporaryDirectory() as tmp:
    trace = Path(tmp) / "trace.jsonl"
    recorder = Recorder(trace, live_llm, tools)
    answer, _ = agent(recorder, "Weather in Lyon tomorrow?")
    spans = [json.loads(line) for line in trace.read_text().splitlines()]
    print(f"live run: {answer!r}, {len(spans)} spans")
    for s in spans:
        print(f"  step {s['step']} {s['kind']:12} {s['name']:8} -> {s['output']!r}")
    replays = {agent(Replayer(trace), "Weather in Lyon tomorrow?")[0] for _ in range(3)}
    print(f"3 replays, identical to the live run: {replays == {answer}}")
    try:  # the same trace against changed agent code (a new system prompt)
        agent(Replayer(trace), "Weather in Lyon tomorrow?", prompt="Be brief.")
    except RuntimeError as err:
        print(f"changed prompt: {err}")
