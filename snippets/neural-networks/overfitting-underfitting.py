# --8<-- [start:capacity]
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures


def make_data(n, rng):
    x = rng.uniform(-1, 1, n)
    return x[:, None], np.sin(np.pi * x) + rng.normal(
        0, 0.3, n
    )  # noise variance 0.09: the floor


rng = np.random.default_rng(0)
X_tr, y_tr = make_data(12, rng)
X_val, y_val = make_data(1000, rng)
print("degree  parameters  train MSE  val MSE")
for degree in (1, 3, 5, 9, 11):
    model = make_pipeline(PolynomialFeatures(degree), LinearRegression()).fit(
        X_tr, y_tr
    )
    train_mse = mean_squared_error(y_tr, model.predict(X_tr))
    val_mse = mean_squared_error(y_val, model.predict(X_val))
    print(f"{degree:6d}  {degree + 1:10d}  {train_mse:9.3f}  {val_mse:7.3g}")
# --8<-- [end:capacity]

# --8<-- [start:curve]
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, learning_curve
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(return_X_y=True)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
sizes = [0.05, 0.1, 0.25, 0.5, 1.0]
for name, model in [
    ("SVC (flexible)", SVC(gamma=0.001)),
    ("LogReg C=1e-4 (too constrained)", LogisticRegression(C=1e-4, max_iter=1000)),
]:
    n, train_scores, val_scores = learning_curve(model, X, y, train_sizes=sizes, cv=cv)
    print(name)
    print("  n train  train acc  val acc  gap")
    for k, tr, va in zip(n, train_scores.mean(axis=1), val_scores.mean(axis=1)):
        print(f"  {k:7d}  {tr:9.3f}  {va:7.3f}  {tr - va:.3f}")
limits.restore_original_limits()
# --8<-- [end:curve]

# --8<-- [start:epochs]
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits
from torch import nn

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)

X, y = load_digits(return_X_y=True)
X_tr, X_val, y_tr, y_val = train_test_split(
    X / 16, y, train_size=300, random_state=0, stratify=y
)
X_tr, X_val = (torch.tensor(a, dtype=torch.float32) for a in (X_tr, X_val))
y_tr, y_val = torch.tensor(y_tr), torch.tensor(y_val)

torch.manual_seed(0)
net = nn.Sequential(
    nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
history = []
for _ in range(300):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(net(X_tr), y_tr)
    loss.backward()
    opt.step()
    with torch.no_grad():
        history.append(
            (loss.item(), nn.functional.cross_entropy(net(X_val), y_val).item())
        )

best = min(range(len(history)), key=lambda i: history[i][1]) + 1
print("epoch  train loss  val loss")
for epoch in (10, 25, 50, best, 150, 300):
    tr, va = history[epoch - 1]
    print(
        f"{epoch:5d}  {tr:10.4f}  {va:8.4f}"
        + ("  <- lowest validation loss" if epoch == best else "")
    )

plt.rcParams["svg.hashsalt"] = "learning-curve"
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, 301), [h[0] for h in history], label="train loss")
ax.plot(range(1, 301), [h[1] for h in history], label="validation loss")
ax.axvline(
    best, color="grey", ls="--", lw=1, label=f"lowest validation loss (epoch {best})"
)
ax.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="MLP on 300 digits")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
out = Path("docs/neural-networks/img/learning-curve.svg")
out.parent.mkdir(parents=True, exist_ok=True)
fig.savefig(out, metadata={"Date": None})
plt.close(fig)
limits.restore_original_limits()
# --8<-- [end:epochs]
