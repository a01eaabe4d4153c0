import numpy as np


# Sutton & Barto's short corridor (Example 13.1): states 0, 1, 2 then the goal; reward
# -1
# per step. Actions move left or right, except in state 1 where they are reversed. The
# agent cannot tell the states apart (one shared feature), so a policy is one number:
# p = P(right), the same in every state.
def step(s, right):
    if s == 1:
        right = not right
    return max(s + (1 if right else -1), 0)


def J(p):
    """Exact expected return from state 0 under P(right) = p (Bellman equations)."""
    A = np.array([[p, -p, 0], [-p, 1, p - 1], [0, p - 1, 1]])
    return np.linalg.solve(A, -np.ones(3))[0]


def episode(p, rng, cap=1_000):
    """Return the actions taken (1 = right) and the rewards-to-go G_t."""
    s, actions = 0, []
    while s < 3 and len(actions) < cap:
        right = rng.random() < p
        actions.append(right)
        s = step(s, right)
    T = len(actions)
    return np.array(actions), -np.arange(T, 0, -1.0)


grid = np.linspace(0.01, 0.99, 9801)
values = np.array([J(p) for p in grid])
print(
    f"best stochastic policy: p(right)={grid[values.argmax()]:.3f} "
    f"(closed form 2 - sqrt(2) = {2 - np.sqrt(2):.3f}), J={values.max():.2f}"
)
# A value-based agent's greedy policy is deterministic: always right or always left
# never reaches the goal. The best it can do is epsilon-greedy around one action.
print(
    f"epsilon-greedy (0.1) around right: J={J(0.95):.2f}; around left: J={J(0.05):.2f}"
)


# Q-learning on the same aliased observation: one row of two action values.
rng = np.random.default_rng(0)
Q, finals = np.zeros(2), []
for _ in range(2_000):
    s, t = 0, 0
    while s < 3 and t < 1_000:
        a = int(rng.integers(2)) if rng.random() < 0.1 else int(Q.argmax())
        s2 = step(s, a == 1)
        Q[a] += 0.1 * (-1 + 0.9 * Q.max() * (s2 < 3) - Q[a])
        s, t = s2, t + 1
    finals.append(Q.argmax())
p_q = 0.95 if Q.argmax() == 1 else 0.05
print(
    "Q-learning after 2000 episodes: greedy action "
    f"{'right' if p_q > 0.5 else 'left'}, "
    f"p(right)={p_q:.2f}, J={J(p_q):.2f}; greedy action flipped "
    f"{int(np.sum(np.diff(finals) != 0))} times"
)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def grad_log_pi(actions, p):
    # d/dtheta log pi(a) for p = sigmoid(theta): 1 - p for right, -p for left.
    return np.where(actions, 1 - p, -p)


# REINFORCE with a learned baseline (one weight: the states are aliased), from p = 0.05.
rng = np.random.default_rng(0)
theta, b = np.log(0.05 / 0.95), 0.0
for _ in range(2_000):
    p = sigmoid(theta)
    actions, G = episode(p, rng)
    theta += 2**-9 * np.sum((G - b) * grad_log_pi(actions, p))
    b += 2**-6 * np.mean(G - b)
print(
    f"REINFORCE after 2000 episodes: p(right)={sigmoid(theta):.3f}, "
    f"J={J(sigmoid(theta)):.2f}"
)

# Variance of the single-episode gradient estimate at p = 0.5, with and without a
# baseline.
p, N = 0.5, 5_000
theta = 0.0
exact = (J(sigmoid(theta + 1e-5)) - J(sigmoid(theta - 1e-5))) / 2e-5
baseline = np.mean([episode(p, rng)[1].mean() for _ in range(500)])
est = {"no baseline": [], f"baseline b={baseline:.1f}": []}
for _ in range(N):
    actions, G = episode(p, rng)
    g = grad_log_pi(actions, p)
    # Same episodes for both estimators: sum_t (G_t - b) * grad log pi(a_t).
    est["no baseline"].append(np.sum(G * g))
    est[f"baseline b={baseline:.1f}"].append(np.sum((G - baseline) * g))
print(f"exact dJ/dtheta at p=0.5: {exact:.2f}")
for name, x in est.items():
    x = np.array(x)
    print(
        f"{name:<16} mean {x.mean():5.2f} +- {x.std() / np.sqrt(N):.2f}"
        f"   variance {x.var():6.1f}"
    )
ratio = np.var(est["no baseline"]) / np.var(est[f"baseline b={baseline:.1f}"])
print(f"variance reduction from the baseline: {ratio:.1f}x")
