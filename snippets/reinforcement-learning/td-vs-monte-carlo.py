import numpy as np

rng = np.random.default_rng(0)
RUNS = 300


def random_walks(n_states, n_episodes):
    """RUNS independent streams of episodes of a symmetric random walk on states
    1..n_states, started in the middle, ending in state 0 or n_states + 1. Each
    episode is an array (RUNS, steps + 1) padded with the terminal state, and the
    episode lengths."""
    episodes = []
    for _ in range(n_episodes):
        position = np.full(RUNS, (n_states + 1) // 2)
        path = [position]
        while ((position > 0) & (position <= n_states)).any():
            inside = (position > 0) & (position <= n_states)
            position = position + inside * rng.choice([-1, 1], size=RUNS)
            path.append(position)
        path = np.stack(path, axis=1)
        inside = (path > 0) & (path <= n_states)
        episodes.append((path, inside.sum(axis=1)))
    return episodes


def rms_error(values, true_values):
    interior = values[..., 1:-1]
    return np.sqrt(((interior - true_values) ** 2).mean(axis=-1)).mean(axis=-1)


def n_step_td(episodes, n, alphas, start_values, true_values):
    """Online n-step TD for several step sizes at once; n larger than any episode is
    constant-alpha (every-visit) Monte Carlo. gamma = 1 and the only reward comes on
    termination, so a terminal state's entry holds that reward and is never updated:
    the n-step target is then just the value n steps ahead, or the final reward."""
    values = np.tile(start_values, (len(alphas), RUNS, 1))
    run = np.arange(RUNS)
    step = np.asarray(alphas)[:, None]
    errors = []
    for path, length in episodes:
        last = path.shape[1] - 1
        for tau in range(last):
            state, ahead = path[:, tau], path[:, min(tau + n, last)]
            update = (
                step * (tau < length) * (values[:, run, ahead] - values[:, run, state])
            )
            values[:, run, state] += update
        errors.append(rms_error(values, true_values))
    return np.array(errors)


def td_lambda(episodes, lambdas, alphas, start_values, true_values):
    """Online TD(lambda) with accumulating traces (the backward view), gamma = 1."""
    shape = (len(lambdas), len(alphas), RUNS)
    values = np.tile(start_values, shape + (1,))
    run = np.arange(RUNS)
    decay = np.asarray(lambdas)[:, None, None, None]
    step = np.asarray(alphas)[None, :, None, None]
    errors = []
    for path, length in episodes:
        trace = np.zeros_like(values)
        for t in range(path.shape[1] - 1):
            state, following = path[:, t], path[:, t + 1]
            active = t < length
            td_error = values[..., run, following] - values[..., run, state]
            trace *= decay
            trace[..., run, state] += active
            values += step * (td_error * active)[..., None] * trace
        errors.append(rms_error(values, true_values))
    return np.array(errors)


# 1. Sutton & Barto Example 6.2: states A..E (1..5), reward 1 on the right, values
# start at 0.5, true values 1/6..5/6. Every method sees the same episodes.
true5 = np.arange(1, 6) / 6
start5 = np.array([0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0])
walks5 = random_walks(5, 100)
checkpoints = [10, 25, 100]
print(f"5-state random walk: RMS error over states, mean of {RUNS} runs")
print(f"{'method':<13}{'alpha':>6}" + "".join(f"{c:>6} ep" for c in checkpoints))
for name, n, alphas in [
    ("MC", 10**6, [0.01, 0.02, 0.03, 0.04]),
    ("TD(0)", 1, [0.05, 0.1, 0.15]),
]:
    errors = n_step_td(walks5, n, alphas, start5, true5)
    for i, alpha in enumerate(alphas):
        cells = "".join(f"{errors[c - 1, i]:>9.3f}" for c in checkpoints)
        print(f"{name:<13}{alpha:>6.2f}{cells}")

# Batch updating (Example 6.3): after each episode, fit all episodes so far. Batch MC
# is the mean return seen from each state; batch TD(0) converges to the certainty-
# equivalence values: those of the maximum-likelihood Markov chain fitted to the data
# (checked below by running batch TD(0) itself).
counts = np.zeros((RUNS, 7, 7))
visits, return_sums = np.zeros((RUNS, 7)), np.zeros((RUNS, 7))
batch_errors = {"batch MC": [], "batch TD(0)": []}
for path, length in walks5:
    for t in range(path.shape[1] - 1):
        active = t < length
        np.add.at(counts, (np.arange(RUNS), path[:, t], path[:, t + 1]), active)
        np.add.at(visits, (np.arange(RUNS), path[:, t]), active)
        np.add.at(
            return_sums, (np.arange(RUNS), path[:, t]), active * (path[:, -1] == 6)
        )
    seen = visits > 0
    mc = np.where(seen, return_sums / np.maximum(visits, 1), start5)
    # Certainty equivalence: solve v = P_hat v on the seen states, with P_hat the
    # observed transition frequencies and the terminals' entries holding the rewards.
    p_hat = counts / np.maximum(visits, 1)[..., None]
    system = np.eye(7) - np.where(seen[:, :, None], p_hat, 0)
    rhs = np.where(seen, 0, start5)
    ce = np.linalg.solve(system, rhs[..., None])[..., 0]
    batch_errors["batch MC"].append(rms_error(mc, true5))
    batch_errors["batch TD(0)"].append(rms_error(ce, true5))
# Batch TD(0) on all 100 episodes: every TD increment summed over the batch (counts of
# each transition times its TD error), applied, and repeated until nothing changes.
td = np.tile(start5, (RUNS, 1))
for _ in range(20_000):
    increments = (counts * (td[:, None, :] - td[:, :, None])).sum(axis=2)
    td += 0.002 * increments
for name, errors in batch_errors.items():
    cells = "".join(f"{errors[c - 1]:>9.3f}" for c in checkpoints)
    print(f"{name:<13}{'-':>6}{cells}")
print("batch TD(0) fixed point = certainty-equivalence values:", np.allclose(td, ce))

# 2. Example 7.1: 19 states, reward -1 on the left and +1 on the right, values start
# at 0; RMS error averaged over the first 10 episodes and all runs.
true19 = np.arange(-9, 10) / 10
start19 = np.r_[-1.0, np.zeros(19), 1.0]
walks19 = random_walks(19, 10)
alphas = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0]
header = "".join(f"{a:>7.2f}" for a in alphas)
print("\n19-state random walk: RMS error, mean over the first 10 episodes")
print(f"{'n-step TD, n':<21}{header}")
for n in [1, 2, 4, 8, 16, 32, 64, 10**6]:
    errors = n_step_td(walks19, n, alphas, start19, true19).mean(axis=0)
    label = "MC (n = inf)" if n == 10**6 else n
    print(f"{label:<21}" + "".join(f"{e:>7.3f}" for e in errors))
