import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
X, y = load_digits(return_X_y=True)
TASKS = [(0, 1), (2, 3), (4, 5)]  # split digits: one new pair of classes per task
BUFFER = 40  # replay memory, in examples
data = {"train": [], "test": []}
for pair in TASKS:
    idx = rng.permutation(np.flatnonzero(np.isin(y, pair)))
    cut = int(0.7 * len(idx))
    for split, part in (("train", idx[:cut]), ("test", idx[cut:])):
        data[split].append(
            (torch.tensor(X[part] / 16, dtype=torch.float32), torch.tensor(y[part]))
        )


def new_model():
    torch.manual_seed(1)
    # one shared 6-way head: class-incremental, the task is not given at test time
    return nn.Sequential(nn.Linear(64, 100), nn.ReLU(), nn.Linear(100, 6))


def accuracy(model, t, task_given=False):
    x, labels = data["test"][t]
    with torch.no_grad():
        logits = model(x)
    if task_given:
        # task-incremental evaluation: choose only between the task's own classes
        mask = torch.full((6,), float("-inf"))
        mask[list(TASKS[t])] = 0
        logits = logits + mask
    return (logits.argmax(1) == labels).float().mean().item()


def fisher_diag(model, x, labels):
    """Diagonal empirical Fisher: mean squared per-example gradient of log p."""
    fisher = [torch.zeros_like(p) for p in model.parameters()]
    for i in range(len(x)):
        model.zero_grad()
        F.cross_entropy(model(x[i : i + 1]), labels[i : i + 1]).backward()
        for f, p in zip(fisher, model.parameters()):
            f += p.grad**2 / len(x)
    return fisher


def run(method, lam=0.0, buffer_size=0, epochs=10, lr=0.1):
    model = new_model()
    params = list(model.parameters())
    anchors = []  # EWC: (Fisher, weights) saved after each task
    buffer, seen = [], 0  # replay: a reservoir sample of the stream so far
    R = np.full((len(TASKS), len(TASKS)), np.nan)  # R[i, j]: after task i, on task j
    task_il = np.full_like(R, np.nan)
    for t, (x, labels) in enumerate(data["train"]):
        gen = torch.Generator().manual_seed(t)
        for epoch in range(epochs):
            for b in torch.randperm(len(x), generator=gen).split(16):
                xb, yb = x[b], labels[b]
                if buffer and method == "replay":
                    pick = torch.randint(len(buffer), (16,), generator=gen).tolist()
                    xb = torch.cat([xb, torch.stack([buffer[i][0] for i in pick])])
                    yb = torch.cat([yb, torch.stack([buffer[i][1] for i in pick])])
                loss = F.cross_entropy(model(xb), yb)
                for fisher, old in anchors:
                    loss = loss + lam / 2 * sum(
                        (f * (p - o) ** 2).sum() for f, p, o in zip(fisher, params, old)
                    )
                model.zero_grad()
                loss.backward()
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad
                if method == "replay" and epoch == 0:
                    # reservoir sampling (Vitter's algorithm R): after n examples,
                    # each of them is in the buffer with probability size / n
                    for i in b.tolist():
                        seen += 1
                        if len(buffer) < buffer_size:
                            buffer.append((x[i], labels[i]))
                        elif (j := int(rng.integers(seen))) < buffer_size:
                            buffer[j] = (x[i], labels[i])
        if method == "EWC":
            old = [p.detach().clone() for p in params]
            anchors.append((fisher_diag(model, x, labels), old))
        for j in range(t + 1):
            R[t, j] = accuracy(model, j)
            task_il[t, j] = accuracy(model, j, task_given=True)
    return R, task_il


def forgetting(R):
    """Mean over old tasks of (best accuracy ever - final accuracy)."""
    return np.mean([np.nanmax(R[:-1, j]) - R[-1, j] for j in range(len(R) - 1)])


methods = {
    "fine-tune": run("fine-tune"),
    "EWC (lambda 1000)": run("EWC", lam=1000.0),
    f"replay (buffer {BUFFER})": run("replay", buffer_size=BUFFER),
}
for name, (R, _) in methods.items():
    print(f"{name:<20}{'on T1':>8}{'on T2':>8}{'on T3':>8}")
    for t, row in enumerate(R):
        cells = "".join("       -" if np.isnan(v) else f"{v:8.3f}" for v in row)
        print(f"  after T{t + 1:<13}{cells}")
print(f"\n{'after T3':<20}{'class-IL acc':>13}{'forget':>8}", end="")
print(f"{'task-IL acc':>13}{'forget':>8}")
for name, (R, T) in methods.items():
    print(
        f"{name:<20}{R[-1].mean():13.3f}{forgetting(R):8.3f}"
        f"{T[-1].mean():13.3f}{forgetting(T):8.3f}"
    )
n_train = sum(len(x) for x, _ in data["train"])
share = BUFFER / n_train
print(f"replay stores {BUFFER} of the {n_train} training examples ({share:.1%})")
