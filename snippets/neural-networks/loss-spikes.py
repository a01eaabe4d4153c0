# --8<-- [start:adam]
import torch

# One weight whose gradient was tiny for 1,000 steps and then jumps to 1.0: Adam's
# second moment v still remembers the quiet period, so m / sqrt(v) is large. Then
# 1,000 more steps of gradient 1.0 show the steady-state step size.
print("beta2   step on the jump / lr   steady step / lr")
for beta2 in [0.999, 0.99, 0.95]:
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([w], lr=1.0, betas=(0.9, beta2))
    steps = []
    for t in range(2000):
        w.grad = torch.tensor([1e-3 if t < 1000 else 1.0])
        before = w.detach().clone()
        opt.step()
        steps.append((w.detach() - before).abs().item())
    print(f"{beta2:<7} {steps[1000]:22.2f} {steps[-1]:18.2f}")
# --8<-- [end:adam]

# --8<-- [start:recovery]
import torch
from torch import nn

torch.manual_seed(0)
X = torch.randn(4096, 32)
Y = torch.tanh(X @ torch.randn(32, 1)) + 0.1 * torch.randn(4096, 1)
BAD = 300  # step with one corrupted batch: inputs scaled by 30 (a bad shard, say)


def full_loss(model):
    with torch.no_grad():
        return nn.functional.mse_loss(model(X), Y).item()


def train(bad=True, clip=None, skip_factor=None, steps=600):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(2)
    losses, log = [], {}
    for step in range(steps):
        idx = torch.randint(0, 4096, (64,), generator=g)
        x, y = X[idx], Y[idx]
        if bad and step == BAD:
            x = 30 * x
        loss = nn.functional.mse_loss(model(x), y)
        median = sorted(losses[-50:])[len(losses[-50:]) // 2] if losses else None
        # Skip the batch (no update) if its loss is far above the recent median.
        if not (skip_factor and median and loss.item() > skip_factor * median):
            opt.zero_grad()
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            losses.append(loss.item())
        if step in (BAD - 1, BAD, BAD + 20):
            log[step] = full_loss(model)
    return log[BAD - 1], log[BAD], log[BAD + 20], full_loss(model)


print("full-data loss             before   after bad step   +20 steps   final")
for name, kw in [
    ("no bad batch", {"bad": False}),
    ("bad batch, no protection", {}),
    ("clip grad norm at 1.0", {"clip": 1.0}),
    ("skip if loss > 10x median", {"skip_factor": 10.0}),
]:
    before, after, later, final = train(**kw)
    print(f"{name:25s} {before:7.3f} {after:16.3f} {later:11.3f} {final:7.3f}")
# --8<-- [end:recovery]
