import numpy as np

# Sutton and Barto's Dyna maze (Figure 8.2): 6 x 9 grid, walls, reward 1 at the goal.
WALLS = {(1, 2), (2, 2), (3, 2), (4, 5), (0, 7), (1, 7), (2, 7)}
ROWS, COLS, START, GOAL = 6, 9, (2, 0), (0, 8)
MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]


def step(state, action):
    r, c = state[0] + MOVES[action][0], state[1] + MOVES[action][1]
    if not (0 <= r < ROWS and 0 <= c < COLS) or (r, c) in WALLS:
        r, c = state
    return (r, c), float((r, c) == GOAL)


def shortest_path():
    """Breadth-first search on the true maze: the optimal episode length."""
    frontier, dist = [START], {START: 0}
    while frontier:
        state = frontier.pop(0)
        for a in range(4):
            nxt, _ = step(state, a)
            if nxt not in dist:
                dist[nxt] = dist[state] + 1
                frontier.append(nxt)
    return dist[GOAL]


def dyna_q(planning_steps, seed, episodes=20, alpha=0.1, gamma=0.95, eps=0.1):
    rng = np.random.default_rng(seed)
    Q = np.zeros((ROWS, COLS, 4))
    model = {}  # learned model: (state, action) -> (next state, reward)
    lengths = []
    for _ in range(episodes):
        state, length = START, 0
        while state != GOAL:
            best = np.flatnonzero(Q[state] == Q[state].max())
            a = rng.integers(4) if rng.random() < eps else rng.choice(best)
            nxt, rew = step(state, a)
            Q[state][a] += alpha * (rew + gamma * Q[nxt].max() - Q[state][a])
            model[(state, a)] = (nxt, rew)
            # Planning: replay simulated transitions from the learned model.
            keys = list(model)
            for i in rng.integers(len(keys), size=planning_steps):
                (ps, pa), (pn, pr) = keys[i], model[keys[i]]
                Q[ps][pa] += alpha * (pr + gamma * Q[pn].max() - Q[ps][pa])
            state = nxt
            length += 1
        lengths.append(length)
    return lengths


print(f"shortest path: {shortest_path()} steps")
print(
    f"{'planning steps':>14} {'episode 1':>9} {'episode 2':>9} {'episodes 10-20':>14}"
)
for n in (0, 5, 50):
    runs = np.array([dyna_q(n, seed) for seed in range(5)])  # steps per episode
    print(
        f"{n:>14} {runs[:, 0].mean():>9.0f} {runs[:, 1].mean():>9.0f} "
        f"{runs[:, 9:].mean():>14.1f}"
    )
