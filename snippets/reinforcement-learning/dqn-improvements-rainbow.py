import numpy as np

rng = np.random.default_rng(0)
RUNS = 10  # independent runs, vectorised; the tables report their medians

# 1. Multi-step returns. A 20-state chain: "right" from the last state pays 1 and
# ends the episode, "left" moves back. A behaviour policy that steps left 10% of
# the time (epsilon-greedy with epsilon = 0.2) fills a replay buffer with 60
# episodes per run. Tabular Q-learning then replays minibatches of 32 with the
# uncorrected n-step target Rainbow uses and a target table synced every 50
# updates; the bootstrap can move the reward back at most n states per sync.
N, GAMMA, P_RIGHT, EPISODES = 20, 0.95, 0.9, 60
V_START = GAMMA ** (N - 1)  # optimal value of the start state


def episode():
    """One behaviour episode: lists of states, actions and rewards."""
    s, states, actions, rewards = 0, [], [], []
    while True:
        a = int(rng.random() < P_RIGHT)  # 1 = right, 0 = left
        states.append(s)
        actions.append(a)
        rewards.append(float(a == 1 and s == N - 1))
        if rewards[-1]:
            return states, actions, rewards
        s = min(s + 1, N - 1) if a else max(s - 1, 0)


def n_step_buffer(episodes, n):
    """(s, a, n-step return, state n steps later, gamma^n or 0 at the end)."""
    rows = []
    for states, actions, rewards in episodes:
        T = len(states)
        for t in range(T):
            m = min(n, T - t)
            ret = sum(GAMMA**k * rewards[t + k] for k in range(m))
            done = t + m == T
            nxt = 0 if done else states[t + m]
            rows.append((states[t], actions[t], ret, nxt, 0.0 if done else GAMMA**m))
    return np.array(rows)


buffers = [[episode() for _ in range(EPISODES)] for _ in range(RUNS)]
UPDATES, CHECKS = 3_000, [100, 200, 400, 800, 1600]
print("V(start) / V*(start) after k updates, median of 10 runs")
head = "".join(f"{c:>6}" for c in CHECKS)
print(f"{'n-step':>6} k={head[2:]} {'first >= 0.5':>13} {'last 1,000':>11}")
for n in [1, 3, 10]:
    per_run = [n_step_buffer(b, n) for b in buffers]
    sizes = np.array([len(b) for b in per_run])
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    s, a, ret, nxt, disc = np.concatenate(per_run).T
    s, a, nxt = s.astype(int), a.astype(int), nxt.astype(int)
    Q = np.zeros((RUNS, N, 2))
    Q_target = Q.copy()
    ratio = np.empty((UPDATES, RUNS))
    run = np.repeat(np.arange(RUNS), 32)
    for u in range(UPDATES):
        # 32 uniform draws from each run's own buffer
        idx = start[:, None] + (rng.random((RUNS, 32)) * sizes[:, None]).astype(int)
        i = idx.ravel()
        target = ret[i] + disc[i] * Q_target[run, nxt[i]].max(axis=1)
        np.add.at(Q, (run, s[i], a[i]), 0.1 * (target - Q[run, s[i], a[i]]))
        if (u + 1) % 50 == 0:
            Q_target = Q.copy()
        ratio[u] = Q[:, 0].max(axis=1) / V_START
    curve = np.median(ratio, axis=1)
    first = np.argmax(curve >= 0.5) + 1
    late = np.median(ratio[-1000:].mean(axis=0))
    row = "".join(f"{curve[c - 1]:>6.2f}" for c in CHECKS)
    print(f"{n:>6} {row} {first:>13} {late:>11.2f}")

# 2. Prioritised replay on a Blind Cliffwalk (after Schaul et al., 2016): n states,
# "right" moves on (from the last state it pays 1), "wrong" ends the episode with 0.
# The buffer holds every action sequence a random agent can run, so state i has
# 2^(n-1-i) copies of each action and one transition in 2^(n+1) - 2 carries the
# reward. Tabular Q-learning, step size 0.5, one transition per update; we count
# updates until the mean squared error of Q is below 0.1% of its starting value.
# Priorities |TD error| + 0.001 are kept current for the whole buffer, which a
# table allows; a real buffer updates only the transitions it replays.


