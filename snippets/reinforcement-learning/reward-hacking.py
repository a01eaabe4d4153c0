import numpy as np
from scipy.special import rel_entr
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
# 64 possible responses to one prompt: quality q in 0..7 and length l in 1..8 (units of,
# say, 50 tokens). The true reward likes quality and a medium length; rambling costs.
q, l = (g.ravel() for g in np.meshgrid(np.arange(8), np.arange(1, 9), indexing="ij"))
true_r = 0.4 * q - 0.25 * (l - 4) ** 2
# The reference (SFT) policy writes mostly short answers of middling quality.
ref = np.exp(-0.5 * ((q - 3) / 1.5) ** 2 - 0.5 * ((l - 2.5) / 1.2) ** 2)
ref /= ref.sum()
features = np.column_stack([q, l]).astype(float)


def label_pairs(policy, n=3_000):
    """Sample two responses from `policy`; a labeller prefers one by Bradley-Terry."""
    a, b = rng.choice(64, size=(2, n), p=policy)
    prefer_a = rng.random(n) < 1 / (1 + np.exp(-(true_r[a] - true_r[b])))
    return features[a] - features[b], prefer_a


def fit_reward_model(X, y):
    # Bradley-Terry with a linear reward w . phi(y): logistic regression on differences.
    w = LogisticRegression(fit_intercept=False, C=np.inf).fit(X, y).coef_[0]
    print(f"reward model weights: quality {w[0]:.2f}, length {w[1]:.2f}")
    return features @ w


def optimum(rm, beta):
    """The KL-regularised optimum pi ∝ ref * exp(rm / beta) that PPO is chasing."""
    logits = np.log(ref) + rm / beta
    pi = np.exp(logits - logits.max())
    return pi / pi.sum()


def sweep(rm, betas):
    print(
        f"{'beta':>6}{'KL to ref':>11}{'RM score':>10}{'true reward':>13}{'length':>8}"
    )
    for beta in betas:
        pi = optimum(rm, beta)
        kl = rel_entr(pi, ref).sum()
        print(f"{beta:>6}{kl:>11.2f}{pi @ rm:>10.2f}{pi @ true_r:>13.2f}{pi @ l:>8.2f}")


X1, y1 = label_pairs(ref)
rm = fit_reward_model(X1, y1)
seen = rng.choice(64, size=500, p=ref)
print(
    f"Spearman(RM, true reward) on reference samples "
    f"{spearmanr(rm[seen], true_r[seen]).statistic:.2f}, "
    f"on all 64 responses {spearmanr(rm, true_r).statistic:.2f}"
)
sweep(rm, [np.inf, 2.0, 1.0, 0.5, 0.25, 0.1])

# Iterated RLHF: label new pairs sampled from the over-optimised policy, refit, re-
# optimise.
X2, y2 = label_pairs(optimum(rm, 0.1))
rm2 = fit_reward_model(np.vstack([X1, X2]), np.concatenate([y1, y2]))
sweep(rm2, [0.5, 0.25, 0.1])
print(f"best response's true reward: {true_r.max():.2f}")
