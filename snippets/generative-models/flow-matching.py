import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# Flow matching with straight paths x_t = (1 - t) noise + t data, integrated with
# Euler steps; then one round of reflow (Liu et al.): retrain on (noise, sample) pairs
# produced by the first model, which straightens the paths. Against DDPM and DDIM at
# equal steps.
flow, reflow, ddpm = gl.flow_ring(), gl.reflow_ring(), gl.ddpm_ring()


def sw(samples):
    return gl.sliced_wasserstein(samples, gl.HELD_OUT)


floor = sw(gl.ring(2000, seed=5)[0])
print(f"SW between two real samples: {floor:.3f}")
print(f"{'steps':>5}{'flow':>8}{'reflow':>8}{'DDPM':>9}{'DDIM':>9}   (SW distance)")
for steps in [1, 2, 4, 8, 16, 50]:
    row = [
        sw(gl.euler_sample(flow, 2000, steps)),
        sw(gl.euler_sample(reflow, 2000, steps)),
        sw(gl.ddim_sample(ddpm, 2000, steps, eta=1.0)),
        sw(gl.ddim_sample(ddpm, 2000, steps, eta=0.0)),
    ]
    print(f"{steps:>5}{row[0]:>8.3f}{row[1]:>8.3f}{row[2]:>9.3f}{row[3]:>9.3f}")


@torch.no_grad()
def straightness(net, n=2000, steps=100):
    """Liu et al.'s S: mean over the path of |(x_1 - x_0) - v(x_t, t)|^2.

    0 = straight."""
    x = x_start = torch.randn(n, 2, generator=torch.Generator().manual_seed(4))
    velocities = []
    for i in range(steps):
        v = net(x, torch.full((n,), i / steps))
        velocities.append(v)
        x = x + v / steps
    return torch.stack(
        [(x - x_start - v).pow(2).sum(1).mean() for v in velocities]
    ).mean()


print(f"straightness: flow {straightness(flow):.3f}, reflow {straightness(reflow):.3f}")
