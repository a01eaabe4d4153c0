import numpy as np

# A 7 x 9 grid world. S start, G goal, # wall. Reward 1 on reaching G (the
# episode ends there), 0 otherwise; gamma 0.99. The goal sits in a pocket that
# opens to the right, so heading straight for it from S leads into a dead end.
GRID = [
    ".........",
    ".........",
    "...####..",
    "S..#G....",
    "...####..",
    ".........",
    ".........",
]
GAMMA, ALPHA, EPS, HORIZON, EPISODES, RUNS = 0.99, 0.5, 0.1, 100, 300, 20
cells = [(r, c) for r, row in enumerate(GRID) for c, x in enumerate(row) if x != "#"]
idx = {rc: i for i, rc in enumerate(cells)}
S, G, N = idx[3, 0], idx[3, 4], len(cells)
# up, down, left, right; a move into a wall or off the grid stays put
MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]
nxt = np.array(
    [[idx.get((r + i, c + j), idx[r, c]) for i, j in MOVES] for r, c in cells]
)
done = nxt == G
R = done.astype(float)
# Manhattan distance to the goal (it ignores the walls)
d = np.array([abs(r - 3) + abs(c - 4) for r, c in cells], float)


def shaping(phi):
    """F(s, a, s') = gamma * phi(s') - phi(s); phi(terminal) = 0 by convention."""
    return GAMMA * np.where(done, 0.0, phi[nxt]) - phi[:, None]


def value_iteration(reward):
    Q = np.zeros((N, 4))
    for _ in range(20_000):
        Q_new = reward + GAMMA * np.where(done, 0.0, Q.max(1)[nxt])
        if np.abs(Q_new - Q).max() < 1e-12:
            break
        Q = Q_new
    Q[G] = 0.0
    return Q


def greedy_walk(Q, steps):
    """Follow argmax Q from S for some steps (Q has a leading axis of runs)."""
    runs = np.arange(len(Q))
    s = np.full(len(Q), S)
    for _ in range(steps):
        s = np.where(s == G, G, nxt[s, Q[runs, s].argmax(1)])
    return s


# Shortest path from S: 14 steps. "Near-optimal" = greedy path of at most 15.
# Potentials: 1 - 0.01 d is about V* (the goal's 1, less 1% a step); the others
# have the wrong offset, the wrong slope, or both.
phi_value = 1 - (1 - GAMMA) * d
phis = {
    "Phi = 1 - 0.01 d": phi_value,
    "Phi = -0.01 d": -(1 - GAMMA) * d,
    "Phi = -d": -d,
    "Phi = 10 - 0.1 d": 10 * phi_value,
}
rewards = {"sparse": R, "naive: +0.1 per step closer": R + 0.1 * (d[nxt] < d[:, None])}
rewards |= {name: R + shaping(phi) for name, phi in phis.items()}

# Exact optima (value iteration): is the optimal policy for each reward still
# optimal for the true, sparse reward?
Q_true = value_iteration(R)
is_opt = np.isclose(Q_true, Q_true.max(1, keepdims=True))
free = np.arange(N) != G
print("exact optimum under each reward (value iteration)")
print(f"{'reward':28} {'steps S to G':>12} {'wrong actions':>13} {'Q = Q* - Phi':>12}")
for name, rew in rewards.items():
    Q = value_iteration(rew)
    steps = next((k for k in range(60) if greedy_walk(Q[None], k)[0] == G), None)
    wrong = (~is_opt[np.arange(N), Q.argmax(1)])[free].sum()
    # the identity holds off the terminal state (the goal's Q is 0 by definition)
    if name in phis:
        check = np.allclose(Q[free], (Q_true - phis[name][:, None])[free])
    else:
        check = "-"
    print(f"{name:28} {steps or 'never':>12} {wrong:>13} {check!s:>12}")
    if steps is None:
        s = greedy_walk(Q[None], 200)[0]
        loop = cells[s], cells[nxt[s, Q[s].argmax()]]
        print(f"  greedy policy ends in a loop between {loop[0]} and {loop[1]}")


def q_learning(reward, Q0, seed=0):
    """RUNS independent epsilon-greedy Q-learners, side by side."""
    rng = np.random.default_rng(seed)
    runs = np.arange(RUNS)
    Q = np.repeat(Q0[None], RUNS, 0)
    first_goal = np.zeros(RUNS, int)
    first_good = np.zeros(RUNS, int)
    for episode in range(1, EPISODES + 1):
        s, live = np.full(RUNS, S), np.ones(RUNS, bool)
        for _ in range(HORIZON):
            q = Q[runs, s]
            # greedy, ties (to rounding) broken at random; random action w.p. EPS
            best = q >= q.max(1, keepdims=True) - 1e-9
            a = (best * rng.random((RUNS, 4))).argmax(1)
            a = np.where(rng.random(RUNS) < EPS, rng.integers(0, 4, RUNS), a)
            s2, end = nxt[s, a], done[s, a]
            target = reward[s, a] + GAMMA * np.where(end, 0.0, Q[runs, s2].max(1))
            i = (runs[live], s[live], a[live])
            Q[i] += ALPHA * (target - Q[runs, s, a])[live]
            first_goal[live & end & (first_goal == 0)] = episode
            live &= ~end
            s = s2
            if not live.any():
                break
        good = greedy_walk(Q, 15) == G
        first_good[good & (first_good == 0)] = episode
    optimal = greedy_walk(Q, 14) == G
    return first_goal, first_good, optimal, Q


def median_episode(first):
    m = np.median(np.where(first > 0, first, np.inf))
    return "never" if np.isinf(m) else f"{m:.0f}"


print(f"\nQ-learning, {RUNS} runs x {EPISODES} episodes (median over runs)")
print(
    f"{'reward':28} {'reach G':>7} {'episode':>7} {'near-opt':>8} {'episode':>7}"
    f" {'optimal at end':>14}"
)
zeros = np.zeros((N, 4))
for name, rew in rewards.items():
    goal, good, opt, Q = q_learning(rew, zeros)
    print(
        f"{name:28} {(goal > 0).sum():>4}/{RUNS} {median_episode(goal):>7}"
        f" {(good > 0).sum():>5}/{RUNS} {median_episode(good):>7}"
        f" {opt.sum():>11}/{RUNS}"
    )
    if name.startswith("naive"):
        # where do the learned greedy policies end up?
        end = greedy_walk(Q, 200)
        back = greedy_walk(Q, 202)
        at_wall = (end == back) & (
            (end == idx[3, 2]) | (greedy_walk(Q, 201) == idx[3, 2])
        )
        print(f"  runs looping between (3, 2) and a neighbour: {at_wall.sum()}/{RUNS}")

# Wiewiora (2003): shaping with Phi from Q = 0 learns exactly like no shaping
# from Q = Phi(s). Same random numbers, so the runs should match step for step.
a = q_learning(rewards["Phi = 1 - 0.01 d"], zeros)
b = q_learning(R, np.repeat(phi_value[:, None], 4, 1))
same = all(np.array_equal(x, y) for x, y in zip(a[:3], b[:3]))
offset = np.allclose(a[3][:, free], (b[3] - phi_value[:, None])[:, free])
print(f"\nPhi shaping from Q=0 == no shaping from Q=Phi(s), run for run: {same}")
print(f"final Q-tables differ by exactly Phi(s): {offset}")
