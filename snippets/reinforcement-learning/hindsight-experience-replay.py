import math

import numpy as np

# Bit flipping (Andrychowicz et al., 2017): a state and a goal are n-bit strings,
# action i flips bit i, the reward is -1 for every step that does not land on the
# goal and 0 for the one that does (the episode then ends); at most n steps.
GAMMA, EPSILON, K_FUTURE = 0.98, 0.2, 4
EPISODES, PARALLEL, SEEDS, BATCH, TEST_GOALS = 2000, 16, 5, 256, 500
# Every entry starts at the value of never reaching the goal, so a tried action
# looks no worse than an untried one: until the first reward the agent is a
# random walk, with no optimism to drive its exploration.
NEVER = -1 / (1 - GAMMA)


def random_policy_success(n):
    """Exact chance that uniformly random flips reach the goal within n steps."""
    # The Hamming distance to the goal is an Ehrenfest chain, started from
    # Binomial(n, 1/2) conditioned on >= 1 and absorbed at 0.
    p = np.array([math.comb(n, d) for d in range(n + 1)], dtype=float)
    p[0] = 0.0
    p /= p.sum()
    down = np.arange(n + 1) / n
    reached = 0.0
    for _ in range(n):
        nxt = np.zeros(n + 1)
        nxt[:-1] += p[1:] * down[1:]
        nxt[1:] += p[:-1] * (1 - down[:-1])
        reached, nxt[0] = reached + nxt[0], 0.0
        p = nxt
    return reached


def table_row(state, goal, n, shared):
    # shared: one row per difference state XOR goal, which loses nothing because
    # bit flipping looks the same from every goal; it stands in for a network
    # that generalises across goals. Otherwise one row per (state, goal) pair.
    return state ^ goal if shared else (state << n) | goal


def random_pairs(rng, n, size):
    state, goal = rng.integers(0, 2**n, size), rng.integers(0, 2**n, size)
    while np.any(state == goal):
        goal = np.where(state == goal, rng.integers(0, 2**n, size), goal)
    return state, goal


def train(n, seed, her, shared):
    """Q-learning (step size 1: the task is deterministic) from a replay buffer."""
    rng = np.random.default_rng([n, seed, her, shared])
    Q = np.full((2 ** (n if shared else 2 * n), n), NEVER)
    capacity = EPISODES * n * (1 + K_FUTURE * her)
    buffer = {key: np.zeros(capacity, dtype=np.int64) for key in ("s", "a", "g")}
    size, rewarded_episodes = 0, 0
    for _ in range(EPISODES // PARALLEL):
        state, goal = random_pairs(rng, n, PARALLEL)
        states, actions = [state], []
        done = np.zeros(PARALLEL, dtype=bool)
        steps = np.zeros(PARALLEL, dtype=np.int64)
        for _ in range(n):
            q = Q[table_row(state, goal, n, shared)]
            ties = q == q.max(axis=1, keepdims=True)
            greedy = (rng.random(q.shape) * ties).argmax(axis=1)
            explore = rng.random(PARALLEL) < EPSILON
            action = np.where(explore, rng.integers(0, n, PARALLEL), greedy)
            steps += ~done
            state = np.where(done, state, state ^ (1 << action))
            done |= state == goal
            states.append(state)
            actions.append(action)
        rewarded_episodes += done.sum()
        S, A = np.stack(states), np.stack(actions)
        t, ep = np.nonzero(np.arange(n)[:, None] < steps)
        new = {"s": [S[t, ep]], "a": [A[t, ep]], "g": [goal[ep]]}
        if her:
            # "future": store each transition again with K_FUTURE goals achieved
            # later in the same episode, drawn from s_{t+1} .. s_T; a copy whose
            # goal is s_{t+1} earns the reward on this very step.
            t, ep = np.repeat(t, K_FUTURE), np.repeat(ep, K_FUTURE)
            later = rng.integers(t + 1, steps[ep] + 1)
            new["s"].append(S[t, ep])
            new["a"].append(A[t, ep])
            new["g"].append(S[later, ep])
        for key, parts in new.items():
            column = np.concatenate(parts)
            buffer[key][size : size + len(column)] = column
        size += len(column)
        # n minibatches per 16 episodes, the same budget with and without HER.
        for _ in range(n):
            i = rng.integers(0, size, BATCH)
            s, a, g = buffer["s"][i], buffer["a"][i], buffer["g"][i]
            s_next = s ^ (1 << a)
            bootstrap = Q[table_row(s_next, g, n, shared)].max(axis=1)
            Q[table_row(s, g, n, shared), a] = np.where(
                s_next == g, 0.0, -1 + GAMMA * bootstrap
            )
    s, a, g = (buffer[key][:size] for key in ("s", "a", "g"))
    reward_share = np.mean((s ^ (1 << a)) == g)
    return Q, rewarded_episodes / EPISODES, reward_share


def greedy_success(Q, n, shared, state, goal):
    done = np.zeros(len(state), dtype=bool)
    for _ in range(n):
        action = Q[table_row(state, goal, n, shared)].argmax(axis=1)
        state = np.where(done, state, state ^ (1 << action))
        done |= state == goal
    return done.mean()


print(f"bit flipping: {EPISODES} episodes per run, {SEEDS} seeds; success = the greedy")
print(f"policy reaches a fresh random goal within n steps ({TEST_GOALS} goals per n)")
shares = {False: [], True: []}
for shared, sizes in ((True, (4, 6, 8, 10, 12, 14, 16)), (False, (4, 6, 8, 10))):
    title = "s XOR g (shared by all goals)" if shared else "(s, g) pairs (no sharing)"
    print(f"\nQ-table over {title}")
    print(" n  random policy  no HER: rewarded   no HER success     HER success")
    for n in sizes:
        state, goal = random_pairs(np.random.default_rng(1000 + n), n, TEST_GOALS)
        success, rewarded = {False: [], True: []}, []
        for her in (False, True):
            for seed in range(SEEDS):
                Q, rewarded_fraction, share = train(n, seed, her, shared)
                success[her].append(greedy_success(Q, n, shared, state, goal))
                if not her:
                    rewarded.append(rewarded_fraction)
                if shared and n == 16:
                    shares[her].append(share)
        cells = [
            f"{np.mean(v):.2f} ({np.min(v):.2f}-{np.max(v):.2f})"
            for v in (success[False], success[True])
        ]
        print(
            f"{n:2d}  {random_policy_success(n):13.4f}  {np.mean(rewarded):16.4f}"
            f"   {cells[0]}   {cells[1]}"
        )
print(
    "\nstored transitions that reach their goal, n=16, shared table:"
    f" no HER {np.mean(shares[False]):.3f}, HER {np.mean(shares[True]):.3f}"
)
