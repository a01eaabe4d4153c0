import numpy as np
import torch
from scipy.spatial.distance import cdist
from scipy.special import softmax
from torch import nn

# Song & Ermon's (2019) toy: 0.8 N((5, 5), I) + 0.2 N((-5, -5), I). Adding noise of
# scale sigma keeps the weights and widens each component to variance 1 + sigma^2, so
# the score of every noised density p_sigma is known in closed form.
WEIGHTS = np.array([0.8, 0.2])
MEANS = np.array([[5.0, 5.0], [-5.0, -5.0]])
SIGMAS = np.geomspace(20.0, 0.1, 10)  # the noise levels, largest first


def sample_data(n, rng):
    component = rng.choice(2, size=n, p=WEIGHTS)
    return MEANS[component] + rng.standard_normal((n, 2))


def true_score(x, sigma):
    """grad_x log p_sigma(x) = (E[component mean | x] - x) / (1 + sigma^2).

    sigma is a number or an (n, 1) array."""
    var = 1 + np.asarray(sigma, float) ** 2
    logits = np.log(WEIGHTS) + (x @ MEANS.T - (MEANS**2).sum(1) / 2) / var
    return (softmax(logits, axis=1) @ MEANS - x) / var


class NoiseConditionalNet(nn.Module):
    """An MLP of (x, sigma); x is divided by its std, so every level sees O(1) input."""

    def __init__(self, width=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(3, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, 2),
        )  # fmt: skip

    def forward(self, x, sigma):
        scale = (17 + sigma**2).sqrt()  # x~'s std per axis: the data's variance is 17
        return self.body(torch.cat([x / scale, sigma.log()], 1))


