import ast
import operator
import re
import sys

sys.path.insert(0, "snippets/agents")
from agents_llm import chat, tokenizer  # noqa: E402  SmolLM2-135M-Instruct

# Two real tools: a keyword search over a small fact base, and a safe calculator.
FACTS = [
    "Ada Moreau is a data engineer who works in Lyon.",
    "Ben Okafor worked in Lyon until 2024, then moved to Porto, where he works now.",
    "Lyon has 522250 inhabitants on 47.87 km2.",
    "Porto has 231800 inhabitants on 41.42 km2.",
]


def search(query: str) -> str:
    words = set(re.findall(r"\w+", query.lower()))
    score = [len(words & set(re.findall(r"\w+", f.lower()))) for f in FACTS]
    return FACTS[score.index(max(score))] if max(score) else "No result."


OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
OPS[ast.Div] = operator.truediv


def calculate(expression: str) -> str:
    def ev(node):  # numbers and + - * / only: never eval() model output
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError("only numbers and + - * /")

    return f"{ev(ast.parse(expression, mode='eval').body):.1f}"


TOOLS = {"search": search, "calculate": calculate}
TOOL_DOC = "Tools: search[query] finds a fact; calculate[expression] does arithmetic."
ACTION = re.compile(r"^Action: (\w+)\[(.*)\]\s*$", re.MULTILINE)
tok = tokenizer()


def n_tokens(text):
    return len(tok(text)["input_ids"])


def react(question, policy, max_steps=6):
    """Thought -> Action -> Observation until finish[...] or the step limit."""
    transcript, calls, tokens = f"Question: {question}\n", 0, 0
    for _ in range(max_steps):
        step = policy(transcript)  # one LLM call in a real agent...
        calls += 1
        tokens += n_tokens(TOOL_DOC + transcript)  # ...that re-reads everything
        transcript += step + "\n"
        match = ACTION.search(step)
        if match is None:
            transcript += "Observation: no valid Action line.\n"
            continue
        tool, arg = match.groups()
        if tool == "finish":
            return arg, calls, tokens
        result = TOOLS[tool](arg) if tool in TOOLS else f"unknown tool {tool}"
        transcript += f"Observation: {result}\n"
    return None, calls, tokens


def scripted_react(transcript):
    """Stands in for the model: decides the next step from the last observation."""
    person = re.search(r"where (.+) works", transcript)[1]
    seen = re.findall(r"Observation: (.*)", transcript)
    last = seen[-1] if seen else ""
    if not seen:
        return f"Thought: find where {person} works.\nAction: search[{person} works]"
    if m := re.search(r"(\d+) inhabitants on ([\d.]+) km2", last):
        return f"Thought: density is people / area.\nAction: calculate[{m[1]} / {m[2]}]"
    if m := re.search(r"works in (\w+)|moved to (\w+)", last):
        city = m[1] or m[2]
        return f"Thought: {person} works in {city}.\nAction: search[{city} inhabitants]"
    return f"Thought: that is the density.\nAction: finish[{last} per km2]"


class Replan(Exception):
    pass


def plan_and_execute(question):
    """One planner call writes every step; code runs them; re-plan only on failure."""
    person = re.search(r"where (.+) works", question)[1]
    plan = [  # what the planner writes, with #E placeholders as in ReWOO
        ("E1", "search", f"{person} works"),
        ("E2", "search", "#city(E1) inhabitants"),
        ("E3", "calculate", "#people(E2) / #area(E2)"),
    ]
    # How the plan reads each placeholder: the planner guessed the shape of E1.
    read = {"city": r"works in (\w+)", "people": r"(\d+) inhabitants"}
    read["area"] = r"([\d.]+) km2"
    calls, tokens, seen = 0, 0, {}

    def fill(m):
        found = re.search(read[m[1]], seen[m[2]])
        if found is None:
            raise Replan(f"no {m[1]} in {m[2]}: {seen[m[2]]}")
        return found[1]

    for _ in range(2):
        calls += 1  # the planner call
        tokens += n_tokens(TOOL_DOC + question + "".join(seen.values()))
        try:
            for name, tool, template in plan:
                seen[name] = TOOLS[tool](re.sub(r"#(\w+)\((E\d)\)", fill, template))
        except Replan:
            read["city"] = r"moved to (\w+)"  # the new plan, written after seeing E1
            continue
        calls += 1  # the solver call writes the answer from the evidence
        tokens += n_tokens(question + "".join(seen.values()))
        return f"{seen['E3']} per km2", calls, tokens
    return None, calls, tokens


for question in [
    "What is the population density of the city where Ada Moreau works?",
    "What is the population density of the city where Ben Okafor works?",
]:
    print(question)
    for name, run in [
        ("ReAct", lambda q: react(q, scripted_react)),
        ("plan-and-execute", plan_and_execute),
    ]:
        answer, calls, tokens = run(question)
        print(f"  {name:17} {answer:18} LLM calls {calls}, prompt tokens {tokens}")

# What the real 135M model writes as its first ReAct step.
SYSTEM = """Answer with Thought, Action, Observation lines. Actions: search[query],
calculate[expression], finish[answer]. Example:
Question: How old was Jo Park when Acme was founded?
Thought: I need the founding year and Jo Park's birth year.
Action: search[Acme founded Jo Park]
Observation: Acme was founded in 1990 by Jo Park, born 1960.
Thought: 1990 - 1960.
Action: calculate[1990 - 1960]
Observation: 30
Thought: I know the answer.
Action: finish[30]"""
question = (
    "Question: What is the population density of the city where Ada Moreau works?"
)
messages = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": question},
]
step = chat(messages, max_new_tokens=40)
match = ACTION.search(step)
print("SmolLM2-135M first step:", repr(step[:70]))
print("parses as a known action:", bool(match) and match[1] in [*TOOLS, "finish"])
