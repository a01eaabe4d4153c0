# --8<-- [start:metric]
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
seen = y <= 6  # train the embedding on digits 0-6; search over unseen digits 7-9
rng = np.random.default_rng(0)
train_mask = seen & (rng.random(len(y)) < 0.5)  # half the 0-6 images train the model
Xtr, ytr = torch.tensor(X[train_mask]), torch.tensor(y[train_mask])


def encoder():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))


def batch_hard_triplet(z, labels, margin=0.2):
    """Each anchor: its farthest positive and closest negative (Hermans 2017)."""
    d = torch.cdist(z, z)
    same = labels[:, None] == labels[None, :]
    hardest_pos = (d * same).max(1).values
    hardest_neg = d.masked_fill(same, float("inf")).min(1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


class ArcFace(nn.Module):
    """Softmax over cosines to class centres, angular margin m on the true class."""

    def __init__(self, dim, n_classes, s=16.0, m=0.3):
        super().__init__()
        self.W = nn.Parameter(torch.randn(n_classes, dim))
        self.s, self.m = s, m

    def forward(self, z, labels):
        cos = F.normalize(z) @ F.normalize(self.W).T
        theta = torch.acos(cos.clamp(-1 + 1e-6, 1 - 1e-6))
        true = F.one_hot(labels, cos.shape[1]).bool()
        logits = self.s * torch.where(true, torch.cos(theta + self.m), cos)
        return F.cross_entropy(logits, labels)


def train(loss_name, steps=400):
    torch.manual_seed(0)
    f, arc = encoder(), ArcFace(32, 7)
    opt = torch.optim.Adam([*f.parameters(), *arc.parameters()], lr=1e-3)
    for _ in range(steps):
        i = torch.randint(0, len(Xtr), (128,))
        z = f(Xtr[i])
        if loss_name == "triplet":
            loss = batch_hard_triplet(F.normalize(z), ytr[i])
        else:
            loss = arc(z, ytr[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return f(torch.tensor(X)).numpy()


def retrieval(emb, mask):
    """Each image queries all others in the set: recall@1 and mean average precision."""
    e = emb[mask] / np.linalg.norm(emb[mask], axis=1, keepdims=True)
    lab = y[mask]
    sim = e @ e.T
    np.fill_diagonal(sim, -np.inf)
    order = np.argsort(-sim, axis=1)[:, :-1]  # drop the query itself (ranked last)
    rel = lab[order] == lab[:, None]
    precision_at_k = np.cumsum(rel, 1) / np.arange(1, rel.shape[1] + 1)
    ap = (precision_at_k * rel).sum(1) / rel.sum(1)
    return rel[:, 0].mean(), ap.mean()


rows = {
    "raw pixels": X,
    "PCA, 32 dims": PCA(32, random_state=0).fit(X[train_mask]).transform(X),
    "triplet (batch-hard)": train("triplet"),
    "ArcFace": train("arcface"),
}
print(
    f"{'embedding':22s} {'mAP, new images of 0-6':>22s} {'mAP, unseen digits 7-9':>22s}"
)
for name, emb in rows.items():
    _, map_seen = retrieval(emb, seen & ~train_mask)
    _, map_unseen = retrieval(emb, ~seen)
    print(f"{name:22s} {map_seen:>22.3f} {map_unseen:>22.3f}")
# --8<-- [end:metric]

# --8<-- [start:ann]
import faiss
import numpy as np

# A catalogue of 20,000 vectors in 64 dimensions drawn around 200 centres
rng = np.random.default_rng(0)
centres = rng.normal(size=(200, 64)).astype(np.float32)
xb = centres[rng.integers(0, 200, 20_000)] + 1.5 * rng.normal(size=(20_000, 64))
xq = centres[rng.integers(0, 200, 500)] + 1.5 * rng.normal(size=(500, 64))
xb, xq = xb.astype(np.float32), xq.astype(np.float32)
faiss.normalize_L2(xb)
faiss.normalize_L2(xq)

flat = faiss.IndexFlatIP(64)  # exact search: the ground truth
flat.add(xb)
_, truth = flat.search(xq, 10)
ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(64), 64, 100, faiss.METRIC_INNER_PRODUCT)
ivf.train(xb)
ivf.add(xb)
for nprobe in [1, 4, 16]:
    ivf.nprobe = nprobe
    _, found = ivf.search(xq, 10)
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
    print(f"IVF, 100 lists, nprobe={nprobe:>2}: recall@10 vs exact {recall:.3f}, "
          f"scans about {nprobe / 100:.0%} of the catalogue")  # fmt: skip
# --8<-- [end:ann]
