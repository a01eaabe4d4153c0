import numpy as np
from scipy.optimize import minimize

# A 6x6 grid: G goal, L lava, W water. The reward of a cell is linear in three
# indicator features, r(s) = w . phi(s), with weights the learners never see; it
# is paid every step the agent is on the cell (no terminal state). Actions: up,
# down, left, right, stay; with probability SLIP a random action replaces it.
GAMMA, SLIP, T = 0.95, 0.1, 100
W_TRUE = np.array([5.0, -20.0, -2.0])  # goal, lava, water
GRID = ["...W..", ".LLW..", "..L...", "..LWL.", "WW....", "...L.G"]
# The same lava and water with the goal moved to the top-right corner.
GRID_MOVED = ["...W.G", ".LLW..", "..L...", "..LWL.", "WW....", "...L.."]
SIZE = len(GRID)
N_STATES, N_ACTIONS = SIZE * SIZE, 5
MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1), (0, 0)]
TRAIN_STARTS = [0, 6, 12]  # top of the left column
NEW_STARTS = [30, 31, 32]  # bottom-left corner
N_DEMOS, SEEDS, L2 = (5, 20, 100), 20, (0.001, 0.01)


def features(grid):
    cells = "".join(grid)
    return np.array([[c == "G", c == "L", c == "W"] for c in cells], dtype=float)


def transitions():
    P = np.zeros((N_STATES, N_ACTIONS, N_STATES))
    for s in range(N_STATES):
        row, col = divmod(s, SIZE)
        for a in range(N_ACTIONS):
            for b, (dr, dc) in enumerate(MOVES):
                r = min(max(row + dr, 0), SIZE - 1)
                c = min(max(col + dc, 0), SIZE - 1)
                P[s, a, r * SIZE + c] += (1 - SLIP) * (a == b) + SLIP / N_ACTIONS
    return P


P = transitions()


def soft_value_iteration(reward, tol=1e-10):
    """The soft Bellman equation V(s) = log sum_a exp Q(s, a), by fixed-point steps."""
    V = np.zeros(N_STATES)
    while True:
        V_new = np.logaddexp.reduce(reward[:, None] + GAMMA * P @ V, axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new
        V = V_new


def soft_policy_iteration(reward, V=None, tol=1e-10):
    """The same fixed point in a few steps: evaluate the current policy exactly
    (reward plus its entropy), then make it soft-greedy, pi = exp(Q - V)."""
    V = np.zeros(N_STATES) if V is None else V
    while True:
        Q = reward[:, None] + GAMMA * P @ V
        log_pi = Q - np.logaddexp.reduce(Q, axis=1, keepdims=True)
        pi = np.exp(log_pi)
        entropy = -(pi * log_pi).sum(axis=1)
        P_pi = np.einsum("sa,sat->st", pi, P)
        V_new = np.linalg.solve(np.eye(N_STATES) - GAMMA * P_pi, reward + entropy)
        if np.abs(V_new - V).max() < tol * (1 + np.abs(V_new).max()):
            return pi, V_new
        V = V_new


def occupancy(pi, p0):
    """Discounted state visits from start distribution p0: p0 (I - gamma P_pi)^-1."""
    P_pi = np.einsum("sa,sat->st", pi, P)
    return np.linalg.solve((np.eye(N_STATES) - GAMMA * P_pi).T, p0)


def expected_return(pi, starts, reward):
    p0 = np.zeros(N_STATES)
    p0[starts] = 1 / len(starts)
    return occupancy(pi, p0) @ reward


def demonstrations(pi, n, rng):
    """n expert trajectories of T steps from the training starts, run in parallel."""
    states = np.zeros((n, T), dtype=int)
    actions = np.zeros((n, T), dtype=int)
    s = rng.choice(TRAIN_STARTS, size=n)
    for t in range(T):
        a = (rng.random((n, 1)) > np.cumsum(pi[s], axis=1)).sum(axis=1)
        states[:, t], actions[:, t] = s, np.minimum(a, N_ACTIONS - 1)
        nxt = rng.random((n, 1)) > np.cumsum(P[s, actions[:, t]], axis=1)
        s = np.minimum(nxt.sum(axis=1), N_STATES - 1)
    return states, actions


def behaviour_cloning(states, actions):
    """Action frequencies per visited state; uniform where the expert never went."""
    counts = np.zeros((N_STATES, N_ACTIONS))
    np.add.at(counts, (states.ravel(), actions.ravel()), 1)
    seen = counts.sum(axis=1, keepdims=True)
    return np.where(seen > 0, counts / np.maximum(seen, 1), 1 / N_ACTIONS)


def maxent_irl(states, phi, l2):
    """Maximum-entropy IRL: find w whose soft-optimal policy has the expert's
    discounted feature expectations. The objective is the concave dual
    w . mu_expert - E_p0[V_w] - l2/2 |w|^2; its gradient is the feature gap."""
    mu_expert = (GAMMA ** np.arange(T) @ phi[states]).mean(axis=0)
    p0 = np.bincount(states[:, 0], minlength=N_STATES) / len(states)
    V = np.zeros(N_STATES)

    def negative_dual(w):
        nonlocal V
        pi, V = soft_policy_iteration(phi @ w, V)
        mu = occupancy(pi, p0) @ phi
        value = w @ mu_expert - p0 @ V - l2 / 2 * w @ w
        return -value, -(mu_expert - mu - l2 * w)

    fit = minimize(
        negative_dual,
        np.zeros(3),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-8, "ftol": 1e-15, "maxiter": 1000},
    )
    return fit.x


