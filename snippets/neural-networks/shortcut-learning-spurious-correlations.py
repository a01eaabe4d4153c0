import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)
# bird block: 2 noisy dimensions; background block: 2 clean ones; 6 noise dimensions
BIRD_SHIFT, BACKGROUND_SHIFT, N_NOISE, STEPS = 0.9, 2.0, 6, 1000
GROUPS = [(y, b) for y in (0, 1) for b in (0, 1)]
GROUP_NAMES = [
    f"{bird}, {place}"
    for bird in ("landbird", "waterbird")
    for place in ("land", "water")
]


def sample(n=0, agreement=0.5, per_group=0):
    """Label y (0 land-, 1 waterbird) and background b (0 land, 1 water)."""
    if per_group:
        y, b = np.repeat(np.array(GROUPS).T, per_group, axis=1)
    else:
        y = rng.integers(0, 2, n)
        b = np.where(rng.random(n) < agreement, y, 1 - y)
    return y, b, rng.normal(size=(len(y), 4 + N_NOISE))


def features(y, b, noise):
    bird = BIRD_SHIFT * (2 * y - 1)[:, None] + noise[:, :2]
    background = BACKGROUND_SHIFT * (2 * b - 1)[:, None] + noise[:, 2:4]
    return torch.tensor(np.hstack([bird, background, noise[:, 4:]]))


def train(x, y, groups, objective, weight_decay, eta=0.05):
    model = nn.Sequential(nn.Linear(4 + N_NOISE, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay)
    target = torch.tensor(y, dtype=torch.float64)
    groups = torch.tensor(groups)
    group_sizes = torch.bincount(groups, minlength=4).double()
    q = torch.full((4,), 0.25)
    for _ in range(STEPS):
        losses = nn.functional.binary_cross_entropy_with_logits(
            model(x).squeeze(1), target, reduction="none"
        )
        group_loss = torch.zeros(4).index_add(0, groups, losses) / group_sizes
        if objective == "ERM":
            loss = losses.mean()
        elif objective == "reweighting":
            # each group weighs 1/4, whatever its size
            loss = group_loss.mean()
        else:
            # group DRO: exponentiated-gradient ascent on the group weights q
            q = q * torch.exp(eta * group_loss.detach())
            q = q / q.sum()
            loss = (q * group_loss).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def predict(model, x):
    with torch.no_grad():
        return (model(x).squeeze(1) > 0).numpy().astype(int)


def group_accuracies(pred, y, b):
    return [np.mean(pred[(y == gy) & (b == gb)] == gy) for gy, gb in GROUPS]


y_tr, b_tr, noise_tr = sample(4000, agreement=0.95)
x_tr, g_tr = features(y_tr, b_tr, noise_tr), 2 * y_tr + b_tr
# in-distribution test set: the training correlation holds
y_id, b_id, noise_id = sample(4000, agreement=0.95)
x_id = features(y_id, b_id, noise_id)
# balanced test set: the correlation is broken (1,000 per group)
y_te, b_te, noise_te = sample(per_group=1000)
x_te = features(y_te, b_te, noise_te)
# counterfactual: the same birds and noise, background swapped
x_swap = features(y_te, 1 - b_te, noise_te)
# small labelled, group-balanced validation set (50 per group)
y_va, b_va, noise_va = sample(per_group=50)
x_va = features(y_va, b_va, noise_va)

print(f"training set: {len(y_tr)}, background agrees with the label in "
      f"{np.mean(y_tr == b_tr):.3f}")  # fmt: skip
print("one block alone, in-distribution test accuracy:")
for block, cols in [("background", [2, 3]), ("bird", [0, 1])]:
    probe = LogisticRegression(tol=1e-10).fit(x_tr[:, cols], y_tr)
    print(f"  {block:10s} {probe.score(x_id[:, cols], y_id):.3f}")

results = {}
for objective, weight_decay in [
    ("ERM", 1e-3), ("ERM", 1e-1), ("reweighting", 1e-3), ("reweighting", 1e-1),
    ("group DRO", 1e-3), ("group DRO", 1e-1),
]:  # fmt: skip
    model = train(x_tr, y_tr, g_tr, objective, weight_decay)
    if (objective, weight_decay) == ("ERM", 1e-3):
        erm_model = model
    results[f"{objective}, L2 {weight_decay:g}"] = tuple(
        predict(model, x) for x in (x_id, x_te, x_swap)
    )

# last-layer retraining (DFR): keep the ERM network's hidden layer, refit the
# output layer on the 200 group-balanced validation examples
with torch.no_grad():
    embed = [erm_model[:2](x).numpy() for x in (x_va, x_id, x_te, x_swap)]
head = LogisticRegression(tol=1e-10, max_iter=10_000).fit(embed[0], y_va)
results["last layer retrained"] = tuple(head.predict(h) for h in embed[1:])
oracle = LogisticRegression(tol=1e-10).fit(x_tr[:, :2], y_tr)
results["bird block only (oracle)"] = tuple(
    oracle.predict(x[:, :2]) for x in (x_id, x_te, x_swap)
)

erm_test = results["ERM, L2 0.001"][1]
print("\ngroup              train n  ERM acc, balanced test")
for name, n, acc in zip(
    GROUP_NAMES, np.bincount(g_tr), group_accuracies(erm_test, y_te, b_te)
):
    print(f"{name:18s} {n:7d}  {acc:.3f}")

print("\nmethod                    in-dist  balanced  worst group  flips on swap")
for name, (pred_id, pred_te, pred_swap) in results.items():
    worst = min(group_accuracies(pred_te, y_te, b_te))
    print(f"{name:25s} {np.mean(pred_id == y_id):7.3f} "
          f"{np.mean(pred_te == y_te):9.3f} {worst:12.3f} "
          f"{np.mean(pred_te != pred_swap):14.3f}")  # fmt: skip
