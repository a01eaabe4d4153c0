# --8<-- [start:signature]
import numpy as np

# Given: the environment. A corridor of cells 0..4; every episode starts in cell 1.
# Action 0 moves left, action 1 right, and with probability CORRIDOR_SLIP the move goes
# the other way. Entering cell 0 pays 1 and entering cell 4 pays 3, and both end the
# episode; any other move pays -0.1. An episode also ends after CORRIDOR_HORIZON moves.
# The state is (step, cell), numbered step * CORRIDOR_CELLS + cell: with a time limit,
# the time left is part of the state.
CORRIDOR_CELLS, CORRIDOR_START, CORRIDOR_HORIZON, CORRIDOR_SLIP = 5, 1, 6, 0.2
CORRIDOR_STATES, CORRIDOR_ACTIONS = CORRIDOR_HORIZON * CORRIDOR_CELLS, 2


def corridor_step(cell: int, action: int, rng: np.random.Generator):
    """One move from a non-terminal cell: returns (next cell, reward, terminal)."""
    move = 1 if action == 1 else -1
    if rng.random() < CORRIDOR_SLIP:
        move = -move
    cell += move
    if cell == 0:
        return cell, 1.0, True
    if cell == CORRIDOR_CELLS - 1:
        return cell, 3.0, True
    return cell, -0.1, False


def softmax_policy(theta: np.ndarray) -> np.ndarray:
    """The tabular softmax policy: pi[s, a] = exp(theta[s, a]) / sum_b exp(theta[s, b]),
    over the last axis of theta, with no overflow for logits of any size."""
    raise NotImplementedError


def grad_log_pi(theta: np.ndarray, state: int, action: int) -> np.ndarray:
    """d log pi(action | state) / d theta, written by hand: same shape as theta, zero
    outside row `state`."""
    raise NotImplementedError


