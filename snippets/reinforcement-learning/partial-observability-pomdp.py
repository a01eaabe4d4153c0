import itertools

import numpy as np

EPISODES = 100_000
rng = np.random.default_rng(0)


def bayes_filter(belief, trans, obs_likelihood):
    """b'(s') proportional to O(o | s', a) * sum_s T(s' | s, a) b(s), row by row."""
    posterior = (belief @ trans) * obs_likelihood
    return posterior / posterior.sum(axis=-1, keepdims=True)


def row(name, exact, returns=None, steps=None, eaten=None):
    text = f"{name:<36}" + (f"{exact:7.3f}" if np.isfinite(exact) else " never ends")
    if returns is not None:
        se = returns.std() / np.sqrt(EPISODES)
        text += f" {returns.mean():8.2f} ({se:.2f}) {steps.mean():7.2f}"
    if eaten is not None:
        text += f" {eaten.mean():8.1%}"
    print(text)


# Part 1. Sutton and Barto's short corridor (Example 13.1): cells 0, 1, 2, then the
# goal (3); -1 per step; in cell 1 left and right are swapped. All cells look the same.
LEFT, RIGHT = 0, 1
MOVE = np.array([[0, 1], [2, 0], [1, 3]])


def corridor_value(p_right):
    """Exact expected return from cell 0 when every step goes right w.p. p_right."""
    trans = np.zeros((3, 3))
    for cell, action in itertools.product(range(3), (LEFT, RIGHT)):
        if MOVE[cell, action] < 3:
            trans[cell, MOVE[cell, action]] += p_right if action else 1 - p_right
    return np.linalg.solve(np.eye(3) - trans, -np.ones(3))[0]


def corridor_episodes(p_right):
    cell, steps = np.zeros(EPISODES, int), np.zeros(EPISODES)
    while (active := cell < 3).any():
        action = (rng.random(active.sum()) < p_right).astype(int)
        cell[active] = MOVE[cell[active], action]
        steps[active] += 1
    return -steps, steps


print("short corridor                        exact  simulated (se)   steps")
for action in (LEFT, RIGHT):
    # A deterministic memoryless policy repeats one action: it loops forever.
    cell = 0
    for _ in range(10):
        cell = MOVE[cell, action] if cell < 3 else 3
    row(f"(a) always {('left', 'right')[action]}", -np.inf if cell < 3 else 0.0)
p_grid = np.arange(1, 100) / 100
best_p = p_grid[np.argmax([corridor_value(p) for p in p_grid])]
row(
    f"(b) stochastic, P(right) = {best_p:.2f}",
    corridor_value(best_p),
    *corridor_episodes(best_p),
)

# (d) With a known start and deterministic moves the belief stays on one cell, so the
# MDP's optimal action for that cell is the belief policy. (e) The MDP itself.
mdp_action = np.array([RIGHT, LEFT, RIGHT])
trans = np.zeros((2, 4, 4))
for cell, action in itertools.product(range(3), (LEFT, RIGHT)):
    trans[action, cell, MOVE[cell, action]] = 1
trans[:, 3, 3] = 1
belief, steps = np.array([1.0, 0, 0, 0]), 0
while belief[3] < 1:
    action = mdp_action[belief[:3].argmax()]
    # Every cell gives the same observation: the likelihood is flat.
    belief = bayes_filter(belief, trans[action], np.ones(4))
    steps += 1
row("(d) belief state", -steps, np.full(EPISODES, -steps), np.full(EPISODES, steps))
row("(e) fully observed MDP", -3.0)

# Part 2. The tiger problem's numbers (Kaelbling, Littman, Cassandra 1998) as one
# episode: listening costs 1 and hears the right side w.p. 0.85; opening a door ends
# the episode with +10 (treasure) or -100 (tiger). No discount. State 0: tiger left.
LISTEN, OPEN_LEFT, OPEN_RIGHT = 0, 1, 2
HEARD_LEFT, HEARD_RIGHT, NOTHING_YET = 0, 1, 2
REWARD = np.array([[-1.0, -100.0, 10.0], [-1.0, 10.0, -100.0]])
OBS = np.array([[0.85, 0.15], [0.15, 0.85]])


def windows(k):
    """Frame stacks: the last k observations, padded with NOTHING_YET at the start."""
    stacks = [
        (NOTHING_YET,) * (k - t) + heard
        for t in range(k + 1)
        for heard in itertools.product((HEARD_LEFT, HEARD_RIGHT), repeat=t)
    ]
    index = {w: i for i, w in enumerate(stacks)}
    return stacks, np.array([[index[w[1:] + (o,)] for o in (0, 1)] for w in stacks])


