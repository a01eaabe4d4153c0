import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

torch.set_num_threads(1)
torch.manual_seed(0)


class ExactDenoiser(torch.nn.Module):
    """The ideal noise predictor of the ring, in closed form: the teacher."""

    def forward(self, x, t):
        return gl.exact_eps(x, (t * gl.T).round().long())


teacher, AB = ExactDenoiser(), gl.ALPHA_BAR
# In y = x_t / sqrt(abar_t) the probability-flow ODE is dy = eps dsigma, with
# sigma = sqrt((1 - abar_t) / abar_t); a DDIM step is one Euler step of it.
SIGMA = ((1 - AB) / AB).sqrt()
SIGMA_DATA = float(np.sqrt((gl.CENTRES**2).mean() + gl.MODE_STD**2))


def ddim_step(x, t, s):
    """One deterministic DDIM step of the teacher from timestep t down to s."""
    eps = teacher(x, t / gl.T)
    ab_t, ab_s = AB[t][:, None], AB[s][:, None]
    x0 = (x - (1 - ab_t).sqrt() * eps) / ab_t.sqrt()
    return ab_s.sqrt() * x0 + (1 - ab_s).sqrt() * eps


def consistency_fn(net, x, t):
    """f(x_t, t) = c_skip y + c_out F(x_t, t). At the smallest noise level c_skip = 1
    and c_out = 0, so the boundary condition f(y, eps) = y holds for any weights."""
    s, s_min = SIGMA[t][:, None], SIGMA[0]
    c_skip = SIGMA_DATA**2 / ((s - s_min) ** 2 + SIGMA_DATA**2)
    c_out = SIGMA_DATA * (s - s_min) / (s**2 + SIGMA_DATA**2).sqrt()
    return c_skip * x / AB[t][:, None].sqrt() + c_out * net(x, t / gl.T)


# Consistency distillation on N = 32 intervals of the 1,000 timesteps: noise a data
# point to t_{n+1}, let the teacher take one DDIM step to t_n, and pull the student's
# answer at t_{n+1} towards its own answer at t_n (no gradient through the target).
# Weights 1 / (sigma_{n+1} - sigma_n) and no EMA target follow Song & Dhariwal (2023).
N = 32
GRID = torch.tensor(np.linspace(0, gl.T - 1, N + 1).round().astype(int))
data = torch.tensor(gl.ring(gl.TRAIN_SIZE, seed=1)[0])


def cd_loss(net, gen, batch=512):
    x0 = gl.batch_of(data, batch, gen)
    n = torch.randint(0, N, (batch,), generator=gen)
    t_hi, t_lo = GRID[n + 1], GRID[n]
    x_hi = gl.noise(x0, t_hi, torch.randn(x0.shape, generator=gen))
    with torch.no_grad():
        target = consistency_fn(net, ddim_step(x_hi, t_hi, t_lo), t_lo)
    weight = 1 / (SIGMA[t_hi] - SIGMA[t_lo])
    err = (consistency_fn(net, x_hi, t_hi) - target).pow(2).sum(1)
    return (weight / weight.mean() * err).mean()


student = gl.train(gl.TimeMLP(), cd_loss, steps=3000, lr=3e-3)


@torch.no_grad()
def consistency_sample(net, n, steps, seed=0):
    """Multistep consistency sampling on evenly spaced timesteps: denoise in one
    evaluation, re-noise to the next, smaller timestep, denoise again."""
    gen = torch.Generator().manual_seed(seed)
    # the same starting noise as gl.ddim_sample with the same seed
    x = torch.randn(n, 2, generator=gen)
    for i, t in enumerate(np.linspace(gl.T - 1, 0, steps + 1)[:-1].round()):
        tt = torch.full((n,), int(t))
        if i:
            x = gl.noise(x, tt, torch.randn(n, 2, generator=gen))
        x = consistency_fn(net, x, tt)
    return x.numpy()


def scores(samples):
    modes, good = gl.mode_report(samples)
    sw = gl.sliced_wasserstein(samples, gl.HELD_OUT)
    return f"{sw:>7.3f}{good:>6.2f}{modes:>4}/8"


floor = gl.sliced_wasserstein(gl.ring(2000, seed=5)[0], gl.HELD_OUT)
print(f"SW between two real samples: {floor:.3f}")
print(f"{'':>5}{'DDIM teacher':^19}  {'consistency student':^19}")
print(f"{'evals':>5}{'SW':>7}{'good':>6}{'modes':>6}  {'SW':>7}{'good':>6}{'modes':>6}")
for k in [1, 2, 4, 32, 1000]:
    row = scores(gl.ddim_sample(teacher, 2000, k, eta=0.0))
    if k <= 4:
        row += "  " + scores(consistency_sample(student, 2000, k))
    print(f"{k:>5}{row}")

# Distillation learns the teacher's map from noise to sample, not just its
# distribution: compare samples drawn from the same noise and from other noise.
one_step = consistency_sample(student, 2000, 1)
same = np.linalg.norm(one_step - gl.ddim_sample(teacher, 2000, 32, 0.0), axis=1)
other = np.linalg.norm(
    one_step - gl.ddim_sample(teacher, 2000, 32, 0.0, seed=1), axis=1
)
print(
    f"1-step student to teacher's 32-step sample: same noise {np.median(same):.3f}, "
    f"other noise {np.median(other):.3f} (median distance)"
)
