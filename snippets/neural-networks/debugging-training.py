# --8<-- [start:checks]
import math

import torch
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16, dtype=torch.float32), torch.tensor(y)
batch_X, batch_y = X[:32], y[:32]  # one fixed batch of 32 digits


def make_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


# Check 1: before training, the loss should be about -log(1/K) for K balanced classes.
with torch.no_grad():
    start = nn.functional.cross_entropy(make_net()(X), y).item()
print(f"initial loss {start:.3f}, expected about ln(10) = {math.log(10):.3f}")


# Check 2: a correct model and training loop can drive the loss on one batch to ~0.
def overfit_one_batch(bug=None, lr=1e-2, steps=300):
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    shuffle = torch.randperm(32, generator=torch.Generator().manual_seed(1))
    labels = batch_y[shuffle] if bug == "labels shuffled" else batch_y
    for _ in range(steps):
        if bug != "no zero_grad":
            opt.zero_grad()
        out = net(batch_X)
        if bug == "softmax before CE":
            out = out.softmax(dim=1)  # CrossEntropyLoss applies log-softmax itself
        loss = nn.functional.cross_entropy(out, labels)
        loss.backward()
        opt.step()
    return loss.item()


print("overfit one batch of 32 for 300 steps:")
for bug in (None, "softmax before CE", "no zero_grad", "labels shuffled"):
    print(f"  {bug or 'correct loop':<18} final loss {overfit_one_batch(bug):.4f}")

# Check 3: a coarse learning-rate sweep on the same batch.
print("learning-rate sweep (Adam, 100 steps):")
for lr in (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0):
    print(f"  lr={lr:<6g} final loss {overfit_one_batch(lr=lr, steps=100):.4f}")

limits.restore_original_limits()
# --8<-- [end:checks]

# --8<-- [start:labels]
import torch
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16, dtype=torch.float32), torch.tensor(y)


def make_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


# Check 4: fitting one batch says nothing about the data. Train on 1,000 digits with the
# labels right and with them shuffled, and compare accuracy on the other 797.
shuffled = torch.randperm(1000, generator=torch.Generator().manual_seed(0))
for name, train_y in [
    ("labels right", y[:1000]),
    ("labels shuffled", y[:1000][shuffled]),
]:
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(200):
        opt.zero_grad()
        nn.functional.cross_entropy(net(X[:1000]), train_y).backward()
        opt.step()
    with torch.no_grad():
        train_acc = (net(X[:1000]).argmax(1) == train_y).float().mean().item()
        val_acc = (net(X[1000:]).argmax(1) == y[1000:]).float().mean().item()
    print(
        f"{name:<16} train accuracy {train_acc:.3f}, validation accuracy {val_acc:.3f}"
    )
limits.restore_original_limits()
# --8<-- [end:labels]
