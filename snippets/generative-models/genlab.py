"""Shared code for the generative-models examples: toy data, tiny models, samplers,
metrics.

Every training function is cached (functools.cache), so the questions of a page that use
the same model train it once. Each one seeds itself, so a model is the same whichever
question happens to train it first. Everything runs on one CPU core in seconds.
"""

import copy
import functools
import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from torch import nn

# --------------------------------------------------------------------------------------
# Data with a known density: eight Gaussians on a ring.
N_MODES, RADIUS, MODE_STD = 8, 2.0, 0.1
_angles = 2 * np.pi * np.arange(N_MODES) / N_MODES
CENTRES = RADIUS * np.stack([np.cos(_angles), np.sin(_angles)], 1)


def ring(n, seed):
    """n points (float32, shape (n, 2)) and the index of the mode each came from."""
    rng = np.random.default_rng(seed)
    mode = rng.integers(0, N_MODES, n)
    x = CENTRES[mode] + MODE_STD * rng.standard_normal((n, 2))
    return x.astype(np.float32), mode


def ring_log_density(x):
    """The exact log density of the ring at each row of x."""
    d2 = ((np.asarray(x, float)[:, None, :] - CENTRES[None]) ** 2).sum(-1)
    log_each = -d2 / (2 * MODE_STD**2) - np.log(2 * np.pi * MODE_STD**2)
    top = log_each.max(1)
    return top + np.log(np.exp(log_each - top[:, None]).mean(1))


def mode_report(x):
    """(modes covered, fraction of good samples) for samples x of the ring.

    A sample is good if it lies within 3 standard deviations of a centre (99% of real
    data does); a mode is covered if at least 2% of all samples are good samples of it
    (a fair share is 12.5%)."""
    d = np.linalg.norm(np.asarray(x)[:, None, :] - CENTRES[None], axis=2)
    good = d.min(1) < 3 * MODE_STD
    counts = np.bincount(d.argmin(1)[good], minlength=N_MODES)
    return int((counts >= 0.02 * len(x)).sum()), float(good.mean())


