import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
start = time.process_time()
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
idx_tr, idx_te = train_test_split(
    np.arange(len(y)), test_size=0.5, random_state=0, stratify=y
)


def augment(x, g):
    """Two views of each image: a random shift of up to 1 pixel, contrast and noise."""
    img = x.view(-1, 8, 8)
    dy, dx = torch.randint(-1, 2, (2,), generator=g).tolist()
    img = torch.roll(img, (dy, dx), dims=(1, 2))
    scale = 0.6 + 0.8 * torch.rand(len(x), 1, 1, generator=g)
    return (img * scale + 0.1 * torch.randn(img.shape, generator=g)).view(-1, 64)


def info_nce(z1, z2, tau=0.2):
    """SimCLR's NT-Xent: each view must pick its partner among 2N - 1 others."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / tau
    sim.fill_diagonal_(float("-inf"))  # a view is not its own positive
    n = len(z1)
    partner = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(sim, partner)


# The loss by hand for one anchor: -log(exp(s_pos) / sum over the other 2N - 1 views)
torch.manual_seed(0)
a, b = torch.randn(4, 8), torch.randn(4, 8)
z = F.normalize(torch.cat([a, b]), dim=1)
s = z @ z.T / 0.2
by_hand = np.mean([
    -(s[i, (i + 4) % 8] - torch.logsumexp(s[i][torch.arange(8) != i], 0)).item()
    for i in range(8)
])  # fmt: skip
print(
    f"InfoNCE matches the formula by hand: {np.isclose(info_nce(a, b).item(), by_hand)}"
)


def encoder():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))


def train(loss_name, steps=600):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    f = encoder()
    opt = torch.optim.Adam(f.parameters(), lr=1e-3)
    for _ in range(steps):
        x = X[idx_tr][torch.randint(0, len(idx_tr), (256,), generator=g)]
        z1, z2 = f(augment(x, g)), f(augment(x, g))
        if loss_name == "InfoNCE":
            loss = info_nce(z1, z2)
        else:  # only pull the two views together: nothing pushes images apart
            loss = -F.cosine_similarity(z1, z2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return f


def probe(features, labels_per_class=5, reps=20):
    """Linear probe with few labels: mean test accuracy over random labelled subsets."""
    rng = np.random.default_rng(0)
    ytr = y[idx_tr]
    accs = []
    for _ in range(reps):
        pick = np.concatenate([
            rng.choice(np.flatnonzero(ytr == c), labels_per_class, replace=False)
            for c in range(10)
        ])  # fmt: skip
        clf = LogisticRegression(max_iter=2000).fit(features[idx_tr][pick], ytr[pick])
        accs.append(clf.score(features[idx_te], y[idx_te]))
    return np.mean(accs), np.std(accs) / np.sqrt(reps)


def embed(f, head=False):
    """The backbone's features (before the projection head), as SimCLR evaluates."""
    with torch.no_grad():
        return (f(X) if head else f[:2](X)).numpy()


torch.manual_seed(0)
rows = {
    "raw pixels": X.numpy(),
    "random encoder": embed(encoder()),
    "InfoNCE (SimCLR)": embed(simclr := train("InfoNCE")),
    "InfoNCE, after head": embed(simclr, head=True),
    "positives only": embed(train("positives only"), head=True),
}
print(f"{'features':18s} {'probe acc, 5 labels/class':>26s} {'embedding spread':>17s}")
for name, feats in rows.items():
    m, se = probe(feats)
    spread = (feats / np.linalg.norm(feats, axis=1, keepdims=True)).std(0).mean()
    print(f"{name:18s} {m:>19.3f} ± {se:.3f} {spread:>17.3f}")
print(f"{time.process_time() - start:.1f} s CPU", file=sys.stderr)
