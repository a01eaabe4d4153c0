# --8<-- [start:ratios]
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
X_tr, y_tr, X_va, y_va = X[:1400], y[:1400], X[1400:], y[1400:]


def run(opt_name, lr, steps=300):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[opt_name](
        model.parameters(), lr=lr
    )
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    ratios = []  # per step, per layer: |lr * update| / |W|
    g = torch.Generator().manual_seed(1)
    for _ in range(steps):
        idx = torch.randint(0, 1400, (64,), generator=g)
        loss = nn.functional.cross_entropy(model(X_tr[idx]), y_tr[idx])
        opt.zero_grad()
        loss.backward()
        before = [w.detach().clone() for w in weights]
        opt.step()
        ratios.append(
            [((w - b).norm() / b.norm()).item() for w, b in zip(weights, before)]
        )
    with torch.no_grad():
        acc = (model(X_va).argmax(1) == y_va).float().mean().item()
    logs = np.log10(ratios)  # (steps, layers)
    return np.median(logs[:20]), np.median(logs[20:], axis=0), acc


print("log10 of |update| / |W| per step (median)")
print(
    "optimizer  lr      steps 1-20   steps 21-300: layer 1  layer 2  layer 3  val acc"
)
for opt_name, lr in [
    ("sgd", 0.01),
    ("sgd", 0.1),
    ("sgd", 1.0),
    ("adam", 1e-3),
    ("adam", 1e-2),
    ("adam", 1e-1),
]:
    early, late, acc = run(opt_name, lr)
    print(
        f"{opt_name:10s} {lr:<7g} {early:10.1f} {late[0]:22.1f} {late[1]:8.1f} "
        f"{late[2]:8.1f} {acc:8.3f}"
    )
# --8<-- [end:ratios]
