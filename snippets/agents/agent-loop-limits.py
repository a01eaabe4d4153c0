import concurrent.futures
import hashlib
import json
import time
from collections import Counter


class Stop(Exception):
    pass


class Guard:
    """Checks run before every step of an agent loop."""

    def __init__(self, max_steps=8, max_tokens=10_000, max_repeats=3):
        self.max_steps, self.max_tokens, self.max_repeats = (
            max_steps,
            max_tokens,
            max_repeats,
        )
        self.steps = self.tokens = 0
        self.actions = Counter()

    def before(self, action, context_tokens):
        self.steps += 1
        self.tokens += context_tokens
        key = hashlib.sha256(json.dumps(action, sort_keys=True).encode()).hexdigest()
        self.actions[key] += 1
        if self.actions[key] >= self.max_repeats:
            raise Stop(f"same action {self.max_repeats} times: {action}")
        if self.steps > self.max_steps:
            raise Stop(f"step limit {self.max_steps}")
        if self.tokens > self.max_tokens:
            raise Stop(f"token budget {self.max_tokens}")


POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4)


def with_timeout(fn, seconds, *args):
    future = POOL.submit(fn, *args)
    try:
        return future.result(timeout=seconds)
    except concurrent.futures.TimeoutError:
        return "error: tool timed out"  # the loop goes on; the hung call is abandoned


def search(query):
    if query == "hang":
        time.sleep(1.0)  # a tool that never answers in time
    return "no results"


def run(policy, guard, tool_timeout=0.2):
    """A loop whose policy never decides to stop by itself: only the guard stops it."""
    history, context = [], 400
    try:
        while True:
            action = policy(history)
            guard.before(action, context)
            result = with_timeout(search, tool_timeout, action["query"])
            history.append((action, result))
            context += 150  # every step adds its call and result to the context
    except Stop as reason:
        return str(reason), guard.steps, guard.tokens, history


policies = {
    "repeats one search": lambda h: {"tool": "search", "query": "refund policy"},
    "rephrases forever": lambda h: {"tool": "search", "query": f"refund v{len(h)}"},
    "calls a hung tool": lambda h: {"tool": "search", "query": "hang"},
}
for name, policy in policies.items():
    reason, steps, tokens, history = run(policy, Guard())
    print(f"{name:19} stopped at step {steps} ({tokens} tokens): {reason}")
    if name == "calls a hung tool":
        print(f"{'':19} first result: {history[0][1]!r}")
reason, steps, tokens, _ = run(policies["rephrases forever"], Guard(max_steps=100))
print(f"{'no step limit':19} stopped at step {steps}: {reason}")
POOL.shutdown(wait=False, cancel_futures=True)
