import gymnasium as gym
import numpy as np

env = gym.make("FrozenLake-v1")
nS, nA = 16, 4
P, R = np.zeros((nS, nA, nS)), np.zeros((nS, nA))
for s in range(nS):
    for a in range(nA):
        for p, s2, r, _ in env.unwrapped.P[s][a]:
            P[s, a, s2] += p
            R[s, a] += p * r
desc = env.unwrapped.desc.flatten()
goal = int(np.flatnonzero(desc == b"G")[0])
holes = np.flatnonzero(desc == b"H").tolist()


def value_iteration(gamma, tol=1e-10):
    """Return the greedy policy and the number of sweeps until V moves less than tol."""
    V, sweeps = np.zeros(nS), 0
    while True:
        sweeps += 1
        V_new = (R + gamma * P @ V).max(axis=1)
        if np.abs(V_new - V).max() < tol:
            return (R + gamma * P @ V_new).argmax(axis=1), sweeps
        V = V_new


print(
    f"{'gamma':>6}{'1/(1-gamma)':>12}{'VI sweeps':>10}{'P(goal, 100 steps)':>19}"
    f"{'P(goal) ever':>13}{'steps':>7}"
)
for gamma in [0.5, 0.9, 0.99, 0.999, 1.0]:
    pi, sweeps = value_iteration(gamma)
    P_pi = P[np.arange(nS), pi]
    # Exact probabilities from the Markov chain of the policy (holes and goal absorb).
    reach = (np.arange(nS) == goal).astype(float)
    for _ in range(100):
        reach = P_pi @ reach
    transient = [s for s in range(nS) if s not in holes + [goal]]
    Q_tt = P_pi[np.ix_(transient, transient)]
    N = np.linalg.inv(np.eye(len(transient)) - Q_tt)
    ever = (N @ P_pi[transient, goal])[0]
    steps = N.sum(axis=1)[0]
    horizon = "inf" if gamma == 1 else f"{1 / (1 - gamma):.0f}"
    print(
        f"{gamma:>6}{horizon:>12}{sweeps:>10}"
        f"{reach[0]:>19.3f}{ever:>13.3f}{steps:>7.1f}"
    )
