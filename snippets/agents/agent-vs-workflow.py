import json
import re
import sys

sys.path.insert(0, "snippets/agents")
from agents_llm import tokenizer  # noqa: E402  SmolLM2's tokenizer, to count tokens

ORDERS = {"A7": {"item": "kettle", "total": 40.0, "address": "1 Rue Vieille"}}


def get_order(order_id):
    return dict(ORDERS[order_id])


def refund(order_id, amount):
    return f"refunded {amount} on {order_id}"


def update_address(order_id, address):
    return f"{order_id} now ships to {address}"


TOOLS = {"get_order": get_order, "refund": refund, "update_address": update_address}
SPECS = json.dumps(  # what the agent's prompt carries on every call
    [
        {"name": "get_order", "parameters": {"order_id": "string"}},
        {"name": "refund", "parameters": {"order_id": "string", "amount": "number"}},
        {
            "name": "update_address",
            "parameters": {"order_id": "string", "address": "string"},
        },
    ]
)
TICKETS = [
    "Please refund order A7, the kettle arrived broken.",
    "Ship order A7 to 5 Quai Neuf instead.",
    "Where is my order A7?",
    "Refund A7 and send the replacement to 5 Quai Neuf.",  # not a kind we planned for
]
tok = tokenizer()
usage = {"calls": 0, "tokens": 0}


def model(prompt, answer):
    """A model call: counts the prompt's tokens; the scripted answer stands in for
    what a capable model would reply (these rules are not the point, the calls are)."""
    usage["calls"] += 1
    usage["tokens"] += len(tok(prompt)["input_ids"])
    return answer


def facts(ticket):  # what reading the ticket gives a capable model
    order = re.search(r"A\d+", ticket)[0]
    address = re.search(r"to (\d+ [A-Z]\w+ \w+)", ticket)
    wants_refund = "efund" in ticket
    return order, (address[1] if address else None), wants_refund


# The workflow: code decides the steps; the model fills in three small, fixed calls.
ROUTES = {"refund": ["refund"], "address": ["update_address"], "status": []}


def workflow(ticket):
    order, address, wants_refund = facts(ticket)
    kinds = [k for k, hit in [("refund", wants_refund), ("address", address)] if hit]
    kind = kinds[0] if len(kinds) == 1 else ("status" if not kinds else "other")
    kind = model(f"Classify as refund, address, status or other:\n{ticket}", kind)
    if kind == "other":
        return "escalated to a human"
    args = model(
        f"Extract order_id and address as JSON:\n{ticket}", {"order_id": order}
    )
    done = [get_order(**args)]
    for tool in ROUTES[kind]:
        extra = (
            {"amount": done[0]["total"]} if tool == "refund" else {"address": address}
        )
        done.append(TOOLS[tool](**args, **extra))
    reply = f"handled: {', '.join(ROUTES[kind]) or 'status'}"
    return model(f"Write a short reply to: {ticket}\nResults: {done}", reply)


# The agent: the model decides every step, re-reading the tools and the history.
def agent(ticket, max_steps=6):
    order, address, wants_refund = facts(ticket)
    history, results = f"Tools: {SPECS}\nTicket: {ticket}\n", {}
    for _ in range(max_steps):
        if "get_order" not in results:
            step = ("get_order", {"order_id": order})
        elif wants_refund and "refund" not in results:
            amount = results["get_order"]["total"]
            step = ("refund", {"order_id": order, "amount": amount})
        elif address and "update_address" not in results:
            step = ("update_address", {"order_id": order, "address": address})
        else:
            step = ("reply", {})
        tool, args = model(history + "Next step?", step)
        if tool == "reply":
            actions = [t for t in results if t != "get_order"]
            return f"handled: {', '.join(actions) or 'status'}"
        results[tool] = TOOLS[tool](**args)
        history += f"{tool}({args}) -> {results[tool]}\n"
    return "stopped: step limit"


print(f"{'':10} {'calls':>5} {'tokens':>6}  outcome")
totals = {"workflow": [0, 0, 0], "agent": [0, 0, 0]}
for ticket in TICKETS:
    print(ticket)
    for name, run in [("workflow", workflow), ("agent", agent)]:
        usage.update(calls=0, tokens=0)
        outcome = run(ticket)
        print(f"  {name:8} {usage['calls']:>5} {usage['tokens']:>6}  {outcome}")
        totals[name][0] += usage["calls"]
        totals[name][1] += usage["tokens"]
        totals[name][2] += outcome.startswith("handled")
for name, (calls, tokens, handled) in totals.items():
    print(f"{name:8} total: {calls} calls, {tokens} prompt tokens, ", end="")
    print(f"{handled}/{len(TICKETS)} tickets handled without a human")
