import copy
import math

import torch

# A 2-D analogue of a text-to-image model: four "class words", each a broad Gaussian
# blob, and a noise predictor conditioned on the sum of the prompt's word embeddings.
# The new "subject" is a tight blob inside class 0 (a particular dog among dogs),
# known only from 5 points.
T = 1000
steps = torch.arange(T + 1, dtype=torch.float64) / T
f = torch.cos((steps + 0.008) / 1.008 * math.pi / 2) ** 2
ALPHA_BAR = (f[1:] / f[0]).clamp(min=1e-5).float()
CENTRES = torch.tensor([[1.5, 1.5], [-1.5, 1.5], [-1.5, -1.5], [1.5, -1.5]])
CLASS_SD, SUBJECT, SUBJECT_SD = 0.4, torch.tensor([2.0, 1.0]), 0.1
gen = torch.Generator().manual_seed(0)


class Denoiser(torch.nn.Module):
    def __init__(self, width=64, emb=8):
        super().__init__()
        self.register_buffer("freq", torch.exp(torch.linspace(0, math.log(1000), 8)))
        self.words = torch.nn.Embedding(4, emb)
        self.body = torch.nn.Sequential(
            torch.nn.Linear(2 + 16 + emb, width), torch.nn.SiLU(),
            torch.nn.Linear(width, width), torch.nn.SiLU(),
            torch.nn.Linear(width, width), torch.nn.SiLU(),
            torch.nn.Linear(width, 2),
        )  # fmt: skip

    def forward(self, x, t, prompt):
        angle = t[:, None] * self.freq
        prompt = prompt.expand(len(x), -1)
        return self.body(torch.cat([x, angle.sin(), angle.cos(), prompt], 1))


def loss_on(net, x0, prompt):
    """DDPM's loss on the points x0 under one prompt embedding (or one per point)."""
    eps = torch.randn(x0.shape, generator=gen)
    t = torch.randint(0, T, (len(x0),), generator=gen)
    ab = ALPHA_BAR[t][:, None]
    return (
        (net(ab.sqrt() * x0 + (1 - ab).sqrt() * eps, t / T, prompt) - eps).pow(2).mean()
    )


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


@torch.no_grad()
def sample(net, prompt, n=1000, n_steps=25, seed=0):
    g = torch.Generator().manual_seed(seed)
    ts = torch.linspace(T - 1, 0, n_steps).round().long().tolist()
    x = torch.randn(n, 2, generator=g)
    for i, t in enumerate(ts):
        ab = ALPHA_BAR[t]
        ab_next = ALPHA_BAR[ts[i + 1]] if i + 1 < n_steps else torch.tensor(1.0)
        eps = net(x, torch.full((n,), t / T), prompt)
        x0_hat = (x - (1 - ab).sqrt() * eps) / ab.sqrt()
        var = (1 - ab_next) / (1 - ab) * (1 - ab / ab_next)
        x = ab_next.sqrt() * x0_hat + (1 - ab_next - var).clamp(min=0).sqrt() * eps
        x = x + var.sqrt() * torch.randn(n, 2, generator=g)
    return x


def sliced_w(a, b, n_proj=64):
    """Sliced Wasserstein distance between two equal-size samples."""
    theta = torch.randn(2, n_proj, generator=torch.Generator().manual_seed(0))
    theta = theta / theta.norm(dim=0)
    pa, pb = torch.sort(a @ theta, 0)[0], torch.sort(b @ theta, 0)[0]
    return (pa - pb).abs().mean().item()


# Pre-training on the four classes.
torch.manual_seed(0)
base = Denoiser()


def pretrain_loss():
    k = torch.randint(0, 4, (256,), generator=gen)
    x0 = CENTRES[k] + CLASS_SD * torch.randn(256, 2, generator=gen)
    return loss_on(base, x0, base.words(k))


adam(base.parameters(), pretrain_loss, 600, 6e-3)
base.requires_grad_(False)
words = base.words.weight.detach()

held_out = [c + CLASS_SD * torch.randn(1000, 2, generator=gen) for c in CENTRES]
subject_held_out = SUBJECT + SUBJECT_SD * torch.randn(1000, 2, generator=gen)
shots = SUBJECT + SUBJECT_SD * torch.randn(5, 2, generator=gen)


def shot_batch():
    return shots[torch.randint(0, 5, (64,), generator=gen)]


def report(name, net, subject_prompt, n_params, classes=None):
    """SW distance to held-out data (lower is better) and spread (mean sd)."""
    subject = sample(net, subject_prompt)
    if classes is None:
        classes = [sample(net, words[k], seed=k + 1) for k in range(4)]
    drift = [sliced_w(classes[k], held_out[k]) for k in range(4)]
    fidelity = sliced_w(subject, subject_held_out)
    sd = subject.std(0).mean(), classes[0].std(0).mean()
    print(f"{name:<21}{n_params:>7,}{fidelity:>8.3f}{sd[0]:>6.2f}"
          f"{drift[0]:>9.3f}{sd[1]:>6.2f}{sum(drift[1:]) / 3:>12.3f}")  # fmt: skip
    return classes


# Reference: the SW distance between two independent real samples, and real spreads.
real_subject = SUBJECT + SUBJECT_SD * torch.randn(1000, 2, generator=gen)
real_class = CENTRES[0] + CLASS_SD * torch.randn(1000, 2, generator=gen)
print(f"{'':<28}{'new subject':^14}{'class 0':^15}{'classes 1-3':>12}")
print(f"{'method':<21}{'trained':>7}{'SW':>8}{'sd':>6}{'SW':>9}{'sd':>6}{'SW':>12}")
real_sw = sliced_w(real_subject, subject_held_out), sliced_w(real_class, held_out[0])
real_sd = subject_held_out.std(0).mean(), held_out[0].std(0).mean()
print(f"{'real data':<28}{real_sw[0]:>8.3f}{real_sd[0]:>6.2f}"
      f"{real_sw[1]:>9.3f}{real_sd[1]:>6.2f}")  # fmt: skip
# Before: prompting with the class word alone gives a generic member of class 0.
base_classes = report("before: class word", base, words[0], 0)

# (a) Textual inversion: learn one new embedding (started at the class word's), the
# network stays frozen, so nothing else can change.
new_word = words[0].clone().requires_grad_(True)
adam([new_word], lambda: loss_on(base, shot_batch(), new_word), 200, 3e-2)
report("textual inversion", base, new_word.detach(), new_word.numel(), base_classes)

# (b) DreamBooth: the prompt is "[V] class 0", with V a rare token whose embedding
# is never trained; fine-tune all the network's weights on the 5 shots, without and
# with the prior-preservation loss on 1,000 samples the frozen model generates for
# "class 0".
rare_token = 0.3 * torch.randn(8, generator=gen)
prior = sample(base, words[0], seed=7)


def dreambooth(prior_weight):
    net = copy.deepcopy(base)
    net.body.requires_grad_(True)

    def loss_fn():
        loss = loss_on(net, shot_batch(), words[0] + rare_token)
        if prior_weight:
            prior_batch = prior[torch.randint(0, len(prior), (64,), generator=gen)]
            loss = loss + prior_weight * loss_on(net, prior_batch, words[0])
        return loss

    adam(net.body.parameters(), loss_fn, 200, 3e-4)
    return net


n_params = sum(p.numel() for p in base.body.parameters())
report("DreamBooth, no prior", dreambooth(0.0), words[0] + rare_token, n_params)
report("DreamBooth + prior", dreambooth(1.0), words[0] + rare_token, n_params)
