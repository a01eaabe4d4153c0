# --8<-- [start:shuffle]
import copy

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
# Each 8x8 digit pasted at a random position of a 12x12 canvas: the object can be
# anywhere, as in real photos.
gen = torch.Generator().manual_seed(0)
canvas = torch.zeros(len(X), 1, 12, 12)
for n, (r, c) in enumerate(torch.randint(0, 5, (len(X), 2), generator=gen).tolist()):
    canvas[n, 0, r : r + 8, c : c + 8] = torch.tensor(X[n] / 16).reshape(8, 8)
X_tr, X_te, y_tr, y_te = train_test_split(
    canvas, torch.tensor(y), test_size=0.3, random_state=0, stratify=y
)
# One fixed permutation of the 144 pixels, applied to every image (train and test).
perm = torch.randperm(144)


def shuffle_pixels(x):
    return x.reshape(len(x), 144)[:, perm].reshape(-1, 1, 12, 12)


mlp = nn.Sequential(nn.Flatten(), nn.Linear(144, 128), nn.ReLU(), nn.Linear(128, 10))
cnn = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
    nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
    nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(32, 10),
)  # fmt: skip


def train(model, x, y, n_train, steps=300):
    opt = torch.optim.Adam(model.parameters(), 3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(steps):
        i = torch.randint(n_train, (64,), generator=g)
        loss = nn.functional.cross_entropy(model(x[i]), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


print(f"{'model':5}{'params':>8}{'train n':>9}{'pixels in place':>17}{'shuffled':>10}")
for n_train in (len(y_tr), 200):
    for name, net in (("MLP", mlp), ("CNN", cnn)):
        plain = train(copy.deepcopy(net), X_tr, y_tr, n_train)
        net_for_shuffled = copy.deepcopy(net)
        if name == "MLP":
            # Same starting function on shuffled inputs: permute the first
            # layer's columns the same way as the pixels.
            with torch.no_grad():
                net_for_shuffled[1].weight.copy_(net[1].weight[:, perm])
        shuffled = train(net_for_shuffled, shuffle_pixels(X_tr), y_tr, n_train)
        with torch.no_grad():
            p_plain = plain(X_te).argmax(1)
            p_shuf = shuffled(shuffle_pixels(X_te)).argmax(1)
        acc = [(p == y_te).float().mean().item() for p in (p_plain, p_shuf)]
        n_params = sum(p.numel() for p in net.parameters())
        print(f"{name:5}{n_params:>8,}{n_train:>9}{acc[0]:>17.3f}{acc[1]:>10.3f}")
        if name == "MLP":
            same = (p_plain == p_shuf).float().mean().item()
            print(f"{'':5}MLP test predictions unchanged by the shuffle: {same:.1%}")
# --8<-- [end:shuffle]
