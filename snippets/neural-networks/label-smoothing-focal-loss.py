import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(0)
K, D, H, SEEDS, EPS = 5, 10, 64, 3, 0.1

# Five overlapping Gaussian classes in 10 dimensions: even the Bayes classifier is
# right only about 87% of the time, so a network that fits 500 points is overconfident.
centres = rng.normal(0, 0.9, (K, D))


def sample(n):
    y = rng.integers(0, K, n)
    X = rng.normal(centres[y], 1.0)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def nll(z, y):
    return -np.log(softmax(z)[np.arange(len(y)), y]).mean()


def ece(p, y, n_bins=15):
    """Expected calibration error of the top-class confidence, equal-width bins."""
    conf, hit = p.max(1), p.argmax(1) == y
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    return sum(
        (bins == b).mean() * abs(hit[bins == b].mean() - conf[bins == b].mean())
        for b in np.unique(bins)
    )


def focal_loss(z, y, gamma=2.0):
    """Multi-class focal loss: cross-entropy times (1 - p_t)^gamma, no alpha."""
    log_pt = F.log_softmax(z, -1).gather(1, y[:, None])[:, 0]
    return (-((1 - log_pt.exp()) ** gamma) * log_pt).mean()


# PyTorch's label_smoothing is cross-entropy against (1 - eps) one-hot + eps / K
z, y = torch.randn(8, K), torch.randint(0, K, (8,))
soft = (1 - EPS) * F.one_hot(y, K) + EPS / K
same = torch.allclose(
    F.cross_entropy(z, y, label_smoothing=EPS), F.cross_entropy(z, soft)
)
print(f"label_smoothing={EPS} is CE against (1-eps) one-hot + eps/K: {same}")

# 3 losses x 3 seeds, trained side by side as one batch of 9 one-hidden-layer MLPs;
# seed s draws its own 500 training points and its own initial weights.
train = [sample(500) for _ in range(SEEDS)]
X_tr = torch.stack([X for X, _ in train]).repeat(3, 1, 1)
y_tr = torch.cat([y for _, y in train])
(X_val, y_val), (X_te, y_te) = sample(2000), sample(5000)
shapes = [((D, H), D), ((1, H), D), ((H, K), H), ((1, K), H)]
W = [((torch.rand(3 * SEEDS, *s) * 2 - 1) / fan_in**0.5) for s, fan_in in shapes]
W = [w.requires_grad_() for w in W]
velocity = [torch.zeros_like(w) for w in W]


def logits(X):
    return torch.relu(X @ W[0] + W[1]) @ W[2] + W[3]


for _ in range(300):
    z = logits(X_tr).reshape(3, -1, K)
    # each loss averages over its 3 models' rows; times SEEDS = each model's own mean
    loss = SEEDS * (
        F.cross_entropy(z[0], y_tr)
        + F.cross_entropy(z[1], y_tr, label_smoothing=EPS)
        + focal_loss(z[2], y_tr, gamma=2.0)
    )
    loss.backward()
    with torch.no_grad():
        # full-batch gradient descent with momentum 0.9
        for w, v in zip(W, velocity):
            v.mul_(0.9).add_(w.grad)
            w -= 0.1 * v
            w.grad = None

with torch.no_grad():
    z_val, z_te = logits(X_val).numpy(), logits(X_te).numpy()
y_val, y_te = y_val.numpy(), y_te.numpy()
temps = np.geomspace(0.25, 8, 81)
rows = {}
for i, name in enumerate(["cross-entropy", f"label smoothing {EPS}", "focal, gamma 2"]):
    for s in range(SEEDS):
        zv, zt = z_val[i * SEEDS + s], z_te[i * SEEDS + s]
        # temperature scaling: one T per model, fitted on the validation NLL
        T = temps[np.argmin([nll(zv / t, y_val) for t in temps])]
        p, top = softmax(zt), np.sort(zt, 1)
        gap = (top[:, -1] - top[:, :-1].mean(1)).mean()
        rows.setdefault(name, []).append(
            [(p.argmax(1) == y_te).mean(), nll(zt, y_te), ece(p, y_te)]
            + [p.max(1).mean(), gap, T, ece(softmax(zt / T), y_te)]
        )
print("\nmean of 3 seeds        acc    NLL    ECE   conf  logit gap     T  ECE@T")
for name, r in rows.items():
    a = np.mean(r, 0)
    print(
        f"{name:<22}{a[0]:6.3f}{a[1]:7.3f}{a[2]:7.3f}{a[3]:7.3f}{a[4]:11.2f}"
        f"{a[5]:6.2f}{a[6]:7.3f}"
    )
