# --8<-- [start:closed-form]
import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# The forward chain q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I), run step
# by step from one data point, against the closed form q(x_t | x_0) =
# N(sqrt(abar_t) x_0, (1 - abar_t) I). Cosine schedule, T = 1000;
# beta_t = 1 - abar_t / abar_{t-1}.
abar = gl.ALPHA_BAR.double()
beta = 1 - abar / torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
x0 = torch.tensor([2.0, 0.0], dtype=torch.float64)
gen = torch.Generator().manual_seed(0)
x = x0.repeat(20_000, 1)
print(
    f"{'t':>4}{'chain mean':>12}{'closed form':>13}{'chain std':>11}{'closed form':>13}"
)
for t in range(1, gl.T + 1):
    noise = torch.randn(x.shape, generator=gen, dtype=torch.float64)
    x = (1 - beta[t - 1]).sqrt() * x + beta[t - 1].sqrt() * noise
    if t in (50, 250, 500, 750, 1000):
        ab = abar[t - 1]
        print(f"{t:>4}{x[:, 0].mean():>12.3f}{ab.sqrt() * 2:>13.3f}"
              f"{x[:, 0].std():>11.3f}{(1 - ab).sqrt():>13.3f}")  # fmt: skip
# --8<-- [end:closed-form]

# --8<-- [start:objective]
import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# The trained noise-prediction model against the best possible one, whose loss is the
# irreducible part: E||eps - E[eps | x_t]||^2 > 0 because x_t does not determine eps.
net = gl.ddpm_ring()
gen = torch.Generator().manual_seed(1)
x0 = torch.tensor(gl.ring(20_000, seed=11)[0])
print(f"{'t':>5}{'SNR':>9}{'trained MSE':>13}{'best possible':>15}")
for step in [10, 100, 250, 500, 750, 990]:
    t = torch.full((len(x0),), step - 1)  # genlab indexes steps 1..T as 0..T-1
    eps = torch.randn(x0.shape, generator=gen)
    xt = gl.noise(x0, t, eps)
    with torch.no_grad():
        trained = (net(xt, t / gl.T) - eps).pow(2).sum(1).mean()
    best = (gl.exact_eps(xt, t) - eps).pow(2).sum(1).mean()
    snr = gl.ALPHA_BAR[step - 1] / (1 - gl.ALPHA_BAR[step - 1])
    print(f"{step:>5}{snr:>9.3f}{trained:>13.3f}{best:>15.3f}")
# --8<-- [end:objective]
