# --8<-- [start:regression]
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import HuberRegressor, LinearRegression, QuantileRegressor
from threadpoolctl import threadpool_limits

# One thread: fast for small tensors, and the numbers do not depend on the core count.
limits = threadpool_limits(limits=1)


def mse(pred, y):
    return np.mean((pred - y) ** 2)


def mae(pred, y):
    return np.mean(np.abs(pred - y))


def huber(pred, y, delta=1.0):
    r = np.abs(pred - y)
    return np.mean(
        np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))
    )  # quadratic, then linear


rng = np.random.default_rng(0)
pred, y = rng.normal(size=100) * 3, rng.normal(size=100)
pt, yt = torch.tensor(pred), torch.tensor(y)
print(
    "NumPy losses match torch:",
    np.isclose(mse(pred, y), F.mse_loss(pt, yt).item()),
    np.isclose(mae(pred, y), F.l1_loss(pt, yt).item()),
    np.isclose(huber(pred, y), F.huber_loss(pt, yt, delta=1.0).item()),
)

# A line y = 2x + 1 with noise, and 10% of the points corrupted by a large positive
# error.
x = rng.uniform(0, 10, 200)
y = 2 * x + 1 + rng.normal(0, 1, 200)
y[rng.choice(200, 20, replace=False)] += 40
X = x[:, None]
fits = {
    "MSE (LinearRegression)": LinearRegression().fit(X, y),
    "Huber (HuberRegressor)": HuberRegressor(epsilon=1.35, alpha=0.0).fit(X, y),
    "MAE (QuantileRegressor q=0.5)": QuantileRegressor(quantile=0.5, alpha=0.0).fit(
        X, y
    ),
}
print("true line: slope 2.000, intercept 1.000")
for name, model in fits.items():
    print(f"{name:<30} slope {model.coef_[0]:.3f}, intercept {model.intercept_:.3f}")
limits.restore_original_limits()
# --8<-- [end:regression]

# --8<-- [start:gradients]
import torch
import torch.nn.functional as F

# Sigmoid output, positive example (y = 1): the gradient each loss sends to the logit z.
y = torch.ones(4, dtype=torch.float64)
print(" logit z      p   dMSE/dz   dBCE/dz")
for z0 in (-10.0, -4.0, 0.0, 4.0):
    grads = []
    for loss_fn in (
        lambda z: (torch.sigmoid(z) - 1) ** 2,
        lambda z: F.binary_cross_entropy_with_logits(z, y[:1]),
    ):
        z = torch.tensor([z0], dtype=torch.float64, requires_grad=True)
        loss_fn(z).sum().backward()
        grads.append(z.grad.item())
    p = torch.sigmoid(torch.tensor(z0)).item()
    print(f"{z0:7.1f} {p:6.3f} {grads[0]:9.5f} {grads[1]:9.5f}")
# --8<-- [end:gradients]

# --8<-- [start:stable]
import numpy as np
import torch
import torch.nn.functional as F


def log_softmax(z):
    shifted = z - z.max(
        axis=-1, keepdims=True
    )  # largest logit becomes 0: exp cannot overflow
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(logits, labels):
    return -log_softmax(logits)[np.arange(len(labels)), labels].mean()


z = np.array([[1000.0, 0.0, -1000.0]])
with np.errstate(all="ignore"):
    naive = np.log(np.exp(z) / np.exp(z).sum())
print(f"naive log(softmax): {naive[0]}")
print(f"stable log_softmax: {log_softmax(z)[0]}")
print(f"torch.log_softmax:  {F.log_softmax(torch.tensor(z), dim=-1).numpy()[0]}")

rng = np.random.default_rng(0)
logits, labels = rng.normal(0, 5, size=(64, 10)), rng.integers(0, 10, size=64)
ce_torch = F.cross_entropy(torch.tensor(logits), torch.tensor(labels)).item()
same = np.allclose(log_softmax(logits), F.log_softmax(torch.tensor(logits), dim=-1))
print(f"log_softmax matches torch: {same}")
print(f"cross-entropy numpy {cross_entropy(logits, labels):.6f} torch {ce_torch:.6f}")

# Probabilities in instead of logits: a confidently wrong prediction (logit -200, label
# 1).
logit, target = torch.tensor([-200.0]), torch.tensor([1.0])
exact = F.binary_cross_entropy_with_logits(logit, target).item()
clamped = F.binary_cross_entropy(torch.sigmoid(logit), target).item()
print(f"BCE on logits (exact): {exact:.1f}")
print(f"BCE on sigmoid output: {clamped:.1f} (PyTorch clamps the log at -100)")
# --8<-- [end:stable]

# --8<-- [start:focal]
import numpy as np
import torch
import torch.nn.functional as F


def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    """Binary focal loss (Lin et al. 2017): cross-entropy scaled by (1 - p_t)^gamma."""
    p = 1 / (1 + np.exp(-logits))
    ce = np.logaddexp(0, -logits) * targets + np.logaddexp(0, logits) * (
        1 - targets
    )  # stable BCE
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = loss * (alpha * targets + (1 - alpha) * (1 - targets))
    return loss.mean()


rng = np.random.default_rng(0)
logits, targets = rng.normal(0, 3, 256), rng.integers(0, 2, 256).astype(float)
bce = F.binary_cross_entropy_with_logits(
    torch.tensor(logits), torch.tensor(targets)
).item()
same = np.isclose(focal_loss(logits, targets, gamma=0.0, alpha=None), bce)
print(f"gamma=0, no alpha equals BCE: {same}")

# How much an easy example (p_t = 0.9) and a hard one (p_t = 0.1) contribute.
for gamma in (0.0, 2.0):
    easy = focal_loss(
        np.array([np.log(9.0)]), np.array([1.0]), gamma, alpha=None
    )  # p = 0.9
    hard = focal_loss(
        np.array([-np.log(9.0)]), np.array([1.0]), gamma, alpha=None
    )  # p = 0.1
    print(
        f"gamma={gamma}: easy {easy:.4f}, hard "
        f"{hard:.4f}, hard/easy = {hard / easy:.0f}x"
    )
# --8<-- [end:focal]
