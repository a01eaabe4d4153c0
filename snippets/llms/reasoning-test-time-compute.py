import numpy as np

rng = np.random.default_rng(0)
# 2,000 synthetic problems. A sampled solution is right with a problem-specific
# probability q (hard problems have small q); a wrong one lands on one of 20 wrong
# answers, with a skewed spread so that some wrong answers are popular.
n_problems, n_max = 2000, 64
q = rng.beta(0.6, 1.2, n_problems)  # mean single-sample accuracy about 0.33
wrong_p = rng.dirichlet(np.full(20, 0.3), n_problems)
right = rng.random((n_problems, n_max)) < q[:, None]
wrong_answer = np.array([rng.choice(20, n_max, p=w) for w in wrong_p]) + 1
answer = np.where(right, 0, wrong_answer)  # 0 is the correct answer
# A learned outcome reward model: higher scores for right answers on average, plus
# noise, plus a rare large error it can be exploited through (reward hacking).
score = 1.0 * right + rng.normal(0, 0.6, right.shape)
score += 3.0 * (~right & (rng.random(right.shape) < 0.01))


def majority(a):
    counts = np.bincount(a, minlength=21)
    return counts.argmax() == 0


print("samples N  pass@N (perfect verifier)  best-of-N by ORM  majority vote")
for n in (1, 4, 16, 64):
    coverage = right[:, :n].any(axis=1).mean()
    best = right[np.arange(n_problems), score[:, :n].argmax(axis=1)].mean()
    vote = np.mean([majority(a[:n]) for a in answer])
    print(f"{n:9d}  {coverage:25.3f}  {best:16.3f}  {vote:13.3f}")

# Process vs outcome supervision: 6-step solutions with one final answer out of 4
# choices. A flawed chain still hits the right choice a quarter of the time, so an
# outcome label rewards it; a process label marks the first wrong step.
steps, n_sol = 6, 100_000
step_ok = rng.random((n_sol, steps)) < 0.9
chain_ok = step_ok.all(axis=1)
final_right = chain_ok | (rng.random(n_sol) < 0.25)
flawed_share = np.mean(~chain_ok[final_right])
print(f"solutions with a right final answer but a wrong step: {flawed_share:.2f}")
print("outcome label for them: correct; process label: wrong from the first bad step")
