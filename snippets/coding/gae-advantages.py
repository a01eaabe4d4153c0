# --8<-- [start:signature]
import numpy as np


def gae_advantages(
    rewards: np.ndarray,
    values: np.ndarray,
    terminated: np.ndarray,
    truncated: np.ndarray,
    last_values: np.ndarray,
    final_values: np.ndarray,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Generalised advantage estimates for a rollout of T steps in N parallel envs.

    rewards, values, terminated, truncated, final_values: shape (T, N). values[t] is
    V(s_t), the value of the observation at which action t was taken; rewards[t],
    terminated[t] and truncated[t] are what step t returned. An env that ends an
    episode at step t resets, so values[t + 1] belongs to its next episode.
    final_values[t]: V of the true final observation of an episode cut by a time
    limit at step t, read only where truncated[t] (other entries may be anything,
    even nan). last_values (N,): V of the observation after step T - 1.

    The value after step t is 0 if terminated[t] (also when truncated[t]), else
    final_values[t] if truncated[t], else values[t + 1] (last_values for t = T - 1).
    delta_t = rewards[t] + gamma * (value after step t) - values[t]
    A_t = delta_t + gamma * lam * A_{t+1}, the sum stopping after a step that ended
    an episode (terminated or truncated) and after step T - 1.
    Returns (advantages, returns), both (T, N), with returns = advantages + values.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def gae_advantages(
    rewards: np.ndarray,
    values: np.ndarray,
    terminated: np.ndarray,
    truncated: np.ndarray,
    last_values: np.ndarray,
    final_values: np.ndarray,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    terminated = np.asarray(terminated, dtype=bool)
    truncated = np.asarray(truncated, dtype=bool)
    # the value of the observation each step led to: the next row, then last_values
    next_values = np.concatenate([values[1:], np.asarray(last_values)[None]])
    # a time limit cut the episode: bootstrap from its true final observation,
    # not from the next row (the first observation of the next episode)
    next_values = np.where(truncated, final_values, next_values)
    # a terminal state is worth 0 (np.where, not a product: 0 * nan is nan)
    next_values = np.where(terminated, 0.0, next_values)
    deltas = rewards + gamma * next_values - values
    # the weight that carries A_{t+1} back to step t: 0 after any episode end
    carry = gamma * lam * ~(terminated | truncated)
    advantages = np.zeros(deltas.shape)
    running = np.zeros(deltas.shape[1:])
    for t in reversed(range(len(deltas))):
        running = deltas[t] + carry[t] * running
        advantages[t] = running
    return advantages, advantages + values


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def gae_random_batch(rng, n_steps=12, n_envs=5):
    """Random rollout arrays with terminations and truncations, as keyword arguments."""
    terminated = rng.random((n_steps, n_envs)) < 0.15
    truncated = (rng.random((n_steps, n_envs)) < 0.1) & ~terminated
    return {
        "rewards": rng.normal(size=(n_steps, n_envs)),
        "values": rng.normal(size=(n_steps, n_envs)),
        "terminated": terminated,
        "truncated": truncated,
        "last_values": rng.normal(size=n_envs),
        "final_values": rng.normal(size=(n_steps, n_envs)),
    }


def gae_naive_sum(batch, gamma, lam):
    """The definition, O(T^2) per env: A_t = sum over l of (gamma lam)^l delta_{t+l},
    up to the end of t's episode segment."""
    r, v = batch["rewards"], batch["values"]
    term, trunc = batch["terminated"], batch["truncated"]
    n_steps, n_envs = r.shape
    adv = np.zeros((n_steps, n_envs))
    for n in range(n_envs):
        for t in range(n_steps):
            for k in range(t, n_steps):
                if term[k, n]:
                    after = 0.0
                elif trunc[k, n]:
                    after = batch["final_values"][k, n]
                elif k == n_steps - 1:
                    after = batch["last_values"][n]
                else:
                    after = v[k + 1, n]
                delta = r[k, n] + gamma * after - v[k, n]
                adv[t, n] += (gamma * lam) ** (k - t) * delta
                if term[k, n] or trunc[k, n]:
                    break
    return adv


def test_gae_worked_example():
    ones = np.ones((3, 3))
    terminated = np.zeros((3, 3), bool)
    truncated = np.zeros((3, 3), bool)
    terminated[1, 1] = True  # env 1: the episode ends at step 1
    truncated[1, 2] = True  # env 2: a time limit cuts it at step 1
    final_values = np.full((3, 3), np.nan)
    final_values[1, 2] = 3.0
    adv, ret = gae_advantages(
        ones, ones, terminated, truncated, np.ones(3), final_values, gamma=0.5, lam=0.5
    )
    expected = [[0.65625, 0.5, 0.875], [0.625, 0.0, 1.5], [0.5, 0.5, 0.5]]
    np.testing.assert_allclose(adv, expected)
    np.testing.assert_allclose(ret, adv + 1.0)


def test_gae_lambda_zero_is_the_td_residual():
    batch = gae_random_batch(np.random.default_rng(0))
    adv, ret = gae_advantages(**batch, gamma=0.9, lam=0.0)
    after = np.vstack([batch["values"][1:], batch["last_values"]])
    after = np.where(batch["truncated"], batch["final_values"], after)
    after = np.where(batch["terminated"], 0.0, after)
    delta = batch["rewards"] + 0.9 * after - batch["values"]
    np.testing.assert_allclose(adv, delta, atol=1e-12)
    np.testing.assert_allclose(ret, adv + batch["values"], atol=1e-12)


def test_gae_lambda_one_is_the_monte_carlo_return_minus_v():
    # only terminations, and every env terminates at the last step: no bootstrap
    batch = gae_random_batch(np.random.default_rng(1))
    batch["truncated"][:] = False
    batch["terminated"][-1] = True
    gamma = 0.9
    adv, ret = gae_advantages(**batch, gamma=gamma, lam=1.0)
    r, term = batch["rewards"], batch["terminated"]
    mc = np.zeros_like(r)
    for n in range(r.shape[1]):
        for t in range(r.shape[0]):
            k = t
            while True:
                mc[t, n] += gamma ** (k - t) * r[k, n]
                if term[k, n]:
                    break
                k += 1
    np.testing.assert_allclose(adv, mc - batch["values"], atol=1e-12)
    np.testing.assert_allclose(ret, mc, atol=1e-12)


def test_gae_matches_the_naive_sum():
    for seed, (gamma, lam) in enumerate([(0.9, 0.7), (0.99, 0.95), (0.5, 1.0)]):
        batch = gae_random_batch(np.random.default_rng(10 + seed), 15, 6)
        adv, _ = gae_advantages(**batch, gamma=gamma, lam=lam)
        np.testing.assert_allclose(adv, gae_naive_sum(batch, gamma, lam), atol=1e-12)


def test_gae_no_leakage_across_episode_ends():
    rng = np.random.default_rng(2)
    batch = gae_random_batch(rng, 10, 3)
    batch["terminated"][:] = False
    batch["truncated"][:] = False
    batch["terminated"][4, 0] = True  # env 0: terminal state at step 4
    batch["truncated"][4, 1] = True  # env 1: time limit at step 4
    adv, _ = gae_advantages(**batch, gamma=0.9, lam=0.95)
    # whatever happens after the ends (next episodes, the bootstrap value) is irrelevant
    changed = {k: v.copy() for k, v in batch.items()}
    changed["rewards"][5:] += 10.0
    changed["values"][5:] -= 10.0
    changed["last_values"] += 10.0
    adv_changed, _ = gae_advantages(**changed, gamma=0.9, lam=0.95)
    np.testing.assert_allclose(adv_changed[:5, :2], adv[:5, :2], atol=1e-12)
    # and each env alone gives its column of the batch
    for n in range(3):
        alone, _ = gae_advantages(
            **{k: v[..., n : n + 1] for k, v in batch.items()}, gamma=0.9, lam=0.95
        )
        np.testing.assert_allclose(alone[:, 0], adv[:, n], atol=1e-12)


def test_gae_truncation_bootstraps_from_the_final_observation():
    # reward 1 per step forever, cut by a time limit at step 2: with the exact
    # critic V = 1 / (1 - gamma) = 10 everywhere, every advantage is 0 at any lambda
    gamma, n_steps = 0.9, 6
    rewards = np.ones((n_steps, 1))
    values = np.full((n_steps, 1), 10.0)
    terminated = np.zeros((n_steps, 1), bool)
    truncated = np.zeros((n_steps, 1), bool)
    truncated[2, 0] = True
    final_values = np.full((n_steps, 1), np.nan)
    final_values[2, 0] = 10.0
    last = np.array([10.0])
    for lam in (0.0, 0.95, 1.0):
        adv, ret = gae_advantages(
            rewards, values, terminated, truncated, last, final_values, gamma, lam
        )
        np.testing.assert_allclose(adv, 0.0, atol=1e-12)
        np.testing.assert_allclose(ret, 10.0, atol=1e-12)
    # the next row is the next episode's first observation: it must not be used
    values[3, 0] = -5.0
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(0.0, abs=1e-12)
    # both flags set: the state is terminal, so nothing is bootstrapped
    terminated[2, 0] = True
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(1.0 - 10.0)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_gae_worked_example,
    test_gae_lambda_zero_is_the_td_residual,
    test_gae_lambda_one_is_the_monte_carlo_return_minus_v,
    test_gae_matches_the_naive_sum,
    test_gae_no_leakage_across_episode_ends,
    test_gae_truncation_bootstraps_from_the_final_observation,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# A random walk on states 0..8 under a fixed policy: start in 4, step left or right
# with probability 1/2; stepping into 8 pays 1, into 0 pays 0; both end the episode.
n, start, gamma = 7, 4, 0.95
inner = np.arange(1, n + 1)
P = np.zeros((n + 2, n + 2))
P[inner, inner - 1] = P[inner, inner + 1] = 0.5
# exact values: V = r_bar + gamma P V on states 1..n, and V = 0 at both ends
v_true = np.zeros(n + 2)
A_sys = np.eye(n) - gamma * P[1:-1, 1:-1]
v_true[1:-1] = np.linalg.solve(A_sys, 0.5 * (inner == n))
# an imperfect critic: the exact values plus a fixed error per state
rng = np.random.default_rng(0)
v_hat = v_true.copy()
v_hat[1:-1] += rng.normal(0.0, 0.2, n)


def random_walk_rollout(n_envs, n_steps, time_limit, rng):
    """n_envs copies, each reset to `start` when its episode ends."""
    s, age = np.full(n_envs, start), np.zeros(n_envs, int)
    states, nexts = np.zeros((2, n_steps, n_envs), int)
    terminated, truncated = np.zeros((2, n_steps, n_envs), bool)
    for t in range(n_steps):
        states[t] = s
        nexts[t] = s + rng.choice([-1, 1], size=n_envs)
        terminated[t] = (nexts[t] == 0) | (nexts[t] == n + 1)
        age += 1
        truncated[t] = (age == time_limit) & ~terminated[t]
        ended = terminated[t] | truncated[t]
        s, age = np.where(ended, start, nexts[t]), np.where(ended, 0, age)
    rewards = (nexts == n + 1).astype(float)
    return states, nexts, rewards, terminated, truncated, s


def bias_and_variance(adv, states, nexts, rewards, v, keep):
    """Error of A_t against Q(s_t, a_t) - v(s_t), per (state, action) pair: its mean
    (bias, root-mean-square over pairs) and its variance (mean over pairs), weighted
    by visits; the first `keep` steps only, far from the rollout's end."""
    q = rewards + gamma * v_true[nexts]
    err = (adv - (q - v[states]))[:keep].ravel()
    pair = (2 * states + (nexts > states))[:keep].ravel()
    count = np.bincount(pair)
    seen = count > 0
    mean = np.bincount(pair, err)[seen] / count[seen]
    var = np.bincount(pair, err**2)[seen] / count[seen] - mean**2
    w = count[seen] / count.sum()
    return np.sqrt(w @ mean**2), w @ var


n_steps, keep = 600, 400
states, nexts, rewards, term, trunc, s_last = random_walk_rollout(
    2000, n_steps, n_steps + 1, rng
)
critic_error = np.sqrt(np.mean((v_hat - v_true)[1:-1] ** 2))
print(f"critic error (RMS over states): {critic_error:.3f}")
print("lambda   bias  variance  bias^2 + variance")
for lam in [0.0, 0.5, 0.8, 0.9, 0.95, 1.0]:
    adv, _ = gae_advantages(
        rewards, v_hat[states], term, trunc, v_hat[s_last], v_hat[nexts], gamma, lam
    )
    bias, var = bias_and_variance(adv, states, nexts, rewards, v_hat, keep)
    print(f"{lam:6.2f}  {bias:.3f}     {var:.3f}              {bias**2 + var:.3f}")

# a time limit of 8 steps, the exact critic, lambda = 0.95
states, nexts, rewards, term, trunc, s_last = random_walk_rollout(2000, n_steps, 8, rng)
v_s, v_last, v_next = v_true[states], v_true[s_last], v_true[nexts]
variants = {
    "bootstrap from the final observation": (term, trunc),
    "truncation treated as termination": (term | trunc, np.zeros_like(trunc)),
    "truncation ignored (runs into the next episode)": (term, np.zeros_like(trunc)),
}
print("time limit of 8 steps, exact critic, lambda 0.95: bias")
for name, (te, tr) in variants.items():
    adv, _ = gae_advantages(rewards, v_s, te, tr, v_last, v_next, gamma, 0.95)
    bias, _ = bias_and_variance(adv, states, nexts, rewards, v_true, keep)
    print(f"  {name:48s} {bias:.3f}")
# --8<-- [end:check]
