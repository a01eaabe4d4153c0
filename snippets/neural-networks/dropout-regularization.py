# --8<-- [start:inverted]
import numpy as np
import torch

p = 0.3  # drop probability
rng = np.random.default_rng(0)
x = rng.uniform(0, 2, size=1_000_000)


def inverted_dropout(x, p, rng):
    """Training: zero each unit with probability p, scale survivors by 1/(1-p).
    Test time: identity (no mask, no scaling)."""
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p)


out = inverted_dropout(x, p, rng)
print(f"mean before {x.mean():.3f}, after inverted dropout {out.mean():.3f}")
print(f"fraction zeroed {np.mean(out == 0):.3f}")

# torch.nn.Dropout does the same: in train mode survivors are exactly x / (1 - p).
torch.manual_seed(0)
drop = torch.nn.Dropout(p)
xt = torch.tensor(x[:10_000])
yt = drop(xt)  # a fresh module is in training mode
kept = yt != 0
print(f"torch survivors equal x/(1-p): {torch.allclose(yt[kept], xt[kept] / (1 - p))}")
print(f"torch fraction zeroed {1 - kept.double().mean():.3f}")
drop.eval()
print(f"torch eval mode is the identity: {torch.equal(drop(xt), xt)}")
# --8<-- [end:inverted]

# --8<-- [start:effect]
import copy

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

# 200 training digits, 20% of their labels replaced at random: easy to overfit.
X, y = load_digits(return_X_y=True)
X_tr, X_rest, y_tr, y_rest = train_test_split(
    X / 16, y, train_size=200, random_state=0, stratify=y
)
X_val, X_te, y_val, y_te = train_test_split(
    X_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest
)
X_tr, X_val, X_te = (torch.tensor(a, dtype=torch.float32) for a in (X_tr, X_val, X_te))
y_tr, y_val, y_te = (torch.tensor(a) for a in (y_tr, y_val, y_te))
gen = torch.Generator().manual_seed(0)
noisy = torch.rand(len(y_tr), generator=gen) < 0.2
y_tr[noisy] = torch.randint(0, 10, (int(noisy.sum()),), generator=gen)


def accuracy(net, X, y):
    with torch.no_grad():
        return (net(X).argmax(1) == y).float().mean().item()


def train(dropout=0.0, l2=0.0, patience=None, epochs=200):
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(128, 10),
    )
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    best_val, best_state, since_best = -1.0, None, 0
    for _ in range(epochs):
        net.train()  # dropout on
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(X_tr), y_tr)
        loss = loss + l2 * sum(
            (m.weight**2).sum() for m in net if isinstance(m, nn.Linear)
        )  # L2 penalty
        loss.backward()
        opt.step()
        if (
            patience is not None
        ):  # early stopping: keep the best weights on the validation set
            net.eval()
            val = accuracy(net, X_val, y_val)
            if val > best_val:
                best_val, best_state, since_best = (
                    val,
                    copy.deepcopy(net.state_dict()),
                    0,
                )
            else:
                since_best += 1
                if since_best >= patience:
                    break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()  # dropout off for evaluation
    return accuracy(net, X_tr, y_tr), accuracy(net, X_te, y_te)


print(f"{'regularisation':<26} {'train acc (noisy labels)':>24} {'test acc':>9}")
for name, kwargs in {
    "none": {},
    "dropout 0.5": {"dropout": 0.5},
    "L2 1e-3": {"l2": 1e-3},
    "L2 1e-2": {"l2": 1e-2},
    "L2 3e-2 (too strong)": {"l2": 3e-2},
    "early stopping (pat. 20)": {"patience": 20},
}.items():
    train_acc, test_acc = train(**kwargs)
    print(f"{name:<26} {train_acc:24.3f} {test_acc:9.3f}")
limits.restore_original_limits()
# --8<-- [end:effect]
