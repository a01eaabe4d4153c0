# --8<-- [start:simulated]
import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
n = 2000  # prompts; system X and system Y each answer every prompt

# Ground truth we would never see in practice: Y's answers are slightly better, X's
# twice as long.
q_x, q_y = rng.normal(0.0, 1, n), rng.normal(0.2, 1, n)
len_x, len_y = rng.lognormal(np.log(400), 0.4, n), rng.lognormal(np.log(200), 0.4, n)


def judge(q_first, q_second, len_first, len_second, position=0.7, verbosity=0.8):
    """A simulated LLM judge: prefers better answers, but also the first one shown and
    the longer one.
    """
    logit = (
        1.5 * (q_first - q_second)
        + position
        + verbosity * np.log(len_first / len_second)
    )
    return rng.random(len(q_first)) < 1 / (
        1 + np.exp(-logit)
    )  # True = picks the first answer


x_first = judge(q_x, q_y, len_x, len_y)  # order 1: X shown first
y_first = judge(q_y, q_x, len_y, len_x)  # order 2: the same pairs, swapped
x_wins_1, x_wins_2 = x_first, ~y_first

# 1) Measure position bias by swapping: an unbiased judge picks "first" half the time.
print(f"judge picks the answer shown first: {np.mean(np.r_[x_first, y_first]):.3f}")
print(f"same winner in both orders (consistency): {np.mean(x_wins_1 == x_wins_2):.3f}")

# 2) Reduce it: judge both orders; a split verdict counts as a tie (0.5).
balanced = (x_wins_1.astype(float) + x_wins_2) / 2
print(f"X win rate, X always shown first: {x_wins_1.mean():.3f}")
print(f"X win rate, both orders averaged: {balanced.mean():.3f}")

# 3) Measure and remove verbosity bias: regress the verdict on the length difference and
# the position, then read the win rate at equal length and balanced position
# (AlpacaEval-LC style).
features = np.r_[
    np.c_[np.log(len_x / len_y), np.ones(n)],  # order 1: X is first (+1)
    np.c_[np.log(len_x / len_y), -np.ones(n)],  # order 2: X is second (-1)
]
verdicts = np.r_[x_wins_1, x_wins_2]
glm = LogisticRegression(C=1e6).fit(features, verdicts)
print(
    f"fitted length coefficient {glm.coef_[0, 0]:.2f}, position coefficient "
    f"{glm.coef_[0, 1]:.2f}"
)
print(f"X win rate, length-controlled: {1 / (1 + np.exp(-glm.intercept_[0])):.3f}")

unbiased = judge(q_x, q_y, len_x, len_y, position=0.0, verbosity=0.0)
print(f"X win rate from a judge with no position or length bias: {unbiased.mean():.3f}")
print(f"X truly better: {np.mean(q_x > q_y):.3f}")
# --8<-- [end:simulated]

# --8<-- [start:smollm]
import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/evaluation")
from eval_llm import chat_ids, load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

# 20 questions, each with a correct and a wrong answer (ground truth known).
ITEMS = [
    ("What is the capital of France?", "Paris", "Madrid"),
    ("How many legs does a spider have?", "Eight", "Six"),
    ("What is 7 times 8?", "56", "54"),
    ("Which planet is closest to the Sun?", "Mercury", "Mars"),
    ("What gas do plants absorb from the air?", "Carbon dioxide", "Helium"),
    ("What is the boiling point of water at sea level in Celsius?", "100", "80"),
    ("Who wrote Romeo and Juliet?", "William Shakespeare", "Charles Dickens"),
    ("What is the largest ocean on Earth?", "The Pacific Ocean", "The Indian Ocean"),
    ("How many days are in a leap year?", "366", "365"),
    ("What is the chemical symbol for gold?", "Au", "Ag"),
    ("What is the square root of 81?", "9", "8"),
    ("Which animal is known as the king of the jungle?", "The lion", "The rabbit"),
    ("What colour do you get by mixing blue and yellow?", "Green", "Purple"),
    ("How many continents are there?", "Seven", "Four"),
    ("What is the freezing point of water in Celsius?", "0", "10"),
    ("Which organ pumps blood through the body?", "The heart", "The liver"),
    ("What is the capital of Japan?", "Tokyo", "Beijing"),
    ("How many minutes are in an hour?", "60", "100"),
    ("What is the largest planet in the solar system?", "Jupiter", "Venus"),
    ("What language is mainly spoken in Brazil?", "Portuguese", "German"),
]
tok, model = load()
id_a, id_b = tok.encode("A")[0], tok.encode("B")[0]


def prefers_first(question, first, second):
    """The judge's log-odds of answering "A" (the answer shown first) over "B"."""
    prompt = (
        f"Question: {question}\nAnswer A: {first}\nAnswer B: {second}\n"
        "Which answer is correct? Reply with the letter A or B only."
    )
    with torch.no_grad():
        logits = model(chat_ids(prompt)).logits[0, -1]
    return (logits[id_a] - logits[id_b]).item()


# Every pair judged in both orders: right answer shown first, then shown second.
right_first = np.array([prefers_first(q, r, w) for q, r, w in ITEMS])
right_second = np.array([prefers_first(q, w, r) for q, r, w in ITEMS])
picks_a = np.concatenate([right_first > 0, right_second > 0])
correct_one_order = np.concatenate([right_first > 0, right_second <= 0])
consistent = (right_first > 0) != (right_second > 0)
averaged = (right_first - right_second) / 2 > 0  # log-odds for "right", order-averaged
print(f"{len(ITEMS)} pairs, each judged in both orders")
print(f"judge picks the answer in slot A: {picks_a.mean():.2f}")
print(f"accuracy, one order at a time: {correct_one_order.mean():.2f}")
print(f"same verdict in both orders (consistency): {consistent.mean():.2f}")
print(f"accuracy after averaging both orders: {averaged.mean():.2f}")
# --8<-- [end:smollm]
