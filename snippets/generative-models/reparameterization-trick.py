import numpy as np
import torch
from torch.distributions import Normal

# Gradient of E[f(z)], z ~ N(mu, sigma^2), with respect to mu, for f(z) = (z - 3)^2.
# Exact: E[f] = (mu - 3)^2 + sigma^2, so the gradient is 2 (mu - 3) = -4 at mu = 1.
mu, sigma, n = 1.0, 1.0, 200_000
rng = np.random.default_rng(0)
eps = rng.standard_normal(n)
z = mu + sigma * eps
f = (z - 3) ** 2

estimators = {
    # reparameterised: z = mu + sigma * eps, differentiate f through z
    "reparameterisation": 2 * (z - 3),
    # score function (REINFORCE): f(z) * d/dmu log q(z)
    "score function": f * (z - mu) / sigma**2,
    # the same with a baseline: subtract E[f] (here known: (mu - 3)^2 + sigma^2 = 5)
    "score fn + baseline": (f - 5.0) * (z - mu) / sigma**2,
}
print("exact gradient: -4.000")
print(f"{'estimator':<21}{'mean':>8}{'std per sample':>16}{'samples for SE 0.01':>21}")
for name, g in estimators.items():
    need = (g.std() / 0.01) ** 2
    print(f"{name:<21}{g.mean():>8.3f}{g.std():>16.2f}{need:>21,.0f}")

# The variance of the score-function estimator grows with the latent dimension:
# gradient for mu_1 of E[sum_d (z_d - 3)^2] with every mu_d = 1.
print(f"\n{'latent dims':>11}{'reparam std':>13}{'score-fn std':>14}")
for dims in [1, 10, 100]:
    e = rng.standard_normal((20_000, dims))
    zz = mu + sigma * e
    total = ((zz - 3) ** 2).sum(1)
    reparam = 2 * (zz[:, 0] - 3)
    score = total * e[:, 0] / sigma
    print(f"{dims:>11}{reparam.std():>13.2f}{score.std():>14.2f}")

# In PyTorch: rsample() is the reparameterised draw, so autograd reaches mu through it;
# sample() is not differentiable, so the score-function surrogate is f(z) * log q(z).
torch.manual_seed(0)
mu_t = torch.tensor(1.0, requires_grad=True)
q = Normal(mu_t, 1.0)
z_r = q.rsample((100_000,))
(grad_r,) = torch.autograd.grad(((z_r - 3) ** 2).mean(), mu_t)
z_s = q.sample((100_000,))
(grad_s,) = torch.autograd.grad((((z_s - 3) ** 2) * q.log_prob(z_s)).mean(), mu_t)
print(f"\nautograd, 100,000 draws: rsample {grad_r:.3f}, score-function {grad_s:.3f}")
