import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

# tiny tensors: one thread is fastest, and the output does not depend on the machine
torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)
X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32)
# in-distribution (ID): digits 0-4, split 60/20/20 into train, validation and test
ind = rng.permutation(np.flatnonzero(y < 5))
tr, va, te = np.split(ind, [int(0.6 * len(ind)), int(0.8 * len(ind))])
near = X[y >= 5]  # near-OOD: the five digits the model never saw
far = rng.random((500, 64), dtype=np.float32)  # far-OOD: uniform pixel noise

body = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU())
head = nn.Linear(128, 5)
params = [*body.parameters(), *head.parameters()]
opt = torch.optim.Adam(params, lr=3e-3)
x_train, y_train = torch.tensor(X[tr]), torch.tensor(y[tr])
# full batch, 200 steps
for _ in range(200):
    opt.zero_grad()
    nn.functional.cross_entropy(head(body(x_train)), y_train).backward()
    opt.step()


def features_logits(x):
    with torch.no_grad():
        f = body(torch.as_tensor(x))
        return f.double().numpy(), head(f).double().numpy()


# Mahalanobis: class means and one shared covariance of the training features
f_train = features_logits(X[tr])[0]
mu = np.stack([f_train[y[tr] == c].mean(0) for c in range(5)])
precision = np.linalg.inv(np.cov((f_train - mu[y[tr]]).T) + 1e-3 * np.eye(128))
# kNN: training features scaled to unit length; score = distance to the K-th nearest
bank = f_train / np.linalg.norm(f_train, axis=1, keepdims=True)
K = 5


def scores(x):
    """Four OOD scores per input, each oriented so that higher = more ID."""
    f, z = features_logits(x)
    logsumexp = np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1)
    d = f[:, None, :] - mu[None]
    mahalanobis = ((d @ precision) * d).sum(2).min(1)
    f_unit = f / np.linalg.norm(f, axis=1, keepdims=True)
    dist = np.sqrt(np.maximum(2 - 2 * f_unit @ bank.T, 0))
    return {
        "MSP": np.exp(z.max(1) - logsumexp),
        "energy": logsumexp,
        "Mahalanobis": -mahalanobis,
        f"kNN, k={K}": -np.sort(dist, axis=1)[:, K - 1],
    }


def auroc(pos, neg):
    """P(an ID input scores above an OOD input), ties counted half."""
    return (pos[:, None] > neg).mean() + 0.5 * (pos[:, None] == neg).mean()


s_val, s_test, s_near, s_far = (scores(x) for x in (X[va], X[te], near, far))
accuracy = np.mean(features_logits(X[te])[1].argmax(1) == y[te])
print(f"ID test accuracy, digits 0-4: {accuracy:.3f}")
print(f"{'score':<12}{'AUROC':>7}{'AUROC':>7}{'FPR@95':>8}{'FPR@95':>8}{'ID test':>8}")
print(f"{'':<12}{'near':>7}{'far':>7}{'near':>8}{'far':>8}{'TPR':>8}")
for name in s_val:
    # threshold that keeps 95% of the ID *validation* inputs, applied to test sets
    thr = np.quantile(s_val[name], 0.05)
    print(
        f"{name:<12}{auroc(s_test[name], s_near[name]):>7.3f}"
        f"{auroc(s_test[name], s_far[name]):>7.3f}"
        f"{np.mean(s_near[name] >= thr):>8.3f}{np.mean(s_far[name] >= thr):>8.3f}"
        f"{np.mean(s_test[name] >= thr):>8.3f}"
    )
print("mean max softmax probability:")
inputs = {"ID test": X[te], "near-OOD": near, "noise": far}
inputs |= {f"noise x {a}": far * a for a in (10, 100)}
for name, x in inputs.items():
    print(f"  {name:<12}{scores(x)['MSP'].mean():.3f}")
