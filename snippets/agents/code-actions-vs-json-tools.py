import copy
import json
import random
import sys

sys.path.insert(0, "snippets/agents")
# SmolLM2's tokenizer, to count the tokens placed in the context
from agents_llm import count_tokens as ntok  # noqa: E402

# An in-memory shop: 20 customers and their orders, amounts in cents.
rng = random.Random(0)
CARRIERS = ["DHL", "UPS", "PostNL", "GLS"]
DB = {}
for c in range(1, 21):
    for _ in range(rng.randint(3, 9)):
        oid = f"O{len(DB) + 1:04d}"
        late = rng.random() < 0.4
        amount = rng.randint(1500, 25000)
        refunded = amount * rng.choice([10, 20, 50]) // 100 if rng.random() < 0.5 else 0
        DB[oid] = {
            "order_id": oid,
            "customer": f"C{c:02d}",
            "status": "late" if late else "on_time",
            "amount_cents": amount,
            "refunded_cents": refunded if late else 0,
            "items": [
                {"sku": f"SKU-{rng.randint(100, 999)}", "qty": rng.randint(1, 3)}
                for _ in range(rng.randint(1, 3))
            ],
            "carrier": rng.choice(CARRIERS),
            "days_late": rng.randint(1, 9) if late else 0,
        }


def make_tools(db, log):
    def list_customers():
        return sorted({o["customer"] for o in db.values()})

    def list_orders(customer):
        return [
            {"order_id": o["order_id"], "status": o["status"]}
            for o in db.values()
            if o["customer"] == customer
        ]

    def get_order(order_id):
        return copy.deepcopy(db[order_id])

    def refund(order_id, amount_cents):
        db[order_id]["refunded_cents"] += amount_cents
        return {"order_id": order_id, "refunded_cents": amount_cents, "ok": True}

    tools = {f.__name__: f for f in (list_customers, list_orders, get_order, refund)}

    def logged(name):
        def call(*args, **kwargs):
            log.append((name, args, kwargs))
            return tools[name](*args, **kwargs)

        return call

    return {name: logged(name) for name in tools}


ARGS = {
    "list_customers": {},
    "list_orders": {"customer": "string"},
    "get_order": {"order_id": "string"},
    "refund": {"order_id": "string", "amount_cents": "integer"},
}
JSON_TOOLS = json.dumps(
    [
        {
            "name": name,
            "parameters": {
                "type": "object",
                "properties": {a: {"type": t} for a, t in args.items()},
                "required": list(args),
            },
        }
        for name, args in ARGS.items()
    ]
)
PY_TOOLS = """def list_customers() -> list[str]: ...
def list_orders(customer: str) -> list[dict]: ...  # order_id, status
def get_order(order_id: str) -> dict: ...  # the full order record
def refund(order_id: str, amount_cents: int) -> dict: ...
Write one Python program; only print() output comes back to you."""
TASK_TOTAL = (
    "Total refunded_cents over all orders of customers with more than 3 late orders?"
)
TASK_REFUND = (
    "Refund 20% of every late order of customers with more than 3 late orders."
)


def human(order_id, amount_cents):
    # stands in for a review queue: declines refunds over 40.00
    return amount_cents <= 4000


def validate(call):
    """What a JSON loop checks before it runs anything: tool name and argument types."""
    expected = ARGS[call["name"]]
    kinds = {"string": str, "integer": int}
    args = call["arguments"]
    assert set(args) == set(expected), call
    assert all(isinstance(args[a], kinds[t]) for a, t in expected.items()), call


def json_loop(model, tools, task, asked=None):
    """One model turn per reply; every call and result is appended to the context.
    With a list `asked`, the loop asks a human before every refund call."""
    context = [JSON_TOOLS, task]
    stats = {"turns": 0, "input": 0, "written": 0}
    observation = None
    while True:
        stats["turns"] += 1
        # the model re-reads the whole context at every turn
        stats["input"] += sum(ntok(m) for m in context)
        reply = json.dumps(model.send(observation))
        context.append(reply)
        stats["written"] += ntok(reply)
        message = json.loads(reply)
        if "answer" in message:
            stats["context"] = sum(ntok(m) for m in context)
            return message["answer"], stats
        results = []
        for call in message["tool_calls"]:
            validate(call)
            if asked is not None and call["name"] == "refund":
                asked.append(call["arguments"]["order_id"])
                if not human(**call["arguments"]):
                    results.append({"error": "declined by a human"})
                    continue
            results.append(tools[call["name"]](**call["arguments"]))
        observation = json.dumps(results)
        context.append(observation)


