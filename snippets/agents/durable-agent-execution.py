import random
from dataclasses import dataclass

N_TICKETS, N_RUNS, N_CRASHES = 30, 200, 3


class Crash(Exception):
    """The agent's process dies: everything in its memory is lost."""


@dataclass(frozen=True)
class Strategy:
    name: str
    # which step kinds survive a crash, read back instead of re-run on resume
    recorded: frozenset = frozenset()
    # write "done" before a side effect instead of after it (at-most-once)
    mark_first: bool = False
    # payment idempotency key, and a check of the outbox before emailing
    idempotent: bool = False


ALL_KINDS = frozenset({"read", "model", "pay", "mail"})
STRATEGIES = [
    Strategy("restart from scratch"),
    Strategy("at-most-once: mark, then act", ALL_KINDS, mark_first=True),
    Strategy("checkpoint after each step", ALL_KINDS),
    Strategy("checkpoint + idempotency keys", ALL_KINDS, idempotent=True),
    Strategy("journal, model re-sampled", ALL_KINDS - {"model"}, idempotent=True),
    Strategy("journal incl. model outputs", ALL_KINDS, idempotent=True),
]


class Crashes:
    """Each step has two crash sites: before it runs, and between running it and
    recording it. The process dies the first time the task reaches the seeded
    n-th site, so every strategy crashes at the same points of its progress."""

    def __init__(self, crash_points):
        self.reached, self.crash_points = set(), set(crash_points)

    def site(self, name):
        if name not in self.reached:
            self.reached.add(name)
            if len(self.reached) in self.crash_points:
                raise Crash


class Payments:
    """Records every charge it executes; with a key, a repeat returns the first
    receipt (like an idempotent payment API)."""

    def __init__(self):
        self.charges, self.receipts = [], {}

    def refund(self, ticket, amount, key=None):
        if key is not None and key in self.receipts:
            return self.receipts[key]
        self.charges.append(ticket)
        receipt = f"re_{len(self.charges)}"
        if key is not None:
            self.receipts[key] = receipt
        return receipt


class Mail:
    def __init__(self):
        self.sent = []

    def send(self, ticket, outcome):
        self.sent.append((ticket, outcome))

    def was_sent(self, ticket):
        return any(t == ticket for t, _ in self.sent)


def clear_answer(ticket):
    """The policy's answer when the ticket is clear-cut, else None (borderline)."""
    if ticket["prior_refunds"] >= 3 or ticket["days"] > 60:
        return "deny"
    if ticket["damaged"] and ticket["days"] <= 30:
        return "refund"
    return None


class ScriptedModel:
    """Stands in for an LLM sampled at temperature > 0: a clear ticket gets the
    same answer every time, a borderline one a fresh coin flip on every call."""

    def __init__(self, seed):
        self.rng, self.calls = random.Random(seed), 0

    def decide(self, ticket):
        self.calls += 1
        answer = clear_answer(ticket)
        if answer is None:
            answer = "refund" if self.rng.random() < 0.5 else "deny"
        return answer


def make_tickets(rng):
    return {
        t: {
            "amount": rng.randint(10, 200),
            "days": rng.randint(1, 90),
            "damaged": rng.random() < 0.5,
            "prior_refunds": rng.randint(0, 4),
        }
        for t in range(N_TICKETS)
    }


def run_task(strategy, tickets, crash_points, model_seed):
    crashes, payments, mail = Crashes(crash_points), Payments(), Mail()
    model = ScriptedModel(model_seed)
    # survives crashes: a checkpoint or journal in a database
    store = {}
    reads = 0

    def read(t):
        nonlocal reads
        reads += 1
        return dict(tickets[t])

    def step(key, kind, perform, *args):
        """Run one step, or read its result back from the store."""
        if key in store:
            return store[key]
        crashes.site((key, "before"))
        persisted = kind in strategy.recorded
        if strategy.mark_first and kind in ("pay", "mail") and persisted:
            store[key] = None
            crashes.site((key, "between"))
            return perform(*args)
        result = perform(*args)
        crashes.site((key, "between"))
        if persisted:
            store[key] = result
        return result

    def pay(t, amount):
        # one key per intended action, from the task and the step, never per attempt:
        # the resumed process sends the same key again
        key = f"task-7/{t}/refund" if strategy.idempotent else None
        return payments.refund(t, amount, key)

    def email(t, outcome):
        if strategy.idempotent and mail.was_sent(t):
            return "already sent"
        mail.send(t, outcome)
        return "sent"

    while True:
        try:
            # a fresh process: the loop re-runs from the top, the store says
            # which steps are already done
            for t in range(N_TICKETS):
                ticket = step((t, "read"), "read", read, t)
                decision = step((t, "model"), "model", model.decide, ticket)
                if decision == "refund":
                    step((t, "pay"), "pay", pay, t, ticket["amount"])
                step((t, "mail"), "mail", email, t, decision)
            break
        except Crash:
            continue

    paid = {t: payments.charges.count(t) for t in range(N_TICKETS)}
    told = {t: {o for s, o in mail.sent if s == t} for t in range(N_TICKETS)}
    inconsistent = sum(
        (paid[t] > 0 and "deny" in told[t]) or (paid[t] == 0 and "refund" in told[t])
        for t in range(N_TICKETS)
    )
    return {
        "dup pay": sum(max(n - 1, 0) for n in paid.values()),
        "dup mail": len(mail.sent) - len({t for t, _ in mail.sent}),
        "missed": sum(not told[t] for t in range(N_TICKETS)),
        "inconsistent": inconsistent,
        "wasted LLM": model.calls - N_TICKETS,
        "re-reads": reads - N_TICKETS,
    }


totals = {s.name: {} for s in STRATEGIES}
borderline = 0
for run in range(N_RUNS):
    rng = random.Random(run)
    tickets = make_tickets(rng)
    borderline += sum(clear_answer(x) is None for x in tickets.values())
    # every ticket has at least 3 steps of 2 crash sites: all strategies get there
    crash_points = rng.sample(range(1, 2 * 3 * N_TICKETS + 1), N_CRASHES)
    for strategy in STRATEGIES:
        result = run_task(strategy, tickets, crash_points, model_seed=10_000 + run)
        for name, value in result.items():
            totals[strategy.name][name] = totals[strategy.name].get(name, 0) + value

print(f"{N_RUNS} runs x {N_TICKETS} tickets = {N_RUNS * N_TICKETS:,} tickets")
print(
    f"{N_CRASHES} crashes per run; borderline tickets: {borderline / N_RUNS:.1f} a run"
)
columns = ["dup pay", "dup mail", "missed", "inconsistent", "wasted LLM", "re-reads"]
print("totals over all runs".ljust(30) + "".join(f"{c:>{len(c) + 1}}" for c in columns))
for name, row in totals.items():
    print(f"{name:30}" + "".join(f"{row[c]:>{len(c) + 1},}" for c in columns))
