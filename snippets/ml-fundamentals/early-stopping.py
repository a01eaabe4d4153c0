# --8<-- [start:linear]
import numpy as np

# Least squares with 80 features and only 100 training rows: plain OLS overfits.
rng = np.random.default_rng(0)
N, P, NOISE = 100, 80, 0.5
w_true = rng.normal(size=P) / np.sqrt(P)


def make(m):
    X = rng.normal(size=(m, P))
    return X, X @ w_true + rng.normal(0, NOISE, m)


(X, y), (X_val, y_val), (X_te, y_te) = make(N), make(100), make(2000)


def mse(X, y, w):
    return np.mean((X @ w - y) ** 2)


# Gradient descent on L(w) = ||Xw - y||^2 / (2N), from w = 0, keeping every iterate.
ETA, STEPS = 0.1, 3000
w, path = np.zeros(P), []
for _ in range(STEPS):
    w = w - ETA * X.T @ (X @ w - y) / N
    path.append(w)
path = np.array(path)
val_mse = np.mean((path @ X_val.T - y_val) ** 2, axis=1)
t_best = int(np.argmin(val_mse)) + 1
print(f"gradient descent, {N} rows, {P} features, eta {ETA}, from w = 0")
print(" step  train MSE  val MSE  test MSE")
for t in sorted({1, 10, 30, t_best, 100, 300, 1000, 3000}):
    w = path[t - 1]
    mark = "  <- lowest val MSE" if t == t_best else ""
    train_mse, test_mse = mse(X, y, w), mse(X_te, y_te, w)
    print(f"{t:5d}{train_mse:11.3f}{val_mse[t - 1]:9.3f}{test_mse:10.3f}{mark}")

# In the eigenbasis of H = X^T X / N (eigenvalues s), step t keeps the fraction
# 1 - (1 - eta s)^t of the OLS solution; ridge (penalty lam/2 ||w||^2) keeps s/(s+lam).
s, V = np.linalg.eigh(X.T @ X / N)
c_ols = V.T @ (X.T @ y / N) / s
t_all = np.arange(1, STEPS + 1)[:, None]
closed = (1 - (1 - ETA * s) ** t_all) * c_ols @ V.T
print("closed form matches the loop:", np.allclose(closed, path))
lams = np.geomspace(1e-5, 10, 3001)
ridges = (s / (s + lams[:, None])) * c_ols @ V.T
r_best = int(np.argmin([mse(X_val, y_val, r) for r in ridges]))
ridge_te, ols_te = mse(X_te, y_te, ridges[r_best]), mse(X_te, y_te, V @ c_ols)
print(f"ridge chosen on val: lambda {lams[r_best]:.3f}, test MSE {ridge_te:.3f}")
print(f"OLS (the limit of gradient descent): test MSE {ols_te:.3f}")
print(f"eigenvalues of X^T X / N: {s.min():.3f} to {s.max():.3f}")
print("       --------- lambda ---------  - distance to ridge -  -- test MSE --")
print(" step  1/(eta t)  nearest  x eta*t   nearest  at 1/(eta t)    GD step  ridge")
for t in sorted({3, 10, 30, t_best, 100, 300, 1000}):
    w = path[t - 1]
    # Relative distance ||w_ridge - w_t|| / ||w_t|| over the lambda grid.
    dist = np.linalg.norm(ridges - w, axis=1) / np.linalg.norm(w)
    i, lam_t = int(np.argmin(dist)), 1 / (ETA * t)
    at_lam_t = (s / (s + lam_t)) * c_ols @ V.T
    d_lam_t = np.linalg.norm(at_lam_t - w) / np.linalg.norm(w)
    print(
        f"{t:5d}{lam_t:11.4f}{lams[i]:9.4f}{lams[i] * ETA * t:9.2f}{dist[i]:10.3f}"
        f"{d_lam_t:14.3f}{mse(X_te, y_te, w):11.3f}{mse(X_te, y_te, ridges[i]):7.3f}"
    )
# --8<-- [end:linear]

# --8<-- [start:network]
import copy
import math

import numpy as np
import torch
from sklearn.datasets import make_classification
from torch import nn

torch.set_num_threads(1)


class EarlyStopping:
    """Stop after `patience` evaluations without an improvement of at least
    `min_delta`; keep a copy of the best weights."""

    def __init__(self, patience, min_delta=0.0, mode="min"):
        self.patience, self.min_delta = patience, min_delta
        self.sign = 1.0 if mode == "min" else -1.0
        self.best, self.best_epoch, self.bad = math.inf, 0, 0
        self.best_state, self.stopped_at = None, None

    def step(self, value, epoch, model):
        """Record one evaluation; return True when training should stop."""
        if self.sign * value < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad = self.sign * value, epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.bad += 1
        return self.bad >= self.patience


def accuracy(net, X, y):
    with torch.no_grad():
        return (net(X).argmax(1) == y).float().mean().item()


