import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)

# A toy "tokenised image" distribution with a known support: 4x4 grids of 3 colour
# tokens, uniform over 72 images: stripes, checkerboards and a 2x2 square on a
# background, each in two different colours. Every token depends on far-away tokens
# (the colours and the square's position are global choices).
SIDE, COLOURS = 4, 3
AR_STEPS, MASKED_STEPS = 1200, 4000
N_TOK, MASK = SIDE * SIDE, COLOURS
rows, cols = torch.meshgrid(torch.arange(SIDE), torch.arange(SIDE), indexing="ij")
images, kinds = [], []
for a, b in itertools.permutations(range(COLOURS), 2):
    for kind, pattern in [
        ("stripes", rows % 2),
        ("stripes", cols % 2),
        ("checkerboard", (rows + cols) % 2),
    ] + [
        ("square", (rows >= i) & (rows < i + 2) & (cols >= j) & (cols < j + 2))
        for i in range(SIDE - 1)
        for j in range(SIDE - 1)
    ]:
        images.append(torch.where(pattern.bool(), b, a).flatten())
        kinds.append(kind)
IMAGES = torch.stack(images)
INDEX = {tuple(x.tolist()): k for k, x in enumerate(IMAGES)}


class Net(nn.Module):
    """An MLP that sees the whole 4x4 grid (one-hot, masked positions as a fourth
    token) and predicts every position's colour. The same network serves both
    models; only what is hidden from it in training differs."""

    def __init__(self, hidden=192):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(N_TOK * (COLOURS + 1), hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, N_TOK * COLOURS),
        )

    def forward(self, x):
        h = F.one_hot(x, COLOURS + 1).float().flatten(1)
        return self.body(h).view(-1, N_TOK, COLOURS)


def batch_of_images(n, gen):
    return IMAGES[torch.randint(len(IMAGES), (n,), generator=gen)]