def cliffwalk_updates(n, alpha, max_updates=60_000):
    gamma = 1 - 1 / n
    state = np.repeat(np.arange(n), 2)
    right = np.tile([False, True], n)
    copies = 2.0 ** (n - 1 - state)
    reward = (right & (state == n - 1)).astype(float)
    nxt = np.where(right & (state < n - 1), state + 1, -1)  # -1: the episode ends
    q_star = np.where(right, gamma ** (n - 1 - state), 0.0)
    q = np.zeros((RUNS, 2 * n))
    done = np.full(RUNS, max_updates)
    mse0 = np.mean(q_star**2)
    rows = np.arange(RUNS)
    for u in range(1, max_updates + 1):
        q_next = q.reshape(RUNS, n, 2).max(axis=2)[:, np.maximum(nxt, 0)]
        td = reward + gamma * np.where(nxt >= 0, q_next, 0.0) - q
        weight = copies * (np.abs(td) + 1e-3) ** alpha  # alpha = 0 is uniform
        cum = np.cumsum(weight, axis=1)
        pick = (cum < rng.random((RUNS, 1)) * cum[:, -1:]).sum(axis=1)
        q[rows, pick] += 0.5 * td[rows, pick]
        solved = np.mean((q - q_star) ** 2, axis=1) < 1e-3 * mse0
        done = np.where(solved & (done == max_updates), u, done)
        # the median of 10 runs is fixed once 6 have finished
        if (done < max_updates).sum() > RUNS // 2:
            break
    return int(np.median(done))


print("\nBlind Cliffwalk, median updates to MSE < 0.1% of the start")
print(f"{'states':>6} {'buffer':>7} {'uniform':>8} {'PER a=0.6':>10} {'PER a=1':>8}")
for n in [6, 8, 10]:
    cells = [cliffwalk_updates(n, alpha) for alpha in [0.0, 0.6, 1.0]]
    print(f"{n:>6} {2 ** (n + 1) - 2:>7}" + "".join(f"{c:>9}" for c in cells))

# 3. Why importance sampling. One state-action, 100 stored rewards: ten of 10 and
# ninety of 0, so its true value is 1. Prioritising by |TD error| replays the rare
# large rewards too often and biases the fixed point; IS weights (N P(i))^-beta,
# divided by their maximum, undo it at beta = 1 (Rainbow anneals 0.4 to 1).
rewards = np.r_[np.full(10, 10.0), np.zeros(90)]


def expected_update(q, alpha, beta):
    td = rewards - q
    p = (np.abs(td) + 1e-3) ** alpha
    p /= p.sum()
    w = (len(rewards) * p) ** -beta
    return np.sum(p * w / w.max() * td)


def fixed_point(alpha, beta):
    lo, hi = 0.0, 10.0  # the expected update is decreasing in q: bisect for zero
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected_update(mid, alpha, beta) > 0 else (lo, mid)
    return mid


def replayed_estimate(alpha, beta, steps=4_000):
    q, trace = np.zeros(RUNS), np.empty((steps, RUNS))
    rows = np.arange(RUNS)
    for t in range(steps):
        td = rewards - q[:, None]
        p = (np.abs(td) + 1e-3) ** alpha
        p /= p.sum(axis=1, keepdims=True)
        pick = (np.cumsum(p, axis=1) < rng.random((RUNS, 1))).sum(axis=1)
        w = (len(rewards) * p) ** -beta
        w = w[rows, pick] / w.max(axis=1)
        q += 0.02 * w * td[rows, pick]
        trace[t] = q
    return trace[steps // 2 :].mean()


print("\nQ of a reward worth 1 on average   replayed   fixed point")
for name, alpha, beta in [
    ("uniform replay", 0.0, 0.0),
    ("PER alpha=0.6, no IS", 0.6, 0.0),
    ("PER alpha=0.6, beta=0.4", 0.6, 0.4),
    ("PER alpha=0.6, beta=1", 0.6, 1.0),
]:
    estimate = replayed_estimate(alpha, beta)
    print(f"{name:<34}{estimate:>9.2f}{fixed_point(alpha, beta):>14.2f}")