def training(X, y, epochs, seed):
    """Mini-batch SGD on a small MLP; yield (epoch, net) after every epoch."""
    torch.manual_seed(seed)
    net = nn.Sequential(
        nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2)
    )
    opt = torch.optim.SGD(net.parameters(), lr=0.005, momentum=0.9)
    for epoch in range(1, epochs + 1):
        for idx in torch.randperm(len(y)).split(32):
            opt.zero_grad()
            nn.functional.cross_entropy(net(X[idx]), y[idx]).backward()
            opt.step()
        yield epoch, net


def fit(X, y, epochs, seed):
    """Train for a fixed number of epochs; return the last model."""
    return list(training(X, y, epochs, seed))[-1][1]


# 5 runs, each with its own data and initialisation: 400 training, 300 validation
# and 2,000 test rows; 20% of labels are random, so the network can memorise noise.
EPOCHS, RUNS = 120, 5
rules = [(m, p) for m in ("val loss", "val acc") for p in (1, 5, 20)]
names = [f"{m}, patience {p}" for m, p in rules]
names += ["val loss, best in hindsight", "val acc, best in hindsight", "no stopping"]
table = {name: [] for name in names}
changes, retrained = [], []
for seed in range(RUNS):
    X, y = make_classification(
        n_samples=2700, n_features=20, n_informative=6, n_redundant=2,
        flip_y=0.2, class_sep=0.8, random_state=seed,
    )  # fmt: skip
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    X_tr, y_tr, X_val, y_val = X[:400], y[:400], X[400:700], y[400:700]
    X_te, y_te = X[700:], y[700:]
    stoppers = [
        EarlyStopping(p, mode="min" if m == "val loss" else "max") for m, p in rules
    ]
    # Infinite patience never stops: the best epoch of the whole run, in hindsight.
    stoppers += [EarlyStopping(math.inf), EarlyStopping(math.inf, mode="max")]
    log = []
    for epoch, net in training(X_tr, y_tr, EPOCHS, seed):
        with torch.no_grad():
            val_loss = nn.functional.cross_entropy(net(X_val), y_val).item()
        val_acc = accuracy(net, X_val, y_val)
        # Test accuracy is logged for the report only; no decision looks at it.
        log.append((val_loss, val_acc, accuracy(net, X_te, y_te)))
        for name, stopper in zip(names, stoppers):
            value = val_loss if name.startswith("val loss") else val_acc
            # A real loop would break here; training on lets the other rules run.
            if stopper.stopped_at is None and stopper.step(value, epoch, net):
                stopper.stopped_at = epoch
    log = np.array(log)
    table["no stopping"].append((EPOCHS, EPOCHS, *log[-1, 1:]))
    for name, stopper in zip(names, stoppers):
        net.load_state_dict(stopper.best_state)  # restore the best checkpoint
        stopped, best = stopper.stopped_at or EPOCHS, stopper.best_epoch
        table[name].append((stopped, best, log[best - 1, 1], accuracy(net, X_te, y_te)))
    e_loss, e_acc = stoppers[-2].best_epoch, stoppers[-1].best_epoch
    changes.append((e_loss, e_acc, *(log[e_acc - 1] - log[e_loss - 1])))
    # Retrain from scratch on train + validation (700 rows) for the epoch count that
    # val loss with patience 5 chose, or for the same number of SGD steps.
    e_star = stoppers[1].best_epoch
    same_epochs = fit(X[:700], y[:700], e_star, seed)
    same_steps = fit(X[:700], y[:700], round(e_star * 400 / 700), seed)
    retrained.append(
        [table[names[1]][-1][3]]
        + [accuracy(model, X_te, y_te) for model in (same_epochs, same_steps)]
    )

print(f"mean of {RUNS} runs, {EPOCHS} epochs at most")
print("rule                          stopped at  restored epoch  val acc  test acc")
for name, rows in table.items():
    stop, best, val_acc, test_acc = np.mean(rows, axis=0)
    print(f"{name:28s}{stop:12.1f}{best:16.1f}{val_acc:9.3f}{test_acc:10.3f}")
print("from the best-val-loss epoch to the best-val-acc epoch, change in")
print("run     epochs  val loss  val acc  test acc")
for run, (e_loss, e_acc, d_loss, d_acc, d_test) in enumerate(changes):
    print(
        f"{run:3d}{e_loss:6d} ->{e_acc:3d}{d_loss:+10.3f}{d_acc:+9.3f}{d_test:+10.3f}"
    )
before, same_epochs, same_steps = np.mean(retrained, axis=0)
print(f"test acc, early-stopped on the 400 training rows:  {before:.3f}")
print(f"test acc, retrained on 700 rows, same epochs:      {same_epochs:.3f}")
print(f"test acc, retrained on 700 rows, same SGD steps:   {same_steps:.3f}")
# --8<-- [end:network]
