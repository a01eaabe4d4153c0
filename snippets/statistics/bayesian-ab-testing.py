# --8<-- [start:posterior]
import numpy as np
from scipy import integrate, special, stats

# A: 100 of 1,000 converted; B: 125 of 1,000. Uniform Beta(1, 1) priors
a_A, b_A = 1 + 100, 1 + 900
a_B, b_B = 1 + 125, 1 + 875
post_A, post_B = stats.beta(a_A, b_A), stats.beta(a_B, b_B)


def prob_b_beats_a(a_A, b_A, a_B, b_B):
    """Exact P(p_B > p_A) for Beta posteriors, integer a_B (sum over i < a_B)."""
    i = np.arange(a_B)
    log_terms = (
        special.betaln(a_A + i, b_A + b_B)
        - np.log(b_B + i)
        - special.betaln(1 + i, b_B)
        - special.betaln(a_A, b_A)
    )
    return np.exp(log_terms).sum()


exact = prob_b_beats_a(a_A, b_A, a_B, b_B)
# the same probability as an integral: P(p_A < t) weighted by the density of p_B
numeric = integrate.quad(
    lambda t: post_B.pdf(t) * post_A.cdf(t), 0, 1, points=[0.1, 0.125]
)[0]
rng = np.random.default_rng(0)
draws_A, draws_B = (
    post_A.rvs(400_000, random_state=rng),
    post_B.rvs(400_000, random_state=rng),
)
print(
    f"P(B > A): closed form {exact:.4f}, integral {numeric:.4f}, "
    f"Monte Carlo {np.mean(draws_B > draws_A):.4f}; "
    f"agree: {np.allclose(exact, numeric)}"
)
lift = draws_B / draws_A - 1
print(
    f"relative lift: median {np.median(lift):+.3f}, "
    f"95% credible interval {np.quantile(lift, 0.025):+.3f} "
    f"to {np.quantile(lift, 0.975):+.3f}"
)
# Expected loss: the conversion rate given up, on average, if we pick the worse arm
print(
    f"expected loss if we ship B: {np.mean(np.maximum(draws_A - draws_B, 0)):.5f}, "
    f"if we keep A: {np.mean(np.maximum(draws_B - draws_A, 0)):.5f}"
)
# With flat priors P(B > A) is close to 1 minus the one-sided p-value
p_pool = 225 / 2000
z = (0.125 - 0.100) / np.sqrt(p_pool * (1 - p_pool) * 2 / 1000)
print(
    f"one-sided z-test p = {stats.norm.sf(z):.4f}; 1 - p = {1 - stats.norm.sf(z):.4f}"
)
# --8<-- [end:posterior]

# --8<-- [start:peeking]
import numpy as np
from scipy import stats


# Peeking: 20 looks, 500 users per arm per look, decide when P(B > A) > 0.975 or < 0.025
# (normal approximation to the Beta posteriors, fine at these counts)
def p_b_beats_a(conv_A, conv_B, n, prior=(1, 1)):
    a0, b0 = prior
    mA, mB = (a0 + conv_A) / (a0 + b0 + n), (a0 + conv_B) / (a0 + b0 + n)
    var = mA * (1 - mA) / (a0 + b0 + n + 1) + mB * (1 - mB) / (a0 + b0 + n + 1)
    return stats.norm.cdf((mB - mA) / np.sqrt(var))


def run(p_A, p_B, prior, rng, looks=20, per_look=500):
    cA = rng.binomial(per_look, p_A[:, None], size=(len(p_A), looks)).cumsum(axis=1)
    cB = rng.binomial(per_look, p_B[:, None], size=(len(p_B), looks)).cumsum(axis=1)
    n = per_look * np.arange(1, looks + 1)
    prob = p_b_beats_a(cA, cB, n, prior)
    decided = (prob > 0.975) | (prob < 0.025)
    first = np.where(decided.any(axis=1), decided.argmax(axis=1), looks - 1)
    chose_B = prob[np.arange(len(p_A)), first] > 0.5
    # frequentist two-sided z-test on the same data, stopping at the first p < 0.05
    pooled = (cA + cB) / (2 * n)
    zstat = (cB - cA) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
    z_peek = (np.abs(zstat) > 1.96).any(axis=1)
    return decided, first, chose_B, z_peek, np.abs(zstat[:, -1]) > 1.96


rng = np.random.default_rng(1)
print(f"normal approximation at the data above: {p_b_beats_a(100, 125, 1000):.4f}")
k = 20_000
same = np.full(k, 0.10)
decided, first, chose_B, z_peek, z_end = run(same, same, (1, 1), rng)
print("A/A tests (no difference), share declaring a winner:")
print(f"  z-test, one look at the end {z_end.mean():.3f}; peeking {z_peek.mean():.3f}")
print(
    f"  P(B > A) rule, one look at the end {decided[:, -1].mean():.3f}; "
    f"peeking {decided.any(axis=1).mean():.3f}"
)

# If true rates really are drawn from the prior the analysis uses, the posterior
# stays calibrated under peeking: declared winners are truly better >= 97.5% of the time
prior = (100, 900)
p_A, p_B = rng.beta(*prior, size=k), rng.beta(*prior, size=k)
decided, first, chose_B, _, _ = run(p_A, p_B, prior, rng)
stopped = decided.any(axis=1)
correct = np.where(chose_B, p_B > p_A, p_A > p_B)[stopped].mean()
print(
    f"rates drawn from the Beta(100, 900) prior: {stopped.mean():.3f} stopped, "
    f"winner truly better {correct:.3f}"
)
# --8<-- [end:peeking]
