import itertools

import numpy as np

# One ad shown to three user segments. A creative is described by three binary
# attributes: the image shows a person, the image is a lifestyle scene (not a
# product shot), the headline leads with the price. True click model: logistic,
# additive in the attributes with a weight per segment, plus a small
# creative-specific term. Creatives 0-6 run from the start; creative 7
# (person, product shot, price) is the one launched later in part 3.
S, SHARE = 3, np.array([0.5, 0.3, 0.2])
BASE_CTR = np.array([0.015, 0.025, 0.020])
TASTE = np.array([[-0.30, 0.25, 0.35], [0.20, 0.30, -0.20], [0.35, -0.30, 0.15]])
combos = [c for c in itertools.product([0, 1], repeat=3) if c != (1, 0, 1)]
X = np.array(combos + [(1, 0, 1)], dtype=float)
K, NEW = len(X), len(X) - 1
logit = np.log(BASE_CTR / (1 - BASE_CTR))[:, None] + TASTE @ X.T
P0 = 1 / (1 + np.exp(-(logit + np.random.default_rng(7).normal(0, 0.05, (S, K)))))

# 300,000 impressions; every policy re-allocates after each 2,000 (its click log
# arrives in batches); 20 runs with the same traffic for every policy.
T, B, RUNS, M = 300_000, 2_000, 20, 200
N_BATCH = T // B
traffic = np.random.default_rng(1).multinomial(B, SHARE, size=(N_BATCH, RUNS))
# Fatigue (part 2): a creative's CTR decays with the impressions it has had in
# the segment, to half its launch value, faster in small segments.
FLOOR, TAU = 0.5, 0.3 * SHARE * T


def ctr(shown, fatigue):
    if not fatigue:
        return np.broadcast_to(P0, shown.shape)
    return P0 * (FLOOR + (1 - FLOOR) * np.exp(-shown / TAU[:, None]))


def best_share(draws, active):
    # Thompson allocation: the share of M posterior draws in which each creative
    # is the best. These shares are the propensities to log.
    best = np.where(active, draws, -np.inf).argmax(-1)
    return (best[..., None] == np.arange(K)).mean(-2)


class Policy:
    def __init__(self, gamma=1.0, floor=0.0):
        # gamma < 1 discounts old evidence at each update; floor is a share of
        # traffic always spread uniformly (minimum exploration).
        self.gamma, self.floor = gamma, floor
        self.n = np.zeros((RUNS, S, K))
        self.c = np.zeros((RUNS, S, K))

    def update(self, n, c):
        self.n = self.gamma * self.n + n
        self.c = self.gamma * self.c + c

    def allocate(self, t, active, rng):
        w = np.broadcast_to(self.weights(t, active, rng), (RUNS, S, K))
        return (1 - self.floor) * w + self.floor * active / active.sum()


class ABThenPick(Policy):
    # Equal split for the first 20% of traffic, then the creative with the best
    # observed CTR, for everyone.
    def weights(self, t, active, rng):
        if t < 0.2 * N_BATCH:
            return active / active.sum()
        if not hasattr(self, "pick"):
            pooled = self.c.sum(1) / np.maximum(self.n.sum(1), 1)
            self.pick = np.where(active, pooled, -1).argmax(1)
        return np.eye(K)[self.pick][:, None]


class Greedy(Policy):
    # Per segment: the best posterior-mean CTR (Beta(1, 1) prior), or with
    # probability eps a uniformly random creative.
    def __init__(self, eps=0.0):
        super().__init__()
        self.eps = eps

    def weights(self, t, active, rng):
        mean = (1 + self.c) / (2 + self.n) + 1e-9 * rng.random(self.n.shape)
        top = np.eye(K)[np.where(active, mean, -1).argmax(-1)]
        return (1 - self.eps) * top + self.eps * active / active.sum()


class Thompson(Policy):
    # Beta-Bernoulli Thompson sampling: one posterior per creative pooled over
    # segments, or one per (segment, creative).
    def __init__(self, per_segment, new_prior=None, **kwargs):
        super().__init__(**kwargs)
        self.per_segment, self.new_prior = per_segment, new_prior
        self.a0, self.b0 = np.ones((RUNS, S, K)), np.ones((RUNS, S, K))

    def launch(self):
        if self.new_prior is not None:
            # Prior from similar creatives: the mean posterior CTR of the three
            # creatives one attribute away, worth new_prior impressions.
            near = np.abs(X[:NEW] - X[NEW]).sum(1) == 1
            mean = ((1 + self.c) / (2 + self.n))[:, :, :NEW][..., near].mean(-1)
            self.a0[..., NEW] = self.new_prior * mean
            self.b0[..., NEW] = self.new_prior * (1 - mean)

    def weights(self, t, active, rng):
        a, b = self.a0 + self.c, self.b0 + self.n - self.c
        if not self.per_segment:
            a = a.sum(1, keepdims=True) - (S - 1) * self.a0[:, :1]
            b = b.sum(1, keepdims=True) - (S - 1) * self.b0[:, :1]
        draws = rng.beta(a[:, :, None], b[:, :, None], size=a.shape[:2] + (M, K))
        return best_share(draws, active)