lambdas = [0.0, 0.4, 0.8, 0.9, 0.95, 1.0]
with np.errstate(over="ignore", invalid="ignore"):
    errors = td_lambda(walks19, lambdas, alphas, start19, true19).mean(axis=0)
print(f"{'TD(lambda), lambda':<21}{header}")
for i, lam in enumerate(lambdas):
    cells = "".join(f"{e:>7.3f}" if e < 10 else f"{'>10':>7}" for e in errors[i])
    print(f"{lam:<21}{cells}")

# Forward view = backward view for offline updates: over one episode with the values
# held fixed, the summed lambda-return errors equal the summed trace-weighted TD errors.
path, length = walks19[0][0][0], walks19[0][1][0]
path = path[: length + 1]
values = np.r_[-1.0, rng.uniform(-1, 1, 19), 1.0]
lam, forward, backward, trace = 0.8, np.zeros(21), np.zeros(21), np.zeros(21)
for t in range(length):
    n_step_returns = values[path[t + 1 : length + 1]]
    weights = (1 - lam) * lam ** np.arange(length - t)
    weights[-1] = lam ** (length - t - 1)
    forward[path[t]] += weights @ n_step_returns - values[path[t]]
    trace *= lam
    trace[path[t]] += 1
    backward += (values[path[t + 1]] - values[path[t]]) * trace
print(
    "offline lambda-return updates = offline TD(lambda) updates:",
    np.allclose(forward, backward),
)

# 3. Example 6.4, "You are the predictor": A,0,B,0 once; B,1 six times; B,0 once.
# Transitions (state, reward, next state) with A = 0, B = 1 and terminal = 2.
transitions = [(0, 0, 1), (1, 0, 2)] + [(1, 1, 2)] * 6 + [(1, 0, 2)]
returns = {0: [0], 1: [0] + [1] * 6 + [0]}
mc = np.array([np.mean(returns[0]), np.mean(returns[1]), 0.0])
td = np.zeros(3)
for _ in range(5_000):
    increments = np.zeros(3)
    for s, r, s_next in transitions:
        increments[s] += r + td[s_next] - td[s]
    td += 0.01 * increments
# Maximum-likelihood model: A -> B always, reward 0; B ends with mean reward 6/8.
v_b = np.mean([r for s, r, _ in transitions if s == 1])
ce = np.array([0 + v_b, v_b])
print("\nExample 6.4       V(A)   V(B)  book           MSE on the 9 observed returns")
for name, v, book in [
    ("batch MC", mc, "0, 3/4"),
    ("batch TD(0)", td, "3/4, 3/4"),
    ("ML model", ce, "3/4, 3/4"),
]:
    sq = np.mean([(g - v[s]) ** 2 for s in (0, 1) for g in returns[s]])
    print(f"{name:<15}{v[0]:>7.3f}{v[1]:>7.3f}  {book:<15}{sq:>9.3f}")
