import numpy as np
from scipy.stats import binom

rng = np.random.default_rng(0)

# 1. Voting or debate among copies of one model. Each answer is right with p = 0.7.
# With probability rho the five agents share one draw (same model, same prompt, same
# blind spot); otherwise they err independently.
n_questions, n_agents, p = 20_000, 5, 0.7
print("majority of 5 agents, each right 70% of the time")
for rho in (0.0, 0.5, 0.9):
    shared = rng.random(n_questions) < rho
    common = rng.random(n_questions) < p
    own = rng.random((n_questions, n_agents)) < p
    right = np.where(shared[:, None], common[:, None], own)
    vote = right.sum(axis=1) >= 3
    print(
        f"  correlation {rho:.1f}: one agent {right[:, 0].mean():.3f}, "
        f"vote {vote.mean():.3f}"
    )
# Condorcet's jury theorem for independent voters, as a check on rho = 0
exact = binom.sf(2, n_agents, p)
print(f"  independent voters, exact: {exact:.3f}")

# 2. Orchestrator-workers. A task has 6 constraints; the orchestrator hands them to 3
# workers in messages, and each handoff drops a constraint with probability q
# (information withheld or lost between agents). A verifier re-reads the original
# spec, sends back what is missing once, and misses a violation with probability 0.2.
n_tasks, q = 20_000, 0.05
dropped = rng.random((n_tasks, 6)) < q
unverified = ~dropped.any(axis=1)
# verification: each violation is caught with prob 0.8, then repaired (the repair
# handoff can drop it again)
caught = dropped & (rng.random((n_tasks, 6)) < 0.8)
still_missing = (dropped & ~caught) | (caught & (rng.random((n_tasks, 6)) < q))
verified = ~still_missing.any(axis=1)
print("orchestrator-workers, 6 constraints, 5% lost per handoff")
print(f"  all constraints met: no verifier {unverified.mean():.3f}, ", end="")
print(f"with a verifier {verified.mean():.3f}")
