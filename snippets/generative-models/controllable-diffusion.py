import math

import torch

# The ring of eight Gaussians used on this page (radius 2, mode sd 0.1), the cosine
# schedule with T = 1000, and one small noise predictor trained for two jobs at once:
# half of the batches know nothing (an ordinary unconditional model), the other half
# get one coordinate as an extra input, like an inpainting model's mask and
# masked-image channels.
T, STD = 1000, 0.1
steps = torch.arange(T + 1, dtype=torch.float64) / T
f = torch.cos((steps + 0.008) / 1.008 * math.pi / 2) ** 2
ALPHA_BAR = (f[1:] / f[0]).clamp(min=1e-5).float()
angles = 2 * math.pi * torch.arange(8) / 8
CENTRES = 2.0 * torch.stack([angles.cos(), angles.sin()], 1)
gen = torch.Generator().manual_seed(0)
data = CENTRES[torch.randint(0, 8, (20_000,), generator=gen)]
data = data + STD * torch.randn(data.shape, generator=gen)


class Denoiser(torch.nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.register_buffer("freq", torch.exp(torch.linspace(0, math.log(1000), 8)))
        self.body = torch.nn.Sequential(
            torch.nn.Linear(22, width), torch.nn.SiLU(),
            torch.nn.Linear(width, width), torch.nn.SiLU(),
            torch.nn.Linear(width, width), torch.nn.SiLU(),
            torch.nn.Linear(width, 2),
        )  # fmt: skip

    def forward(self, x, t, mask, known):
        angle = t[:, None] * self.freq
        inputs = [x, mask, known * mask, angle.sin(), angle.cos()]
        return self.body(torch.cat(inputs, 1))


def exact_model(x, t, mask, known):
    """The best possible unconditional noise prediction E[eps | x_t], in closed form."""
    ab = ALPHA_BAR[(t * T).round().long()][:, None]
    var = ab * STD**2 + 1 - ab
    d2 = ((x[:, None, :] - ab.sqrt()[:, None] * CENTRES) ** 2).sum(-1)
    weight = torch.softmax(-d2 / (2 * var), 1)[..., None]
    mean = (weight * ab.sqrt()[:, None] * CENTRES).sum(1)
    return (1 - ab).sqrt() * (x - mean) / var


def adam(params, loss_fn, n_steps, lr):
    """Adam with a 10% linear warm-up and a cosine decay, written out because the
    first use of torch.optim imports torch._dynamo: a second, in a script this size."""
    params = list(params)
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    warm = n_steps // 10
    for k in range(1, n_steps + 1):
        grads = torch.autograd.grad(loss_fn(), params)
        decay = 0.5 * (1 + math.cos(math.pi * (k - warm) / (n_steps - warm)))
        rate = lr * min(k / warm, decay)
        with torch.no_grad():
            for p, g, m_k, v_k in zip(params, grads, m, v):
                m_k.lerp_(g, 0.1)
                v_k.lerp_(g * g, 0.001)
                p -= (
                    rate * (m_k / (1 - 0.9**k)) / ((v_k / (1 - 0.999**k)).sqrt() + 1e-8)
                )


def training_loss():
    x0 = data[torch.randint(0, len(data), (256,), generator=gen)]
    eps = torch.randn(x0.shape, generator=gen)
    t = torch.randint(0, T, (256,), generator=gen)
    # nothing known (1/2), x1 known (1/4) or x2 known (1/4)
    u = torch.rand(256, generator=gen)
    mask = torch.stack([(u > 0.5) & (u < 0.75), u >= 0.75], 1).float()
    ab = ALPHA_BAR[t][:, None]
    pred = net(ab.sqrt() * x0 + (1 - ab).sqrt() * eps, t / T, mask, x0)
    return (pred - eps).pow(2).mean()


torch.manual_seed(0)
net = Denoiser()
adam(net.parameters(), training_loss, 1200, 1.5e-2)


@torch.no_grad()
def sample(model, x, t_start, n_steps, mask, known, how="none", rounds=1):
    """DDPM ancestral sampling from x at step t_start down to clean data.

    how="input": the model is given the mask and the known values (a trained
    inpainting model). how="replace": the model is given nothing, and the known
    coordinates are overwritten with the forward-noised known values before every
    step; rounds > 1 adds RePaint's resampling (re-noise one step and redo it).
    """
    g = torch.Generator().manual_seed(1)
    seen = mask if how == "input" else torch.zeros_like(mask)
    ts = torch.linspace(t_start, 0, n_steps).round().long().tolist()
    for i, t in enumerate(ts):
        ab = ALPHA_BAR[t]
        ab_next = ALPHA_BAR[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        x_t = x
        for r in range(rounds):
            if how == "replace":
                z = torch.randn(x.shape, generator=g)
                x_t = torch.where(
                    mask > 0, ab.sqrt() * known + (1 - ab).sqrt() * z, x_t
                )
            eps = model(x_t, torch.full((len(x),), t / T), seen, known)
            x0_hat = (x_t - (1 - ab).sqrt() * eps) / ab.sqrt()
            var = (1 - ab_next) / (1 - ab) * (1 - ab / ab_next)
            x = ab_next.sqrt() * x0_hat + (1 - ab_next - var).clamp(min=0).sqrt() * eps
            x = x + var.sqrt() * torch.randn(x.shape, generator=g)
            if r + 1 < rounds:
                z = torch.randn(x.shape, generator=g)
                x_t = (ab / ab_next).sqrt() * x + (1 - ab / ab_next).sqrt() * z
    # the known coordinates are pasted back at the end, as inpainting pipelines do
    return torch.where(mask > 0, known, x)


def nearest_mode(x):
    d = torch.cdist(x, CENTRES)
    return d.min(1).values, d.argmin(1)


# (a) SDEdit: 1,000 off-manifold inputs on a circle of radius 1.2, inside the ring.
# Noise them to t = strength * T and denoise with the unconditional model.
n = 1000
a = 2 * math.pi * torch.rand(n, generator=gen)
inputs = 1.2 * torch.stack([a.cos(), a.sin()], 1)
none = torch.zeros(n, 2)
mode_in = nearest_mode(inputs)[1]
d_real = nearest_mode(data[:n])[0]
print(f"real data: {d_real.mean():.3f} from the nearest mode, "
      f"{(d_real < 3 * STD).float().mean():.2f} on a mode")  # fmt: skip
print(f"{'strength':>8}{'noise sd':>10}{'to input':>10}{'to a mode':>11}"
      f"{'on a mode':>11}{'same mode':>11}")  # fmt: skip
for strength in [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]:
    t0 = max(round(strength * T) - 1, 0)
    out = inputs
    if strength > 0:
        ab = ALPHA_BAR[t0]
        start = ab.sqrt() * inputs + (1 - ab).sqrt() * torch.randn(n, 2, generator=gen)
        out = sample(net, start, t0, max(2, round(strength * 100)), none, none)
    d, mode = nearest_mode(out)
    noise_sd = (1 - ALPHA_BAR[t0]).sqrt() if strength > 0 else torch.tensor(0.0)
    print(f"{strength:>8.2f}{noise_sd:>10.2f}{(out - inputs).norm(dim=1).mean():>10.3f}"
          f"{d.mean():>11.3f}{(d < 3 * STD).float().mean():>11.2f}"
          f"{(mode == mode_in).float().mean():>11.2f}")  # fmt: skip

# (b) Inpainting in 2-D: x1 is the known "pixel", x2 is generated. The true
# conditional p(x2 | x1) puts x2 near the height of the modes whose x1 matches, so
# every completed point (x1, x2) should lie on a mode. 500 completions per cell.
methods = [
    ("replacement", dict(model=net, how="replace")),
    ("RePaint x5", dict(model=net, how="replace", rounds=5)),
    ("mask as input", dict(model=net, how="input")),
    ("replacement", dict(model=exact_model, how="replace")),
    ("RePaint x5", dict(model=exact_model, how="replace", rounds=5)),
]
print("\ninpainting x2 given x1: share of completions on a mode (true: 1.00)")
print(f"{'':>8}{'trained model':^40}{'exact denoiser':^25}".rstrip())
print(f"{'known x1':>8}" + "".join(f"  {name}" for name, _ in methods))
n = 500
for x1 in [1.414, 2.0]:
    known = torch.tensor([[x1, 0.0]]).repeat(n, 1)
    mask = torch.tensor([[1.0, 0.0]]).repeat(n, 1)
    row = f"{x1:>8.3f}"
    for name, kwargs in methods:
        noise = torch.randn(n, 2, generator=torch.Generator().manual_seed(2))
        out = sample(
            x=noise, t_start=T - 1, n_steps=50, mask=mask, known=known, **kwargs
        )
        on_mode = (nearest_mode(out)[0] < 3 * STD).float().mean()
        row += f"{on_mode:>{len(name) + 2}.2f}"
    print(row)
