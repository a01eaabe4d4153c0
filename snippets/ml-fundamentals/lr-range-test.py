# --8<-- [start:range-test]
import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
idx_train, idx_val = train_test_split(range(len(y)), train_size=1000, random_state=0)
train = torch.tensor(idx_train)


def make_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )


def batches(gen):
    # Endless shuffled mini-batches of 50 from the training split.
    while True:
        yield from train[torch.randperm(len(train), generator=gen)].split(50)


# Range test (Smith 2017): raise the learning rate exponentially every step, from 1e-5
# to 10 over 200 steps, and record the training loss of each mini-batch.
model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)
lrs = np.geomspace(1e-5, 10, 200)
losses, smooth = [], 0.0
stream = batches(torch.Generator().manual_seed(0))
for step, lr in enumerate(lrs):
    for group in opt.param_groups:
        group["lr"] = lr
    batch = next(stream)
    loss = torch.nn.functional.cross_entropy(model(X[batch]), y[batch])
    opt.zero_grad()
    loss.backward()
    opt.step()
    # Exponential moving average with bias correction, as fastai's lr_find does.
    smooth = 0.9 * smooth + 0.1 * loss.item()
    losses.append(smooth / (1 - 0.9 ** (step + 1)))
    if not math.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
        break  # diverged: stop the test

losses = np.array(losses)
lrs = lrs[: len(losses)]
i_min = int(np.argmin(losses))
i_steep = int(np.argmin(np.gradient(losses, np.log10(lrs))))
print(f"loss at lr 1e-5: {losses[0]:.2f}; stopped at lr {lrs[-1]:.2g} (diverged)")
print(f"lowest loss {losses[i_min]:.2f} at lr {lrs[i_min]:.2g}")
print(f"steepest descent at lr {lrs[i_steep]:.2g}")
print(f"rule of thumb (lr at lowest loss / 10): {lrs[i_min] / 10:.2g}")
# --8<-- [end:range-test]

# --8<-- [start:schedules]
import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
idx_train, idx_val = train_test_split(range(len(y)), train_size=1000, random_state=0)
train = torch.tensor(idx_train)
EPOCHS, STEPS = 6, 20  # 6 epochs of 20 mini-batches of 50
TOTAL, WARMUP, PEAK = EPOCHS * STEPS, 12, 0.3


def warmup_cosine(step):
    """Linear warmup to PEAK over WARMUP steps, then cosine decay to 0."""
    if step < WARMUP:
        return PEAK * (step + 1) / WARMUP
    progress = (step - WARMUP) / (TOTAL - WARMUP)
    return PEAK * 0.5 * (1 + math.cos(math.pi * progress))


def make_schedule(name, opt):
    if name == "warmup + cosine":
        warm = torch.optim.lr_scheduler.LinearLR(opt, 1 / WARMUP, 1.0, WARMUP - 1)
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, TOTAL - WARMUP)
        return torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], [WARMUP])
    if name == "one-cycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=PEAK, total_steps=TOTAL)
    return None  # constant learning rate


def run(name, lr):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    schedule = make_schedule(name, opt)
    gen, seen = torch.Generator().manual_seed(0), []
    for _ in range(EPOCHS):
        for batch in train[torch.randperm(len(train), generator=gen)].split(50):
            seen.append(opt.param_groups[0]["lr"])
            loss = torch.nn.functional.cross_entropy(model(X[batch]), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if schedule is not None:
                schedule.step()
    with torch.no_grad():
        acc = (model(X[idx_val]).argmax(1) == y[idx_val]).float().mean().item()
    return acc, np.array(seen)


print(f"{EPOCHS} epochs, SGD momentum 0.9; validation accuracy on 797 digits")
runs = [
    ("constant", 0.003),
    ("constant", 0.03),
    ("constant", PEAK),
    ("constant", 3.0),
    ("warmup + cosine", PEAK),
    ("one-cycle", PEAK),
]
for name, lr in runs:
    acc, seen = run(name, lr)
    label = f"{name} (lr {lr:g})" if name == "constant" else f"{name} (peak {lr:g})"
    print(f"  {label:<27} {acc:.3f}")
    if name == "warmup + cosine":
        ours = np.array([warmup_cosine(s) for s in range(TOTAL)])
        match = np.allclose(seen, ours)
        print(f"  torch schedule matches the formula written out: {match}")
    if name == "one-cycle":
        low, top = seen[0], seen.max()
        print(
            f"  one-cycle: starts at {low:.4f}, peaks at {top:.2f} on step "
            f"{seen.argmax()}"
        )
# --8<-- [end:schedules]