def train(model, loss_fn, steps, batch=128):
    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        loss = loss_fn(model, batch_of_images(batch, gen), gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def next_token_loss(model, x, gen):
    """Raster order: for a random position i per image, hide positions i onwards and
    predict the token at i from the ones before it."""
    i = torch.randint(N_TOK, (len(x), 1), generator=gen)
    hidden = torch.arange(N_TOK) >= i
    logits = model(torch.where(hidden, MASK, x))
    rows = torch.arange(len(x))
    return F.cross_entropy(logits[rows, i[:, 0]], x[rows, i[:, 0]])


@torch.no_grad()
def raster_nll(model, x):
    """Exact negative log-likelihood per image: sum over i of -log p(x_i | x_<i)."""
    total = 0.0
    for i in range(N_TOK):
        hidden = torch.arange(N_TOK) >= i
        logits = model(torch.where(hidden, MASK, x))[:, i]
        total += F.cross_entropy(logits, x[:, i]).item()
    return total


def masked_token_loss(model, x, gen):
    """MaskGIT: mask a cosine-scheduled share of positions, predict the masked ones."""
    ratio = torch.cos(math.pi / 2 * torch.rand(len(x), 1, generator=gen))
    n_masked = (ratio * N_TOK).ceil().clamp(1, N_TOK)
    rank = torch.rand(x.shape, generator=gen).argsort(1).argsort(1)
    masked = rank < n_masked
    logits = model(torch.where(masked, MASK, x))
    ce = F.cross_entropy(logits.transpose(1, 2), x, reduction="none")
    return (ce * masked).sum() / masked.sum()


def draw(probs, gen):
    """Inverse-CDF sampling, one token per row of probs (last dimension)."""
    u = torch.rand(probs.shape[:-1] + (1,), generator=gen)
    return (probs.cumsum(-1) < u).sum(-1).clamp_max(COLOURS - 1)


@torch.no_grad()
def sample_raster(model, n, gen):
    """One forward pass per token, in raster order (row by row)."""
    x = torch.full((n, N_TOK), MASK)
    for i in range(N_TOK):
        x[:, i] = draw(model(x)[:, i].softmax(-1), gen)
    return x, N_TOK


def exact_conditionals(x):
    """True p(token at each position | unmasked tokens) under the known data."""
    seen = x != MASK
    agrees = ((IMAGES[None] == x[:, None]) | ~seen[:, None]).all(-1).float()
    onehot = F.one_hot(IMAGES, COLOURS).float()
    probs = torch.einsum("nk,kpc->npc", agrees, onehot)
    return probs / probs.sum(-1, keepdim=True)


@torch.no_grad()
def sample_maskgit(predict, n, steps, gen, order="maskgit"):
    """Start all-masked. Each step predicts every position in one forward pass,
    samples a token for each masked one and keeps the k with the highest score, so
    that floor(N cos(pi/2 s/steps)) stay masked after step s (MaskGIT's cosine
    schedule). MaskGIT's score is log p(sampled token) + Gumbel noise whose
    temperature falls from 4.5 to 0; "confidence" drops the noise, "random" uses
    random positions."""
    x = torch.full((n, N_TOK), MASK)
    for s in range(1, steps + 1):
        masked = x == MASK
        probs = predict(x)
        token = draw(probs, gen)
        score = probs.gather(-1, token[..., None])[..., 0].log()
        if order == "maskgit":
            u = torch.rand(score.shape, generator=gen).clamp_min(1e-12)
            score = score + 4.5 * (1 - s / steps) * -(-u.log()).log()
        elif order == "random":
            score = torch.rand(score.shape, generator=gen)
        score = score.masked_fill(~masked, -torch.inf)
        n_masked = int(masked[0].sum())
        still_masked = math.floor(N_TOK * math.cos(math.pi / 2 * s / steps) + 1e-9)
        # as in MaskGIT's code: reveal at least one token per step, all at the last
        still_masked = 0 if s == steps else max(1, min(n_masked - 1, still_masked))
        k = n_masked - still_masked
        keep = torch.zeros_like(masked).scatter_(1, score.topk(k, 1).indices, True)
        x = torch.where(keep & masked, token, x)
    return x, steps


def report(name, x, passes):
    ids = [INDEX.get(tuple(row.tolist())) for row in x]
    valid = [k for k in ids if k is not None]
    squares = sum(kinds[k] == "square" for k in valid) / max(len(valid), 1)
    squares = f"{squares:.3f}" if valid else "-"
    print(
        f"{name:<22}{passes:>7}{len(valid) / len(x):>8.3f}"
        f"{len(set(valid)):>10}{squares:>9}"
    )


ar = train(Net(), next_token_loss, steps=AR_STEPS)
mg = train(Net(), masked_token_loss, steps=MASKED_STEPS)
test = batch_of_images(4000, torch.Generator().manual_seed(2))
n_squares = kinds.count("square")
print(
    f"{len(IMAGES)} valid images ({n_squares} squares), entropy {math.log(72):.2f} nats"
)
print(f"raster model's exact NLL on held-out images: {raster_nll(ar, test):.2f} nats")
N = 2000
print(f"{N} samples each      passes   valid  distinct  squares")
report("data", batch_of_images(N, torch.Generator().manual_seed(3)), "-")
raster, passes = sample_raster(ar, N, torch.Generator().manual_seed(4))
report("raster autoregressive", raster, passes)


def trained(x):
    return mg(x).softmax(-1)


for name, predict, order, all_steps in [
    ("MaskGIT", trained, "maskgit", [1, 2, 4, 8, N_TOK]),
    ("random order", trained, "random", [2, 4, 8, N_TOK]),
    ("confidence, no noise", trained, "confidence", [8, N_TOK]),
    ("random order, exact", exact_conditionals, "random", [2, 4, 8, N_TOK]),
]:
    for steps in all_steps:
        gen = torch.Generator().manual_seed(5)
        x, passes = sample_maskgit(predict, N, steps, gen, order)
        report(name, x, passes)
        if name == "MaskGIT" and steps == 2:
            two_step = x


def first(x, want_valid):
    return next(row for row in x if (tuple(row.tolist()) in INDEX) == want_valid)


print("a valid raster sample, an invalid 2-step MaskGIT sample:")
shown = [first(raster, True).view(SIDE, SIDE), first(two_step, False).view(SIDE, SIDE)]
for a, b in zip(*shown):
    print(" ".join(map(str, a.tolist())), "   ", " ".join(map(str, b.tolist())))
