# --8<-- [start:retest]
import numpy as np

rng = np.random.default_rng(0)

# 200,000 students; each score = true ability + independent noise, so the
# test-retest correlation is the reliability: var(ability) / var(score)
n, mu, sd, reliability = 200_000, 100.0, 15.0, 0.7
ability = rng.normal(mu, sd * np.sqrt(reliability), n)
noise_sd = sd * np.sqrt(1 - reliability)
test1 = ability + rng.normal(0, noise_sd, n)
# Nobody is treated between the two tests
test2 = ability + rng.normal(0, noise_sd, n)
print(f"test-retest correlation: {np.corrcoef(test1, test2)[0, 1]:.3f}")

# E[Y | X = x] = mu + rho (sd_Y / sd_X)(x - mu), with sd_Y = sd_X and rho = 0.7:
# a share 1 - rho of the distance to the mean is expected to vanish
print("group           test 1  retest  predicted  gap closed  true ability")
for name, group in [
    ("bottom decile", test1 <= np.quantile(test1, 0.1)),
    ("top decile", test1 >= np.quantile(test1, 0.9)),
]:
    x_bar, y_bar = test1[group].mean(), test2[group].mean()
    predicted = mu + reliability * (x_bar - mu)
    closed = (y_bar - x_bar) / (mu - x_bar)
    print(
        f"{name:<14} {x_bar:7.2f} {y_bar:7.2f} {predicted:10.2f} {closed:11.3f}"
        f" {ability[group].mean():13.2f}"
    )

# A tutoring programme worth +2 points, given to a random half of the bottom
# decile; the other half is the control group
bottom = np.flatnonzero(test1 <= np.quantile(test1, 0.1))
tutored = rng.random(bottom.size) < 0.5
retest = test2[bottom] + 2.0 * tutored
change = retest - test1[bottom]
print(f"tutored, before/after change:  {change[tutored].mean():+.2f}")
print(f"control, before/after change:  {change[~tutored].mean():+.2f}")
effect = retest[tutored].mean() - retest[~tutored].mean()
print(f"tutored minus control, retest: {effect:+.2f}  (true effect +2.00)")
# --8<-- [end:retest]

# --8<-- [start:ab]
import numpy as np

rng = np.random.default_rng(1)

# 10,000 A/B tests: baseline conversion 5%, 200,000 users per arm, true
# relative lifts drawn from N(+0.5%, 1%): mostly small, some negative
k, n, base = 10_000, 200_000, 0.05
true_lift = rng.normal(0.005, 0.01, k)


def run(lift):
    """One experiment per lift: measured relative lift, its standard error, z."""
    p_a = rng.binomial(n, base, lift.size) / n
    p_b = rng.binomial(n, base * (1 + lift)) / n
    est = p_b / p_a - 1
    # Delta method for the ratio of two independent proportions
    se = (1 + est) * np.sqrt((1 - p_a) / (n * p_a) + (1 - p_b) / (n * p_b))
    return est, se, est / se


est, se, z = run(true_lift)
win = z > 1.96
print(f"significant positive winners: {win.sum()} of {k} ({win.mean():.3f})")
print(f"winners' true lift, mean:     {true_lift[win].mean():+.2%}")
print(f"winners' measured lift, mean: {est[win].mean():+.2%}")
ratio = est[win].mean() / true_lift[win].mean()
print(f"exaggeration (measured / true): {ratio:.2f}x")
print(f"winners whose true lift is <= 0: {(true_lift[win] <= 0).mean():.3f}")

# Fix 1: re-run each winner on fresh users
est2, _, z2 = run(true_lift[win])
print(f"re-run of the winners, mean:  {est2.mean():+.2%}")
print(f"winners significant again:    {(z2 > 1.96).mean():.3f}")

# Fix 2: empirical-Bayes shrinkage, prior fitted on ALL experiments
m = est.mean()
tau2 = est.var() - np.mean(se**2)
shrunk = m + tau2 / (tau2 + se**2) * (est - m)
print(f"prior fitted: mean {m:+.2%}, sd {np.sqrt(tau2):.2%} (true +0.50%, 1.00%)")
print(f"winners' shrunk lift, mean:   {shrunk[win].mean():+.2%}")

# The same regression formula: the correlation between an experiment and its
# re-run is tau^2 / (tau^2 + se^2)
rho = tau2 / (tau2 + np.mean(se**2))
print(f"test-retest correlation of a lift: {rho:.3f}")
print(f"predicted re-run mean, m + rho (x - m): {m + rho * (est[win].mean() - m):+.2%}")
# --8<-- [end:ab]
