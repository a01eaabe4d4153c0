# --8<-- [start:transfer]
import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
digits, labels = load_digits(return_X_y=True)
digits = torch.tensor(digits / 16, dtype=torch.float32).reshape(-1, 8, 8)
labels = torch.tensor(labels)


def place(imgs, gen, size=10, noise=0.1):
    """Paste each 8x8 digit at a random spot of a noisy size x size canvas."""
    n = len(imgs)
    r = torch.randint(0, size - 7, (n, 2), generator=gen)
    rows = (r[:, :1] + torch.arange(8))[:, :, None]
    cols = (r[:, 1:] + torch.arange(8))[:, None, :]
    out = torch.zeros(n, size, size)
    out[torch.arange(n)[:, None, None], rows, cols] = imgs
    return (out + noise * torch.randn(out.shape, generator=gen)).unsqueeze(1)


# Source images: the 901 digits 0-4. Target task: digits 5-9, few labels per class.
src_x = digits[labels < 5]
tgt_x, tgt_y = digits[labels >= 5], labels[labels >= 5] - 5
pool, test = train_test_split(
    np.arange(len(tgt_y)), test_size=0.5, random_state=0, stratify=tgt_y
)
# Every input is normalised with the statistics of the *pretraining* data.
src_canvas = place(src_x, torch.Generator().manual_seed(1))
MEAN, STD = src_canvas.mean(), src_canvas.std()
x_test = (place(tgt_x[test], torch.Generator().manual_seed(2)) - MEAN) / STD
y_test = tgt_y[test]


def backbone():
    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

    return nn.Sequential(
        *block(1, 16), nn.MaxPool2d(2), *block(16, 32), nn.MaxPool2d(2),
        *block(32, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )  # fmt: skip


def fit(model, groups, x, y, steps, gen=None):
    """Adam on the full batch (x, y); with gen, on 64 freshly placed source digits."""
    opt = torch.optim.Adam(groups)
    for _ in range(steps):
        xb, yb = x, y
        if gen is not None:
            i = torch.randint(len(y), (64,), generator=gen)
            xb, yb = (place(x[i], gen) - MEAN) / STD, y[i]
        loss = nn.functional.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()


# Pretraining on the same 901 images, two ways: their 5 labels, or "which of the
# 901 images is this?" (instance discrimination: a self-supervised task, no labels).
sources = {"supervised 0-4": (labels[labels < 5], 300), "self-sup. 0-4": (None, 800)}
pretrained = {}
for name, (y_src, steps) in sources.items():
    y_src = torch.arange(len(src_x)) if y_src is None else y_src
    torch.manual_seed(0)
    net = nn.Sequential(backbone(), nn.Linear(64, len(y_src.unique())))
    gen = torch.Generator().manual_seed(3)
    fit(net.train(), net.parameters(), src_x, y_src, steps, gen)
    pretrained[name] = net[0]

results = {}
for k in (5, 20):
    for seed in range(3):
        rng = np.random.default_rng(seed)
        lab = np.concatenate(
            [rng.choice(pool[tgt_y[pool] == c], k, replace=False) for c in range(5)]
        )
        x_lab = (place(tgt_x[lab], torch.Generator().manual_seed(seed)) - MEAN) / STD
        y_lab = tgt_y[lab]
        modes = ("new head only", "fine-tune all")
        runs = [("scratch", "train all")] + [(s, m) for s in sources for m in modes]
        for src, mode in runs:
            torch.manual_seed(seed)
            body = backbone() if src == "scratch" else copy.deepcopy(pretrained[src])
            head = nn.Linear(64, 5)
            if mode == "new head only":
                # Frozen backbone in eval mode (BatchNorm uses its stored statistics),
                # so its features can be computed once; only the head trains.
                with torch.no_grad():
                    feats = body.eval()(x_lab)
                groups = [{"params": head.parameters(), "lr": 1e-2}]
                fit(head, groups, feats, y_lab, 100)
            else:
                # Fine-tune all: pretrained layers get a 10x smaller learning rate.
                lr_body = 3e-3 if src == "scratch" else 3e-4
                groups = [
                    {"params": body.parameters(), "lr": lr_body},
                    {"params": head.parameters(), "lr": 3e-3},
                ]
                fit(nn.Sequential(body, head).train(), groups, x_lab, y_lab, 100)
            with torch.no_grad():
                pred = head(body.eval()(x_test)).argmax(1)
            acc = (pred == y_test).float().mean().item()
            results.setdefault((src, mode), {}).setdefault(k, []).append(acc)

print("test accuracy on digits 5-9: mean (std) over 3 draws of the labelled images")
print(
    f"{'pretraining':16}{'what trains':15}{'5 labels/class':>16}{'20 labels/class':>17}"
)
for (src, mode), by_k in results.items():
    cells = "".join(f"{np.mean(v):>10.3f} ({np.std(v):.3f})" for v in by_k.values())
    print(f"{src:16}{mode:15}{cells}")
# --8<-- [end:transfer]

# --8<-- [start:batchnorm]
import copy

import torch
from torch import nn

torch.manual_seed(0)
pretrained = nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
with torch.no_grad():  # "pretraining": running statistics of the source data
    for _ in range(100):
        pretrained(torch.randn(32, 1, 8, 8))
x_new = 0.5 + 2 * torch.randn(16, 1, 8, 8)  # target images with other statistics

for mode in ("train", "eval"):
    frozen = copy.deepcopy(pretrained).requires_grad_(False)
    frozen.train(mode == "train")
    before = frozen[1].running_mean.clone()
    with torch.no_grad():
        frozen(x_new)
    moved = (frozen[1].running_mean - before).abs().max().item()
    print(f"requires_grad=False, {mode:5} mode: running_mean moved by {moved:.3f}")
# --8<-- [end:batchnorm]
