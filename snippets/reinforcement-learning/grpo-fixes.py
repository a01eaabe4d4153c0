import numpy as np

rng = np.random.default_rng(0)
G = 8  # responses sampled per prompt

# 1. Dynamic sampling. With 0/1 rewards, a group that is all right or all wrong has
# zero advantage for every response, so it contributes no gradient at all.
solve_rate = rng.beta(0.5, 0.5, size=10_000)  # per-prompt success probability
rewards = rng.random((10_000, G)) < solve_rate[:, None]
flat = rewards.all(1) | ~rewards.any(1)
print(f"groups with identical rewards (zero gradient): {flat.mean():.1%}")

# 2. Token-level loss. GRPO averages within each response, then over responses, so
# a token of a long response weighs less. DAPO averages over all tokens in the batch.
lengths = np.array([20, 20, 20, 20, 20, 20, 20, 1_000])
grpo_w = 1 / (G * lengths)
dapo_w = np.full(G, 1 / lengths.sum())
print(
    f"per-token weight, long vs short response: GRPO {grpo_w[-1] / grpo_w[0]:.2f}x, "
    f"token-level {dapo_w[-1] / dapo_w[0]:.2f}x"
)
print(
    f"long response's share of the loss: GRPO {1 / G:.1%}, "
    f"token-level {lengths[-1] / lengths.sum():.1%}"
)

# 3. Clip-higher. With a positive advantage the ratio is clipped at 1 + eps, so one
# update can raise a token's probability from p to at most p * (1 + eps): a rare
# token barely moves, a likely one is capped by 1 anyway.
for p in (0.01, 0.9):
    print(
        f"p={p}: max after one step eps=0.20 -> {min(p * 1.2, 1):.4f}, "
        f"eps_high=0.28 -> {min(p * 1.28, 1):.4f}"
    )

# 4. GSPO. Token ratios pi/pi_old carry per-token noise (e.g. a mixture-of-experts
# router choosing different experts). Over a 1,000-token response, token-level
# clipping fires on many tokens, while the length-normalised sequence ratio
# exp(mean log ratio) stays near 1; the exact sequence weight, the product of the
# token ratios, is far from 1 (its variance grows with length).
log_ratio = rng.normal(0.0, 0.15, size=1_000)
token_ratio = np.exp(log_ratio)
clipped = np.mean((token_ratio < 0.8) | (token_ratio > 1.2))
print(f"tokens outside [0.8, 1.2]: {clipped:.1%}")
print(f"GSPO sequence ratio exp(mean log ratio): {np.exp(log_ratio.mean()):.3f}")
print(f"product of token ratios: {np.exp(log_ratio.sum()):.3f}")