# Contextual Thompson sampling. Features of a (segment, creative) cell: a
# per-segment intercept and attribute weights, shared by all creatives (in
# production, by all ads), plus a per-cell residual with a tight prior. Bayesian
# logistic regression with a Laplace approximation, as in Chapelle and Li (2011).
PHI = np.zeros((S, K, S * 4 + S * K))
for s, k in itertools.product(range(S), range(K)):
    PHI[s, k, s * 4 : s * 4 + 4] = np.r_[1.0, X[k]]
    PHI[s, k, S * 4 + s * K + k] = 1.0
D = PHI.shape[-1]
PRIOR_MEAN = np.zeros(D)
PRIOR_MEAN[0 : S * 4 : 4] = np.log(0.02 / 0.98)
PRIOR_SD = np.r_[np.tile([1.0, 0.5, 0.5, 0.5], S), np.full(S * K, 0.1)]


class Contextual(Policy):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.theta = np.tile(PRIOR_MEAN, (RUNS, 1))
        self.prec = np.diag(1 / PRIOR_SD**2)
        self.cov = np.tile(np.diag(PRIOR_SD**2), (RUNS, 1, 1))

    def update(self, n, c):
        super().update(n, c)
        phi = PHI.reshape(S * K, D)
        n, c = self.n.reshape(RUNS, -1), self.c.reshape(RUNS, -1)
        # Three Newton steps from the last estimate on the (discounted) counts.
        for _ in range(3):
            p = 1 / (1 + np.exp(-self.theta @ phi.T))
            grad = (c - n * p) @ phi - (self.theta - PRIOR_MEAN) @ self.prec
            hess = (phi.T * (n * p * (1 - p))[:, None]) @ phi + self.prec
            self.theta = self.theta + np.linalg.solve(hess, grad[..., None])[..., 0]
        self.cov = np.linalg.inv(hess)

    def weights(self, t, active, rng):
        # The posterior of the K logits of a segment is Gaussian: draw from it.
        mean = (self.theta @ PHI.reshape(S * K, D).T).reshape(RUNS, S, 1, K)
        cov = PHI @ self.cov[:, None] @ PHI.swapaxes(1, 2)
        chol = np.linalg.cholesky(cov + 1e-9 * np.eye(K))
        z = rng.standard_normal((RUNS, S, M, K))
        return best_share(mean + z @ chol.swapaxes(-1, -2), active)


class Oracle(Policy):
    # Knows every CTR, fatigue included, and shows the current best. With fatigue
    # this rule is optimal up to the batch size: each creative's clicks are concave
    # in its impressions, so the next impression belongs to the highest current CTR.
    def weights(self, t, active, rng):
        now = np.where(active, ctr(self.n, self.fatigue), -1)
        return np.eye(K)[now.argmax(-1)]


def run(policy, fatigue=False, launch=None):
    rng = np.random.default_rng(2)
    policy.fatigue = fatigue
    active = np.arange(K) < NEW
    shown = np.zeros((RUNS, S, K))
    clicks = np.zeros((N_BATCH, RUNS))
    alloc = np.zeros((N_BATCH, RUNS, S, K))
    props = np.zeros((N_BATCH, RUNS, S, K))
    real = np.zeros((N_BATCH, RUNS, S, K))
    for t in range(N_BATCH):
        if t == launch:
            active = np.arange(K) <= NEW
            if hasattr(policy, "launch"):
                policy.launch()
        props[t] = policy.allocate(t, active, rng)
        alloc[t] = rng.multinomial(traffic[t], props[t])
        p = ctr(shown, fatigue)
        real[t] = rng.binomial(alloc[t].astype(int), p)
        policy.update(alloc[t], real[t])
        shown += alloc[t]
        # Expected clicks, to keep click noise out of the comparison.
        clicks[t] = (alloc[t] * p).sum((1, 2))
    return clicks, alloc, props, real


def lost(oracle, clicks):
    x = oracle - clicks
    se = x.std(ddof=1) / np.sqrt(RUNS)
    return f"{x.mean():7.1f} ({se:4.1f}) {100 * x.mean() / oracle.mean():5.1f}%"


def worst(oracle, clicks):
    return f"{(oracle - clicks).max():7.1f}"


best = P0[:, :NEW].argmax(1)
print(f"{T:,} impressions, re-allocation every {B:,}, {RUNS} runs")
print("true CTR (%) of creatives 0-6 by segment:")
for s in range(S):
    cells = " ".join(f"{100 * P0[s, k]:.2f}" for k in range(NEW))
    print(f"  segment {s}, traffic {SHARE[s]:.1f}: {cells}  best {best[s]}")

