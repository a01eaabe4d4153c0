import gymnasium as gym
import numpy as np

# FrozenLake-v1: 4x4 slippery ice (the agent moves in the intended direction only 1/3 of
# the time), reward 1 on reaching the goal and 0 on every other step, 100-step limit.
env = gym.make("FrozenLake-v1")
n_states, n_actions = env.observation_space.n, env.action_space.n
rng = np.random.default_rng(0)


def success_rate(policy, episodes=2000, seed=1):
    """Fraction of episodes that reach the goal; policy None means uniform random."""
    wins, act = 0, np.random.default_rng(seed)
    for i in range(episodes):
        s, _ = env.reset(seed=seed + i)
        done = False
        while not done:
            a = act.integers(n_actions) if policy is None else policy[s]
            s, r, terminated, truncated, _ = env.step(int(a))
            done = terminated or truncated
        wins += r
    return wins / episodes


# 1. Logged data from a random policy: 20,000 (state, action, reward) records.
log, s = [], env.reset(seed=0)[0]
for _ in range(20_000):
    a = int(rng.integers(n_actions))
    s2, r, terminated, truncated, _ = env.step(a)
    log.append((s, a, r))
    s = env.reset()[0] if terminated or truncated else s2
S, A, R = (np.array(col) for col in zip(*log))

# 2. "Supervised": regress the immediate reward on (state, action), act greedily on it.
# The table of means is the least-squares optimum for a one-hot (s, a) model.
r_hat = np.zeros((n_states, n_actions))
np.add.at(r_hat, (S, A), R)
r_hat /= np.maximum(np.bincount(S * n_actions + A, minlength=r_hat.size), 1).reshape(
    r_hat.shape
)
supervised_policy = r_hat.argmax(axis=1)

# 3. Tabular Q-learning from interaction: the target bootstraps on max_a' Q(s', a'),
# so the goal's reward propagates back to states many steps away.
Q = np.zeros((n_states, n_actions))
alpha, gamma, episodes, steps = 0.1, 0.99, 10_000, 0
for ep in range(episodes):
    eps = max(0.05, 1 - ep / (0.8 * episodes))
    s, _ = env.reset(seed=10_000 + ep)
    done = False
    while not done:
        if rng.random() < eps:
            a = int(rng.integers(n_actions))
        else:
            a = int(rng.choice(np.flatnonzero(Q[s] == Q[s].max())))
        s2, r, terminated, truncated, _ = env.step(a)
        target = r + gamma * Q[s2].max() * (not terminated)
        Q[s, a] += alpha * (target - Q[s, a])
        s, done, steps = s2, terminated or truncated, steps + 1

# 4. Supervised learning WITH labels of the optimal action per state (computed here by
# value iteration on the known model): what you could do if an expert gave the answers.
P = env.unwrapped.P
V = np.zeros(n_states)
for _ in range(2000):
    Q_star = np.array(
        [
            [
                sum(p * (r + gamma * V[s2] * (not t)) for p, s2, r, t in P[s][a])
                for a in P[s]
            ]
            for s in range(n_states)
        ]
    )
    V = Q_star.max(axis=1)
labels = Q_star.argmax(axis=1)

rows = [
    ("uniform random actions", None),
    ("supervised: predict immediate reward", supervised_policy),
    ("Q-learning, 10k episodes, no labels", Q.argmax(axis=1)),
    ("imitate optimal-action labels", labels),
]
print(f"{'policy':<38} success rate")
for name, policy in rows:
    print(f"{name:<38} {success_rate(policy):.3f}")
print(f"nonzero rewards in the log: {int(R.sum())} of {len(R)}")
print(f"environment steps Q-learning used: {steps}")
