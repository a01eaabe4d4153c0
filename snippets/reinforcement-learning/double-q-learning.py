import numpy as np

# Sutton & Barto's Example 6.7. From A, "right" ends the episode with reward 0; "left"
# goes to B (reward 0), where each of 10 actions ends it with reward ~ N(-0.1, 1).
# Going left is worse in expectation (-0.1 < 0), but max over 10 noisy estimates in B
# is positive early on, so Q-learning is drawn left. 2000 runs, vectorised.
RUNS, EPISODES, N_B, EPS, ALPHA = 2_000, 300, 10, 0.1, 0.1
rows = np.arange(RUNS)


def eps_greedy(values, rng):
    greedy = np.argmax(values + 1e-9 * rng.random(values.shape), axis=1)
    explore = rng.random(len(values)) < EPS
    return np.where(explore, rng.integers(values.shape[1], size=len(values)), greedy)


def run(double, seed=0):
    rng = np.random.default_rng(seed)
    # Two independent estimates for Double Q-learning; Q-learning uses only QA1, QB1.
    QA1, QA2 = np.zeros((RUNS, 2)), np.zeros((RUNS, 2))
    QB1, QB2 = np.zeros((RUNS, N_B)), np.zeros((RUNS, N_B))
    left_rate = np.empty(EPISODES)
    for ep in range(EPISODES):
        a = eps_greedy(QA1 + QA2 if double else QA1, rng)  # 0 = left, 1 = right
        left_rate[ep] = np.mean(a == 0)
        b = eps_greedy(QB1 + QB2 if double else QB1, rng)
        r = rng.normal(-0.1, 1.0, RUNS)
        # Which of the two tables to update this step (Double Q-learning only).
        first = rng.random(RUNS) < 0.5 if double else np.ones(RUNS, bool)
        left = a == 0
        for Qa, Qb, Qb_other, mask in [
            (QA1, QB1, QB2, first),
            (QA2, QB2, QB1, ~first),
        ]:
            if double:
                # Select the best B action with one table, evaluate it with the other.
                best = Qb.argmax(axis=1)
                target_left = Qb_other[rows, best]
            else:
                target_left = Qb.max(axis=1)
            target = np.where(left, target_left, 0.0)
            m = mask
            Qa[rows[m], a[m]] += ALPHA * (target[m] - Qa[rows[m], a[m]])
            # Episodes that went left also update the action taken in B (terminal).
            m = mask & left
            Qb[rows[m], b[m]] += ALPHA * (r[m] - Qb[rows[m], b[m]])
            if not double:
                break
    return left_rate


windows = {
    "1-10": (0, 10),
    "11-50": (10, 50),
    "51-100": (50, 100),
    "291-300": (290, 300),
}
print(f"{'% of runs going left, episodes':<32}" + "".join(f"{w:>9}" for w in windows))
for name, double in [("Q-learning", False), ("Double Q-learning", True)]:
    rate = run(double)
    print(
        f"{name:<32}"
        + "".join(f"{rate[i:j].mean():>9.1%}" for i, j in windows.values())
    )
print(f"{'optimal with eps=0.1':<32}" + f"{EPS / 2:>9.1%}" * len(windows))