print("\n1. stationary CTRs; lost = oracle's clicks - policy's clicks (se)")
oracle = run(Oracle())[0].sum(0)
one = (traffic.sum(0) @ P0[:, :NEW]).max(1)
print(f"oracle, the best creative in each segment: {oracle.mean():.1f} clicks")
print("wrong: (run, segment) pairs, of 60, whose most-shown creative in the last")
print("third is not the best; on best: share of the last third on the best")
print(f"{'policy':<26}{'lost':>7}{'(se)':>7}{'%':>7}{'worst':>7}{'wrong':>6}  on best")
print(f"{'one creative, known best':<26}{lost(oracle, one)}{worst(oracle, one)}")
policies = [
    ("A/B 20%, then one winner", ABThenPick()),
    ("Thompson per creative", Thompson(per_segment=False)),
    ("greedy per segment", Greedy()),
    ("epsilon-greedy 0.1 per seg", Greedy(eps=0.1)),
    ("Thompson per segment", Thompson(per_segment=True)),
    ("contextual Thompson", Contextual()),
]
for name, policy in policies:
    clicks, alloc, _, _ = run(policy)
    clicks = clicks.sum(0)
    last = alloc[-N_BATCH // 3 :]
    wrong = (last.sum(0).argmax(-1) != best).sum()
    on_best = last[..., np.arange(S), best].sum((0, 1)) / last.sum((0, 1, 3))
    cells = " ".join(f"{x:.3f}" for x in on_best)
    print(f"{name:<26}{lost(oracle, clicks)}{worst(oracle, clicks)}{wrong:6d}  {cells}")
oracle1 = oracle

print("\n2. fatigue: CTR decays with the creative's impressions in the segment")
oracle = run(Oracle(), fatigue=True)[0].sum(0)
print(f"oracle, rotating creatives as they wear out: {oracle.mean():.1f} clicks")
print(f"{'policy':<26}{'lost':>7}{'(se)':>7}{'%':>7}")
policies = [
    ("A/B 20%, then one winner", ABThenPick()),
    ("Thompson per segment", Thompson(per_segment=True)),
    ("  discounted, 0.97/update", Thompson(per_segment=True, gamma=0.97)),
    ("contextual Thompson", Contextual()),
    ("  discounted, 0.97/update", Contextual(gamma=0.97)),
]
for name, policy in policies:
    print(f"{name:<26}{lost(oracle, run(policy, fatigue=True)[0].sum(0))}")

LAUNCH = N_BATCH // 2
print(f"\n3. creative 7 launched after {LAUNCH * B:,} impressions, stationary")
print("true CTR (%) of creative 7: " + " ".join(f"{100 * p:.2f}" for p in P0[:, NEW]))
oracle = run(Oracle(), launch=LAUNCH)[0][LAUNCH:].sum(0)
print("share of traffic on creative 7: A all segments, first allocation;")
print("B segments 0-1, next 20k; C segment 2 (its best), next 20k; D seg 2, last 50k")
print(f"{'policy':<26}{'A':>6}{'B':>6}{'C':>6}{'D':>6}{'lost':>7}{'(se)':>7}{'%':>7}")
policies = [
    ("Thompson, Beta(1,1) prior", Thompson(per_segment=True)),
    ("  prior from neighbours", Thompson(per_segment=True, new_prior=200)),
    ("contextual Thompson", Contextual()),
]
for name, policy in policies:
    clicks, alloc, _, _ = run(policy, launch=LAUNCH)
    nxt, end = alloc[LAUNCH : LAUNCH + 10], alloc[-25:]
    cells = [
        alloc[LAUNCH, ..., NEW].sum() / alloc[LAUNCH].sum(),
        nxt[:, :, :2, NEW].sum() / nxt[:, :, :2].sum(),
        nxt[:, :, 2, NEW].sum() / nxt[:, :, 2].sum(),
        end[:, :, 2, NEW].sum() / end[:, :, 2].sum(),
    ]
    cells = "".join(f"{x:6.3f}" for x in cells)
    print(f"{name:<26}{cells}{lost(oracle, clicks[LAUNCH:].sum(0))}")

print('\n4. off-policy estimate of "creative 3 for everyone" from bandit logs')
truth = SHARE @ P0[:, 3]
print(f"true CTR {100 * truth:.3f}%")
print(f"{'logging policy':<26}{'lost':>7}{'(se)':>7}{'%':>7}  min prop  IPS CTR (sd)")
for name, policy in [
    ("Thompson per segment", Thompson(per_segment=True)),
    ("  with a 5% uniform floor", Thompson(per_segment=True, floor=0.05)),
]:
    clicks, alloc, props, real = run(policy)
    # IPS: clicks on creative 3 weighted by 1 / logged propensity; cells where
    # the propensity was 0 cannot be reweighted and are dropped.
    ok = props[..., 3] > 0
    w = np.where(ok, 1 / np.where(ok, props[..., 3], 1), 0)
    ips = (w * real[..., 3]).sum((0, 2)) / T
    print(
        f"{name:<26}{lost(oracle1, clicks.sum(0))}  {props[..., 3].min():8.3f}"
        f"  {100 * ips.mean():.3f}% ({100 * ips.std(ddof=1):.3f})"
    )
