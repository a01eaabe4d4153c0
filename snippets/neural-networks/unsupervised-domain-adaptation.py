import copy

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import PolynomialFeatures
from torch import nn

torch.manual_seed(0)
DIM, N, STEPS, BATCH = 6, 2000, 600, 128


def moons(n, seed, share_of_class_1=0.5):
    """Two moons in the first two dimensions, four noise dimensions."""
    n1 = int(round(share_of_class_1 * n))
    xy, y = make_moons(n_samples=(n - n1, n1), noise=0.1, random_state=seed)
    noise = np.random.default_rng(seed).normal(size=(n, DIM - 2))
    order = np.random.default_rng(seed + 100).permutation(n)
    return np.hstack([xy - [0.5, 0.25], noise])[order], y[order]


def rotate(x, degrees, shift=(0.0, 0.0)):
    """The target domain: the same points (and labels), rotated and moved."""
    a = np.deg2rad(degrees)
    x = x.copy()
    x[:, :2] = x[:, :2] @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    x[:, :2] += shift
    return x


def scenario(target_share_of_class_1):
    xs, ys = moons(2 * N, seed=0)
    xt, yt = moons(2 * N, seed=1, share_of_class_1=target_share_of_class_1)
    xt = rotate(xt, 30)

    def t(a):
        return torch.tensor(a, dtype=torch.float32)

    # target labels score the methods; only 50 are ever used for fitting or choosing
    return {
        "xs": t(xs[:N]), "ys": torch.tensor(ys[:N]),
        "xs_test": t(xs[N:]), "ys_test": torch.tensor(ys[N:]),
        "xt": t(xt[:N]), "yt": torch.tensor(yt[:N]),
        "xt_test": t(xt[N:]), "yt_test": torch.tensor(yt[N:]),
    }  # fmt: skip


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(DIM, 32), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ReLU(),
        )  # fmt: skip
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        return self.head(self.features(x))


