import ast
import operator
import random
import re
import sys

import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

torch.set_num_threads(1)
tok, model = llms_llm.load()


def pieces(text):  # the token strings the model receives for this text
    return [tok.decode([i]) for i in tok(text, add_special_tokens=False)["input_ids"]]


# 1. What the model sees: subword tokens, not letters.
for word in ["strawberry", "bookkeeper", "Mississippi"]:
    print(f"{word:12} {pieces(word)!s:28} after a space: {pieces(' ' + word)}")


def left_to_right(s):  # the \p{N}{1,3} pre-tokenizer rule of GPT-4's cl100k_base
    return "|".join(re.findall(r"\d{1,3}|\D+", s))


def right_to_left(n):  # the grouping that writing 1,234 with commas enforces
    return "|".join(f"{n:,}".split(","))


for number in ["12345", "1000000", "3.14159"]:
    smol = "|".join(pieces(number))
    print(f"{number:8} SmolLM2 {smol:14} GPT-4's digit groups {left_to_right(number)}")
a, b = 1234, 567
l2r = [left_to_right(str(n)) for n in (a, b, a + b)]
r2l = [right_to_left(n) for n in (a, b, a + b)]
print("3-digit groups, left to right: {} + {} = {}".format(*l2r))
print("3-digit groups, right to left: {} + {} = {}".format(*r2l))


def greedy(question, prefix, max_new_tokens):
    """Greedy reply to one user turn, with the start of the answer written for it."""
    ids = llms_llm.chat_ids([{"role": "user", "content": question}])
    start = tok(prefix, add_special_tokens=False, return_tensors="pt")["input_ids"]
    reply = llms_llm.generate(
        torch.cat([ids, start], 1), max_new_tokens, do_sample=False
    )
    found = re.match(r"\d+", reply[0])
    return int(found.group()) if found else None


# 2. Counting letters: the plain question, then with the letters written one per line.
words = [
    ("strawberry", "r"), ("banana", "a"), ("bookkeeper", "e"), ("Mississippi", "s"),
    ("committee", "m"), ("balloon", "l"), ("coffee", "f"), ("parallel", "l"),
    ("tomato", "t"), ("pepper", "p"), ("orange", "a"), ("assessment", "s"),
]  # fmt: skip
right = {"plain": 0, "spelled": 0}
print("word         letter  true count  plain  letters given")
for word, letter in words:
    true = word.lower().count(letter)
    question = f'How many times does the letter "{letter}" appear in the word "{word}"?'
    letters = "\n".join(word)
    spelled = (
        f'The word "{word}" has these letters, one per line:\n{letters}\n{question}'
    )
    prefix = f'The letter "{letter}" appears '
    plain_n, spelled_n = greedy(question, prefix, 2), greedy(spelled, prefix, 2)
    right["plain"] += plain_n == true
    right["spelled"] += spelled_n == true
    print(f"{word:12} {letter:6}  {true:10}  {plain_n!s:>5}  {spelled_n!s:>13}")
counts = [word.lower().count(letter) for word, letter in words]
mode = max(set(counts), key=counts.count)
scores = f"plain {right['plain']}/12, letters given {right['spelled']}/12"
print(f"right: {scores}, always answering {mode}: {counts.count(mode)}/12")


# 3. Multi-digit addition: the model answers directly; a calculator tool is exact.
def calculator(expression):  # the tool a function call would reach; no eval
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}

    def run(node):
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](run(node.left), run(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        raise ValueError("not arithmetic")

    return run(ast.parse(expression, mode="eval").body)


rng = random.Random(0)
problems = [(rng.randint(100, 999), rng.randint(100, 999)) for _ in range(3)]
problems += [(rng.randint(1000, 9999), rng.randint(1000, 9999)) for _ in range(3)]
model_right = tool_right = 0
for a, b in problems:
    expression = f"{a} + {b}"
    said = greedy(f"What is {expression}?", f"{expression} = ", 5)
    tool = calculator(expression)
    model_right += said == a + b
    tool_right += tool == a + b
    print(f"{expression:11} = {a + b:5}   model {said!s:>5}   tool {tool:5}")
print(f"right: model {model_right}/6, calculator tool {tool_right}/6")
