import numpy as np

# Baird's counterexample (Sutton & Barto, Example 11.1): 7 states, all rewards 0, so
# every
# true value is 0, and w = 0 represents that exactly. Linear features with 8 weights:
# v(s) = 2 w_s + w_8 for states 1..6, v(7) = w_7 + 2 w_8. The target policy always moves
# to state 7; the behaviour policy moves to any of the 7 states uniformly, so updates
# are
# spread evenly over states. gamma = 0.99, alpha = 0.01, expected (noise-free) updates.
gamma, alpha = 0.99, 0.01
X = np.zeros((7, 8))
X[np.arange(6), np.arange(6)] = 2
X[:6, 7] = 1
X[6, 6], X[6, 7] = 1, 2


def run(features, w, weight, bootstrap, sweeps):
    """Semi-gradient updates of v = features @ w, state s weighted by weight[s]."""
    w = w.astype(float)
    for _ in range(sweeps):
        v = features @ w
        # TD(0) target for the target policy: r + gamma * v(7). Monte Carlo target: the
        # return itself, which is 0 here.
        target = gamma * v[6] if bootstrap else 0.0
        w += alpha * features.T @ (weight * (target - v))
    return np.abs(features @ w).max()


everywhere = np.ones(7)  # the behaviour policy's (off-policy) state distribution
state7 = np.eye(7)[6]  # the target policy's own (on-policy) distribution: state 7 only
w_baird = np.array([1, 1, 1, 1, 1, 1, 10, 1])
configs = [
    ("all three: off-policy, TD, linear", X, w_baird, everywhere, True),
    ("on-policy distribution instead", X, w_baird, state7, True),
    ("Monte Carlo target instead of TD", X, w_baird, everywhere, False),
    ("tabular values instead of linear", np.eye(7), X @ w_baird, everywhere, True),
]
sweeps = [0, 100, 1_000, 10_000]
print(f"{'max |v(s) - 0| after n sweeps':<36}" + "".join(f"{n:>10}" for n in sweeps))
for name, feats, w, weight, bootstrap in configs:
    cells = "".join(f"{run(feats, w, weight, bootstrap, n):>10.3g}" for n in sweeps)
    print(f"{name:<36}{cells}")
