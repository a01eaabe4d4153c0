from math import comb

import numpy as np

rng = np.random.default_rng(0)
FAMILIES, PER_FAMILY, STRATEGIES = 10, 20, 6
N = FAMILIES * PER_FAMILY
family = np.repeat(np.arange(FAMILIES), PER_FAMILY)

# The base model: a softmax over 6 solution strategies for each problem. Problems come
# in 10 families of look-alike problems; in each family the model tries strategies in
# its own order of preference (35% for its favourite down to 5% for the rarest), with
# some noise per problem.
prior = np.log([0.35, 0.25, 0.15, 0.12, 0.08, 0.05])
order = np.array([rng.permutation(STRATEGIES) for _ in range(FAMILIES)])
family_logits = np.zeros((FAMILIES, STRATEGIES))
family_logits[np.arange(FAMILIES)[:, None], order] = prior
base_logits = family_logits[family] + rng.normal(0.0, 0.5, (N, STRATEGIES))
# The verifier: the family's favourite strategy solves 70% of its problems, each other
# strategy 20%. Some problems are solved only by a rare strategy, some by none.
solve_rate = np.full((N, STRATEGIES), 0.2)
solve_rate[np.arange(N), order[family, 0]] = 0.7
solves = rng.random((N, STRATEGIES)) < solve_rate


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def pass_at_k(n, c, k):
    """Chen et al.'s unbiased 1 - C(n-c, k)/C(n, k), computed as a stable product."""
    out = np.ones(len(c))
    for j, cj in enumerate(c):
        if n - cj >= k:
            i = np.arange(n - cj + 1, n + 1)
            out[j] = 1.0 - np.prod(1.0 - k / i)
    return out


same = [
    np.isclose(pass_at_k(256, [c], k)[0], 1 - comb(256 - c, k) / comb(256, k))
    for c in (0, 1, 5, 100)
    for k in (1, 8, 64)
]
print(f"product form equals 1 - C(n-c,k)/C(n,k): {all(same)}")
pi_base = softmax(base_logits)
p_base = (pi_base * solves).sum(axis=1)
KS, N_EVAL, G = (1, 8, 64, 256), 256, 8
never = int((~solves.any(axis=1)).sum())
rare_only = int(((pi_base * solves).max(axis=1) < 0.1).sum()) - never
print(f"{N} problems, {STRATEGIES} strategies, {G} samples per problem per step")
print(f"problems no strategy solves: {never}")
print(f"solvable problems whose best solving strategy has base prob < 0.1: {rare_only}")

# Check the estimator: 256 samples per problem from the base model, against the exact
# pass@k = mean over problems of 1 - (1 - p)^k.
eval_rng = np.random.default_rng(1)
c = eval_rng.binomial(N_EVAL, p_base)
print("base model   k   exact  estimate from 256 samples")
for k in KS:
    exact = np.mean(1 - (1 - p_base) ** k)
    print(f"           {k:>3}   {exact:.3f}  {pass_at_k(N_EVAL, c, k).mean():.3f}")


def train(kl_coef=0.0, entropy_coef=0.0, steps=400, lr=1.0, seed=2):
    train_rng, eval_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    # RL trains one vector of logits per family, added to the base logits: look-alike
    # problems share it, as all problems share an LLM's weights.
    theta = np.zeros((FAMILIES, STRATEGIES))
    rows, worst_gap = [], 0.0
    for step in range(steps + 1):
        pi = softmax(base_logits + theta[family])
        # G strategies per problem by inverse CDF, then the 0/1 verifier reward
        u = train_rng.random((N, G, 1))
        picked = (u > np.cumsum(pi, axis=1)[:, None, :]).sum(axis=2)
        picked = np.minimum(picked, STRATEGIES - 1)
        reward = solves[np.arange(N)[:, None], picked].astype(float)
        std = reward.std(axis=1, keepdims=True)
        flat = std[:, 0] == 0
        # GRPO advantage; a group whose rewards are all equal gets zero
        adv = np.where(std > 0, (reward - reward.mean(axis=1, keepdims=True)), 0.0)
        adv = adv / np.where(std > 0, std, 1.0)
        onehot = np.eye(STRATEGIES)[picked]
        grad_z = (adv[..., None] * (onehot - pi[:, None, :])).mean(axis=1)
        log_pi = np.log(pi)
        if kl_coef:
            log_ratio = log_pi - np.log(pi_base)
            kl = (pi * log_ratio).sum(axis=1, keepdims=True)
            grad_z -= kl_coef * pi * (log_ratio - kl)
        entropy = -(pi * log_pi).sum(axis=1, keepdims=True)
        if entropy_coef:
            grad_z -= entropy_coef * pi * (log_pi + entropy)
        if step in (0, 25, 100, 400):
            p = (pi * solves).sum(axis=1)
            exact = [np.mean(1 - (1 - p) ** k) for k in KS]
            c = eval_rng.binomial(N_EVAL, p)
            est = [pass_at_k(N_EVAL, c, k).mean() for k in KS]
            worst_gap = max(worst_gap, np.max(np.abs(np.subtract(exact, est))))
            solved = int((c > 0).sum())
            rows.append((step, *exact, solved, entropy.mean(), flat.mean()))
        # a family's 20 problems pull on the same logits: average their gradients
        grad_theta = np.zeros_like(theta)
        np.add.at(grad_theta, family, grad_z)
        theta += lr * grad_theta / PER_FAMILY
    return rows, worst_gap, pi


header = "step  pass@1  pass@8  pass@64  pass@256  solved/256  entropy  flat groups"
gaps, final = [], {}
for name, kwargs in [
    ("GRPO", {}),
    ("GRPO + KL to base, beta 0.3", {"kl_coef": 0.3}),
    ("GRPO + entropy bonus 0.3", {"entropy_coef": 0.3}),
]:
    rows, gap, final[name] = train(**kwargs)
    gaps.append(gap)
    print(f"{name}\n{header}")
    for step, p1, p8, p64, p256, solved, ent, flat in rows:
        print(
            f"{step:>4}  {p1:>6.3f}  {p8:>6.3f}  {p64:>7.3f}  {p256:>8.3f}  "
            f"{solved:>10}  {ent:>7.3f}  {flat:>11.3f}"
        )
print(f"largest |estimate - exact| over all checkpoints and k: {max(gaps):.3f}")
# Where the coverage went: problems the family's favourite strategy cannot solve.
favourite_solves = solves[np.arange(N), order[family, 0]]
groups = {
    "the favourite solves": favourite_solves,
    "only other strategies solve": ~favourite_solves & solves.any(axis=1),
}
print("pass@256 on problems that        count   base   GRPO after 400 steps")
for label, mask in groups.items():
    base_256, grpo_256 = (
        np.mean(1 - (1 - (pi * solves).sum(axis=1)[mask]) ** 256)
        for pi in (pi_base, final["GRPO"])
    )
    print(f"{label:<32} {mask.sum():>5}  {base_256:.3f}  {grpo_256:.3f}")
