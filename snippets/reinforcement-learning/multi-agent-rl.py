import numpy as np

# Part 1: the climbing game (Claus and Boutilier 1998), a cooperative matrix game.
# Both agents receive R[a1, a2]; the optimum (0, 0) pays 11 but sits next to -30.
R = np.array([[11.0, -30.0, 0.0], [-30.0, 7.0, 6.0], [0.0, 0.0, 5.0]])
STEPS, ALPHA, SEEDS = 3000, 0.1, 100


def epsilon(t):
    # exploration decays from 1.0 to 0.05 over the first half of training
    return max(0.05, 1.0 - t / (STEPS / 2))


def pick(q, eps, rng):
    # epsilon-greedy for all seeds at once; ties broken at random
    n_seeds, n_actions = q.shape
    ties = (q == q.max(axis=1, keepdims=True)) * rng.random(q.shape)
    greedy = ties.argmax(axis=1)
    explore = rng.random(n_seeds) < eps
    return np.where(explore, rng.integers(n_actions, size=n_seeds), greedy)


def independent(optimistic, rng):
    # each agent keeps Q over its own 3 actions and treats the other as noise;
    # optimistic = distributed Q-learning (Lauer and Riedmiller 2000): keep the max
    q1, q2 = np.zeros((SEEDS, 3)), np.zeros((SEEDS, 3))
    rows = np.arange(SEEDS)
    for t in range(STEPS):
        a1, a2 = pick(q1, epsilon(t), rng), pick(q2, epsilon(t), rng)
        r = R[a1, a2]
        for q, a in ((q1, a1), (q2, a2)):
            if optimistic:
                q[rows, a] = np.maximum(q[rows, a], r)
            else:
                q[rows, a] += ALPHA * (r - q[rows, a])
    return q1.argmax(axis=1), q2.argmax(axis=1)


def joint(rng):
    # a centralised learner: one Q over the 9 joint actions
    q = np.zeros((SEEDS, 9))
    rows = np.arange(SEEDS)
    for t in range(STEPS):
        a = pick(q, epsilon(t), rng)
        q[rows, a] += ALPHA * (R.flat[a] - q[rows, a])
    return np.divmod(q.argmax(axis=1), 3)


print("climbing game, 100 seeds   optimal (0,0)   most common result (seeds)")
learners = {
    "independent Q-learners": lambda rng: independent(False, rng),
    "optimistic independent": lambda rng: independent(True, rng),
    "joint-action learner": joint,
}
for name, run in learners.items():
    # 100 independent runs, vectorised: one row of each Q table per seed
    b1, b2 = run(np.random.default_rng(0))
    share = np.mean((b1 == 0) & (b2 == 0))
    pairs, counts = np.unique(b1 * 3 + b2, return_counts=True)
    top1, top2 = divmod(int(pairs[counts.argmax()]), 3)
    n_top = counts.max()
    print(
        f"{name:24s}{share:14.3f}   ({top1},{top2}) pays {R[top1, top2]:.0f} ({n_top})"
    )

# Part 2: rock-paper-scissors, zero-sum; the Nash equilibrium is (1/3, 1/3, 1/3).
A = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
NASH = np.full(3, 1 / 3)
LR, T = 0.1, 10000
CHECK = [10, 100, 1000, 10000]
x, y = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.5, 0.3])
x_sum = np.zeros(3)
# fictitious play: best-respond to the empirical counts of the opponent's actions
fx, fy = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
rows = []
for t in range(1, T + 1):
    # simultaneous gradient ascent on each player's own payoff (multiplicative
    # weights, which keeps the strategies on the simplex)
    x, y = x * np.exp(LR * (A @ y)), y * np.exp(-LR * (A.T @ x))
    x, y = x / x.sum(), y / y.sum()
    x_sum += x
    bx, by = np.argmax(A @ fy), np.argmax(-A.T @ fx)
    fx[bx] += 1
    fy[by] += 1
    if t in CHECK:
        fp = fx / fx.sum()
        rows.append((t, *(np.linalg.norm(v - NASH) for v in (x, x_sum / t, fp))))
print("\nrock-paper-scissors, L2 distance of player 1's strategy to Nash")
print("iteration   gradient last   gradient average   fictitious play average")
for t, d_last, d_avg, d_fp in rows:
    print(f"{t:9d}{d_last:16.3f}{d_avg:19.3f}{d_fp:26.3f}")

# best response to the opponent's current action only: a cycle, never Nash
b1, b2, seq = 0, 1, []
for _ in range(12):
    b1, b2 = int(np.argmax(A[:, b2])), int(np.argmax(-A[b1]))
    seq.append("RPS"[b1] + "RPS"[b2])
print("best response to the current action:", " ".join(seq))
print(
    f"distance to Nash of any pure strategy: {np.linalg.norm(np.eye(3)[0] - NASH):.3f}"
)
