# --8<-- [start:signature]
import numpy as np


class EpsilonGreedy:
    """With probability epsilon, play an arm drawn uniformly from all n_arms (the
    greedy one included); otherwise the arm with the highest empirical mean, where an
    arm never played counts as best, so every arm is tried early. Ties go to the
    lowest index. self.counts[a]: plays of arm a; self.means[a]: its mean reward."""

    def __init__(self, n_arms: int, epsilon: float = 0.1):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class UCB1:
    """Auer, Cesa-Bianchi and Fischer (2002). index() returns, for every arm,
    means[a] + sqrt(2 ln t / counts[a]), with t the number of plays so far (all
    arms), and inf for an arm never played. select(rng) plays the arm with the
    largest index, the lowest index among ties, so each arm is played once first, in
    order; it uses no randomness (rng is accepted for the common interface)."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def index(self) -> np.ndarray:
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class ThompsonSampling:
    """Bernoulli Thompson sampling with a Beta(1, 1) prior on every arm. self.alpha[a]
    is 1 + successes of arm a, self.beta[a] is 1 + failures (rewards are 0 or 1).
    select(rng) draws one mean per arm from its Beta posterior and plays the largest."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


def run(policy, probs, horizon: int, rng: np.random.Generator) -> np.ndarray:
    """Play `horizon` rounds against Bernoulli arms with success probabilities `probs`:
    arm = policy.select(rng), reward 1 with probability probs[arm] (drawn with rng),
    else 0, then policy.update(arm, reward). Return the cumulative pseudo-regret after
    every round, shape (horizon,): regret[t - 1] = t * max(probs) - (sum of
    probs[arm] over the first t rounds); it uses the means, not the noisy rewards."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


class EpsilonGreedy:
    def __init__(self, n_arms: int, epsilon: float = 0.1):
        self.epsilon = epsilon
        self.counts = np.zeros(n_arms, dtype=int)
        self.means = np.zeros(n_arms)

    def select(self, rng: np.random.Generator) -> int:
        if rng.random() < self.epsilon:
            return int(rng.integers(len(self.counts)))
        # an arm never played beats any mean; np.argmax returns the first maximum
        return int(np.argmax(np.where(self.counts > 0, self.means, np.inf)))

    def update(self, arm: int, reward: float) -> None:
        self.counts[arm] += 1
        # running mean: no list of past rewards
        self.means[arm] += (reward - self.means[arm]) / self.counts[arm]


class UCB1:
    def __init__(self, n_arms: int):
        self.counts = np.zeros(n_arms, dtype=int)
        self.means = np.zeros(n_arms)

    def index(self) -> np.ndarray:
        t = self.counts.sum()
        bonus = np.full(len(self.counts), np.inf)
        played = self.counts > 0
        # t counts the plays of all arms; the bonus shrinks with the arm's own count
        if t > 0:
            bonus[played] = np.sqrt(2 * np.log(t) / self.counts[played])
        return self.means + bonus

    def select(self, rng: np.random.Generator) -> int:
        return int(np.argmax(self.index()))

    def update(self, arm: int, reward: float) -> None:
        self.counts[arm] += 1
        self.means[arm] += (reward - self.means[arm]) / self.counts[arm]


class ThompsonSampling:
    def __init__(self, n_arms: int):
        self.alpha = np.ones(n_arms)
        self.beta = np.ones(n_arms)

    def select(self, rng: np.random.Generator) -> int:
        # one draw per arm from its posterior: an arm is played with the posterior
        # probability that it is the best
        return int(np.argmax(rng.beta(self.alpha, self.beta)))

    def update(self, arm: int, reward: float) -> None:
        # Beta-Bernoulli conjugacy: a success adds 1 to alpha, a failure 1 to beta
        self.alpha[arm] += reward
        self.beta[arm] += 1 - reward


def run(policy, probs, horizon: int, rng: np.random.Generator) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    arms = np.empty(horizon, dtype=int)
    for t in range(horizon):
        arm = policy.select(rng)
        policy.update(arm, float(rng.random() < probs[arm]))
        arms[t] = arm
    # pseudo-regret: the expected loss of each choice, free of reward noise
    return np.cumsum(probs.max() - probs[arms])


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest


def bandit_policies(n_arms):
    return {
        "epsilon-greedy": EpsilonGreedy(n_arms, epsilon=0.1),
        "UCB1": UCB1(n_arms),
        "Thompson": ThompsonSampling(n_arms),
    }


def test_bandit_worked_example():
    ucb = UCB1(2)
    for arm, reward in [(0, 1), (1, 0), (0, 1), (0, 0)]:
        ucb.update(arm, reward)
    # t = 4 plays; arm 0: mean 2/3 from 3 plays, arm 1: mean 0 from 1 play
    expected = [2 / 3 + math.sqrt(2 * math.log(4) / 3), math.sqrt(2 * math.log(4))]
    assert ucb.index() == pytest.approx(expected)
    assert ucb.index() == pytest.approx([1.62802, 1.66511], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 1  # the arm with mean 0 wins
    ucb.update(1, 0)
    assert ucb.index() == pytest.approx([1.70251, 1.26864], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 0
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    assert ts.alpha == pytest.approx([3, 1])
    assert ts.beta == pytest.approx([2, 2])


def test_bandit_selection_probabilities():
    # Thompson, posteriors Beta(3, 2) and Beta(1, 2): P(arm 0) = P(X > Y) = 0.8
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    rng = np.random.default_rng(1)
    share = np.mean([ts.select(rng) == 0 for _ in range(20_000)])
    assert share == pytest.approx(0.8, abs=0.015)  # 5 standard errors
    # epsilon-greedy: the greedy arm with probability 1 - 0.3 + 0.3 / 3 = 0.8
    eg = EpsilonGreedy(3, epsilon=0.3)
    for arm, reward in [(0, 0), (1, 1), (2, 0), (1, 0)]:
        eg.update(arm, reward)
    assert list(eg.counts) == [1, 2, 1]
    assert eg.means == pytest.approx([0.0, 0.5, 0.0])
    rng = np.random.default_rng(2)
    picks = np.bincount([eg.select(rng) for _ in range(20_000)], minlength=3)
    assert picks / 20_000 == pytest.approx([0.1, 0.8, 0.1], abs=0.015)


def test_bandit_ucb1_plays_every_arm_once_and_breaks_ties_by_index():
    ucb = UCB1(4)
    assert np.all(np.isinf(ucb.index()))
    first = []
    for reward in [1, 0, 1, 0]:
        first.append(ucb.select(np.random.default_rng(len(first))))
        ucb.update(first[-1], reward)
    assert first == [0, 1, 2, 3]
    # arms 0 and 2 now tie (mean 1, one play each): the lower index, whatever the rng
    assert ucb.index()[0] == ucb.index()[2]
    picks = {ucb.select(np.random.default_rng(seed)) for seed in range(5)}
    assert picks == {0}
    # selecting changes nothing: only update does
    assert list(ucb.counts) == [1, 1, 1, 1]


def test_bandit_thompson_posterior_counts_successes_and_failures():
    ts = ThompsonSampling(3)
    assert ts.alpha == pytest.approx([1, 1, 1])
    assert ts.beta == pytest.approx([1, 1, 1])
    rng = np.random.default_rng(3)
    arms = rng.integers(3, size=200)
    rewards = (rng.random(200) < 0.4).astype(float)
    for arm, reward in zip(arms, rewards):
        ts.update(int(arm), reward)
    successes = np.bincount(arms, weights=rewards, minlength=3)
    failures = np.bincount(arms, weights=1 - rewards, minlength=3)
    assert ts.alpha == pytest.approx(1 + successes)
    assert ts.beta == pytest.approx(1 + failures)
    # through run(): every round adds exactly one observation
    ts = ThompsonSampling(3)
    run(ts, [0.2, 0.5, 0.7], 500, np.random.default_rng(4))
    assert np.sum(ts.alpha + ts.beta - 2) == pytest.approx(500)


def test_bandit_run_returns_the_pseudo_regret():
    class AlwaysArmOne:
        def __init__(self):
            self.rewards = []

        def select(self, rng):
            return 1

        def update(self, arm, reward):
            self.rewards.append(reward)

    policy = AlwaysArmOne()
    regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(5))
    assert regret.shape == (10_000,)
    # the gap 0.4 per round, exactly: no reward noise in the pseudo-regret
    assert regret == pytest.approx(0.4 * np.arange(1, 10_001))
    assert set(policy.rewards) == {0.0, 1.0}
    assert np.mean(policy.rewards) == pytest.approx(0.3, abs=0.025)  # 5 s.e.


def test_bandit_policies_beat_uniform_random_play():
    # 2 arms, gap 0.4: playing uniformly at random costs 0.2 per round, 2,000 in all
    for name, policy in bandit_policies(2).items():
        regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(6))
        assert regret[-1] < 0.25 * 2_000, name


def test_bandit_regret_growth_sublinear_or_linear():
    # 3 runs each; regret summed over the runs at T = 1,000 and at 10T = 10,000
    probs, seeds = [0.7, 0.3], range(10, 13)
    for name in ["UCB1", "Thompson"]:
        curves = [
            run(bandit_policies(2)[name], probs, 10_000, np.random.default_rng(s))
            for s in seeds
        ]
        at_t = sum(c[999] for c in curves)
        at_10t = sum(c[-1] for c in curves)
        assert at_10t < 4 * at_t, name  # linear growth would give about 10 times
    # fixed epsilon: after the start, regret per round ~ epsilon * (mean gap of all
    # arms) = 0.1 * 0.2 = 0.02, for ever
    curves = [
        run(EpsilonGreedy(2, 0.1), probs, 10_000, np.random.default_rng(s))
        for s in seeds
    ]
    per_round = np.mean([(c[-1] - c[999]) / 9_000 for c in curves])
    assert per_round == pytest.approx(0.02, rel=0.2)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_bandit_worked_example,
    test_bandit_selection_probabilities,
    test_bandit_ucb1_plays_every_arm_once_and_breaks_ties_by_index,
    test_bandit_thompson_posterior_counts_successes_and_failures,
    test_bandit_run_returns_the_pseudo_regret,
    test_bandit_policies_beat_uniform_random_play,
    test_bandit_regret_growth_sublinear_or_linear,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")


def simulate_runs(rule, probs, horizon, n_runs, rng, epsilon=0.1):
    """The rules of the three classes, vectorised over n_runs independent runs (the
    loop is over rounds only). Returns the cumulative pseudo-regret, shape
    (horizon, n_runs)."""
    probs = np.asarray(probs, dtype=float)
    k, rows = len(probs), np.arange(n_runs)
    counts, wins = np.zeros((n_runs, k)), np.zeros((n_runs, k))
    regret, total = np.zeros((horizon, n_runs)), np.zeros(n_runs)
    for t in range(horizon):
        if rule == "Thompson sampling":
            arm = np.argmax(rng.beta(1 + wins, 1 + counts - wins), axis=1)
        elif rule == "UCB1" and t < k:
            arm = np.full(n_runs, t)  # every arm once, in order
        elif rule == "UCB1":
            arm = np.argmax(wins / counts + np.sqrt(2 * np.log(t) / counts), axis=1)
        else:
            means = np.where(counts > 0, wins / np.maximum(counts, 1), np.inf)
            explore = rng.random(n_runs) < epsilon
            arm = np.where(explore, rng.integers(k, size=n_runs), means.argmax(1))
        counts[rows, arm] += 1
        wins[rows, arm] += rng.random(n_runs) < probs[arm]
        total += probs.max() - probs[arm]
        regret[t] = total
    return regret


def bernoulli_kl(p, q):
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


arm_sets = {"close": [0.55, 0.5, 0.5, 0.45, 0.45], "easy": [0.9, 0.7, 0.5, 0.3, 0.1]}
classes = {
    "epsilon-greedy 0.1": EpsilonGreedy,  # epsilon = 0.1 by default
    "UCB1": UCB1,
    "Thompson sampling": ThompsonSampling,
}
n_runs, at_1k = 100, {}
for label, probs in arm_sets.items():
    p = np.array(probs)
    gap = p.max() - p
    bad = gap > 0
    # Lai and Robbins (1985): for every consistent policy, the lim inf of
    # regret / ln T as T grows is at least C; an asymptotic bound
    lai_robbins = np.sum(gap[bad] / bernoulli_kl(p[bad], p.max()))
    arms = ", ".join(f"{x:g}" for x in probs)
    print(f"{label} arms {arms}: mean regret of {n_runs} runs (standard error)")
    print(
        f"{'policy':<22}{'T = 1,000':>14}{'T = 10,000':>16}{'per round after 1k':>20}"
    )
    for name in classes:
        regret = simulate_runs(name, probs, 10_000, n_runs, np.random.default_rng(7))
        r1, r2 = regret[999], regret[-1]
        at_1k[label, name] = r1
        se1, se2 = r1.std(ddof=1) / n_runs**0.5, r2.std(ddof=1) / n_runs**0.5
        slope = (r2.mean() - r1.mean()) / 9_000
        cells = f"{r1.mean():7.1f} ({se1:4.1f}){r2.mean():8.1f} ({se2:4.1f})"
        print(f"{name:<22}{cells}{slope:>20.4f}")
    u1, u2 = gap.mean() * 1_000, gap.mean() * 10_000
    print(f"{'uniform random play':<22}{u1:7.1f}{u2:15.1f}{gap.mean():>27.4f}")
    b1, b2 = lai_robbins * np.log(1_000), lai_robbins * np.log(10_000)
    print(f"{'Lai-Robbins C ln T':<22}{b1:7.1f}{b2:15.1f}   (C = {lai_robbins:.2f})")
    print(f"epsilon x mean gap of all arms: {0.1 * gap.mean():.4f} per round")

# the classes themselves through run(), 20 runs: the same mean regret at T = 1,000
agree = True
for name, make in classes.items():
    seeds = range(100, 120)
    r = np.array(
        [
            run(make(5), arm_sets["close"], 1_000, np.random.default_rng(s))[-1]
            for s in seeds
        ]
    )
    v = at_1k["close", name]
    z = (r.mean() - v.mean()) / np.sqrt(r.var(ddof=1) / 20 + v.var(ddof=1) / n_runs)
    agree &= bool(abs(z) < 3)
print(f"run() on the classes, 20 runs, agrees within 3 standard errors: {agree}")
# --8<-- [end:check]
