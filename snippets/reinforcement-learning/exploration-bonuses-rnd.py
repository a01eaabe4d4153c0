import numpy as np

# A chain of N states: start at the left end, actions left/right (left at the
# start stays put), reward 1 only on reaching the right end, N + 9 steps per
# episode. 50 independent runs of each agent, side by side.
GAMMA, EPS, ALPHA, BETA = 0.95, 0.1, 0.1, 0.1
RUNS, BUDGET, CHAINS = 50, 300, [5, 10, 20, 40]
runs = np.arange(RUNS)


def random_policy_success(N):
    """Exact chance that uniformly random actions reach the goal in one episode."""
    p, found = np.eye(N)[0], 0.0
    for _ in range(N + 9):
        p = 0.5 * np.r_[p[0] + p[1], p[2:], 0] + 0.5 * np.r_[0, p[:-1]]
        found += p[-1]
        p[-1] = 0
    return found


def first_success(N, agent, rng):
    """Episode (1-based) in which each run first reaches the goal; 0 if never."""
    n = np.zeros((RUNS, N, 2))  # visit counts n(s, a)
    nxt = np.zeros((RUNS, N, 2), int)  # the learned model: next state seen
    v_max = (1 + BETA) / (1 - GAMMA)
    # epsilon-greedy starts at 0; the count agent values untried actions at v_max
    Q = np.full((RUNS, N, 2), 0.0 if agent == "epsilon-greedy" else v_max)
    first = np.zeros(RUNS, int)
    for episode in range(1, BUDGET + 1):
        s, active = np.zeros(RUNS, int), first == 0
        for _ in range(N + 9):
            q = Q[runs, s]
            a = np.where(
                q[:, 1] == q[:, 0], rng.integers(0, 2, RUNS), q[:, 1] > q[:, 0]
            )
            if agent == "epsilon-greedy":
                a = np.where(rng.random(RUNS) < EPS, rng.integers(0, 2, RUNS), a)
            s2 = np.clip(s + 2 * a - 1, 0, N - 1)
            goal = s2 == N - 1
            i = (runs[active], s[active], a[active])
            n[i] += 1
            nxt[i] = s2[active]
            if agent == "epsilon-greedy":
                # Q-learning on the task's reward
                target = goal + GAMMA * ~goal * Q[runs, s2].max(1)
                Q[i] += ALPHA * (target - Q[runs, s, a])[active]
            else:
                # MBIE-EB: a sweep of value iteration on the learned model with
                # reward r(s, a) + BETA / sqrt(n(s, a))
                r = (nxt == N - 1) + BETA / np.sqrt(np.maximum(n, 1))
                V = np.take_along_axis(Q.max(2), nxt.reshape(RUNS, -1), 1)
                V = V.reshape(RUNS, N, 2) * (nxt != N - 1)
                Q = np.where(n > 0, r + GAMMA * V, v_max)
            first[active & goal] = episode
            active &= ~goal
            s = s2
        if (first > 0).all():
            break
    return first


p_random = [random_policy_success(N) for N in CHAINS]
print("chain length N                  " + "".join(f"{N:>9}" for N in CHAINS))
print("random policy: expected episodes" + "".join(f"{1 / p:9.3g}" for p in p_random))
chance = [100 * (1 - (1 - p) ** BUDGET) for p in p_random]
print(
    f"random policy: found in {BUDGET}       " + "".join(f"{c:8.0f}%" for c in chance)
)
results = {}
for agent in ["epsilon-greedy", "count bonus"]:
    rng = np.random.default_rng(0)
    results[agent] = [first_success(N, agent, rng) for N in CHAINS]
print(f"found the goal within {BUDGET} episodes ({RUNS} runs)")
for agent, firsts in results.items():
    print(f"  {agent:<30}" + "".join(f"{100 * np.mean(f > 0):8.0f}%" for f in firsts))
print("median episode of first success")
for agent, firsts in results.items():
    # runs that never succeed count as later than the budget
    medians = [np.median(np.where(f > 0, f, BUDGET + 1)) for f in firsts]
    cells = [f"{m:.0f}" if m <= BUDGET else f">{BUDGET}" for m in medians]
    print(f"  {agent:<30}" + "".join(f"{c:>9}" for c in cells))

# Random network distillation on one-hot observations: a fixed random network
# (the target) and a predictor trained to match it on what the agent observes.
D, HIDDEN, OUT, LR = 50, 32, 8, 0.05
onehot = np.eye(D)


def random_mlp(rng):
    return [rng.normal(0, 1, (D, HIDDEN)), rng.normal(0, HIDDEN**-0.5, (HIDDEN, OUT))]


def forward(w, x):
    h = np.tanh(x @ w[0])
    return h, h @ w[1]


rng = np.random.default_rng(1)
target, predictor = random_mlp(rng), random_mlp(rng)


def rnd_error(x):
    return ((forward(predictor, x)[1] - forward(target, x)[1]) ** 2).mean(-1)


def rnd_update(x):
    # one SGD step on the squared error; the target network never changes
    h, y = forward(predictor, x)
    g = 2 * (y - forward(target, x)[1]) / OUT
    g_h = (g @ predictor[1].T) * (1 - h**2)
    predictor[1] -= LR * np.outer(h, g)
    predictor[0] -= LR * np.outer(x, g_h)


# 30 states visited 3,000 times in all, most often near the start
start = rnd_error(onehot[:30])
p = 0.7 ** np.arange(30)
visits = rng.choice(30, 3000, p=p / p.sum())
for k in visits:
    rnd_update(onehot[k])
counts, end = np.bincount(visits, minlength=30), rnd_error(onehot[:30])
print("RND error, by visits      states   start     end")
for lo, hi in [(0, 0), (1, 9), (10, 99), (100, 3000)]:
    m = (counts >= lo) & (counts <= hi)
    label = f"{lo}" if lo == hi else f"{lo}-{hi}"
    print(f"  {label:<24}{m.sum():5d}{start[m].mean():8.3f}{end[m].mean():8.4f}")

# Noisy TV: observation 30 is always followed by 31; observation 32 (a TV) by one
# of 10 random channels, 40-49. A forward model W predicts the next observation
# from the current one (ICM's forward model, without its learned features); RND
# scores the next observation itself. W starts at 0: squared error 1.
W = np.zeros((D, D))
cases = {
    "deterministic, 30 -> 31": (30, [31]),
    "noisy TV, 32 -> 40-49": (32, range(40, 50)),
}
rnd_start = {
    k: rnd_error(onehot[list(nexts)]).mean() for k, (_, nexts) in cases.items()
}
for _ in range(500):
    for s, nexts in cases.values():
        s_next = rng.choice(list(nexts))
        W -= 0.1 * np.outer(onehot[s], W[s] - onehot[s_next])
        rnd_update(onehot[s_next])
print("after 500 visits: error / error at start   forward model     RND")
for k, (s, nexts) in cases.items():
    forward_error = np.mean([np.sum((W[s] - onehot[c]) ** 2) for c in nexts])
    rnd_ratio = rnd_error(onehot[list(nexts)]).mean() / rnd_start[k]
    print(f"  {k:<40}{forward_error:10.3f}{rnd_ratio:8.3f}")
