import gymnasium as gym
import numpy as np

# CliffWalking-v1: 4x12 grid, start bottom-left, goal bottom-right, -1 per step, -100
# and
# back to start for stepping into the cliff between them. Sutton & Barto's Example 6.6
# settings: epsilon=0.1, alpha=0.5, 500 episodes; 10 seeds per method.
env = gym.make("CliffWalking-v1")
nS, nA = env.observation_space.n, env.action_space.n
ALPHA, EPISODES, SEEDS = 0.5, 500, 10
# The grid is deterministic: env.unwrapped.P[s][a] lists one transition (probability
# 1, next state, reward, terminated), so training reads it directly: the same
# dynamics as env.step, without the per-step overhead of the wrappers (there is no
# time limit, so no episode is truncated).
STEP = [[env.unwrapped.P[s][a][0][1:] for a in range(nA)] for s in range(nS)]
START, _ = env.reset(seed=0)


def eps_greedy(Q, s, eps, rng):
    if rng.random() < eps:
        return int(rng.integers(nA))
    # Break ties uniformly at random.
    q = Q[s]
    best = q.max()
    ties = [a for a in range(nA) if q[a] == best]
    return ties[rng.integers(len(ties))]


def train(method, seed, decay=False):
    rng, Q, returns = np.random.default_rng(seed), np.zeros((nS, nA)), []
    for ep in range(EPISODES):
        # Fixed epsilon 0.1, or decayed linearly to 0 (a GLIE schedule).
        eps = 0.1 * (1 - ep / (EPISODES - 1)) if decay else 0.1
        s = START
        a, G, done = eps_greedy(Q, s, eps, rng), 0, False
        while not done:
            s2, r, terminated = STEP[s][a]
            a2 = eps_greedy(Q, s2, eps, rng)
            # SARSA (on-policy) bootstraps on the action the behaviour policy takes
            # next; Q-learning (off-policy) on the greedy action, whatever comes next.
            nxt = Q[s2, a2] if method == "SARSA" else Q[s2].max()
            Q[s, a] += ALPHA * (r + nxt * (not terminated) - Q[s, a])
            s, a, G, done = s2, a2, G + r, terminated
        returns.append(G)
    return Q, np.array(returns)


def greedy_route(Q):
    """Follow argmax Q from the start: 'cliff edge', 'safe' or 'loops' (no goal)."""
    s, _ = env.reset(seed=0)
    rows = []
    for _ in range(100):
        s, r, terminated, _, _ = env.step(int(Q[s].argmax()))
        rows.append(s // 12)
        if terminated:
            # Row 2 is the row right above the cliff.
            return "cliff edge" if 2 in rows[1:-1] and len(rows) == 13 else "safe"
    return "loops"


print(f"{'':<18}{'return, last 100 episodes':>26}   greedy route over {SEEDS} seeds")
for method, decay in [
    ("SARSA", False),
    ("Q-learning", False),
    ("SARSA", True),
    ("Q-learning", True),
]:
    online, routes = [], []
    for seed in range(SEEDS):
        Q, returns = train(method, seed, decay)
        # Mean return of the last 100 training episodes, exploration included.
        online.append(returns[-100:].mean())
        routes.append(greedy_route(Q))
    name = method + (", eps -> 0" if decay else ", eps 0.1")
    counts = ", ".join(
        f"{k} {routes.count(k)}" for k in ["cliff edge", "safe", "loops"]
    )
    print(f"{name:<18}{np.mean(online):>26.1f}   {counts}")
