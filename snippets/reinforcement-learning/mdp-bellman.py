import gymnasium as gym
import numpy as np

# FrozenLake-v1 ships its model: env.unwrapped.P[s][a] = [(prob, s', reward, done),
# ...].
env = gym.make("FrozenLake-v1")
nS, nA, gamma = env.observation_space.n, env.action_space.n, 0.99
P = np.zeros((nS, nA, nS))  # P[s, a, s'] transition probabilities
R = np.zeros((nS, nA))  # expected immediate reward r(s, a)
for s in range(nS):
    for a in range(nA):
        # Holes and the goal are stored as self-loops with zero reward (absorbing).
        for p, s2, r, _ in env.unwrapped.P[s][a]:
            P[s, a, s2] += p
            R[s, a] += p * r


def evaluate(policy):
    """Exact policy evaluation: solve V = r_pi + gamma * P_pi V, a linear system."""
    P_pi, r_pi = P[np.arange(nS), policy], R[np.arange(nS), policy]
    return np.linalg.solve(np.eye(nS) - gamma * P_pi, r_pi)


# Value iteration: apply the Bellman optimality operator until it stops moving.
V, sweeps = np.zeros(nS), 0
while True:
    sweeps += 1
    V_new = (R + gamma * P @ V).max(axis=1)
    if np.abs(V_new - V).max() < 1e-10:
        break
    V = V_new
pi_vi = (R + gamma * P @ V_new).argmax(axis=1)

# Policy iteration: evaluate exactly, improve greedily, stop when the policy is stable.
pi, iterations = np.zeros(nS, dtype=int), 0
while True:
    iterations += 1
    V_pi = evaluate(pi)
    Q = R + gamma * P @ V_pi
    best = Q.max(axis=1)
    # Ties decided with a tolerance, never by rounding (which differs between CPUs):
    # change an action only if another beats it by more than 1e-9, which also
    # guarantees termination, and then take the lowest-numbered near-best action.
    better = best > Q[np.arange(nS), pi] + 1e-9
    if not better.any():
        break
    first_near_best = (best[:, None] - Q <= 1e-9).argmax(axis=1)
    pi = np.where(better, first_near_best, pi)

print(f"value iteration: {sweeps} sweeps; policy iteration: {iterations} iterations")
print(f"V* from both methods equal: {np.allclose(V_new, V_pi)}")
print(
    f"V* satisfies the Bellman optimality equation: "
    f"{np.allclose(V_pi, (R + gamma * P @ V_pi).max(axis=1))}"
)
print(f"greedy policies give the same values: {np.allclose(evaluate(pi_vi), V_pi)}")
print("optimal action per cell (0=left 1=down 2=right 3=up; H hole, G goal):")
desc = env.unwrapped.desc.astype(str)
arrows = np.array(list("<v>^"))[pi].reshape(4, 4)
print(
    "\n".join(
        " ".join(np.where(np.isin(desc[i], ["H", "G"]), desc[i], arrows[i]))
        for i in range(4)
    )
)
print(f"V*(start) = {V_pi[0]:.3f} with gamma={gamma} (discounted, not a probability)")

# The model also predicts the success rate: P(reach G within the env's 100-step limit).
goal = int(np.flatnonzero(desc.ravel() == "G")[0])
P_pi, reach = P[np.arange(nS), pi], (np.arange(nS) == goal).astype(float)
for _ in range(100):
    reach = P_pi @ reach
wins = 0
for i in range(4000):
    s, _ = env.reset(seed=i)
    done = False
    while not done:
        s, r, terminated, truncated, _ = env.step(int(pi[s]))
        done = terminated or truncated
    wins += r
se = np.sqrt(reach[0] * (1 - reach[0]) / 4000)
print(
    f"P(goal within 100 steps): exact {reach[0]:.3f}, simulated {wins / 4000:.3f}"
    f" (std err {se:.3f})"
)