def evaluate(k, policies):
    """Exact expected return and listens of stack policies, shape (M, stacks, 3);
    -inf for a policy that can reach stacks from which it never opens a door."""
    stacks, nxt = windows(k)
    n, m = len(stacks), len(policies)
    listens, stops = policies[..., LISTEN] > 0, policies[..., LISTEN] < 1
    reach, can_stop = np.zeros((m, n), bool), stops.copy()
    reach[:, 0] = True
    for _ in range(n):
        can_stop |= listens & can_stop[:, nxt].any(-1)
        rows, cols = np.nonzero(reach & listens)
        for o in (0, 1):
            reach[rows, nxt[cols, o]] = True
    ends = ~(reach & ~can_stop).any(-1)
    value, n_listens = np.full(m, -np.inf), np.full(m, np.inf)
    value[ends], n_listens[ends] = 0, 0
    pol = policies[ends]
    for tiger in (0, 1):
        trans = np.zeros((len(pol), n, n))
        for o in (0, 1):
            prob = pol[..., LISTEN] * OBS[tiger, o] * reach[ends]
            np.add.at(trans, (slice(None), np.arange(n), nxt[:, o]), prob)
        system = np.eye(n) - trans
        rhs = np.stack([pol @ REWARD[tiger], pol[..., LISTEN]], axis=-1)
        solution = np.linalg.solve(system, rhs)[:, 0]
        value[ends] += solution[:, 0] / 2
        n_listens[ends] += solution[:, 1] / 2
    return value, n_listens


def mirror(stack):
    return tuple(1 - o if o != NOTHING_YET else o for o in stack)


def best_deterministic(k, symmetric):
    stacks, _ = windows(k)
    if symmetric:
        # One action per mirror pair of stacks, the mirrored action for its twin.
        pairs = [w for w in stacks if w < mirror(w)]
        tables = []
        for acts in itertools.product(range(3), repeat=len(pairs)):
            table = dict.fromkeys(stacks, LISTEN)
            for w, a in zip(pairs, acts):
                table[w], table[mirror(w)] = a, (0, 2, 1)[a]
            tables.append([table[w] for w in stacks])
    else:
        tables = list(itertools.product(range(3), repeat=len(stacks)))
    policies = np.eye(3)[np.array(tables)]
    value, _ = evaluate(k, policies)
    best = np.argmax(np.round(value, 9))
    return policies[best], value[best], len(tables)


def opens_when_stack_agrees(k, policy):
    """True if the policy opens exactly when all k observations name the same side."""
    stacks, _ = windows(k)
    want = [
        OPEN_RIGHT if w == (0,) * k else OPEN_LEFT if w == (1,) * k else LISTEN
        for w in stacks
    ]
    return bool((policy.argmax(1) == want).all())


def tiger_episodes(choose_action, update_memory, memory):
    """Simulate EPISODES tiger episodes; returns (returns, listens, eaten)."""
    tiger = rng.integers(0, 2, EPISODES)
    returns, listens = np.zeros(EPISODES), np.zeros(EPISODES)
    active = np.ones(EPISODES, bool)
    while active.any():
        idx = np.nonzero(active)[0]
        action = choose_action(memory[idx])
        returns[idx] += REWARD[tiger[idx], action]
        heard = np.where(rng.random(len(idx)) < 0.85, tiger[idx], 1 - tiger[idx])
        listening = action == LISTEN
        memory[idx[listening]] = update_memory(memory[idx[listening]], heard[listening])
        listens[idx[listening]] += 1
        active[idx[~listening]] = False
    return returns, listens, returns < -50


def stack_episodes(k, policy):
    _, nxt = windows(k)

    def choose(stack_ids):
        u = rng.random(len(stack_ids))[:, None]
        return (u > policy[stack_ids].cumsum(-1)).sum(-1)

    return tiger_episodes(choose, lambda w, o: nxt[w, o], np.zeros(EPISODES, int))


def q_learning(k, seed, episodes=20_000, epsilon=0.1):
    """Tabular Q-learning that treats the frame stack as if it were the state."""
    stacks, nxt = windows(k)
    q, visits = np.zeros((len(stacks), 3)), np.zeros((len(stacks), 3))
    r = np.random.default_rng(seed)
    for _ in range(episodes):
        tiger, w = r.integers(2), 0
        while True:
            a = int(r.integers(3)) if r.random() < epsilon else int(q[w].argmax())
            visits[w, a] += 1
            step = visits[w, a] ** -0.7
            if a != LISTEN:
                q[w, a] += step * (REWARD[tiger, a] - q[w, a])
                break
            w_next = nxt[w, tiger if r.random() < 0.85 else 1 - tiger]
            q[w, a] += step * (-1 + q[w_next].max() - q[w, a])
            w = w_next
    return np.eye(3)[q.argmax(1)]


