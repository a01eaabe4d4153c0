import numpy as np

K, T, RUNS = 10, 10_000, 50
checkpoints = [100, 1_000, 10_000]
rows = np.arange(RUNS)


def argmax(x, rng):
    # Break exact ties at random: the means are ratios of small integers and tie often.
    return np.argmax(x + 1e-9 * rng.random(x.shape), axis=1)


def greedy(t, pulls, wins, rng):
    # After one pull of each arm, always play the best empirical mean.
    return argmax(wins / pulls, rng)


def epsilon_greedy(t, pulls, wins, rng, eps=0.1):
    explore = rng.random(RUNS) < eps
    return np.where(explore, rng.integers(K, size=RUNS), argmax(wins / pulls, rng))


def ucb1(t, pulls, wins, rng):
    # Auer et al. (2002): empirical mean + sqrt(2 ln t / n_a), optimism under
    # uncertainty.
    return argmax(wins / pulls + np.sqrt(2 * np.log(t) / pulls), rng)


def thompson(t, pulls, wins, rng):
    # Beta(1, 1) prior: draw a mean for each arm from its posterior, play the best draw.
    return argmax(rng.beta(1 + wins, 1 + pulls - wins), rng)


# RUNS independent bandits with K Bernoulli arms, means uniform in [0.2, 0.8]. Every
# algorithm sees the same means and the same reward draws (common random numbers).
env = np.random.default_rng(0)
mu = env.uniform(0.2, 0.8, size=(RUNS, K))
gap = mu.max(axis=1, keepdims=True) - mu
rewards = env.random((T, RUNS, K)) < mu

print(f"cumulative regret, mean (std err) over {RUNS} bandits, K={K} arms")
print(
    f"{'':<20}"
    + "".join(f"{'T=' + str(c):>16}" for c in checkpoints)
    + f"{'last 1k/step':>14}{'wrong arm':>11}"
)
for name, policy in [
    ("greedy", greedy),
    ("epsilon-greedy 0.1", epsilon_greedy),
    ("UCB1", ucb1),
    ("Thompson sampling", thompson),
]:
    rng = np.random.default_rng(1)
    pulls, wins, regret = np.zeros((RUNS, K)), np.zeros((RUNS, K)), np.zeros(RUNS)
    out = []
    for t in range(T):
        # Initialisation: pull every arm once (Thompson does not need it; kept for
        # parity).
        a = np.full(RUNS, t) if t < K else policy(t, pulls, wins, rng)
        pulls[rows, a] += 1
        wins[rows, a] += rewards[t, rows, a]
        # Pseudo-regret: the expected loss mu* - mu[a], not the noisy realised reward.
        regret += gap[rows, a]
        if t + 1 in checkpoints:
            out.append((regret.mean(), regret.std(ddof=1) / np.sqrt(RUNS)))
        if t + 1 == T - 1_000:
            before_last_1k = regret.mean()
    # The slope of the regret curve now, and how many runs most pull a suboptimal arm.
    slope = (regret.mean() - before_last_1k) / 1_000
    wrong = (pulls.argmax(axis=1) != mu.argmax(axis=1)).mean()
    cells = "".join(f"{m:>10.1f} ({s:>4.1f})" for m, s in out)
    print(f"{name:<20}{cells}{slope:>14.4f}{wrong:>11.0%}")
print(f"{'uniform random play':<20}{gap.mean() * T:>48.1f}{gap.mean():>14.4f}")
