# --8<-- [start:gain]
import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F

X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16, dtype=torch.float32).reshape(-1, 1, 8, 8)
y = torch.tensor(y)
# 10 labelled images per class for training; the other 1697 images are the test set.
train_idx, test_idx = train_test_split(
    np.arange(len(y)), train_size=100, random_state=0, stratify=y
)
X_tr, y_tr, X_te, y_te = X[train_idx], y[train_idx], X[test_idx], y[test_idx]


def augment(x, gen, shift=0, degrees=0.0, noise=0.0, hflip=False):
    """Random affine warp (integer shift, rotation, scale), flip and noise, in torch."""
    n = len(x)
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(degrees)
    scale = 1 + (torch.rand(n, generator=gen) * 2 - 1) * (0.1 if degrees else 0)
    # Shifts in whole pixels; affine_grid measures them in units of half the image.
    t = torch.randint(-shift, shift + 1, (n, 2), generator=gen) * (2 / 8)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, t[:, 0]], 1), torch.stack([sin, cos, t[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    if hflip:
        flip = torch.rand(n, generator=gen) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    return x + noise * torch.randn(x.shape, generator=gen)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 16, 10),
    )  # fmt: skip


policies = {
    "none": {},
    "shift +-1 px": {"shift": 1},
    "shift + rotate 15deg/scale": {"shift": 1, "degrees": 15},
    "shift + noise": {"shift": 1, "noise": 0.1},
    "horizontal flip": {"hflip": True},
}
print(f"{'augmentation (100 train images)':32}{'test accuracy':>14}{'std':>7}")
for name, policy in policies.items():
    accs = []
    for seed in range(2):
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        model = cnn()
        opt = torch.optim.Adam(model.parameters(), 3e-3)
        for _ in range(300):
            i = torch.randint(len(y_tr), (32,), generator=gen)
            xb = augment(X_tr[i], gen, **policy) if policy else X_tr[i]
            loss = F.cross_entropy(model.train()(xb), y_tr[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            accs.append((model.eval()(X_te).argmax(1) == y_te).float().mean().item())
    print(f"{name:32}{np.mean(accs):>14.3f}{np.std(accs):>7.3f}")
# --8<-- [end:gain]

# --8<-- [start:label]
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.5, random_state=0, stratify=y
)
# A 1-nearest-neighbour classifier on untouched digits answers "what does the
# transformed image look like?"
knn = KNeighborsClassifier(n_neighbors=1).fit(X_tr, y_tr)
print(f"1-NN on untouched test digits: {knn.score(X_te, y_te):.3f}")
images = X_te.reshape(-1, 8, 8)
transforms = {
    "horizontal flip": images[:, :, ::-1],
    "rotate 180": images[:, ::-1, ::-1],
}
print("share of test digits still recognised as themselves, most common other label")
head = f"{'kept':>8}{'looks like':>11}"
print(f"{'':5}{'horizontal flip':>19}{'rotate 180':>19}")
print(f"{'digit':5}{head}{head}")
for digit in range(10):
    row = f"{digit:>5}"
    for imgs in transforms.values():
        pred = knn.predict(imgs[y_te == digit].reshape(-1, 64))
        kept = (pred == digit).mean()
        other = (
            np.bincount(pred[pred != digit], minlength=10).argmax() if kept < 1 else "-"
        )
        row += f"{kept:>8.2f}{other:>11}"
    print(row)
# --8<-- [end:label]
