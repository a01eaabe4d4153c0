import copy
from collections import Counter

import numpy as np

# A tiny retail environment in the style of tau-bench: a database, tools that read and
# change it, and tasks whose success is checked on the final database state.
rng = np.random.default_rng(0)
N_TASKS, N_TRIALS = 30, 8
PRICES = rng.integers(10, 300, N_TASKS).astype(float)
DB = {
    "orders": {
        f"A{i}": {"price": p, "status": "delivered" if i % 2 else "pending"}
        for i, p in enumerate(PRICES)
    },
    "refunds": [],
}


def get_order(db, order_id):
    return dict(db["orders"][order_id])


def refund(db, order_id, amount):
    db["refunds"].append((order_id, amount))
    db["orders"][order_id]["status"] = "refunded"
    return "ok"


def cancel(db, order_id):
    db["orders"][order_id]["status"] = "cancelled"
    return "ok"


def set_status(db, order_id, status):  # an admin tool the policy forbids agents
    db["orders"][order_id]["status"] = status
    return "ok"


TOOLS = {"get_order": get_order, "refund": refund, "cancel": cancel}
TOOLS["set_status"] = set_status
# Delivered orders are refunded, pending ones cancelled: one task per order, each
# with the reference trajectory a correct agent follows.
TASKS = []
for order, row in DB["orders"].items():
    if row["status"] == "delivered":
        reference = [("get_order", order), ("refund", order, row["price"])]
        TASKS.append((f"refund {order}", reference))
    else:
        TASKS.append((f"cancel {order}", [("get_order", order), ("cancel", order)]))


def goal_state(reference):  # the database a correct agent leaves behind
    db = copy.deepcopy(DB)
    for tool, *args in reference:
        TOOLS[tool](db, *args)
    return db


# Some tasks are harder than others: each has its own chance of a mistake.
HARDNESS = dict(zip([t for t, _ in TASKS], rng.beta(0.5, 4, N_TASKS)))


def agent(request, rng):
    """A scripted stand-in for a sampled LLM policy, with its typical mistakes."""
    action, order = request.split()
    steps = [("get_order", order)]
    if rng.random() < 0.15:
        steps.append(("get_order", order))  # a redundant lookup
    if action == "refund":
        amount = DB["orders"][order]["price"]
        if rng.random() < HARDNESS[request]:
            amount = round(amount * 1.1, 2)  # a wrong argument
        steps.append(("refund", order, amount))
    elif rng.random() < HARDNESS[request]:  # reaches the goal through a forbidden tool
        steps.append(("set_status", order, "cancelled"))
    else:
        steps.append(("cancel", order))
    return steps


PRICE_IN, PRICE_OUT = 0.15e-6, 0.60e-6  # $ per token, illustrative only
FORBIDDEN = {"set_status"}
rows = []
for _ in range(N_TRIALS):
    for request, reference in TASKS:
        db = copy.deepcopy(DB)
        steps = agent(request, rng)
        for tool, *args in steps:
            TOOLS[tool](db, *args)
        # cost and latency: one LLM call per step plus the final reply, each
        # re-reading a growing context (illustrative token counts and latencies)
        calls = len(steps) + 1
        tokens_in = sum(800 + 120 * i for i in range(calls))
        cost = tokens_in * PRICE_IN + 60 * calls * PRICE_OUT
        latency = rng.lognormal(np.log(0.9), 0.4, calls).sum()
        ref, got = Counter(map(tuple, reference)), Counter(steps)
        rows.append(
            {
                "task": request,
                "state_ok": db == goal_state(reference),
                "violation": any(s[0] in FORBIDDEN for s in steps),
                "precision": sum((ref & got).values()) / sum(got.values()),
                "recall": sum((ref & got).values()) / sum(ref.values()),
                "redundant": sum(got.values()) - len(set(steps)),
                "cost": cost,
                "latency": latency,
            }
        )

ok = np.array([r["state_ok"] for r in rows])
safe = ok & ~np.array([r["violation"] for r in rows])
by_task = ok.reshape(N_TRIALS, N_TASKS).mean(axis=0)  # success rate of each task


def interval(samples):
    return " to ".join(f"{v:.3f}" for v in np.percentile(samples, [2.5, 97.5]))


# Trials of one task are not independent: resample tasks, not runs.
naive = [rng.choice(ok, ok.size).mean() for _ in range(2000)]
clustered = [rng.choice(by_task, by_task.size).mean() for _ in range(2000)]
print(f"{len(rows)} runs: {N_TASKS} tasks x {N_TRIALS} trials")
print(f"final state correct        {ok.mean():.3f}")
print(f"  95% CI resampling runs   {interval(naive)}")
print(f"  95% CI resampling tasks  {interval(clustered)}")
print(f"correct and within policy  {safe.mean():.3f}")
for key in ("precision", "recall"):
    print(f"tool-call {key:16} {np.mean([r[key] for r in rows]):.3f}")
print(f"runs with a redundant call {np.mean([r['redundant'] > 0 for r in rows]):.3f}")
costs, lat = [r["cost"] for r in rows], [r["latency"] for r in rows]
print(f"cost per 1000 tasks        ${np.mean(costs) * 1000:.2f}")
p50, p95 = np.percentile(lat, [50, 95])
print(f"latency per task (simulated) p50 {p50:.1f} s, p95 {p95:.1f} s")
