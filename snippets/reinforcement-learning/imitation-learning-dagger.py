import numpy as np
from sklearn.tree import DecisionTreeClassifier

# A lane that turns at random; a gust pushes the car one cell sideways with
# probability 0.05. State: offset e from the lane centre and the next turn d.
P_TURN, P_GUST = 0.2, 0.05
EP_LEN, N_EPISODES, N_EXPERT_FIRST = 50, 20, 4
HORIZONS = [25, 50, 100, 200, 400]
E_MAX = 3 * EP_LEN


def expert(X):
    # steer toward the centre of the next cell of the lane
    return np.clip(X[:, 1] - X[:, 0], -1, 1)


def drive(policy, n, T, rng):
    """n episodes of T steps; returns the visited states and an off-road mask."""
    turns, new_d = rng.random((T, n)) < P_TURN, rng.integers(-1, 2, (T, n))
    gust = np.where(rng.random((T, n)) < P_GUST, 2 * rng.integers(0, 2, (T, n)) - 1, 0)
    e, d = np.zeros(n, int), rng.integers(-1, 2, n)
    states, off = [], np.zeros((n, T), bool)
    for t in range(T):
        d = np.where(turns[t], new_d[t], d)
        X = np.stack([e, d], axis=1)
        states.append(X)
        e = e + policy(X) - d + gust[t]
        off[:, t] = np.abs(e) >= 2
    return np.vstack(states), off


def fit(X, leaf=20):
    # the learner: a tree with at least `leaf` samples per leaf, as a lookup table
    tree = DecisionTreeClassifier(min_samples_leaf=leaf, random_state=0)
    tree.fit(X, expert(X))
    grid = np.stack(np.meshgrid(np.arange(-E_MAX, E_MAX + 1), [-1, 0, 1]), -1)
    table = tree.predict(grid.reshape(-1, 2)).reshape(3, -1)
    # beyond the training range a tree's prediction is constant: clip e
    return lambda X: table[X[:, 1] + 1, np.clip(X[:, 0], -E_MAX, E_MAX) + E_MAX]


def dagger(rng):
    X, _ = drive(expert, N_EXPERT_FIRST, EP_LEN, rng)
    policy = fit(X)
    for _ in range(N_EPISODES - N_EXPERT_FIRST):
        # roll out the learner, let the expert label what it visited, refit on all
        X_new, _ = drive(policy, 1, EP_LEN, rng)
        X = np.vstack([X, X_new])
        policy = fit(X)
    return policy


names = ["expert", "BC, leaf >= 20", "DAgger, leaf >= 20", "BC, leaf >= 1"]
off_rate = {k: [] for k in names}
err = {k: [] for k in names[1:]}
for seed in range(10):
    rng = np.random.default_rng(seed)
    X_bc, _ = drive(expert, N_EPISODES, EP_LEN, rng)
    policies = dict(zip(names, [expert, fit(X_bc), dagger(rng), fit(X_bc, leaf=1)]))
    X_exp, _ = drive(expert, 200, EP_LEN, np.random.default_rng(1000 + seed))
    for name, policy in policies.items():
        # the same turns and gusts for every policy
        X_own, off = drive(policy, 500, max(HORIZONS), np.random.default_rng(seed + 99))
        off_rate[name].append([off[:, :T].mean() for T in HORIZONS])
        if name != "expert":
            err[name].append([np.mean(policy(X) != expert(X)) for X in (X_exp, X_own)])

print(f"labels per learner: {N_EPISODES * EP_LEN}")
print("disagreement with the expert  on expert's states  on its own states")
for name, v in err.items():
    a, b = np.mean(v, 0)
    print(f"{name:<30}{a:17.3f}{b:19.3f}")
print("% of steps off the road, T = " + "  ".join(f"{T:>5}" for T in HORIZONS))
for name, v in off_rate.items():
    print(f"{name:<30}" + "  ".join(f"{100 * x:5.1f}" for x in np.mean(v, 0)))
