import numpy as np

rng = np.random.default_rng(0)
n = 200_000
x = rng.normal(size=(n, 2))
# Ground truth: fraud depends on both features; the old model only sees the first.
p_fraud = 1 / (1 + np.exp(-(-4.0 + 1.2 * x[:, 0] + 1.2 * x[:, 1])))
y = rng.random(n) < p_fraud
old_score = x[:, 0]
new_score = x[:, 0] + x[:, 1]  # the candidate model, run in shadow on every request


# Costs: a fraud let through costs 100; blocking a legitimate payment costs 5.
def cost(block, fraud):
    return np.where(block, np.where(fraud, 0.0, 5.0), np.where(fraud, 100.0, 0.0))


old_block = old_score > 1.5
new_block = new_score > 2.1
print(
    f"shadow: new model agrees with the live one on "
    f"{np.mean(old_block == new_block):.1%}"
)
print(
    f"true cost per request: live {cost(old_block, y).mean():.3f}, "
    f"candidate {cost(new_block, y).mean():.3f}"
)

# Logging: blocked payments never get a label (we never learn if they were fraud).
# With exploration, 5% of would-be-blocked payments are let through at random, and
# the probability of being let through (the propensity) is logged.
eps = 0.05
propensity = np.where(old_block, eps, 1.0)
passed = rng.random(n) < propensity
labelled = passed  # only payments that went through get a chargeback or not

naive = cost(new_block, y)[labelled].mean()
ips_terms = np.where(labelled, cost(new_block, y) / propensity, 0.0)
ips, se = ips_terms.mean(), ips_terms.std(ddof=1) / np.sqrt(n)
print(f"naive replay on labelled payments only: {naive:.3f}")
print(f"inverse-propensity replay: {ips:.3f} +- {1.96 * se:.3f} (95% CI)")
