import numpy as np
from scipy import signal, stats


def split_chains(draws):
    """(chains, n) -> (2 * chains, n // 2): first and second half of every chain."""
    half = draws.shape[1] // 2
    return np.vstack([draws[:, :half], draws[:, half : 2 * half]])


def rank_normalise(draws):
    # Vehtari et al. (2021): pooled ranks -> normal scores, so heavy tails and
    # infinite variances cannot hide a chain that has not mixed
    ranks = stats.rankdata(draws, axis=None).reshape(draws.shape)
    return stats.norm.ppf((ranks - 3 / 8) / (draws.size + 1 / 4))


def between_within(chains):
    n = chains.shape[1]
    W = chains.var(axis=1, ddof=1).mean()
    var_plus = (n - 1) / n * W + chains.mean(axis=1).var(ddof=1)
    return W, var_plus


def rhat(draws):
    """Rank-normalised split-R-hat: max of the bulk and the folded (tail) version."""
    values = []
    for x in [draws, np.abs(draws - np.median(draws))]:
        W, var_plus = between_within(rank_normalise(split_chains(x)))
        values.append(np.sqrt(var_plus / W))
    return max(values)


def ess(draws, bulk=True):
    """Effective sample size: multi-chain autocorrelation, Geyer truncation.
    bulk=True ranks the draws first (bulk-ESS); bulk=False is the ESS of the mean."""
    z = split_chains(draws)
    z = rank_normalise(z) if bulk else z
    m, n = z.shape
    W, var_plus = between_within(z)
    centred = z - z.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, n=2 * n, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), axis=1)[:, :n] / n
    rho = 1 - (W - acov.mean(axis=0)) / var_plus
    # Geyer's initial monotone sequence: sum lag pairs while their sum is positive
    pairs = rho[: n - n % 2].reshape(-1, 2).sum(axis=1)
    stop = np.argmax(pairs <= 0) if np.any(pairs <= 0) else len(pairs)
    pairs = np.minimum.accumulate(pairs[:stop])
    return m * n / (-1 + 2 * pairs.sum())


# Check both on chains whose answer is known: AR(1) chains with autocorrelation
# 0.9, started in their stationary distribution, have ESS = N (1 - 0.9) / (1 + 0.9)
rng = np.random.default_rng(0)
shocks = rng.normal(size=(4, 100_000))
shocks[:, 0] /= np.sqrt(1 - 0.9**2)
ar = signal.lfilter([1.0], [1.0, -0.9], shocks, axis=1)
print(
    f"AR(1), 4 x 100,000 draws: ESS {ess(ar):.0f} "
    f"(theory {400_000 * 0.1 / 1.9:.0f}), "
    f"R-hat {rhat(ar):.3f}"
)
shifted = ar + [[0], [0], [0], [2.3]]
print(f"same chains, one shifted by one sd (2.3): R-hat {rhat(shifted):.3f}")


def metropolis(log_target, scale, starts, n_iter, rng):
    """Random-walk Metropolis, one chain per row of starts (chains, dims)."""
    x = np.array(starts, dtype=float)
    lp = log_target(x)
    draws, accepted = np.empty((len(x), n_iter, x.shape[1])), 0
    for t in range(n_iter):
        proposal = x + scale * rng.normal(size=x.shape)
        lp_new = log_target(proposal)
        # symmetric proposal: accept with probability min(1, p(new) / p(old)),
        # in which the normalising constant of p cancels
        accept = np.log(rng.random(len(x))) < lp_new - lp
        x[accept], lp[accept] = proposal[accept], lp_new[accept]
        draws[:, t] = x
        accepted += accept.sum()
    return draws, accepted / (len(x) * n_iter)


# Normal mean with known noise sd 1 and prior N(0, 2^2): the exact posterior is normal
rng = np.random.default_rng(1)
y = rng.normal(1.5, 1.0, size=20)
prior_sd = 2.0
post_var = 1 / (1 / prior_sd**2 + len(y))
post_mean, post_sd = post_var * y.sum(), np.sqrt(post_var)


def log_post(theta):
    """Unnormalised log posterior, log likelihood + log prior; theta is (chains, 1)."""
    log_lik = -0.5 * ((y - theta) ** 2).sum(axis=1)
    return log_lik - 0.5 * (theta[:, 0] / prior_sd) ** 2


print(f"exact posterior: mean {post_mean:.3f}, sd {post_sd:.3f}")
cols = f"{'accept':>7}{'ESS':>6}{'R-hat':>7}{'mean err':>9}{'MCSE':>6}{'sd err':>8}"
print(f"{'proposal sd':>11}{cols}")
# 4 chains started 2 and 4 units (9 and 18 posterior sds) either side of the mean
starts = post_mean + np.array([[-4.0], [-2.0], [2.0], [4.0]])
for scale in [0.02, 2.4 * post_sd, 20 * post_sd]:
    draws, rate = metropolis(log_post, scale, starts, 2000, rng)
    kept = draws[:, 1000:, 0]  # discard the first half as burn-in (warm-up)
    print(
        f"{scale:11.3f}{rate:7.3f}{ess(kept):6.0f}{rhat(kept):7.3f}"
        f"{kept.mean() - post_mean:+9.3f}{kept.std() / np.sqrt(ess(kept, False)):6.3f}"
        f"{kept.std() - post_sd:+8.3f}"
    )

# Target N(0, I) in d = 20 dimensions: scale = multiple x 2.38 / sqrt(d)
d = 20


def log_normal(x):
    return -0.5 * (x**2).sum(axis=1)


print(f"d = {d}: multiple  accept  ESS of x1")
for mult in [0.5, 1.0, 2.0]:
    starts = rng.normal(size=(4, d))
    draws, rate = metropolis(log_normal, mult * 2.38 / np.sqrt(d), starts, 5000, rng)
    print(f"{mult:15.1f}{rate:8.3f}{ess(draws[:, 1000:, 0]):11.0f}")