phi, phi_moved = features(GRID), features(GRID_MOVED)
uniform = np.full((N_STATES, N_ACTIONS), 1 / N_ACTIONS)


def evaluate(pi, pi_moved):
    """Expected discounted return under the TRUE reward in the three settings,
    and the discounted number of steps on lava from the new starts."""
    p0_new = np.zeros(N_STATES)
    p0_new[NEW_STARTS] = 1 / len(NEW_STARTS)
    return (
        expected_return(pi, TRAIN_STARTS, phi @ W_TRUE),
        expected_return(pi, NEW_STARTS, phi @ W_TRUE),
        expected_return(pi_moved, TRAIN_STARTS, phi_moved @ W_TRUE),
        occupancy(pi, p0_new) @ phi[:, 1],
    )


def plan(w):
    # a reward, learned or true, is planned with on whichever map we are given
    return evaluate(
        soft_policy_iteration(phi @ w)[0], soft_policy_iteration(phi_moved @ w)[0]
    )


pi_expert, V_expert = soft_policy_iteration(phi @ W_TRUE)
same = np.allclose(V_expert, soft_value_iteration(phi @ W_TRUE), atol=1e-6)
print("soft policy iteration = soft value iteration:", same)
results = {
    "expert (true w)": plan(W_TRUE),
    "uniform random": evaluate(uniform, uniform),
}
coverage = {}
print(f"\nweights: true, then learned (mean of {SEEDS} seeds)")
print("L2      N    goal    lava   water    lava: min    max   cosine: mean    min")
print("true       {:7.2f} {:7.2f} {:7.2f}".format(*W_TRUE))
for l2 in L2:
    for n in N_DEMOS:
        bc, irl, w_all, cells = [], [], [], []
        for seed in range(SEEDS):
            states, actions = demonstrations(pi_expert, n, np.random.default_rng(seed))
            # BC: a state -> action table, used as it is after the goal moves
            pi_bc = behaviour_cloning(states, actions)
            cells.append(len(np.unique(states)))
            bc.append(evaluate(pi_bc, pi_bc))
            w_all.append(maxent_irl(states, phi, l2))
            irl.append(plan(w_all[-1]))
        w_all = np.array(w_all)
        cos = w_all @ W_TRUE / np.linalg.norm(w_all, axis=1) / np.linalg.norm(W_TRUE)
        goal, lava, water = w_all.mean(axis=0)
        print(
            f"{l2:<6} {n:3d} {goal:7.2f} {lava:7.2f} {water:7.2f}"
            f" {w_all[:, 1].min():12.2f} {w_all[:, 1].max():6.2f}"
            f" {cos.mean():14.3f} {cos.min():6.3f}"
        )
        if l2 == L2[0]:
            results[f"BC, N={n}"] = np.mean(bc, axis=0)
            coverage[n] = np.mean(cells)
        results[f"IRL, L2 {l2}, N={n}"] = np.mean(irl, axis=0)

print(f"\nexpected discounted return under the true reward (mean of {SEEDS} seeds)")
print("policy                train starts  new starts  goal moved  lava (new)")
for name, (train, new, moved, lava) in results.items():
    print(f"{name:22s} {train:11.2f} {new:11.2f} {moved:11.2f} {lava:11.3f}")
visited = ", ".join(f"N={n}: {c:.1f}" for n, c in coverage.items())
print(f"cells the demonstrations visit, of {N_STATES} (mean): {visited}")
