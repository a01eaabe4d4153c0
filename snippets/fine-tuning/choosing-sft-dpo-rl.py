import torch
import torch.nn.functional as F

torch.manual_seed(0)
P, K = 500, 8  # prompts, candidate answers per prompt; answer 0 is the correct one
hard = torch.arange(P) < 100  # on 100 prompts the base model almost never says it
base = torch.randn(P, K)
base[:, 0] = torch.where(hard, -8.0, 1.0)  # p(correct) about 0.0004 vs 0.28


def p_correct(logits, mask=slice(None)):
    return F.softmax(logits[mask], 1)[:, 0].mean().item()


def sft(logits, demos, steps=100, lr=0.1):
    """Maximum likelihood on one written demonstration per prompt."""
    logits = logits.clone().requires_grad_()
    opt = torch.optim.Adam([logits], lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(logits, demos)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return logits.detach()


def rl(logits, steps=100, lr=0.1, group=8):
    """Policy gradient with a verifier's 0/1 reward and a group-mean baseline (GRPO)."""
    logits = logits.clone().requires_grad_()
    opt = torch.optim.Adam([logits], lr=lr)
    g = torch.Generator().manual_seed(1)
    for _ in range(steps):
        probs = F.softmax(logits, 1)
        answers = torch.multinomial(
            probs.detach(), group, replacement=True, generator=g
        )
        reward = (answers == 0).float()
        advantage = reward - reward.mean(1, keepdim=True)
        logp = torch.log(probs.gather(1, answers))
        loss = -(advantage * logp).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return logits.detach()


# Demonstrations written by annotators who get 70% of prompts right
g = torch.Generator().manual_seed(2)
right = torch.rand(P, generator=g) < 0.7
demos = torch.where(right, 0, torch.randint(1, K, (P,), generator=g))
models = {
    "base": base,
    "SFT on demos": (s := sft(base, demos)),
    "RL from base": rl(base),
    "SFT, then RL": rl(s),
}
print(f"demonstrations correct: {right.float().mean():.3f}")
print(f"{'p(correct answer)':18s} {'all':>6s} {'easy':>6s} {'hard':>6s}")
for name, m in models.items():
    print(f"{name:18s} {p_correct(m):>6.3f} {p_correct(m, ~hard):>6.3f} "
          f"{p_correct(m, hard):>6.3f}")  # fmt: skip
