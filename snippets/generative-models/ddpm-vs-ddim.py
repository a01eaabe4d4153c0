import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl


class ExactDenoiser(torch.nn.Module):
    """The ideal noise predictor of the ring, in closed form: no model error at all."""

    def forward(self, x, t):
        return gl.exact_eps(x, (t * gl.T).round().long())


# A trained noise-prediction model of the ring (T = 1000) and the exact one, each
# sampled on evenly spaced timesteps by DDPM's ancestral sampler (eta = 1, fresh noise
# at every step) and by DDIM (eta = 0, deterministic). 2,000 samples against 2,000
# held-out points.
floor = gl.sliced_wasserstein(gl.ring(2000, seed=5)[0], gl.HELD_OUT)
print(f"sliced Wasserstein (SW) between two real samples: {floor:.3f}")
print(f"{'':>6}{'trained model':^24}{'exact denoiser':^24}".rstrip())
print((f"{'steps':>6}" + f"{'DDPM':>7}{'':>5}{'DDIM':>7}{'':>5}" * 2).rstrip())
for steps in [1000, 100, 20, 10, 5]:
    cells = ""
    for net in (gl.ddpm_ring(), ExactDenoiser()):
        for eta in (1.0, 0.0):
            samples = gl.ddim_sample(net, 2000, steps, eta)
            sw, good = (
                gl.sliced_wasserstein(samples, gl.HELD_OUT),
                gl.mode_report(samples)[1],
            )
            cells += f"{sw:>7.3f} {good:.2f}"
    print(f"{steps:>6}{cells}")
print("(each cell: SW distance, then the share of good samples)")
