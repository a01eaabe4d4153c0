# --8<-- [start:likelihood]
import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl
import torch

# Eight Gaussians on a ring, a density known exactly; small MLPs trained for
# 1,200-2,000 steps. Negative log-likelihood in nats per point on 500 held-out points
# (lower is better).
x_test = gl.HELD_OUT[:500]
ar, vae, flow = gl.ar_ring(), gl.vae_ring(), gl.flow_ring()
with torch.no_grad():
    ar_nll = -ar.log_prob(torch.tensor(x_test)).mean().item()
rows = [
    ("true density", -gl.ring_log_density(x_test).mean(), "the data's entropy"),
    ("autoregressive", ar_nll, "exact: p(x1) p(x2 | x1)"),
    ("VAE", -gl.vae_elbo(vae, x_test).mean(), "upper bound: -ELBO"),
    ("VAE", -gl.vae_iwae(vae, x_test, 1000).mean(), "upper bound: 1,000-sample IWAE"),
    (
        "flow matching",
        -gl.cnf_log_density(flow, x_test).mean(),
        "exact: ODE change of variables",
    ),
]
for name, nll, how in rows:
    print(f"{name:<16}{nll:>6.2f}  {how}")
print(f"{'GAN':<16}{'--':>6}  none: no density to evaluate")
# --8<-- [end:likelihood]

# --8<-- [start:samples]
import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# 2,000 samples from each model against 2,000 held-out points: sliced Wasserstein (SW)
# distance, modes covered, and the share of good samples (within 3 standard deviations
# of a mode, as 99% of real points are). Evaluations = network passes per sample.
rows = [
    ("autoregressive", 2, gl.ar_ring().sample(2000)),
    ("VAE", 1, gl.vae_sample(gl.vae_ring(), 2000)),
    ("GAN", 1, gl.gan_sample(gl.gan_ring(0)[0], 2000)),
    ("diffusion (DDPM)", 100, gl.ddim_sample(gl.ddpm_ring(), 2000, 100, eta=1.0)),
    ("flow matching", 20, gl.euler_sample(gl.flow_ring(), 2000, 20)),
    ("(real data)", 0, gl.ring(2000, seed=5)[0]),
]
print(f"{'family':<17}{'evaluations':>11}{'SW':>7}{'modes':>7}{'good':>6}")
for name, evals, samples in rows:
    modes, good = gl.mode_report(samples)
    sw = gl.sliced_wasserstein(samples, gl.HELD_OUT)
    print(f"{name:<17}{evals:>11}{sw:>7.3f}{modes:>5}/8{good:>6.2f}")
# --8<-- [end:samples]
