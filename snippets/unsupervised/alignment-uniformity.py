import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.special import hyp0f1
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
# float64 so that tiny summation-order differences between CPUs stay tiny
torch.set_default_dtype(torch.float64)
D_OUT, K, T = 16, 8, 2.0


def make_data(n, rng):
    # 8 classes: a 6-d class signal (overlapping clusters) and a 10-d nuisance
    # factor that carries no class information, mixed into 32 input features
    y = rng.integers(0, K, n)
    signal = CENTRES[y] + 0.8 * rng.normal(size=(n, 6))
    nuisance = rng.normal(size=(n, 10))
    x = np.tanh(np.hstack([signal, nuisance]) @ MIX)
    return torch.tensor(x), y


rng = np.random.default_rng(0)
CENTRES = rng.normal(size=(K, 6))
MIX = rng.normal(size=(16, 32)) / 4
x_train, y_train = make_data(2000, rng)
x_test, y_test = make_data(1000, rng)


def augment(x, g):
    # two augmentations: Gaussian noise, then masking 25% of the features
    x = x + 0.3 * torch.randn(x.shape, generator=g)
    return x * (torch.rand(x.shape, generator=g) > 0.25)


def encoder():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, D_OUT))


def align_loss(a, b):
    # Wang and Isola: E ||f(x) - f(x+)||^2 on unit vectors (alpha = 2)
    return (a - b).pow(2).sum(1).mean()


def uniform_loss(a, t=T):
    # log of the mean Gaussian potential exp(-t ||u - v||^2) over all pairs
    return torch.pdist(a).pow(2).mul(-t).exp().mean().log()


def info_nce(a, b, tau):
    # each view must pick its partner among the batch's other views (both ways)
    logits = a @ b.T / tau
    target = torch.arange(len(a))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def train(loss_name, tau=None, steps=200, batch=128):
    f = encoder()
    if loss_name == "random init":
        return f
    opt = torch.optim.Adam(f.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x = x_train[torch.randint(0, len(x_train), (batch,), generator=g)]
        # two augmented views of each input, through the encoder in one pass
        a, b = F.normalize(f(augment(x.repeat(2, 1), g)), dim=1).chunk(2)
        if loss_name == "InfoNCE":
            loss = info_nce(a, b, tau)
        elif loss_name == "align + uniform":
            loss = align_loss(a, b) + (uniform_loss(a) + uniform_loss(b)) / 2
        elif loss_name == "align only":
            loss = align_loss(a, b)
        else:  # uniform only: spread the points, ignore the positive pairs
            loss = (uniform_loss(a) + uniform_loss(b)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    return f


def effective_rank(z):
    # RankMe: exp(entropy) of the normalised singular values of the embeddings
    s = np.linalg.svd(z, compute_uv=False)
    p = s / s.sum() + 1e-12
    return np.exp(-np.sum(p * np.log(p)))


def evaluate(f):
    g = torch.Generator().manual_seed(2)
    with torch.no_grad():
        z_tr = F.normalize(f(x_train), dim=1)
        z_te = F.normalize(f(x_test), dim=1)
        a, b = F.normalize(f(augment(x_test.repeat(2, 1), g)), dim=1).chunk(2)
        align, unif = align_loss(a, b).item(), uniform_loss(z_te).item()
        # 10-NN by cosine against the labelled training embeddings, majority vote
        top = torch.topk(z_te @ z_tr.T, 10, dim=1).indices.numpy()
    votes = [np.bincount(v, minlength=K).argmax() for v in y_train[top]]
    z_tr, z_te = z_tr.numpy(), z_te.numpy()
    cos = z_te @ z_te.T
    same = y_test[:, None] == y_test[None, :]
    off = ~np.eye(len(y_test), dtype=bool)
    probe = make_pipeline(
        StandardScaler(), LogisticRegression(solver="newton-cholesky")
    )
    probe.fit(z_tr, y_train)
    return {
        "align": align,
        "unif": unif,
        "same": cos[same & off].mean(),
        "diff": cos[~same].mean(),
        "10-NN": np.mean(votes == y_test),
        "probe": probe.score(z_te, y_test),
        "rank": effective_rank(z_te),
    }


runs = {
    "InfoNCE tau 0.05": ("InfoNCE", 0.05),
    "InfoNCE tau 0.2": ("InfoNCE", 0.2),
    "InfoNCE tau 1.0": ("InfoNCE", 1.0),
    "align + uniform": ("align + uniform", None),
    "align only": ("align only", None),
    "uniform only": ("uniform only", None),
    "random init": ("random init", None),
}
# the lowest uniformity any distribution on the sphere reaches (Wang and Isola)
best = -2 * T + np.log(hyp0f1(D_OUT / 2, T**2))
print(f"uniformity of a uniform distribution on the {D_OUT}-d sphere: {best:.3f}")
# align, unif: on 1,000 test inputs; same, diff: mean cosine of same-class and
# different-class pairs; 10-NN, probe: test accuracy (8 classes, chance 0.125);
# rank: effective rank (RankMe) of the test embeddings, at most 16
cols = ["align", "unif", "same", "diff", "10-NN", "probe", "rank"]
print(f"{'loss':<18}" + "".join(f"{c:>7}" for c in cols))
spectra = {}
for name, (loss_name, tau) in runs.items():
    f = train(loss_name, tau)
    m = evaluate(f)
    print(f"{name:<18}" + "".join(f"{m[c]:7.3f}" for c in cols))
    if loss_name in ("InfoNCE", "align only"):
        with torch.no_grad():
            spectra[name.replace("InfoNCE ", "")] = F.normalize(
                f(x_test), dim=1
            ).numpy()

# dimensional collapse: the spectrum of the centred embeddings; "var" is their
# total variance, 1 - |mean|^2 for unit vectors (0 when all are one point)
print("\nsingular values of the centred test embeddings, % of the largest")
for name, z in spectra.items():
    sv = np.linalg.svd(z - z.mean(0), compute_uv=False)
    var = np.sum(sv**2) / len(z)
    print(f"{name:<11}var {var:.3f}" + "".join(f"{v:4.0f}" for v in 100 * sv / sv[0]))