class GradReverse(torch.autograd.Function):
    """Identity forward; gradient multiplied by -lam backward (DANN)."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


def coral_loss(a, b):
    d = a.shape[1]
    return ((torch.cov(a.T) - torch.cov(b.T)) ** 2).sum() / (4 * d * d)


def train(
    d, mode="source", weights=None, model=None, x=None, y=None, steps=STEPS, lr=1e-2
):
    """Cross-entropy on labelled batches (optionally weighted); CORAL and DANN
    also pass a target batch through the same network and add their term."""
    torch.manual_seed(1)
    model = Net() if model is None else model
    x = d["xs"] if x is None else x
    y = d["ys"] if y is None else y
    critic = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam([*model.parameters(), *critic.parameters()], lr=lr)
    gen = torch.Generator().manual_seed(2)
    b = min(BATCH, len(x))
    for step in range(steps):
        model.train()
        i = torch.randint(len(x), (b,), generator=gen)
        if mode == "source":
            feats = model.features(x[i])
        else:
            j = torch.randint(N, (b,), generator=gen)
            feats = model.features(torch.cat([x[i], d["xt"][j]]))
        losses = F.cross_entropy(model.head(feats[:b]), y[i], reduction="none")
        loss = (losses * weights[i]).mean() if weights is not None else losses.mean()
        if mode == "coral":
            loss = loss + coral_loss(feats[:b], feats[b:])
        if mode == "dann":
            # Ganin et al.'s schedule: the reversal weight ramps from 0 to 1
            lam = 2 / (1 + np.exp(-10 * step / steps)) - 1
            logit = critic(GradReverse.apply(feats, lam)).squeeze(1)
            is_target = torch.cat([torch.zeros(b), torch.ones(b)])
            loss = loss + F.binary_cross_entropy_with_logits(logit, is_target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def importance_weights(xs, xt):
    """w(x) = p_t(x) / p_s(x) from a domain classifier (Bickel et al. 2009)."""
    feats = PolynomialFeatures(2).fit_transform(np.vstack([xs, xt]))
    is_target = np.r_[np.zeros(len(xs)), np.ones(len(xt))]
    # cross-fitted: each point's probability comes from a model that did not see it
    clf = LogisticRegression(max_iter=5000)
    p = cross_val_predict(clf, feats, is_target, cv=5, method="predict_proba")[:, 1]
    raw = p[: len(xs)] / (1 - p[: len(xs)]) * len(xs) / len(xt)
    # the mean of the raw ratio over source estimates the target's mass inside
    # the source's support: 1 if it is all there, 0 if none of it is
    w = raw / raw.mean()
    ess = w.sum() ** 2 / (w**2).sum()
    check = (roc_auc_score(is_target, p), raw.mean(), ess)
    return torch.tensor(w, dtype=torch.float32), check


def reestimate_bn(model, x):
    """Replace every BatchNorm's running mean and variance by the target's."""
    model = copy.deepcopy(model)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the pass
    model.train()
    with torch.no_grad():
        model(x)
    return model


def tent(model, x, epochs=3):
    """Minimise prediction entropy on target batches; only BN scale and shift."""
    model = reestimate_bn(model, x)
    bn = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    opt = torch.optim.Adam([p for m in bn for p in m.parameters()], lr=1e-3)
    gen = torch.Generator().manual_seed(3)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(BATCH):
            p = model(x[idx]).softmax(1)
            entropy = -(p * p.clamp_min(1e-12).log()).sum(1).mean()
            opt.zero_grad()
            entropy.backward()
            opt.step()
    return reestimate_bn(model, x)


def self_train(d, model, rounds=3, threshold=0.9):
    """Retrain on source plus the target points predicted with confidence."""
    for _ in range(rounds):
        model.eval()
        with torch.no_grad():
            confidence, pseudo = model(d["xt"]).softmax(1).max(1)
        keep = confidence >= threshold
        x = torch.cat([d["xs"], d["xt"][keep]])
        y = torch.cat([d["ys"], pseudo[keep]])
        model = train(d, model=copy.deepcopy(model), x=x, y=y, steps=300, lr=3e-3)
    return model


def fine_tune(model, x, y, steps=200):
    """Fine-tune all weights on a few labelled target examples, BN frozen."""
    model = copy.deepcopy(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(steps):
        model.eval()  # batch statistics of 50 examples would be too noisy
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


results, diagnostics = {}, []
for column, share in [("rotated 30 deg", 0.5), ("rotated, 10% class 1", 0.1)]:
    d = scenario(share)
    labelled = torch.randperm(N, generator=torch.Generator().manual_seed(4))[:50]
    w, check = importance_weights(d["xs"].numpy(), d["xt"].numpy())
    diagnostics.append((column, *check))
    source_model = train(d)
    models = {
        "source only": source_model,
        "importance weighting": train(d, weights=w),
        "deep CORAL": train(d, mode="coral"),
        "BN re-estimation": reestimate_bn(source_model, d["xt"]),
        "TENT": tent(source_model, d["xt"]),
        "DANN": train(d, mode="dann"),
        "self-training": self_train(d, source_model),
        "fine-tune, 50 labels": fine_tune(
            source_model, d["xt"][labelled], d["yt"][labelled]
        ),
        "oracle: target labels": train(d, x=d["xt"], y=d["yt"]),
    }
    for name, m in models.items():
        results.setdefault(name, []).append(
            (
                accuracy(m, d["xs_test"], d["ys_test"]),
                accuracy(m, d["xt_test"], d["yt_test"]),
                accuracy(m, d["xt"][labelled], d["yt"][labelled]),
            )
        )

SCENARIOS = ["rotated 30 deg", "rotated, 10% class 1"]
print(f"{'':22} {SCENARIOS[0]:>15}   {SCENARIOS[1]:>20}")
print(f"{'method':22} {'source':>7} {'target':>7}   {'source':>10} {'target':>9}")
for name, cols in results.items():
    (s1, t1, _), (s2, t2, _) = cols
    print(f"{name:22} {s1:7.3f} {t1:7.3f}   {s2:10.3f} {t2:9.3f}")

xs_plain, xt_plain = moons(N, seed=0)[0], moons(N, seed=1)[0]
for units in (4, 8):
    far = rotate(xt_plain, 30, shift=(units, 0.0))
    _, check = importance_weights(xs_plain, far)
    diagnostics.append((f"moved {units} units away", *check))
print(f"\n{'importance weights':22} {'domain AUC':>10} {'mean raw w':>11} {'ESS':>6}")
for column, auc, raw_mean, ess in diagnostics:
    print(f"{column:22} {auc:10.3f} {raw_mean:11.4f} {ess:6.0f}")

unsupervised = list(results)[:7]
print(f"\n{'method picked by':22} {SCENARIOS[0]:27} {SCENARIOS[1]}")
for rule, col in (("source accuracy", 0), ("50 target labels", 2)):
    picks = [max(unsupervised, key=lambda k: results[k][c][col]) for c in (0, 1)]
    cells = [f"{k} {results[k][c][1]:.3f}" for c, k in enumerate(picks)]
    print(f"{rule:22} {cells[0]:27} {cells[1]}")
