# --8<-- [start:variance]
import numpy as np
from scipy.special import gammaln

rng = np.random.default_rng(0)
n, sigma, reps = 5, 2.0, 1_000_000
var = sigma**2
x = rng.normal(0.0, sigma, size=(reps, n))
# Sum of squared deviations from each sample's own mean; ss / sigma^2 ~ chi2(n - 1)
ss = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
print(f"Gaussian, n = {n}, sigma^2 = {var:.1f}, {reps:,} samples")
print("divide by   mean  exact mean    bias   MSE (+- 2 SE)  exact MSE")
for name, d in [("n - 1", n - 1), ("n", n), ("n + 1", n + 1)]:
    est = ss / d
    exact_mean = var * (n - 1) / d
    # MSE = variance + bias^2, with Var(ss) = 2 (n - 1) sigma^4
    exact_mse = 2 * (n - 1) * var**2 / d**2 + (exact_mean - var) ** 2
    sq = (est - var) ** 2
    # Monte Carlo uncertainty of the simulated MSE: two standard errors
    mse, two_se = sq.mean(), 2 * sq.std() / np.sqrt(reps)
    print(
        f"{name:9} {est.mean():6.3f} {exact_mean:11.3f} {est.mean() - var:+7.3f} "
        f"{mse:7.3f} +- {two_se:.3f} {exact_mse:10.3f}"
    )
# The divisor d minimising E[(ss / d - sigma^2)^2] is E[ss^2] / (sigma^2 E[ss])
best = np.mean(ss**2) / (var * ss.mean())
print(f"MSE-optimal divisor, simulated: {best:.2f} (theory n + 1 = {n + 1})")

# s = sqrt(ss / (n - 1)) is biased for sigma: E[s] = c4(n) sigma
s = np.sqrt(ss / (n - 1))
c4 = np.sqrt(2 / (n - 1)) * np.exp(gammaln(n / 2) - gammaln((n - 1) / 2))
print(
    f"s (n - 1 inside the root): mean {s.mean():.3f} for sigma = {sigma:.3f}; "
    f"exact c4 * sigma = {c4 * sigma:.3f}"
)

# Not Gaussian: exponential data (sigma^2 = 1, kurtosis 9)
y = rng.exponential(1.0, size=(reps, n))
ss_y = ((y - y.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
mses = [np.mean((ss_y / d - 1.0) ** 2) for d in (n - 1, n, n + 1)]
print(
    f"exponential, n = {n}: mean of the n - 1 estimator {ss_y.mean() / (n - 1):.3f} "
    f"(sigma^2 = 1)"
)
print("  MSE dividing by n - 1, n, n + 1: " + ", ".join(f"{m:.3f}" for m in mses))
# Theory: Var(ss) = (n - 1)^2 sigma^4 (kurtosis / n - (n - 3) / (n (n - 1)))
var_ss = (n - 1) ** 2 * (9 / n - (n - 3) / (n * (n - 1)))
best_y = np.mean(ss_y**2) / ss_y.mean()
print(
    f"  MSE-optimal divisor, simulated: {best_y:.1f} "
    f"(theory (n - 1) + Var(ss) / (n - 1) = {(n - 1) + var_ss / (n - 1):.1f})"
)
# --8<-- [end:variance]

# --8<-- [start:consistency]
import numpy as np

rng = np.random.default_rng(1)
sigma, reps = 2.0, 1000
var = sigma**2
rows = []
for n in [10, 100, 1000, 10_000]:
    x = np.concatenate(
        [rng.normal(0.0, sigma, size=(reps // 10, n)) for _ in range(10)]
    )
    # Biased but consistent: the MLE, dividing by n
    mle = x.var(axis=1, ddof=0)
    # Unbiased but inconsistent: uses the first two observations only
    pair = (x[:, 0] - x[:, 1]) ** 2 / 2
    sd = x.std(axis=1, ddof=1)
    rows.append((n, mle, pair, sd, x.mean(axis=1)))

print(f"estimating sigma^2 = {var:.1f}, {reps:,} samples per n")
print("     n   MLE mean  within 10%   pair mean  within 10%")
for n, mle, pair, _, _ in rows:
    print(
        f"{n:6d} {mle.mean():10.3f} {np.mean(np.abs(mle - var) < 0.1 * var):11.3f} "
        f"{pair.mean():11.3f} {np.mean(np.abs(pair - var) < 0.1 * var):11.3f}"
    )

print("standard deviation (of the data) vs standard error (of the mean)")
print("     n   mean s   mean s/sqrt(n)   SD of the sample means")
for n, _, _, sd, means in rows:
    print(
        f"{n:6d} {sd.mean():8.3f} {np.mean(sd / np.sqrt(n)):16.4f} {means.std():24.4f}"
    )
# --8<-- [end:consistency]

# --8<-- [start:libraries]
import numpy as np
import pandas as pd
import torch

x = np.array([1.0, 2.0, 4.0, 7.0])
t = torch.tensor(x, dtype=torch.float32)
ss = np.sum((x - x.mean()) ** 2)
print(
    f"data {x.tolist()}: ss = {ss:.0f}, ss/n = {ss / 4:.3f}, ss/(n - 1) = {ss / 3:.3f}"
)
print(f"np.var(x)                   {np.var(x):.3f}")
print(f"np.var(x, ddof=1)           {np.var(x, ddof=1):.3f}")
print(f"pd.Series(x).var()          {pd.Series(x).var():.3f}")
print(f"torch.var(t)                {torch.var(t).item():.3f}")
print(f"torch.var(t, correction=0)  {torch.var(t, correction=0).item():.3f}")

# BatchNorm in training mode: one step on a batch of 4 values of one feature
bn = torch.nn.BatchNorm1d(1, affine=False)
xb = t.reshape(-1, 1)
out = bn(xb)
by_n = (xb - xb.mean()) / torch.sqrt(xb.var(correction=0) + bn.eps)
print(f"BatchNorm1d normalises with the n divisor: {torch.allclose(out, by_n)}")
# running_var starts at 1 and moves by momentum = 0.1 towards the batch variance
v1, v0 = xb.var(correction=1).item(), xb.var(correction=0).item()
print(f"running_var after one step {bn.running_var.item():.3f}")
print(f"  0.9 * 1 + 0.1 * {v1:.3f} (n - 1) = {0.9 + 0.1 * v1:.3f}")
print(f"  0.9 * 1 + 0.1 * {v0:.3f} (n)     = {0.9 + 0.1 * v0:.3f}")
# --8<-- [end:libraries]