def sliced_wasserstein(a, b, n_proj=256, seed=0):
    """Average 1-D Wasserstein-1 distance over random directions (equal sizes)."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal((np.shape(a)[1], n_proj))
    theta /= np.linalg.norm(theta, axis=0)
    pa, pb = np.sort(np.asarray(a) @ theta, 0), np.sort(np.asarray(b) @ theta, 0)
    return float(np.abs(pa - pb).mean())


# --------------------------------------------------------------------------------------
# A small MLP that takes a point, a time in [0, 1] and optionally a class label.
class TimeMLP(nn.Module):
    def __init__(self, dim=2, width=64, n_classes=0, depth=3):
        super().__init__()
        self.n_classes = n_classes
        self.label = nn.Embedding(n_classes + 1, 16) if n_classes else None
        self.register_buffer("freq", torch.exp(torch.linspace(0, math.log(1000), 8)))
        layers, size = [], dim + 16 + (16 if n_classes else 0)
        for _ in range(depth):
            layers += [nn.Linear(size, width), nn.SiLU()]
            size = width
        self.body = nn.Sequential(*layers, nn.Linear(width, dim))

    def forward(self, x, t, label=None):
        angle = t[:, None] * self.freq
        parts = [x, torch.sin(angle), torch.cos(angle)]
        if self.label is not None:
            parts.append(self.label(label))
        return self.body(torch.cat(parts, 1))


def train(net, loss_fn, steps, lr=6e-3, seed=0):
    """Adam with a one-cycle schedule; loss_fn(net, generator) returns a scalar loss."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, lr, total_steps=steps, pct_start=0.1
    )
    for _ in range(steps):
        loss = loss_fn(net, gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net.eval()


def batch_of(data, size, gen):
    return data[torch.randint(0, len(data), (size,), generator=gen)]


# --------------------------------------------------------------------------------------
# --8<-- [start:diffusion]
# Diffusion: T = 1000 discrete steps, cosine schedule (Nichol & Dhariwal 2021).
import math

import numpy as np
import torch

T = 1000
_s = torch.arange(T + 1, dtype=torch.float64) / T
_f = torch.cos((_s + 0.008) / 1.008 * math.pi / 2) ** 2
ALPHA_BAR = (_f[1:] / _f[0]).clamp(min=1e-5).float()  # alpha_bar_t for t = 1..T


def noise(x0, t, eps):
    """Closed-form forward process: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps."""
    ab = ALPHA_BAR[t][:, None]
    return ab.sqrt() * x0 + (1 - ab).sqrt() * eps


def diffusion_loss(x_data, labels=None, n_classes=0, p_uncond=0.2, batch=1024):
    """DDPM's simple loss: mean squared error between true and predicted noise."""

    def loss_fn(net, gen):
        idx = torch.randint(0, len(x_data), (batch,), generator=gen)
        x0 = x_data[idx]
        eps = torch.randn(x0.shape, generator=gen)
        t = torch.randint(0, T, (batch,), generator=gen)
        label = None
        if n_classes:
            label = labels[idx].clone()
            label[torch.rand(batch, generator=gen) < p_uncond] = n_classes  # "no label"
        return (net(noise(x0, t, eps), t / T, label) - eps).pow(2).mean()

    return loss_fn


@torch.no_grad()
def ddim_sample(net, n, steps, eta, seed=0, dim=2, label=None, guidance=0.0):
    """Generalised DDIM sampler on `steps` evenly spaced timesteps.

    eta=1 is DDPM's ancestral sampler on those timesteps, eta=0 is deterministic DDIM.
    With a label, guidance w mixes predictions as (1 + w) * eps(x, c) - w * eps(x)."""
    gen = torch.Generator().manual_seed(seed)
    ts = np.linspace(T - 1, 0, steps).round().astype(int)
    x = torch.randn(n, dim, generator=gen)
    for i, t in enumerate(ts):
        ab = ALPHA_BAR[t]
        ab_prev = ALPHA_BAR[ts[i + 1]] if i + 1 < steps else torch.tensor(1.0)
        tt = torch.full((n,), t / T)
        if label is None:
            eps = net(x, tt)
        else:
            eps = net(x, tt, label)
            if guidance:
                null = torch.full((n,), net.n_classes)
                eps = (1 + guidance) * eps - guidance * net(x, tt, null)
        x0 = (x - (1 - ab).sqrt() * eps) / ab.sqrt()
        sigma = eta * ((1 - ab_prev) / (1 - ab) * (1 - ab / ab_prev)).sqrt()
        x = ab_prev.sqrt() * x0 + (1 - ab_prev - sigma**2).clamp(min=0).sqrt() * eps
        x = x + sigma * torch.randn(n, dim, generator=gen)
    return x.numpy()


# --8<-- [end:diffusion]


def exact_eps(x, t):
    """The best possible noise prediction E[eps | x_t] for the ring, in closed form.

    x_t = a x0 + s eps with x0 from the ring is a mixture of
    N(a mu_k, (a^2 std^2 + s^2) I), and E[eps | x_t] = -s * grad log p_t(x_t)
    (Tweedie's formula)."""
    ab = ALPHA_BAR[t][:, None].double()
    a, s2 = ab.sqrt(), 1 - ab
    var = a**2 * MODE_STD**2 + s2
    centres = torch.tensor(CENTRES)[None] * a[:, None]  # (n, modes, 2)
    d2 = ((x.double()[:, None, :] - centres) ** 2).sum(-1)
    weights = torch.softmax(-d2 / (2 * var), 1)  # p(mode | x_t)
    score = (weights[..., None] * (centres - x.double()[:, None, :])).sum(1) / var
    return (-s2.sqrt() * score).float()


TRAIN_SIZE = 20_000
STEPS_VAE = STEPS_AR = 1500
HELD_OUT = ring(2000, seed=99)[0]  # the reference sample every metric compares against


@functools.cache
def ddpm_ring():
    """An unconditional noise-prediction model of the ring."""
    torch.manual_seed(0)
    x = torch.tensor(ring(TRAIN_SIZE, seed=1)[0])
    return train(TimeMLP(), diffusion_loss(x), steps=1200)


# Labels for guidance: class 0 owns modes 0-2, class 1 owns modes 5-7, and the points of
# modes 3 and 4 get either label at random, so those two modes are shared.
SHARED_MODES = (3, 4)


def ring_labels(mode, seed):
    rng = np.random.default_rng(seed)
    coin = rng.integers(0, 2, len(mode))
    return np.where(mode <= 2, 0, np.where(mode >= 5, 1, coin))


@functools.cache
def ddpm_ring_conditional():
    """A class-conditional model of the ring, trained with 20% of labels dropped."""
    torch.manual_seed(0)
    x, mode = ring(TRAIN_SIZE, seed=1)
    labels = torch.tensor(ring_labels(mode, seed=2))
    loss = diffusion_loss(torch.tensor(x), labels, n_classes=2, p_uncond=0.2)
    return train(TimeMLP(n_classes=2), loss, steps=1200)


# --------------------------------------------------------------------------------------
# --8<-- [start:flow]
# Flow matching / rectified flow: t = 0 is noise, t = 1 is data, straight-line paths.
import torch


def flow_loss(pairs_or_data, batch=1024):
    """Regress the velocity x1 - x0 at x_t = (1 - t) x0 + t x1.

    Given data only, x0 is fresh noise (independent coupling); given (noise, data)
    pairs, as in reflow, the pairs are kept."""

    def loss_fn(net, gen):
        if isinstance(pairs_or_data, tuple):
            idx = torch.randint(0, len(pairs_or_data[0]), (batch,), generator=gen)
            x0, x1 = pairs_or_data[0][idx], pairs_or_data[1][idx]
        else:
            x1 = pairs_or_data[
                torch.randint(0, len(pairs_or_data), (batch,), generator=gen)
            ]
            x0 = torch.randn(x1.shape, generator=gen)
        t = torch.rand(batch, generator=gen)
        xt = (1 - t[:, None]) * x0 + t[:, None] * x1
        return (net(xt, t) - (x1 - x0)).pow(2).mean()

    return loss_fn


@torch.no_grad()
def euler_sample(net, n, steps, seed=0, dim=2, x0=None):
    """Integrate dx/dt = v(x, t) from t = 0 (noise) to t = 1 with Euler steps."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=gen) if x0 is None else x0.clone()
    for i in range(steps):
        x = x + net(x, torch.full((n,), i / steps)) / steps
    return x.numpy()


# --8<-- [end:flow]


@functools.cache
def flow_ring():
    torch.manual_seed(0)
    x = torch.tensor(ring(TRAIN_SIZE, seed=1)[0])
    return train(TimeMLP(), flow_loss(x), steps=1200)


@functools.cache
def reflow_ring():
    """Rectified flow's reflow: pair noise with where the first flow takes it,
    retrain."""
    first = flow_ring()
    z = torch.randn(TRAIN_SIZE, 2, generator=torch.Generator().manual_seed(3))
    x1 = torch.tensor(euler_sample(first, TRAIN_SIZE, steps=100, x0=z))
    net = copy.deepcopy(
        first
    ).train()  # start from the first flow: cheaper than from scratch
    return train(net, flow_loss((z, x1)), steps=800, lr=1e-3)


def cnf_log_density(net, x1, steps=100):
    """Exact log density of a flow model at x1 by the instantaneous change of variables:
    log p1(x1) = log N(x0; 0, I) - integral over t of div v(x_t, t), along the path
    back."""
    x = torch.tensor(x1)
    div_total = torch.zeros(len(x))
    for i in range(steps, 0, -1):
        t = torch.full((len(x),), (i - 0.5) / steps)
        xi = x.detach().requires_grad_(True)
        v = net(xi, t)
        div = sum(
            torch.autograd.grad(v[:, j].sum(), xi, retain_graph=True)[0][:, j]
            for j in range(x.shape[1])
        )
        x = (xi - v / steps).detach()
        div_total += div.detach() / steps
    log_p0 = -0.5 * (x**2).sum(1) - x.shape[1] / 2 * math.log(2 * math.pi)
    return (log_p0 - div_total).numpy()


# --------------------------------------------------------------------------------------
# A GAN (non-saturating loss, Goodfellow et al. 2014) on the ring.
def mlp(sizes, act=nn.SiLU):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), act()]
    return nn.Sequential(*layers[:-1])


@functools.cache
def gan_ring(seed, steps=2000, check_every=250):
    """Returns the generator and, every `check_every` steps,
    (step, modes, good share)."""
    torch.manual_seed(seed)
    gen_net, disc = mlp([2, 64, 64, 2]), mlp([2, 64, 64, 1])
    opt_g = torch.optim.Adam(gen_net.parameters(), 2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), 2e-3, betas=(0.5, 0.999))
    data = torch.tensor(ring(TRAIN_SIZE, seed=1)[0])
    rng = torch.Generator().manual_seed(seed)
    bce = nn.functional.binary_cross_entropy_with_logits
    history, probe = (
        [],
        torch.randn(2000, 2, generator=torch.Generator().manual_seed(0)),
    )
    for step in range(1, steps + 1):
        real = batch_of(data, 128, rng)
        fake = gen_net(torch.randn(128, 2, generator=rng))
        d_real, d_fake = disc(real), disc(fake.detach())
        loss_d = bce(d_real, torch.ones_like(d_real)) + bce(
            d_fake, torch.zeros_like(d_fake)
        )
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        d_gen = disc(fake)
        loss_g = bce(
            d_gen, torch.ones_like(d_gen)
        )  # non-saturating: maximise log D(G(z))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        if step % check_every == 0:
            with torch.no_grad():
                history.append((step, *mode_report(gen_net(probe).numpy())))
    return gen_net.eval(), tuple(history)


@torch.no_grad()
def gan_sample(gen_net, n, seed=0):
    return gen_net(
        torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
    ).numpy()


# --------------------------------------------------------------------------------------
# A VAE with Gaussian encoder and decoder (Kingma & Welling 2014).
class VAE(nn.Module):
    def __init__(self, dim, latent, width=128, log_sigma=None):
        super().__init__()
        self.encoder = mlp([dim, width, width, 2 * latent])
        self.decoder = mlp([latent, width, width, dim])
        # the decoder's noise scale: learned, or fixed (a fixed one acts like beta)
        fixed = log_sigma is not None
        init = torch.tensor(float(log_sigma if fixed else 0.0))
        self.log_sigma = nn.Parameter(init, requires_grad=not fixed)

    def encode(self, x):
        mu, log_var = self.encoder(x).chunk(2, 1)
        return mu, log_var

    def log_lik(self, x, z):
        """log p(x | z) for a Gaussian decoder with one noise scale for every output."""
        mean, s = self.decoder(z), self.log_sigma
        d = x.shape[-1]
        sq = ((x - mean) ** 2).sum(-1)
        return -0.5 * sq / torch.exp(2 * s) - d * s - d / 2 * math.log(2 * math.pi)


def gaussian_kl(mu, log_var):
    """KL(N(mu, diag exp(log_var)) || N(0, I)) per latent dimension."""
    return 0.5 * (mu**2 + log_var.exp() - 1 - log_var)


def vae_loss(data, beta=1.0, free_bits=0.0, batch=256):
    def loss_fn(net, gen):
        x = batch_of(data, batch, gen)
        mu, log_var = net.encode(x)
        z = mu + (0.5 * log_var).exp() * torch.randn(mu.shape, generator=gen)
        kl = gaussian_kl(mu, log_var).mean(0)  # per dimension, averaged over the batch
        kl_term = kl.clamp(min=free_bits).sum() if free_bits else kl.sum()
        return -net.log_lik(x, z).mean() + beta * kl_term

    return loss_fn


@torch.no_grad()
def vae_elbo(net, x, samples=64, seed=0):
    """Per-point ELBO: E_q[log p(x | z)] (Monte Carlo) minus KL(q(z | x) || p(z))."""
    gen = torch.Generator().manual_seed(seed)
    mu, log_var = net.encode(torch.as_tensor(x))
    z = mu + (0.5 * log_var).exp() * torch.randn((samples, *mu.shape), generator=gen)
    recon = net.log_lik(torch.as_tensor(x), z).mean(0)
    return (recon - gaussian_kl(mu, log_var).sum(1)).numpy()


@torch.no_grad()
def vae_iwae(net, x, k, seed=0):
    """Per-point importance-weighted bound with k samples (Burda et al. 2016)."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.as_tensor(x)
    mu, log_var = net.encode(x)
    std = (0.5 * log_var).exp()
    eps = torch.randn((k, *mu.shape), generator=gen)
    z = mu + std * eps
    log_q = (-0.5 * eps**2 - std.log() - 0.5 * math.log(2 * math.pi)).sum(-1)
    log_prior = (-0.5 * z**2 - 0.5 * math.log(2 * math.pi)).sum(-1)
    log_w = net.log_lik(x, z) + log_prior - log_q
    return (torch.logsumexp(log_w, 0) - math.log(k)).numpy()


@functools.cache
def vae_ring():
    torch.manual_seed(0)
    data = torch.tensor(ring(TRAIN_SIZE, seed=1)[0])
    return train(
        VAE(dim=2, latent=2, width=64), vae_loss(data), steps=STEPS_VAE, lr=3e-3
    )


@torch.no_grad()
def vae_sample(net, n, seed=0, latent=2):
    z = torch.randn(n, latent, generator=torch.Generator().manual_seed(seed))
    return net.decoder(z).numpy()  # the decoder's mean, as usually shown


# --------------------------------------------------------------------------------------
# An autoregressive model of the ring: p(x1) p(x2 | x1), each a mixture of Gaussians.
class AutoregressiveMDN(nn.Module):
    def __init__(self, components=10, width=128):
        super().__init__()
        self.k = components
        self.first = nn.Parameter(torch.randn(3 * components) * 0.5)  # p(x1): no input
        self.second = mlp([1, width, width, 3 * components])  # p(x2 | x1)

    def _mix(self, params, y):
        logit, mean, log_s = params.split(self.k, -1)
        log_n = -0.5 * ((y[:, None] - mean) / log_s.exp()) ** 2 - log_s
        log_n = log_n - 0.5 * math.log(2 * math.pi)
        return torch.logsumexp(log_n + logit.log_softmax(-1), -1)

    def log_prob(self, x):
        first = self.first.expand(len(x), -1)
        return self._mix(first, x[:, 0]) + self._mix(self.second(x[:, :1]), x[:, 1])

    @torch.no_grad()
    def sample(self, n, seed=0):
        gen = torch.Generator().manual_seed(seed)
        out = []
        for params in [self.first.expand(n, -1), None]:  # one dimension after the other
            if params is None:
                params = self.second(out[0][:, None])
            logit, mean, log_s = params.split(self.k, -1)
            pick = torch.multinomial(logit.softmax(-1), 1, generator=gen)[:, 0]
            rows = torch.arange(n)
            noise_ = torch.randn(n, generator=gen)
            out.append(mean[rows, pick] + log_s.exp()[rows, pick] * noise_)
        return torch.stack(out, 1).numpy()


@functools.cache
def ar_ring():
    torch.manual_seed(0)
    data = torch.tensor(ring(TRAIN_SIZE, seed=1)[0])

    def loss_fn(net, gen):
        return -net.log_prob(batch_of(data, 512, gen)).mean()

    return train(AutoregressiveMDN(width=64), loss_fn, steps=STEPS_AR, lr=3e-3)


# --------------------------------------------------------------------------------------
# 8x8 digits (scikit-learn's copy of the UCI data), scaled to [-1, 1].
@functools.cache
def digits():
    bunch = load_digits()
    x = (bunch.data / 8.0 - 1.0).astype(np.float32)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    train_idx, test_idx = order[:1400], order[1400:]
    return x[train_idx], bunch.target[train_idx], x[test_idx], bunch.target[test_idx]


def digits_vae(beta=1.0, free_bits=0.0):
    """A VAE on the digits: 16-D latent, decoder noise scale fixed at 0.3."""
    return _digits_vae(float(beta), float(free_bits))  # one cache entry per setting


@functools.cache
def _digits_vae(beta, free_bits):
    torch.manual_seed(0)
    x = torch.tensor(digits()[0])
    net = VAE(dim=64, latent=16, width=64, log_sigma=math.log(0.3))
    return train(net, vae_loss(x, beta=beta, free_bits=free_bits), steps=800, lr=2e-3)


@functools.cache
def digits_classifier():
    """Logistic regression on the pixels; its 10 logits serve as a feature space."""
    x, y = digits()[:2]
    return LogisticRegression(max_iter=2000).fit(x, y)


@functools.cache
def digits_diffusion(space):
    """A diffusion model of the digits in pixel space (64-D) or in the VAE's latent
    space (16-D, the encoder's means scaled to unit standard deviation).
    Returns (net, scale)."""
    torch.manual_seed(0)
    x = torch.tensor(digits()[0])
    scale = 1.0
    if space == "latent":
        vae = digits_vae()  # trains on first use, so not under no_grad
        with torch.no_grad():
            x = vae.encode(x)[0]
        scale = x.std().item()
        x = x / scale
    net = TimeMLP(dim=x.shape[1], width=128)
    return train(net, diffusion_loss(x, batch=256), steps=1200), scale


def digits_generate(space, n, steps=100, seed=0):
    net, scale = digits_diffusion(space)  # trains on first use, so not under no_grad
    x = torch.tensor(
        ddim_sample(net, n, steps, 1.0, seed, dim=net.body[-1].out_features)
    )
    if space == "latent":
        with torch.no_grad():
            x = digits_vae().decoder(x * scale)
    return np.clip(x.numpy(), -1, 1)


def frechet_from_stats(mu_a, c_a, mu_b, c_b):
    """Squared Frechet (2-Wasserstein) distance between N(mu_a, C_a) and N(mu_b, C_b):
    |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2)).

    tr((C_a C_b)^(1/2)) is the sum of the square roots of the eigenvalues of C_a C_b,
    which are those of the symmetric C_a^(1/2) C_b C_a^(1/2): no complex sqrtm
    needed."""
    w, v = np.linalg.eigh(c_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(root_a @ c_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(
        ((mu_a - mu_b) ** 2).sum() + np.trace(c_a) + np.trace(c_b) - 2 * trace_root
    )


def frechet_distance(a, b):
    """FID's formula on two feature sets (rows = samples)."""
    stats = [(f.mean(0), np.cov(f, rowvar=False)) for f in (a, b)]
    return frechet_from_stats(*stats[0], *stats[1])