def json_policy(parallel, task="total"):
    """Stands in for the model: decides its next calls from the results it has read."""

    def ask(calls):
        if parallel:
            return json.loads((yield {"tool_calls": calls}))
        results = []
        for call in calls:
            results += json.loads((yield {"tool_calls": [call]}))
        return results

    def call(name, **arguments):
        return {"name": name, "arguments": arguments}

    def gen():
        [customers] = yield from ask([call("list_customers")])
        lists = yield from ask([call("list_orders", customer=c) for c in customers])
        chosen = [
            o
            for orders in lists
            if sum(o["status"] == "late" for o in orders) > 3
            for o in orders
            if task == "total" or o["status"] == "late"
        ]
        records = yield from ask(
            [call("get_order", order_id=o["order_id"]) for o in chosen]
        )
        if task == "total":
            yield {"answer": sum(r["refunded_cents"] for r in records)}
        refunds = [
            call("refund", order_id=r["order_id"], amount_cents=r["amount_cents"] // 5)
            for r in records
        ]
        done = yield from ask(refunds)
        yield {"answer": sum(d.get("refunded_cents", 0) for d in done)}

    return gen()


PROGRAM_TOTAL = """
total, customers = 0, 0
for customer in list_customers():
    orders = list_orders(customer)
    if sum(o["status"] == "late" for o in orders) > 3:
        customers += 1
        for o in orders:
            total += get_order(o["order_id"])["refunded_cents"]
print("customers", customers, "refunded_cents", total)
"""
PROGRAM_REFUND = """
done, failed = 0, 0
for customer in list_customers():
    orders = list_orders(customer)
    if sum(o["status"] == "late" for o in orders) > 3:
        for o in orders:
            if o["status"] == "late":
                amount = get_order(o["order_id"])["amount_cents"] // 5
                result = refund(order_id=o["order_id"], amount_cents=amount)
                if result.get("ok"):
                    done += amount
                else:
                    failed += 1
print("refunded_cents", done, "not done", failed)
"""
SAFE_BUILTINS = {f.__name__: f for f in (len, sum, sorted, min, max, range, round)}


def execute(program, tools):
    """Runs a program with only the tools and a few builtins in scope. NOT a sandbox."""
    printed = []
    scope = {"__builtins__": dict(SAFE_BUILTINS), **tools}
    scope["print"] = lambda *args: printed.append(" ".join(map(str, args)))
    try:
        exec(compile(program, "<action>", "exec"), scope)
    except Exception as error:
        printed.append(f"{type(error).__name__}: {error}")
    return "\n".join(printed)


def code_loop(program, tools, task):
    """Turn 1: the model writes a program. Turn 2: it reads what the program printed."""
    context = [PY_TOOLS, task]
    stats = {"turns": 1, "input": sum(ntok(m) for m in context)}
    context.append(program)
    stats["written"] = ntok(program)
    output = execute(program, tools)
    context.append(output)
    stats["turns"] += 1
    stats["input"] += sum(ntok(m) for m in context)
    # the scripted model reads the number it needs from the printed output
    words = output.split()
    answer = json.dumps({"answer": int(words[words.index("refunded_cents") + 1])})
    context.append(answer)
    stats["written"] += ntok(answer)
    stats["context"] = sum(ntok(m) for m in context)
    return json.loads(answer)["answer"], stats


def fresh():
    log = []
    return make_tools(copy.deepcopy(DB), log), log


late = {}
for o in DB.values():
    late[o["customer"]] = late.get(o["customer"], 0) + (o["status"] == "late")
chosen = {c for c, n in late.items() if n > 3}
truth = sum(o["refunded_cents"] for o in DB.values() if o["customer"] in chosen)
print(f"{len(late)} customers, {len(DB)} orders; {len(chosen)} with more than 3 late")
defs = f"JSON schemas {ntok(JSON_TOOLS)} tokens, Python stubs {ntok(PY_TOOLS)}"
print(f"tool definitions: {defs} tokens")
print("task: total refunded on those customers' orders; tokens by SmolLM2's tokenizer")
print("loop                     turns calls run written context   input  answer right")
for name in ["JSON, one call per turn", "JSON, parallel calls", "code action"]:
    tools, log = fresh()
    if name == "code action":
        answer, s = code_loop(PROGRAM_TOTAL, tools, TASK_TOTAL)
    else:
        model = json_policy(parallel=name == "JSON, parallel calls")
        answer, s = json_loop(model, tools, TASK_TOTAL)
    print(
        f"{name:24} {s['turns']:5} {len(log):9} {s['written']:7,} {s['context']:7,}"
        f" {s['input']:7,} {answer:7,} {answer == truth!s:>5}"
    )

print("what the restricted namespace blocks, and what it does not:")
probes = {
    "open('/etc/passwd')": "open('/etc/passwd')",
    "__import__('os')": "__import__('os')",
    "import os": "import os",
    "object.__subclasses__() reaches os.system": """
subclasses = ().__class__.__base__.__subclasses__()
inits = [c.__init__ for c in subclasses]
found = [f for f in inits if f.__class__.__name__ == "function"]
print("system" in [name for f in found for name in f.__globals__])
""",
}
for label, program in probes.items():
    output = execute(program, {}) or "ran"
    print(f"  {label:42} -> {output.split(':')[0]}")


def with_approval(tools, asked):
    """The wrapper code actions need: the approval moves inside the tool itself."""

    def refund(order_id, amount_cents):
        asked.append(order_id)
        if not human(order_id, amount_cents):
            return {"error": "declined by a human"}
        return tools["refund"](order_id=order_id, amount_cents=amount_cents)

    return {**tools, "refund": refund}


print("task: refund 20% of those customers' late orders; a human declines over 40.00")
print("loop                     turns calls run asked refunds refunded_cents")
for label in [
    "JSON, one call per turn",
    "code, raw refund tool",
    "code, approval wrapper",
]:
    tools, log = fresh()
    asked = []
    if label.startswith("JSON"):
        model = json_policy(parallel=False, task="refund")
        answer, s = json_loop(model, tools, TASK_REFUND, asked)
    elif label == "code, raw refund tool":
        answer, s = code_loop(PROGRAM_REFUND, tools, TASK_REFUND)
    else:
        answer, s = code_loop(PROGRAM_REFUND, with_approval(tools, asked), TASK_REFUND)
    n_refunds = sum(tool == "refund" for tool, *_ in log)
    row = f"{label:24} {s['turns']:5} {len(log):9} {len(asked):5} {n_refunds:7}"
    print(f"{row} {answer:14,}")
