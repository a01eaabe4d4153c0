from itertools import combinations
from math import comb

import numpy as np


def pass_at_k(n, c, k):
    """P(at least one of k trials succeeds), unbiased from c successes in n trials."""
    return 1 - comb(n - c, k) / comb(n, k)


def pass_hat_k(n, c, k):
    """P(all k trials succeed), unbiased from c successes in n trials (tau-bench)."""
    return comb(c, k) / comb(n, k)


rng = np.random.default_rng(0)
n_tasks, n_trials = 200, 8
# Two agents with the same mean success per trial (about 0.7), spread differently:
# "flaky" solves every task about 70% of the time; "consistent" solves about 70% of
# the tasks almost every time and almost never solves the rest.
agents = {
    "flaky": rng.beta(14, 6, n_tasks),
    "consistent": rng.choice([0.02, 0.98], n_tasks, p=[0.3, 0.7]),
}
print(f"{'agent':11} {'k':>2} {'pass@k':>7} {'true':>6} {'pass^k':>7} {'true':>6}")
for name, p in agents.items():
    successes = rng.binomial(n_trials, p)  # run every task 8 times; count successes
    for k in (1, 2, 4, 8):
        at = np.mean([pass_at_k(n_trials, c, k) for c in successes])
        hat = np.mean([pass_hat_k(n_trials, c, k) for c in successes])
        # the truth, from the per-task success probabilities the simulation used
        true_at, true_hat = np.mean(1 - (1 - p) ** k), np.mean(p**k)
        print(
            f"{name:11} {k:>2} {at:>7.3f} {true_at:>6.3f} {hat:>7.3f} {true_hat:>6.3f}"
        )

# The estimators average over all subsets of k of the n trials, which is why they are
# unbiased; checked here by brute force on one task with 5 successes in 8 trials.
trials = np.array([1, 1, 0, 1, 0, 1, 1, 0])
subsets = [trials[list(s)] for s in combinations(range(8), 4)]
brute_at = np.mean([s.any() for s in subsets])
brute_hat = np.mean([s.all() for s in subsets])
print(
    f"brute force over {len(subsets)} subsets: "
    f"pass@4 {np.isclose(brute_at, pass_at_k(8, 5, 4))}, "
    f"pass^4 {np.isclose(brute_hat, pass_hat_k(8, 5, 4))}"
)
