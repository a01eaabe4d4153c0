import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
)
# A LeNet-300-100-style MLP, the fully connected net of Frankle & Carbin's MNIST runs.
SIZES = [64, 300, 100, 10]


def init_weights(seed):
    """PyTorch's default initialisation of the three weight matrices and biases."""
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:])]
    return [(m.weight.detach().clone(), m.bias.detach().clone()) for m in layers]


def forward(params, x):
    for i, (w, b) in enumerate(params):
        x = x @ w.T + b
        if i < len(params) - 1:
            x = torch.relu(x)
    return x


def accuracy(params):
    with torch.no_grad():
        return (forward(params, Xte).argmax(1) == yte).float().mean().item()


def train(init, masks, epochs=15, seed=1):
    """Train the masked network from `init`; pruned weights stay exactly zero.
    Every run uses the same data order (seed), so only init and mask differ."""
    params = [
        ((w * m).requires_grad_(), b.clone().requires_grad_())
        for (w, b), m in zip(init, masks)
    ]
    opt = torch.optim.Adam([p for pair in params for p in pair], lr=3e-3)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for i in torch.randperm(len(Xtr), generator=gen).split(128):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(forward(params, Xtr[i]), ytr[i])
            loss.backward()
            opt.step()
            with torch.no_grad():
                for (w, _), m in zip(params, masks):
                    w.mul_(m)
    trained = [(w.detach(), b.detach()) for w, b in params]
    return trained, accuracy(trained)


def prune_by_magnitude(trained, masks, rates):
    """Per layer, drop a fraction of the surviving weights: those with smallest |w|."""
    new = []
    for (w, _), m, rate in zip(trained, masks, rates):
        alive = w[m.bool()].abs()
        k = int(round(rate * alive.numel()))
        threshold = alive.sort().values[k - 1]
        new.append(m * (w.abs() > threshold).float())
    return new


def random_mask_like(masks, seed):
    """Random masks with the same number of surviving weights in every layer."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for m in masks:
        flat = torch.zeros(m.numel())
        flat[torch.randperm(m.numel(), generator=gen)[: int(m.sum())]] = 1.0
        out.append(flat.view_as(m))
    return out


theta0 = init_weights(seed=0)
masks = [torch.ones_like(w) for w, _ in theta0]
trained, dense_acc = train(theta0, masks)
total = sum(m.numel() for m in masks)
print(f"dense: {total} weights, {len(yte)} test images, test accuracy {dense_acc:.3f}")
print(f"{'weights left':>12} {'(a) ticket':>10} {'(b) re-init':>11} {'(c) rnd mask'}")
# IMP: prune 50% of the surviving weights of each hidden layer and 25% of the output
# layer (half the rate, as in the paper), rewind the survivors to theta0, retrain.
for round_ in range(1, 7):
    masks = prune_by_magnitude(trained, masks, rates=[0.5, 0.5, 0.25])
    # (a) the winning ticket: IMP mask + original init theta0
    trained, acc_ticket = train(theta0, masks)
    # (b) the same mask with a fresh random initialisation
    _, acc_reinit = train(init_weights(seed=100 + round_), masks)
    # (c) a random mask (same count per layer) with the original init theta0
    rand_masks = random_mask_like(masks, seed=200 + round_)
    _, acc_rand = train(theta0, rand_masks)
    left = sum(m.sum().item() for m in masks) / total
    print(f"{left:>12.3f} {acc_ticket:>10.3f} {acc_reinit:>11.3f} {acc_rand:>12.3f}")

# What the last two masks keep, and what they score on theta0 without any training.
for name, m in [("IMP mask", masks), ("random mask", rand_masks)]:
    pixels = int((m[0].sum(0) > 0).sum())
    units = int(((m[0].sum(1) > 0) & (m[1].sum(0) > 0)).sum())
    acc0 = accuracy([(w * mi, b) for (w, b), mi in zip(theta0, m)])
    print(
        f"{name}: {pixels}/64 pixels and {units}/300 first-layer units connected, "
        f"accuracy untrained {acc0:.3f}"
    )
