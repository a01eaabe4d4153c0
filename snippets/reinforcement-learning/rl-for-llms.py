import itertools

import numpy as np
import torch

torch.manual_seed(0)
V, L, BETA = 4, 3, 0.5
# A toy "language model": a table of next-token logits for every prefix (1 + 4 + 16
# rows).
# An answer is 3 tokens from {0, 1, 2, 3}; the verifiable reward is 1 if they sum to 6.
seqs = torch.tensor(list(itertools.product(range(V), repeat=L)))
reward = (seqs.sum(dim=1) == 6).double()
rows = torch.stack(
    [
        torch.zeros(64, dtype=torch.long),
        1 + seqs[:, 0],
        5 + V * seqs[:, 0] + seqs[:, 1],
    ],
    dim=1,
)


def seq_logprob(logits, rows, tokens):
    """log pi(y) = sum_t log pi(y_t | y_<t): one row of logits per prefix."""
    logp = torch.log_softmax(logits, dim=-1)[rows, tokens]
    return logp.sum(dim=-1)


# The SFT model is the reference policy; the RL policy starts as a copy of it.
ref_logits = 1.5 * torch.randn(21, V, dtype=torch.float64)
logp_ref = seq_logprob(ref_logits, rows, seqs)
logits = ref_logits.clone().requires_grad_(True)
opt = torch.optim.Adam([logits], lr=0.1)
for _ in range(600):
    logp = seq_logprob(logits, rows, seqs)
    pi = logp.exp()
    # Token-level MDP: reward only at the end, minus beta * log(pi/pi_ref) at every
    # token;
    # in expectation the summed token penalties equal the sequence-level KL.
    kl = (pi * (logp - logp_ref)).sum()
    objective = (pi * reward).sum() - BETA * kl
    opt.zero_grad()
    (-objective).backward()
    opt.step()

# Closed form of the KL-regularised optimum: pi*(y) = pi_ref(y) exp(r(y)/beta) / Z.
pi_star = torch.softmax(logp_ref + reward / BETA, dim=0)
pi = seq_logprob(logits, rows, seqs).exp().detach()
print(f"E[reward] under pi_ref: {(logp_ref.exp() * reward).sum():.3f}")
print(
    f"E[reward] under gradient-ascent policy: {(pi * reward).sum():.3f}, "
    f"under closed form: {(pi_star * reward).sum():.3f}"
)
print(
    f"policy gradient reaches pi_ref*exp(r/beta)/Z: "
    f"{np.allclose(pi.numpy(), pi_star.numpy(), atol=1e-4)}"
)


def sample(logits, n, gen):
    """Sample n answers token by token; return the tokens and the prefix row of each."""
    tokens, prefix = [], torch.zeros(n, dtype=torch.long)
    rows_used = []
    for t in range(L):
        rows_used.append(prefix)
        probs = torch.softmax(logits[prefix], dim=-1)
        tok = torch.multinomial(probs, 1, generator=gen).squeeze(1)
        tokens.append(tok)
        prefix = 1 + tok if t == 0 else 5 + V * tokens[0] + tok
    return torch.stack(tokens, dim=1), torch.stack(rows_used, dim=1)


def exact_stats(logits):
    logp = seq_logprob(logits, rows, seqs).detach()
    return (logp.exp() * reward).sum().item(), (
        logp.exp() * (logp - logp_ref)
    ).sum().item()


def train(advantage, kl_in_loss, seed, steps=400, group=8):
    gen = torch.Generator().manual_seed(seed)
    logits = ref_logits.clone().requires_grad_(True)
    opt = torch.optim.Adam([logits], lr=0.05)
    for _ in range(steps):
        with torch.no_grad():
            tokens, prefixes = sample(logits, group, gen)
            r = (tokens.sum(dim=1) == 6).double()
        lp = torch.log_softmax(logits, dim=-1)[prefixes, tokens]
        lp_ref = torch.log_softmax(ref_logits, dim=-1)[prefixes, tokens]
        if not kl_in_loss:
            # PPO-RLHF style: the KL penalty is part of the (detached) reward.
            r = r - BETA * (lp - lp_ref).sum(dim=1).detach()
        # One gradient step per batch, so PPO's ratio is 1 and its clip is inactive:
        # the surrogate's gradient is the policy gradient sum_t A * grad log pi(y_t).
        loss = -(advantage(r)[:, None] * lp).sum(dim=1).mean()
        if kl_in_loss:
            # GRPO style: the k3 estimate pi_ref/pi - log(pi_ref/pi) - 1 as a loss term.
            log_ratio = lp_ref - lp
            loss = loss + BETA * (log_ratio.exp() - log_ratio - 1).sum(dim=1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return exact_stats(logits)


variants = [
    ("KL in reward, no baseline", lambda r: r, False),
    ("KL in reward, group mean", lambda r: r - r.mean(), False),
    ("k3 KL loss, group mean", lambda r: r - r.mean(), True),
    ("GRPO: k3 loss, (r-mean)/std", lambda r: (r - r.mean()) / (r.std() + 1e-4), True),
]
print(f"{'400 steps x 8 samples, 3 seeds':<32}{'E[reward]':>10}{'KL':>7}{'seed sd':>9}")
for name, adv, kl_in_loss in variants:
    stats = np.array([train(adv, kl_in_loss, seed) for seed in range(3)])
    mean, sd = stats.mean(axis=0), stats[:, 0].std()
    print(f"{name:<32}{mean[0]:>10.3f}{mean[1]:>7.3f}{sd:>9.3f}")
kl_star = (pi_star * (pi_star.log() - logp_ref)).sum().item()
print(
    f"{'closed-form optimum':<32}"
    f"{(pi_star * reward).sum().item():>10.3f}{kl_star:>7.3f}"
)
