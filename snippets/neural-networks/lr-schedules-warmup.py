import math

import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    LambdaLR,
    LinearLR,
    SequentialLR,
)

# Regression on a fixed random "teacher" plus noise (sd 0.5), learned by an MLP with
# two hidden layers of 64 ReLUs and AdamW, 400 steps of batch 16. Every configuration
# trains SEEDS copies (different initialisations and data) side by side, as batched
# weight tensors; all configurations see the same data and start from the same weights.
STEPS, WARMUP, SEEDS, BATCH, D_IN, H, D_OUT = 400, 40, 3, 16, 16, 64, 8
torch.manual_seed(0)
teacher = [torch.randn(D_IN, 64) / 4, torch.randn(64, D_OUT) / 2]


def target(x):
    return torch.tanh(x @ teacher[0]) @ teacher[1]


def schedule(opt, kind, total=STEPS):
    if kind == "cosine, no warmup":
        return CosineAnnealingLR(opt, T_max=total)
    # build only the schedulers you use: each rescales the rate as soon as it exists
    warm = LinearLR(opt, start_factor=1 / WARMUP, total_iters=WARMUP)
    if kind == "cosine":
        cos = CosineAnnealingLR(opt, T_max=total - WARMUP)
        return SequentialLR(opt, [warm, cos], milestones=[WARMUP])
    if kind == "constant":
        return warm
    # WSD: warmup, stable at the peak, then a (1 - sqrt) cooldown to 0 over the last
    # 20% of `total` steps (Hagele et al. 2024)
    cool = total // 5
    stable = LambdaLR(opt, lambda step: 1.0)
    decay = LambdaLR(opt, lambda step: 1 - math.sqrt(min(step, cool) / cool))
    return SequentialLR(opt, [warm, stable, decay], milestones=[WARMUP, total - cool])


# (name, schedule, peak learning rate, steps the schedule is planned for)
RUNS = [
    (f"{k}, peak {lr}", k, lr, STEPS)
    for lr in [0.02, 0.1]
    for k in ["cosine, no warmup", "cosine"]
]
RUNS += [
    ("constant, peak 0.02", "constant", 0.02, STEPS),
    ("WSD, peak 0.02", "WSD", 0.02, STEPS),
    ("cosine for 200 steps", "cosine", 0.02, STEPS // 2),
    ("WSD cooled at 200", "WSD", 0.02, STEPS // 2),
]
g = torch.Generator().manual_seed(1)
init = [
    torch.randn(SEEDS, D_IN, H, generator=g) * (2 / D_IN) ** 0.5,
    torch.randn(SEEDS, H, H, generator=g) * (2 / H) ** 0.5,
    torch.randn(SEEDS, H, D_OUT, generator=g) / H**0.5,
]
weights, opts, scheds = [], [], []
for _name, kind, lr, total in RUNS:
    w = [p.clone().requires_grad_() for p in init]
    opt = torch.optim.AdamW(w, lr=lr, weight_decay=0.01, fused=True)
    weights.append(w)
    opts.append(opt)
    scheds.append(schedule(opt, kind, total))
R = len(RUNS)


def forward(x):
    W = [torch.cat([w[i] for w in weights]) for i in range(3)]
    return torch.relu(torch.relu(x @ W[0]) @ W[1]) @ W[2]


x_test = torch.randn(2000, D_IN, generator=g)
y_test = target(x_test)


def test_mse():
    with torch.no_grad():
        out = forward(x_test.expand(R * SEEDS, -1, -1)).view(R, SEEDS, -1, D_OUT)
        return ((out - y_test) ** 2).mean((2, 3))


train_loss, test_at = torch.zeros(STEPS, R, SEEDS), {}
for step in range(STEPS):
    x = torch.randn(SEEDS, BATCH, D_IN, generator=g)
    y = target(x) + 0.5 * torch.randn(SEEDS, BATCH, D_OUT, generator=g)
    out = forward(x.repeat(R, 1, 1)).view(R, SEEDS, BATCH, D_OUT)
    loss = ((out - y) ** 2).mean((2, 3))
    train_loss[step] = loss.detach()
    for opt in opts:
        opt.zero_grad()
    loss.sum().backward()
    for opt, sched in zip(opts, scheds):
        opt.step()
        sched.step()
    if step + 1 in (10, WARMUP, STEPS // 2, STEPS * 4 // 5, STEPS):
        test_at[step + 1] = test_mse()

# Warmup or not, cosine decay to 0 in both: test MSE after 10, 40 and 400 steps
print(f"mean of {SEEDS} seeds, test MSE at step       10      40     400")
for r in range(4):
    row = " ".join(f"{test_at[s][r].mean():>7.3f}" for s in (10, WARMUP, STEPS))
    print(f"{RUNS[r][0]:<37} {row}")
for r in (0, 2):
    better = (test_at[STEPS][r + 1] < test_at[STEPS][r]).sum().item()
    print(
        f"peak {RUNS[r][2]}: lower final test MSE with warmup on {better}/{SEEDS} seeds"
    )

# Schedules at peak 0.02, all with warmup: test MSE at steps 200, 320 and 400
print(f"\n{'schedule (peak 0.02)':<30} {'@200':>6} {'@320':>6} {'@400':>6}")
for r in [1, 4, 5]:
    row = " ".join(f"{test_at[s][r].mean():>6.3f}" for s in (200, 320, 400))
    print(f"{RUNS[r][0]:<30} {row}")
for r in [6, 7]:
    print(f"{RUNS[r][0]:<30} {test_at[200][r].mean():>6.3f}")
