# --8<-- [start:compare]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(
    return_X_y=True
)  # 1797 8x8 images, 10 classes; ships with scikit-learn
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
scaler = StandardScaler().fit(X_tr)
X_tr, X_te = (
    torch.tensor(scaler.transform(a), dtype=torch.float32) for a in (X_tr, X_te)
)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

optimizers = {
    "SGD lr=0.01": lambda p: torch.optim.SGD(p, lr=0.01),
    "SGD lr=0.1": lambda p: torch.optim.SGD(p, lr=0.1),
    "SGD+momentum 0.9 lr=0.01": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
    "Nesterov 0.9 lr=0.01": lambda p: torch.optim.SGD(
        p, lr=0.01, momentum=0.9, nesterov=True
    ),
    "RMSprop lr=1e-3": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "Adam lr=1e-3": lambda p: torch.optim.Adam(p, lr=1e-3),
    "AdamW lr=1e-3 wd=0.01": lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.01),
}
print(f"{'optimizer':<26} {'loss@50':>8} {'loss@300':>9} {'test acc':>9}")
for name, make in optimizers.items():
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    opt = make(net.parameters())
    gen = torch.Generator().manual_seed(0)  # same mini-batch order for every optimizer
    losses = {}
    for step in range(1, 301):
        idx = torch.randint(0, len(X_tr), (64,), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(net(X_tr[idx]), y_tr[idx]).backward()
        opt.step()
        if step in (50, 300):
            with torch.no_grad():
                losses[step] = nn.functional.cross_entropy(
                    net(X_tr), y_tr
                ).item()  # full training loss
    with torch.no_grad():
        acc = (net(X_te).argmax(1) == y_te).float().mean().item()
    print(f"{name:<26} {losses[50]:8.3f} {losses[300]:9.3f} {acc:9.3f}")
limits.restore_original_limits()
# --8<-- [end:compare]

# --8<-- [start:adam]
import numpy as np
import torch


def adam_step(p, g, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * g  # first moment: momentum
    v = b2 * v + (1 - b2) * g**2  # second moment: per-parameter scale
    m_hat, v_hat = (
        m / (1 - b1**t),
        v / (1 - b2**t),
    )  # bias correction (moments start at 0)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


rng = np.random.default_rng(0)
A = rng.normal(size=(20, 5))
b = rng.normal(size=20)
p, m, v = np.zeros(5), np.zeros(5), np.zeros(5)
pt = torch.zeros(5, dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([pt], lr=1e-3)
At, bt = torch.tensor(A), torch.tensor(b)
for t in range(1, 101):
    g = 2 * A.T @ (A @ p - b) / len(b)  # gradient of mean((A p - b)^2)
    p, m, v = adam_step(p, g, m, v, t)
    opt.zero_grad()
    ((At @ pt - bt) ** 2).mean().backward()
    opt.step()
same = np.allclose(p, pt.detach().numpy())
print(f"NumPy Adam matches torch.optim.Adam after 100 steps: {same}")
# --8<-- [end:adam]

# --8<-- [start:adamw]
import torch

# Two weights start at 1.0. Weight "busy" gets large loss gradients (+-10, alternating);
# weight "idle" gets none. We measure how far weight decay alone pulls each one towards
# 0,
# as the value without decay minus the value with decay, after 200 steps.


def run(opt_name, weight_decay):
    w = torch.ones(2, requires_grad=True)
    cls = {"Adam + L2": torch.optim.Adam, "AdamW": torch.optim.AdamW}[opt_name]
    opt = cls([w], lr=1e-2, weight_decay=weight_decay)
    for t in range(200):
        opt.zero_grad()
        w.grad = torch.tensor([10.0 if t % 2 == 0 else -10.0, 0.0])  # the loss gradient
        # Adam adds weight_decay * w to the gradient; AdamW shrinks w directly.
        opt.step()
    return w.detach()


print(f"{'optimizer':<10} {'decay effect on busy':>20} {'on idle':>8}")
for name in ("Adam + L2", "AdamW"):
    effect = run(name, 0.0) - run(name, 0.1)
    print(f"{name:<10} {effect[0].item():20.4f} {effect[1].item():8.4f}")
print(
    f"AdamW expected for both: 1 - (1 - lr*wd)^200 = {1 - (1 - 1e-2 * 0.1) ** 200:.4f}"
)
# --8<-- [end:adamw]
