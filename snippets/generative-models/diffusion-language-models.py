import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)

# A toy "language": sequences of L = 12 tokens from a known Markov chain over V = 8
# tokens. Each token has 3 allowed successors with random probabilities, so some
# transitions are nearly certain and others are not; any other successor is invalid.
V, L, MASK = 8, 12, 8
g = torch.Generator().manual_seed(0)
P = torch.zeros(V, V)
for i in range(V):
    nxt = torch.randperm(V, generator=g)[:3]
    P[i, nxt] = torch.rand(3, generator=g) ** 3
P /= P.sum(1, keepdim=True)
start = torch.full((V,), 1.0 / V)


def sample_chain(n, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.empty(n, L, dtype=torch.long)
    x[:, 0] = torch.multinomial(start.expand(n, V), 1, generator=gen)[:, 0]
    for i in range(1, L):
        x[:, i] = torch.multinomial(P[x[:, i - 1]], 1, generator=gen)[:, 0]
    return x


def valid(x):
    """Share of sequences whose every transition is allowed by the chain."""
    return (P[x[:, :-1], x[:, 1:]] > 0).all(1).float().mean().item()


def exact_denoiser(x):
    """The true p(x_i | unmasked tokens) at every position, by forward-backward on
    the known chain: the ideal denoiser, with no model error."""
    ev = torch.where((x == MASK)[..., None], 1.0, F.one_hot(x.clamp_max(V - 1), V))
    prior, beta = [start.expand(len(x), V)], [torch.ones(len(x), V)]
    for i in range(1, L):
        a = prior[-1] * ev[:, i - 1]
        prior.append((a / a.sum(1, keepdim=True).clamp_min(1e-30)) @ P)
        b = (beta[0] * ev[:, L - i]) @ P.T
        beta.insert(0, b / b.sum(1, keepdim=True).clamp_min(1e-30))
    post = torch.stack(prior, 1) * torch.stack(beta, 1) + 1e-30
    return (post / post.sum(-1, keepdim=True)).log()


class Net(nn.Module):
    """An MLP that sees the whole sequence (bidirectional) and predicts every
    position's token: the denoiser of masked diffusion."""

    def __init__(self, hidden=256):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(L * (V + 1), hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, L * V),
        )

    def forward(self, x):
        h = F.one_hot(x, V + 1).float().flatten(1)
        return self.body(h).view(-1, L, V)


def train(net, make_mask, steps=1500, batch=128):
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for step in range(steps):
        x0 = sample_chain(batch, seed=1000 + step)
        mask, weight = make_mask(batch)
        logits = net(torch.where(mask, MASK, x0))
        ce = F.cross_entropy(logits.transpose(1, 2), x0, reduction="none")
        loss = (ce * mask * weight).sum() / (batch * L)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


# Masked diffusion (MDLM / MD4): mask each token with probability t ~ U(0, 1), predict
# the masked tokens, weight the cross-entropy by 1/t (the ELBO's weight for this
# linear schedule). The t of a batch are spread evenly (MDLM's low-discrepancy
# sampler), which lowers the variance of the 1/t-weighted loss.
def diffusion_mask(batch):
    t = ((torch.arange(batch) + torch.rand(1)) / batch)[:, None]
    return torch.rand(batch, L) < t, 1 / t


# Autoregressive baseline with the same network: a causal mask is a masked model
# trained only on "everything from position i on is masked", scored at position i.
def causal_mask(batch):
    i = torch.randint(0, L, (batch, 1))
    pos = torch.arange(L)
    return pos >= i, (pos == i).float() * L


mdm = train(Net(), diffusion_mask)
arm = train(Net(), causal_mask)


@torch.no_grad()
def diffusion_sample(model, n, steps, order, seed=1):
    """Start from all [MASK]; at each step predict every masked position and unmask
    some: L / steps of them at random or where the model is most confident, or
    (threshold) every position whose top probability is above 0.9, at least one."""
    gen = torch.Generator().manual_seed(seed)
    x, used, steps_each = torch.full((n, L), MASK), 0, torch.zeros(n)
    x[:, 0] = prompt[:n]
    while (x == MASK).any():
        steps_each += (x == MASK).any(1)
        probs = model(x).softmax(-1)
        conf = probs.max(-1).values
        masked = x == MASK
        score = torch.rand(n, L, generator=gen) if order == "random" else conf
        score[~masked] = -1.0
        if order == "threshold":
            pick = masked & (conf > 0.9)
            pick.scatter_(1, score.argmax(1, keepdim=True), True)
            pick &= masked
        else:
            k = (L - 1) * (used + 1) // steps - (L - 1) * used // steps
            pick = torch.zeros_like(masked).scatter_(1, score.topk(k, 1).indices, True)
        tok = torch.multinomial(probs.view(-1, V), 1, generator=gen).view(n, L)
        x = torch.where(pick, tok, x)
        used += 1
    return x, steps_each.mean().item()


@torch.no_grad()
def autoregressive_sample(n, seed=1):
    gen = torch.Generator().manual_seed(seed)
    x = torch.full((n, L), MASK)
    x[:, 0] = prompt[:n]
    for i in range(1, L):
        probs = arm(x)[:, i].softmax(-1)
        x[:, i] = torch.multinomial(probs, 1, generator=gen)[:, 0]
    return x


N = 2000
test = sample_chain(N, seed=7)
# every sample continues a one-token prompt drawn from the chain
prompt = sample_chain(N, seed=11)[:, 0]
with torch.no_grad():
    # NLL per token on held-out sequences: the true chain's, the autoregressive
    # model's (exact), and the masked-diffusion ELBO (an upper bound on its NLL),
    # averaged over a grid of masking ratios t.
    pos = torch.arange(L)
    ar_nll = (
        sum(
            F.cross_entropy(arm(torch.where(pos >= i, MASK, test))[:, i], test[:, i])
            for i in range(L)
        )
        / L
    )
    ts, elbo = (torch.arange(20) + 0.5) / 20, 0.0
    gen = torch.Generator().manual_seed(3)
    for t in ts:
        mask = torch.rand(N, L, generator=gen) < t
        logits = mdm(torch.where(mask, MASK, test)).transpose(1, 2)
        ce = F.cross_entropy(logits, test, reduction="none")
        elbo += (ce * mask).sum() / (t * N * L) / len(ts)
    true = -(start[test[:, 0]].log() + P[test[:, :-1], test[:, 1:]].log().sum(1))
print(f"held-out NLL per token: true chain {true.mean() / L:.3f}, ", end="")
print(f"autoregressive {ar_nll:.3f}, masked diffusion <= {elbo:.3f}")
print(f"valid share of {N} samples (all {L - 1} transitions allowed by the chain)")
print(f"{'sampler':<24}{'steps':>6}{'tok/step':>9}{'trained':>9}{'exact':>7}")
print(f"{'autoregressive':<24}{L - 1:>6}{1:>9}{valid(autoregressive_sample(N)):>9.3f}")
for order, all_steps in [("random", (11, 4, 2, 1)), ("top-k confidence", (11, 4, 2))]:
    for steps in all_steps:
        v = [
            valid(diffusion_sample(m, N, steps, order)[0])
            for m in (mdm, exact_denoiser)
        ]
        print(f"{order:<24}{steps:>6}{(L - 1) / steps:>9.1f}{v[0]:>9.3f}{v[1]:>7.3f}")
for name, m in [("trained", mdm), ("exact", exact_denoiser)]:
    x, steps = diffusion_sample(m, N, None, "threshold")
    print(f"confidence > 0.9, {name:<8} valid {valid(x):.3f} in {steps:.1f} steps")