def rewards_to_go(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = sum over k >= t of gamma^(k - t) * rewards[k], for every t."""
    raise NotImplementedError


def sample_episode(theta: np.ndarray, rng: np.random.Generator):
    """One episode of softmax_policy(theta) in the corridor, from step 0 in
    CORRIDOR_START until a terminal cell or CORRIDOR_HORIZON moves. Returns
    (states, actions, rewards): arrays with one entry per move (int, int, float)."""
    raise NotImplementedError


def reinforce_gradient(
    theta: np.ndarray,
    episodes: list,
    gamma: float,
    baseline="none",
    values: np.ndarray | None = None,
    reward_to_go: bool = True,
) -> np.ndarray:
    """The REINFORCE estimate of the gradient of J = E[sum_t gamma^t r_t] from N
    episodes (states, actions, rewards), all sampled from softmax_policy(theta):

        (1/N) sum_i sum_t w_t (R_it - b_it) grad_log_pi(theta, s_it, a_it)

    reward_to_go=True:  R_it = G_it (rewards_to_go of episode i) and w_t = gamma^t.
    reward_to_go=False: R_it = G_i0 (the whole discounted return) and w_t = 1.
    baseline: "none" (b = 0); a number (that constant); "value" (b = values[s_it]);
    "mean": the mean of R_jt over the other N - 1 episodes j (leave-one-out), where an
    episode j that ended before step t counts as if it went on with reward 0
    (R_jt = 0 with reward-to-go, R_jt = G_j0 without).
    """
    raise NotImplementedError


def train_reinforce(
    n_iters: int,
    batch_size: int,
    lr: float,
    gamma: float,
    baseline,
    rng: np.random.Generator,
    value_lr: float = 0.1,
):
    """Gradient ascent from theta = 0, shape (CORRIDOR_STATES, CORRIDOR_ACTIONS): each
    iteration samples batch_size episodes and adds lr * reinforce_gradient (with
    reward-to-go) to theta. baseline "none", "mean" or a number is passed on; "value"
    uses a table V (zeros at first) as the baseline and, after the step, moves V[s_t]
    a fraction value_lr of the way to G_t for every step of the batch, in order.
    Returns (theta, returns): returns[i] is the mean G_0 of iteration i's batch."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np

CORRIDOR_CELLS, CORRIDOR_START, CORRIDOR_HORIZON, CORRIDOR_SLIP = 5, 1, 6, 0.2
CORRIDOR_STATES, CORRIDOR_ACTIONS = CORRIDOR_HORIZON * CORRIDOR_CELLS, 2


def corridor_step(cell: int, action: int, rng: np.random.Generator):
    move = 1 if action == 1 else -1
    if rng.random() < CORRIDOR_SLIP:
        move = -move
    cell += move
    if cell == 0:
        return cell, 1.0, True
    if cell == CORRIDOR_CELLS - 1:
        return cell, 3.0, True
    return cell, -0.1, False


def softmax_policy(theta: np.ndarray) -> np.ndarray:
    z = np.exp(theta - theta.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def grad_log_pi(theta: np.ndarray, state: int, action: int) -> np.ndarray:
    # log pi(a|s) = theta[s, a] - logsumexp(theta[s]), so its gradient in row s is
    # onehot(a) - pi(.|s), and zero in every other row
    grad = np.zeros(theta.shape)
    grad[state] = -softmax_policy(theta[state])
    grad[state, action] += 1.0
    return grad


def rewards_to_go(rewards: np.ndarray, gamma: float) -> np.ndarray:
    returns = np.zeros(len(rewards))
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def sample_episode(theta: np.ndarray, rng: np.random.Generator):
    # an action by inverse CDF: the same draw as rng.choice(p=...), many times faster
    cdf = np.cumsum(softmax_policy(theta), axis=1)
    states, actions, rewards = [], [], []
    cell = CORRIDOR_START
    for step in range(CORRIDOR_HORIZON):
        state = step * CORRIDOR_CELLS + cell
        action = int(np.searchsorted(cdf[state], rng.random(), side="right"))
        action = min(action, CORRIDOR_ACTIONS - 1)
        cell, reward, terminal = corridor_step(cell, action, rng)
        states.append(state)
        actions.append(action)
        rewards.append(reward)
        if terminal:
            break
    return np.array(states), np.array(actions), np.array(rewards)


def reinforce_gradient(
    theta: np.ndarray,
    episodes: list,
    gamma: float,
    baseline="none",
    values: np.ndarray | None = None,
    reward_to_go: bool = True,
) -> np.ndarray:
    n = len(episodes)
    # R_it on an n x horizon grid: an episode that has ended goes on with reward 0
    targets = np.zeros((n, CORRIDOR_HORIZON))
    for i, (_, _, rewards) in enumerate(episodes):
        returns = rewards_to_go(rewards, gamma)
        if reward_to_go:
            targets[i, : len(returns)] = returns
        else:
            targets[i] = returns[0]
    if baseline == "mean":
        # leave-one-out: an episode's own return must not be in its baseline
        others = (targets.sum(axis=0) - targets) / (n - 1)
    probs = softmax_policy(theta)
    grad = np.zeros(theta.shape)
    for i, (states, actions, _) in enumerate(episodes):
        steps = len(states)
        if baseline == "none":
            b = 0.0
        elif baseline == "mean":
            b = others[i, :steps]
        elif baseline == "value":
            b = values[states]
        else:
            b = float(baseline)
        weight = gamma ** np.arange(steps) if reward_to_go else np.ones(steps)
        coef = weight * (targets[i, :steps] - b)
        # grad_log_pi of every step at once: row s_t gets onehot(a_t) - pi(.|s_t)
        scores = np.eye(theta.shape[1])[actions] - probs[states]
        np.add.at(grad, states, coef[:, None] * scores)
    return grad / n


def train_reinforce(
    n_iters: int,
    batch_size: int,
    lr: float,
    gamma: float,
    baseline,
    rng: np.random.Generator,
    value_lr: float = 0.1,
):
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    values = np.zeros(CORRIDOR_STATES)
    batch_returns = np.zeros(n_iters)
    for it in range(n_iters):
        episodes = [sample_episode(theta, rng) for _ in range(batch_size)]
        # the baseline is the value table from before this batch: fitting it to the
        # batch first would make b depend on the actions it is subtracted from
        theta += lr * reinforce_gradient(theta, episodes, gamma, baseline, values)
        returns = [rewards_to_go(rewards, gamma) for _, _, rewards in episodes]
        if baseline == "value":
            for (states, _, _), g in zip(episodes, returns):
                for s, g_t in zip(states, g):
                    values[s] += value_lr * (g_t - values[s])
        batch_returns[it] = np.mean([g[0] for g in returns])
    return theta, batch_returns


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def corridor_moves(cell, action):
    """The corridor's moves from `cell`: (probability, next cell, reward, done)."""
    move = 1 if action == 1 else -1
    found = []
    for p, m in ((1 - CORRIDOR_SLIP, move), (CORRIDOR_SLIP, -move)):
        nxt = cell + m
        end = nxt in (0, CORRIDOR_CELLS - 1)
        reward = 1.0 if nxt == 0 else 3.0 if nxt == CORRIDOR_CELLS - 1 else -0.1
        found.append((p, nxt, reward, end))
    return found


def corridor_trajectories():
    """Every possible episode: (probability of its moves, states, actions, rewards);
    its probability under a policy is that times the product of pi(a_t | s_t)."""
    found = {}

    def extend(step, cell, prob, states, actions, rewards):
        for a in range(CORRIDOR_ACTIONS):
            for p, nxt, r, end in corridor_moves(cell, a):
                episode = ([*states, step * CORRIDOR_CELLS + cell], [*actions, a])
                episode = (*episode, [*rewards, r])
                if end or step + 1 == CORRIDOR_HORIZON:
                    # a last move to cell 1 or 3 gives the same record: add them up
                    key = tuple(map(tuple, episode))
                    found[key] = found.get(key, 0.0) + prob * p
                else:
                    extend(step + 1, nxt, prob * p, *episode)

    extend(0, CORRIDOR_START, 1.0, [], [], [])
    return [(p, *map(np.array, key)) for key, p in found.items()]


CORRIDOR_EPISODES = corridor_trajectories()


def corridor_probs(theta):
    """Probability of each enumerated episode, with a softmax written independently."""
    pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
    return np.array([p * np.prod(pi[s, a]) for p, s, a, _ in CORRIDOR_EPISODES])


def corridor_objective(theta, gamma):
    """J(theta) = E[sum_t gamma^t r_t], exactly, by summing over all episodes."""
    returns = [r @ gamma ** np.arange(len(r)) for _, _, _, r in CORRIDOR_EPISODES]
    return corridor_probs(theta) @ np.array(returns)


def corridor_exact_gradient(theta, gamma, eps=1e-6):
    """The gradient of J by central differences of the exact J."""
    grad = np.zeros(theta.shape)
    for idx in np.ndindex(theta.shape):
        step = np.zeros(theta.shape)
        step[idx] = eps
        up, down = theta + step, theta - step
        grad[idx] = (
            corridor_objective(up, gamma) - corridor_objective(down, gamma)
        ) / (2 * eps)
    return grad


def corridor_values(theta, gamma, optimal=False):
    """V(s) of the policy (or of the best policy) by backward induction, per state."""
    pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
    v = np.zeros((CORRIDOR_HORIZON + 1, CORRIDOR_CELLS))
    for step in reversed(range(CORRIDOR_HORIZON)):
        for cell in range(1, CORRIDOR_CELLS - 1):
            q = [
                sum(
                    p * (r + (0.0 if end else gamma * v[step + 1, nxt]))
                    for p, nxt, r, end in corridor_moves(cell, a)
                )
                for a in range(CORRIDOR_ACTIONS)
            ]
            state = step * CORRIDOR_CELLS + cell
            v[step, cell] = max(q) if optimal else pi[state] @ q
    return v[:CORRIDOR_HORIZON].ravel()


def corridor_batches(theta, n_batches, batch_size, seed):
    rng = np.random.default_rng(seed)
    return [
        [sample_episode(theta, rng) for _ in range(batch_size)]
        for _ in range(n_batches)
    ]


def test_reinforce_worked_example():
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    theta[3] = [0.0, np.log(3.0)]
    np.testing.assert_allclose(softmax_policy(theta)[3], [0.25, 0.75])
    np.testing.assert_allclose(grad_log_pi(theta, 3, 1)[3], [-0.25, 0.25])
    np.testing.assert_allclose(grad_log_pi(theta, 3, 0)[3], [0.75, -0.75])
    assert np.count_nonzero(grad_log_pi(theta, 3, 0)) == 2
    rewards = np.array([-0.1, -0.1, 3.0])
    np.testing.assert_allclose(rewards_to_go(rewards, 0.9), [2.24, 2.6, 3.0])
    # right, right, right from cell 1: states 1, 7 (step 1, cell 2), 13 (step 2, cell 3)
    episode = (np.array([1, 7, 13]), np.array([1, 1, 1]), rewards)
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    cases = {
        "none": [1.12, 1.17, 1.215],
        2.0: [0.12, 0.27, 0.405],
    }
    for baseline, right in cases.items():
        grad = reinforce_gradient(theta, [episode], 0.9, baseline)
        np.testing.assert_allclose(grad[[1, 7, 13], 1], right)
        np.testing.assert_allclose(grad[[1, 7, 13], 0], -np.array(right))
        assert np.count_nonzero(grad) == 6
    grad = reinforce_gradient(theta, [episode], 0.9, reward_to_go=False)
    np.testing.assert_allclose(grad[[1, 7, 13], 1], [1.12, 1.12, 1.12])


def test_grad_log_pi_matches_finite_differences():
    rng = np.random.default_rng(0)
    for shape in [(CORRIDOR_STATES, CORRIDOR_ACTIONS), (4, 3)]:
        theta = rng.normal(0.0, 2.0, shape)
        for state in range(shape[0]):
            for action in range(shape[1]):
                numeric = np.zeros(shape)
                for idx in np.ndindex(shape):
                    step = np.zeros(shape)
                    step[idx] = 1e-6
                    up, down = theta + step, theta - step
                    log_up = up[state] - np.log(np.exp(up[state]).sum())
                    log_down = down[state] - np.log(np.exp(down[state]).sum())
                    numeric[idx] = (log_up[action] - log_down[action]) / 2e-6
                by_hand = grad_log_pi(theta, state, action)
                np.testing.assert_allclose(by_hand, numeric, atol=1e-8)
    # large logits: no overflow, and the policy is still a distribution
    probs = softmax_policy(np.array([[1000.0, 0.0], [-1000.0, -999.0]]))
    np.testing.assert_allclose(probs, [[1.0, 0.0], [1 / (1 + np.e), np.e / (1 + np.e)]])


def test_rewards_to_go_matches_the_definition():
    rewards = np.random.default_rng(1).normal(size=7)
    for gamma in (0.0, 0.5, 0.9, 1.0):
        expected = [
            sum(gamma ** (k - t) * rewards[k] for k in range(t, 7)) for t in range(7)
        ]
        np.testing.assert_allclose(rewards_to_go(rewards, gamma), expected, atol=1e-12)


def test_sample_episode_draws_each_episode_with_its_probability():
    theta = np.random.default_rng(2).normal(0.0, 1.0, (CORRIDOR_STATES, 2))
    index = {
        (tuple(s), tuple(a), tuple(r)): i
        for i, (_, s, a, r) in enumerate(CORRIDOR_EPISODES)
    }
    rng = np.random.default_rng(3)
    n = 20_000
    counts = np.zeros(len(CORRIDOR_EPISODES))
    for _ in range(n):
        states, actions, rewards = sample_episode(theta, rng)
        # a KeyError here is an episode the corridor cannot produce
        counts[index[(tuple(states), tuple(actions), tuple(rewards))]] += 1
    probs = corridor_probs(theta)
    assert probs.sum() == pytest.approx(1.0)
    se = np.sqrt(probs * (1 - probs) / n)
    assert np.all(np.abs(counts / n - probs) < 5 * se + 1e-4)


def test_reward_to_go_and_baselines_are_unbiased_exactly():
    # the expectation of a one-episode estimate, summed over all 658 episodes with
    # their probabilities, equals the exact gradient; with or without reward-to-go,
    # with no baseline, a constant, or any function of the state
    rng = np.random.default_rng(4)
    for gamma in (0.9, 1.0):
        theta = rng.normal(0.0, 1.0, (CORRIDOR_STATES, CORRIDOR_ACTIONS))
        exact = corridor_exact_gradient(theta, gamma)
        probs = corridor_probs(theta)
        options = [
            {"baseline": "none"},
            {"baseline": "none", "reward_to_go": False},
            {"baseline": 2.5},
            {"baseline": 2.5, "reward_to_go": False},
            {"baseline": "value", "values": rng.normal(0.0, 3.0, CORRIDOR_STATES)},
            {"baseline": "value", "values": corridor_values(theta, gamma)},
        ]
        for kwargs in options:
            estimates = [
                reinforce_gradient(theta, [(s, a, r)], gamma, **kwargs)
                for _, s, a, r in CORRIDOR_EPISODES
            ]
            expected = np.tensordot(probs, np.array(estimates), axes=1)
            np.testing.assert_allclose(expected, exact, atol=1e-8)


def test_batch_means_are_unbiased_with_and_without_baseline():
    gamma = 0.9
    theta = np.random.default_rng(5).normal(0.0, 1.0, (CORRIDOR_STATES, 2))
    exact = corridor_exact_gradient(theta, gamma)
    values = corridor_values(theta, gamma)
    batches = corridor_batches(theta, 2000, 4, seed=6)
    for kwargs in [
        {"baseline": "none"},
        {"baseline": "none", "reward_to_go": False},
        {"baseline": "mean"},
        {"baseline": "mean", "reward_to_go": False},
        {"baseline": "value", "values": values},
    ]:
        grads = np.array(
            [reinforce_gradient(theta, b, gamma, **kwargs) for b in batches]
        )
        # the error of a mean of 2000 estimates: about sqrt(total variance / 2000)
        noise = np.sqrt(grads.var(axis=0).sum() / len(batches))
        assert np.linalg.norm(grads.mean(axis=0) - exact) < 4 * noise


def test_baselines_reduce_the_variance():
    gamma = 0.9
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    values = corridor_values(theta, gamma)
    batches = corridor_batches(theta, 2000, 4, seed=7)

    def variance(**kwargs):
        grads = [reinforce_gradient(theta, b, gamma, **kwargs) for b in batches]
        return np.array(grads).var(axis=0).sum()

    none = variance(baseline="none")
    assert variance(baseline="value", values=values) < 0.6 * none
    assert variance(baseline="mean") < 0.8 * none
    assert variance(baseline=1.0) < 0.7 * none
    # a constant far from the returns makes it worse
    assert variance(baseline=3.0) > 2 * none


def test_train_reinforce_reaches_the_optimal_policy():
    gamma = 0.9
    best = corridor_values(np.zeros((CORRIDOR_STATES, 2)), gamma, optimal=True)
    best_start = best[CORRIDOR_START]
    for seed in (0, 1):
        theta, returns = train_reinforce(
            400, 16, 1.0, gamma, "value", np.random.default_rng(seed)
        )
        assert returns.shape == (400,)
        # the greedy policy of the trained logits is optimal: same value as the best
        greedy = 50.0 * (theta == theta.max(axis=1, keepdims=True))
        assert corridor_objective(greedy, gamma) == pytest.approx(best_start, abs=1e-9)
        assert corridor_objective(theta, gamma) > best_start - 0.03
        assert returns[-200:].mean() > returns[:50].mean() + 0.1


# --8<-- [end:tests]


# --8<-- [start:check]
from functools import partial

tests = [
    test_reinforce_worked_example,
    test_grad_log_pi_matches_finite_differences,
    test_rewards_to_go_matches_the_definition,
    test_sample_episode_draws_each_episode_with_its_probability,
    test_reward_to_go_and_baselines_are_unbiased_exactly,
    test_batch_means_are_unbiased_with_and_without_baseline,
    test_baselines_reduce_the_variance,
    test_train_reinforce_reaches_the_optimal_policy,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

gamma = 0.9
uniform = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
best = corridor_values(uniform, gamma, optimal=True)[CORRIDOR_START]
exact = corridor_exact_gradient(uniform, gamma)
print(
    f"{len(CORRIDOR_EPISODES)} possible episodes; J of the uniform policy "
    f"{corridor_objective(uniform, gamma):.3f}, of the best policy {best:.3f}"
)
print(
    f"exact gradient at the uniform policy: norm {np.linalg.norm(exact):.3f}; "
    f"d J / d theta[start, right] = {exact[CORRIDOR_START, 1]:+.3f}"
)


def without_gamma_t(theta, episodes, gamma):
    """What much code computes: reward-to-go with no gamma^t weight on step t."""
    grad = np.zeros(theta.shape)
    for states, actions, rewards in episodes:
        for s, a, g_t in zip(states, actions, rewards_to_go(rewards, gamma)):
            grad += g_t * grad_log_pi(theta, s, a)
    return grad / len(episodes)


values = corridor_values(uniform, gamma)
estimators = {
    "whole return, no baseline": partial(reinforce_gradient, reward_to_go=False),
    "reward-to-go, no baseline": reinforce_gradient,
    "reward-to-go, constant b = 1": partial(reinforce_gradient, baseline=1.0),
    "reward-to-go, constant b = 3": partial(reinforce_gradient, baseline=3.0),
    "reward-to-go, leave-one-out mean": partial(reinforce_gradient, baseline="mean"),
    "reward-to-go, b = V(s_t) exact": partial(
        reinforce_gradient, baseline="value", values=values
    ),
    "reward-to-go without gamma^t": without_gamma_t,
}
batches = corridor_batches(uniform, 4000, 4, seed=10)
probs = corridor_probs(uniform)
print("estimator, 4,000 batches of 4   error/se   bias  variance   exact  ratio")
plain = None
for name, estimate in estimators.items():
    grads = np.array([estimate(uniform, b, gamma) for b in batches])
    variance = grads.var(axis=0).sum()
    plain = plain or variance
    # the mean's error in standard errors: about 1 for an unbiased estimator
    error = np.linalg.norm(grads.mean(axis=0) - exact) / np.sqrt(variance / 4000)
    exact_bias, exact_variance = "-", "-"
    if "leave-one-out" not in name:
        # one episode at a time, weighted by its probability; a batch of 4 has 1/4
        one = [
            estimate(uniform, [(s, a, r)], gamma) for _, s, a, r in CORRIDOR_EPISODES
        ]
        mean = np.tensordot(probs, np.array(one), axes=1)
        spread = probs @ ((np.array(one) - mean) ** 2).sum(axis=(1, 2))
        exact_bias = f"{np.linalg.norm(mean - exact) / np.linalg.norm(exact):.3f}"
        exact_variance = f"{spread / 4:.3f}"
    print(
        f"{name:32s} {error:8.1f} {exact_bias:>6s} {variance:9.3f} "
        f"{exact_variance:>7s} {variance / plain:6.2f}"
    )

print("training from the uniform policy, 400 updates of 4 episodes, 20 seeds")
print("baseline            step  return 1-50  351-400  final J  near exit  optimal")
for lr, baseline, name in [
    (0.5, "none", "none"),
    (0.5, "value", "learned V(s)"),
    (2.0, "none", "none"),
    (2.0, 1.0, "constant b = 1"),
    (2.0, "mean", "leave-one-out mean"),
    (2.0, "value", "learned V(s)"),
]:
    curves, final, near, optimal = [], [], 0, 0
    for seed in range(20):
        theta, returns = train_reinforce(
            400, 4, lr, gamma, baseline, np.random.default_rng(seed)
        )
        curves.append(returns)
        final.append(corridor_objective(theta, gamma))
        # the greedy first move is left, to the exit that pays 1
        near += theta[CORRIDOR_START, 0] > theta[CORRIDOR_START, 1]
        greedy = 50.0 * (theta == theta.max(axis=1, keepdims=True))
        optimal += abs(corridor_objective(greedy, gamma) - best) < 1e-9
    curve = np.mean(curves, axis=0)
    print(
        f"{name:18s} {lr:5.1f} {curve[:50].mean():12.3f} {curve[-50:].mean():8.3f} "
        f"{np.mean(final):8.3f} {near:10d} {optimal:8d}"
    )
# --8<-- [end:check]