def train(target, steps=2000, batch=512, seed=0):
    """Denoising score matching over all levels. target='score': the net outputs
    s(x~, sigma) and the loss is sigma^2 |s + eps / sigma|^2 (Song & Ermon's weighting);
    target='eps': the net outputs eps_hat and the loss is |eps_hat - eps|^2 (DDPM)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = NoiseConditionalNet()
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    sigmas = torch.tensor(SIGMAS, dtype=torch.float32)
    for _ in range(steps):
        x = torch.tensor(sample_data(batch, rng), dtype=torch.float32)
        sigma = sigmas[torch.randint(0, len(SIGMAS), (batch, 1))]
        eps = torch.randn_like(x)
        out = net(x + sigma * eps, sigma)
        pred = sigma * out if target == "score" else -out  # both in units of -eps
        loss = (pred + eps).pow(2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net.eval()


def net_fn(net):
    def f(x, sigma):
        sigma_t = torch.full((len(x), 1), float(sigma))
        with torch.no_grad():
            return net(torch.tensor(x, dtype=torch.float32), sigma_t).double().numpy()

    return f


learned_score = net_fn(train("score"))
eps_net = net_fn(train("eps", seed=1))


def rms(a, b):
    return np.sqrt(((a - b) ** 2).sum(1).mean())


def relative_error(estimate, truth):
    return rms(estimate, truth) / np.sqrt((truth**2).sum(1).mean())


# (1) Denoising score matching: the excess of its loss over the loss of the true score
# equals the explicit score-matching error (Vincent 2011), so it is minimised by the
# true score although the loss never evaluates it.
rng = np.random.default_rng(10)
box = rng.uniform(-8, 8, (4000, 2))  # mostly low-density points at small sigma
print("(1) denoising score matching (losses weighted by sigma^2)")
print(f"{'relative score error':>57}")
print("sigma  DSM excess  explicit SM     on p_sigma  uniform box")
for sigma in SIGMAS[[0, 3, 6, 8, 9]]:
    x = sample_data(100_000, rng)
    eps = rng.standard_normal(x.shape)
    noisy = x + sigma * eps
    s_true, s_net = true_score(noisy, sigma), learned_score(noisy, sigma)
    excess = rms(sigma * s_net, -eps) ** 2 - rms(sigma * s_true, -eps) ** 2
    explicit = rms(sigma * s_net, sigma * s_true) ** 2
    rel_data = relative_error(s_net, s_true)
    rel_box = relative_error(learned_score(box, sigma), true_score(box, sigma))
    print(f"{sigma:5.2f}{excess:12.4f}{explicit:13.4f}{rel_data:15.3f}{rel_box:13.3f}")


# (2) Sampling. Plain Langevin at the smallest level with a step suited to it (0.1, as
# in Song & Ermon's toy code); annealed Langevin runs 100 steps per level with step
# base_step * sigma^2 / sigma_min^2 (their rule), base_step such that the largest
# level's step is 0.2 of that level's variance.
def langevin(score, x, sigma, step, n_steps, rng):
    for _ in range(n_steps):
        x = (
            x
            + step / 2 * score(x, sigma)
            + np.sqrt(step) * rng.standard_normal(x.shape)
        )
    return x


def annealed_langevin(score, x, rng, base_step=2e-3, steps_each=100):
    for sigma in SIGMAS:
        step = base_step * (sigma / SIGMAS[-1]) ** 2
        x = langevin(score, x, sigma, step, steps_each, rng)
    return x


def energy_distance(a, b):
    return 2 * cdist(a, b).mean() - cdist(a, a).mean() - cdist(b, b).mean()


def heavy_share(x):
    return (x.sum(1) > 0).mean()  # on the side of the weight-0.8 mode at (5, 5)


def off_modes(x):
    """Share more than 3 from both means (1.1% of real data)."""
    return (cdist(x, MEANS).min(1) > 3).mean()


reference = sample_data(2000, np.random.default_rng(20))
start = np.random.default_rng(21).uniform(-8, 8, (2000, 2))
scores = {"true score": true_score, "learned score": learned_score}
scores["eps net, -eps/sigma"] = lambda x, sigma: -eps_net(x, sigma) / sigma
runs = {"data (second sample)": sample_data(2000, np.random.default_rng(22))}
chain_rng = np.random.default_rng(23)
x = langevin(true_score, start, SIGMAS[-1], 0.1, 1000, chain_rng)
runs["plain, true score, 1,000 steps"] = x
# the same chains 9,000 steps further
x_longer = langevin(true_score, x, SIGMAS[-1], 0.1, 9000, chain_rng)
runs["plain, true score, 10,000 steps"] = x_longer
changed_side = ((x.sum(1) > 0) != (x_longer.sum(1) > 0)).sum()
x = langevin(learned_score, start, SIGMAS[-1], 0.1, 1000, np.random.default_rng(23))
runs["plain, learned score, 1,000 steps"] = x
for name, score in scores.items():
    runs[f"annealed, {name}"] = annealed_langevin(
        score, start, np.random.default_rng(23)
    )
print(f"\n(2) sampling from uniform starts, {heavy_share(start):.3f} on the heavy side")
print(f"{'sampler':<38}{'heavy share':>12}{'off modes':>10}{'energy dist':>13}")
for name, x in runs.items():
    print(
        f"{name:<38}{heavy_share(x):12.3f}{off_modes(x):10.3f}"
        f"{energy_distance(x, reference):13.3f}"
    )
print(f"plain chains that changed side between steps 1,000 and 10,000: {changed_side}")

# (3) A noise predictor is a scaled score: eps_hat = -sigma * grad log p_sigma. The eps
# net, the score net and the true score, all as predictions of eps (RMS norm of eps:
# 1.414), where "true" is -sigma * true score, the best possible eps prediction.
print("\n(3) RMS gaps between noise predictions")
print("sigma  eps net vs true  score net vs true  eps net vs score net")
for sigma in SIGMAS[[0, 3, 6, 8, 9]]:
    noisy = sample_data(20_000, rng) + sigma * rng.standard_normal((20_000, 2))
    from_true = -sigma * true_score(noisy, sigma)
    from_score_net = -sigma * learned_score(noisy, sigma)
    eps_hat = eps_net(noisy, sigma)
    print(
        f"{sigma:5.2f}{rms(eps_hat, from_true):17.3f}"
        f"{rms(from_score_net, from_true):19.3f}{rms(eps_hat, from_score_net):22.3f}"
    )
