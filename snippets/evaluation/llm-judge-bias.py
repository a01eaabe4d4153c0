import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
n = 2000  # prompts; system X and system Y each answer every prompt

# Ground truth we would never see in practice: Y's answers are slightly better, X's twice as long.
q_x, q_y = rng.normal(0.0, 1, n), rng.normal(0.2, 1, n)
len_x, len_y = rng.lognormal(np.log(400), 0.4, n), rng.lognormal(np.log(200), 0.4, n)


def judge(q_first, q_second, len_first, len_second, position=0.7, verbosity=0.8):
    """A simulated LLM judge: prefers better answers, but also the first one shown and the longer one."""
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

# 3) Measure and remove verbosity bias: regress the verdict on the length difference and the
# position, then read the win rate at equal length and balanced position (AlpacaEval-LC style).
features = np.r_[
    np.c_[np.log(len_x / len_y), np.ones(n)],  # order 1: X is first (+1)
    np.c_[np.log(len_x / len_y), -np.ones(n)],  # order 2: X is second (-1)
]
verdicts = np.r_[x_wins_1, x_wins_2]
glm = LogisticRegression(C=1e6).fit(features, verdicts)
print(
    f"fitted length coefficient {glm.coef_[0, 0]:.2f}, position coefficient {glm.coef_[0, 1]:.2f}"
)
print(f"X win rate, length-controlled: {1 / (1 + np.exp(-glm.intercept_[0])):.3f}")

unbiased = judge(q_x, q_y, len_x, len_y, position=0.0, verbosity=0.0)
print(f"X win rate from a judge with no position or length bias: {unbiased.mean():.3f}")
print(f"X truly better: {np.mean(q_x > q_y):.3f}")