best_gap = np.log((1 - EPS + EPS / K) / (EPS / K))
print(f"label smoothing's optimal gap ln((1-eps+eps/K)/(eps/K)) = {best_gap:.2f}")
ce_ece = np.array(rows["cross-entropy"])[:, 2]
for name in list(rows)[1:]:
    n = (np.array(rows[name])[:, 2] < ce_ece).sum()
    print(f"{name}: lower ECE than cross-entropy on {n}/{SEEDS} seeds")


# Binary, 0.5% positives: a logistic regression trained with cross-entropy or focal
# loss. torchvision.ops.sigmoid_focal_loss computes exactly this (reduction="none").
def sigmoid_focal_loss(z, t, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(z)
    ce = F.binary_cross_entropy_with_logits(z, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    alpha_t = alpha * t + (1 - alpha) * (1 - t)
    return alpha_t * (1 - p_t) ** gamma * ce


def bce(z, t):
    return F.binary_cross_entropy_with_logits(z, t, reduction="none")


PREV = 0.005


def sample_binary(n):
    y = (rng.random(n) < PREV).astype(np.float32)
    X = rng.normal(0, 1, (n, D))
    X[:, :2] += 2.0 * y[:, None]
    # a constant column for the bias
    X = np.c_[X, np.ones(n)]
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def fit(loss_fn, X, y, steps=200):
    w = torch.zeros(D + 1)
    # every prediction starts at p = PREV (RetinaNet's prior initialisation)
    w[-1] = np.log(PREV / (1 - PREV))
    w.requires_grad_()
    v = torch.zeros_like(w)
    for _ in range(steps):
        loss_fn(X @ w, y).mean().backward()
        with torch.no_grad():
            v.mul_(0.9).add_(w.grad)
            w -= 1.0 * v
            w.grad = None
    return w.detach()


def platt(s, y):
    """Fit sigmoid(a s + b) to labels by Newton's method (Platt scaling)."""
    a, b = 1.0, 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-(a * s + b)))
        g = np.array([((p - y) * s).sum(), (p - y).sum()])
        c = p * (1 - p)
        hess = [[(c * s * s).sum(), (c * s).sum()], [(c * s).sum(), c.sum()]]
        a, b = np.array([a, b]) - np.linalg.solve(hess, g)
    return a, b


def average_precision(s, y):
    y = y[np.argsort(-s)]
    return (np.cumsum(y) / np.arange(1, len(y) + 1))[y == 1].mean()


def ece_binary(p, y, n_bins=15):
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return sum(
        (bins == b).mean() * abs(y[bins == b].mean() - p[bins == b].mean())
        for b in np.unique(bins)
    )


sizes = (20_000, 20_000, 100_000)
(X_tr, y_tr), (X_val, y_val), (X_te, y_te) = (sample_binary(n) for n in sizes)
yv, yt = y_val.double().numpy(), y_te.double().numpy()
logit = {}
for name, loss_fn in [("cross-entropy", bce), ("focal a=0.25 g=2", sigmoid_focal_loss)]:
    w = fit(loss_fn, X_tr, y_tr)
    logit[name] = (X_val @ w).double().numpy(), (X_te @ w).double().numpy()

# Both losses evaluated on the same predictions, those of the cross-entropy model
z = logit["cross-entropy"][1]
easy, pos = (yt == 0) & (1 / (1 + np.exp(-z)) < 0.1), yt == 1
z, t = torch.tensor(z), torch.tensor(yt)
losses = {"cross-entropy": bce(z, t).numpy(), "focal": sigmoid_focal_loss(z, t).numpy()}
print(f"\nbinary, {yt.mean():.2%} positives; at the cross-entropy model's predictions")
print(f"easy negatives (p < 0.1) are {easy.mean():.1%} of the test rows")
print("share of the total loss     easy negatives  positives")
for name, loss in losses.items():
    share = [loss[mask].sum() / loss.sum() for mask in (easy, pos)]
    print(f"{name:<28}{share[0]:14.3f}{share[1]:11.3f}")

print("\ntrained with          AP  mean p    ECE  after Platt: mean p    ECE")
for name, (z_v, z_t) in logit.items():
    a, b = platt(z_v, yv)
    p, p_platt = 1 / (1 + np.exp(-z_t)), 1 / (1 + np.exp(-(a * z_t + b)))
    ap, e, e_platt = (
        average_precision(p, yt),
        ece_binary(p, yt),
        ece_binary(p_platt, yt),
    )
    print(
        f"{name:<17}{ap:6.3f}{p.mean():8.4f}{e:7.4f}{p_platt.mean():21.4f}{e_platt:7.4f}"
    )
