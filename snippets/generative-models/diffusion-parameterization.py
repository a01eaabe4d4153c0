# --8<-- [start:relations]
import numpy as np

# x_t = alpha x0 + sigma eps with alpha^2 + sigma^2 = 1 (variance preserving), and the
# velocity v = alpha eps - sigma x0 (Salimans & Ho 2022). Any one prediction gives the
# others.
rng = np.random.default_rng(0)
x0, eps = rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2))
alpha = rng.uniform(0.05, 1.0, size=(1000, 1))
sigma = np.sqrt(1 - alpha**2)
xt = alpha * x0 + sigma * eps
v = alpha * eps - sigma * x0
print("x0  = (x_t - sigma eps) / alpha :", np.allclose(x0, (xt - sigma * eps) / alpha))
print("x0  = alpha x_t - sigma v       :", np.allclose(x0, alpha * xt - sigma * v))
print("eps = sigma x_t + alpha v       :", np.allclose(eps, sigma * xt + alpha * v))

# The same network error seen through each parameterisation: an error e in eps becomes
# sigma / alpha * e in x0 and e / alpha in v, so the three MSE losses weight noise
# levels differently: x0-MSE = eps-MSE / SNR and v-MSE = eps-MSE * (1 + 1 / SNR),
# SNR = alpha^2/sigma^2.
eps_hat = eps + 0.1 * rng.normal(size=eps.shape)
x0_hat = (xt - sigma * eps_hat) / alpha
v_hat = (eps_hat - sigma * xt) / alpha  # from eps = sigma x_t + alpha v
err_eps = ((eps - eps_hat) ** 2).sum(1, keepdims=True)
snr = alpha**2 / sigma**2
err_x0 = ((x0 - x0_hat) ** 2).sum(1, keepdims=True)
err_v = ((v - v_hat) ** 2).sum(1, keepdims=True)
print("x0 error = eps error / SNR      :", np.allclose(err_x0, err_eps / snr))
print("v error = eps error (1 + 1/SNR) :", np.allclose(err_v, err_eps * (1 + 1 / snr)))
# --8<-- [end:relations]

# --8<-- [start:trained]
import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# The trained noise predictor of the ring against the best possible one: its error in
# eps is small at every noise level, but the x0 it implies divides by alpha and blows
# up.
net = gl.ddpm_ring()
gen = torch.Generator().manual_seed(2)
x0 = torch.tensor(gl.ring(5000, seed=12)[0])
print(
    f"{'t':>4}{'sigma/alpha':>13}{'eps error':>11}{'x0 error':>10}{'|E[x0|x_t]|':>13}"
)
for step in [100, 500, 900, 990]:
    t = torch.full((len(x0),), step - 1)  # genlab indexes steps 1..T as 0..T-1
    xt = gl.noise(x0, t, torch.randn(x0.shape, generator=gen))
    ab = gl.ALPHA_BAR[step - 1]
    alpha, sigma = ab.sqrt(), (1 - ab).sqrt()
    with torch.no_grad():
        eps_hat = net(xt, t / gl.T)
    eps_best = gl.exact_eps(xt, t)
    err = (eps_hat - eps_best).pow(2).sum(1).mean().sqrt()
    x0_best = (xt - sigma * eps_best) / alpha  # the posterior mean E[x0 | x_t]
    x0_err = ((xt - sigma * eps_hat) / alpha - x0_best).pow(2).sum(1).mean().sqrt()
    print(f"{step:>4}{sigma / alpha:>13.2f}{err:>11.3f}{x0_err:>10.3f}"
          f"{x0_best.norm(dim=1).mean():>13.3f}")  # fmt: skip
# --8<-- [end:trained]
