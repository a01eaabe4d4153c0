import numpy as np

# A screening test: sensitivity P(+|ill), specificity P(-|healthy), prevalence P(ill)
sens, spec, prev = 0.99, 0.95, 0.01


def posterior(prior, sens, spec):
    """P(ill | positive) by Bayes' theorem."""
    p_pos = sens * prior + (1 - spec) * (1 - prior)
    return sens * prior / p_pos


ppv = posterior(prev, sens, spec)
print(f"P(ill | +) by Bayes: {ppv:.3f}")

# Natural frequencies: out of 10,000 people
ill_pos, healthy_pos = 10_000 * prev * sens, 10_000 * (1 - prev) * (1 - spec)
print(
    f"of 10,000: {ill_pos:.0f} ill and positive, {healthy_pos:.0f} healthy and positive"
)

# Odds form: posterior odds = prior odds x likelihood ratio
lr = sens / (1 - spec)
odds = prev / (1 - prev) * lr
print(
    f"LR+ = {lr:.1f}, posterior odds {odds:.3f} -> probability {odds / (1 + odds):.3f}"
)
npv = spec * (1 - prev) / (spec * (1 - prev) + (1 - sens) * prev)
print(f"P(healthy | -) = {npv:.5f}")

# The same number by counting a simulated population of a million people
rng = np.random.default_rng(0)
n = 1_000_000
ill = rng.random(n) < prev
positive = np.where(ill, rng.random(n) < sens, rng.random(n) < 1 - spec)
print(
    f"simulated: {ill.sum()} ill, {positive.sum()} positive, "
    f"{(ill & positive).sum()} of them ill -> {ill[positive].mean():.3f}"
)

# A second, independent positive test: yesterday's posterior is today's prior
print(f"after two positives: {posterior(ppv, sens, spec):.3f}")

# Precision of the same test (same sensitivity and specificity) at other base rates
for prior in [0.001, 0.01, 0.1, 0.5]:
    print(f"prevalence {prior:>5}: P(ill | +) = {posterior(prior, sens, spec):.3f}")