print()
print("tiger                                 exact  simulated (se) listens  tiger door")
policy, value, n_deterministic = best_deterministic(1, symmetric=False)
row("(a) deterministic, last observation", value, *stack_episodes(1, policy))

# (b) Every stochastic policy on the last observation, on a 0.1 grid of the simplex.
simplex = np.array([p for p in itertools.product(range(11), repeat=3) if sum(p) == 10])
choices = np.array(list(itertools.product(range(len(simplex)), repeat=3)))
stochastic = simplex[choices] / 10
value, _ = evaluate(1, stochastic)
best = np.argmax(np.round(value, 9))
row(
    "(b) stochastic, last observation",
    value[best],
    *stack_episodes(1, stochastic[best]),
)

found, agrees = [], []
for k in (1, 2, 3):
    # k = 3 has 3^15 deterministic policies: search the left-right symmetric ones.
    policy, value, _ = best_deterministic(k, symmetric=k == 3)
    learned = [evaluate(k, q_learning(k, seed)[None])[0][0] for seed in range(5)]
    found.append(f"{np.isclose(learned, value).sum()}/5")
    agrees.append(str(opens_when_stack_agrees(k, policy)))
    row(
        f"(c) stack of last {k} observation{'s' * (k > 1)}",
        value,
        *stack_episodes(k, policy),
    )

# (d) Value iteration over a 1,001-point grid of beliefs b = P(tiger left); the value
# after listening is interpolated between grid points.
grid = np.linspace(0, 1, 1001)


def q_values(b_left, v):
    b = np.stack([b_left, 1 - b_left], axis=-1)
    p_heard = b @ OBS
    after = [bayes_filter(b, np.eye(2), OBS[:, o])[..., 0] for o in (0, 1)]
    listen = -1 + sum(p_heard[..., o] * np.interp(after[o], grid, v) for o in (0, 1))
    return np.concatenate([listen[..., None], b @ REWARD[:, 1:]], axis=-1)


v = q_values(grid, np.zeros_like(grid))[:, 1:].max(1)
for _ in range(10_000):
    v_new = q_values(grid, v).max(1)
    if np.abs(v_new - v).max() < 1e-12:
        break
    v = v_new

returns, listens, eaten = tiger_episodes(
    lambda b: q_values(b[:, 0], v).argmax(1),
    lambda b, o: bayes_filter(b, np.eye(2), OBS[:, o].T),
    np.full((EPISODES, 2), 0.5),
)
# After listening, the belief depends only on d = (# heard left) - (# heard right).
d = np.arange(8)
b_of_d = 0.85**d / (0.85**d + 0.15**d)
threshold = d[q_values(b_of_d, v).argmax(1) != LISTEN][0]
# Exact return of "listen until |d| = threshold": a random walk on d.
inner = np.arange(-threshold + 1, threshold)
walk, gain = np.zeros((len(inner), len(inner))), -np.ones(len(inner))
for i, di in enumerate(inner):
    for move, prob in ((1, 0.85), (-1, 0.15)):
        if abs(di + move) < threshold:
            walk[i, i + move] = prob
        else:
            gain[i] += prob * (10 if di + move > 0 else -100)
exact = np.linalg.solve(np.eye(len(inner)) - walk, gain)[threshold - 1]
row("(d) belief state, value iteration", exact, returns, listens, eaten)
row(
    "(e) fully observed MDP",
    10.0,
    np.full(EPISODES, 10.0),
    np.zeros(EPISODES),
    np.zeros(EPISODES),
)

print(
    f"(a) best of {n_deterministic} policies; (b) best of {len(stochastic):,} "
    f"on a 0.1 grid (deterministic: {stochastic[best].max() == 1})"
)
print(f"(c) opens only when the whole stack agrees, k=1..3: {', '.join(agrees)}")
print(
    f"    Q-learning on the stack finds that policy, k=1..3: {', '.join(found)} seeds"
)
print(
    f"(d) grid value V(0.5) = {np.interp(0.5, grid, v):.3f}; opens at |d| = "
    f"{threshold}, belief {b_of_d[threshold]:.4f} (|d| = {threshold - 1}: "
    f"{b_of_d[threshold - 1]:.4f})"
)
shares = [np.mean(listens == n) for n in (3, 5)] + [np.mean(listens >= 7)]
print(
    f"    listens before opening: 3 in {shares[0]:.1%}, 5 in {shares[1]:.1%}, "
    f"7 or more in {shares[2]:.1%}"
)
