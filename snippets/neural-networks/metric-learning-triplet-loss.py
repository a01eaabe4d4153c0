import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.5, random_state=SEED, stratify=y
)
X_tr, labels = torch.tensor(X_tr), torch.tensor(y_tr)
members = [torch.nonzero(labels == c).ravel() for c in range(10)]
MARGIN, TAU = 0.2, 0.1
triplet_loss = nn.TripletMarginLoss(margin=MARGIN)


def loss_for(method, z, same, p, n):
    """z: the batch's unit-length embeddings; same[i, j]: images i and j show the
    same digit; p, n: a random positive and a random negative for every anchor,
    which the mining methods replace."""
    if method == "InfoNCE, tau 0.1":
        # pick the positive p out of the batch; images of other digits are the
        # negatives; the anchor and its other same-digit images are masked out
        target = F.one_hot(p, len(z)).bool()
        logits = (z @ z.T / TAU).masked_fill(same & ~target, float("-inf"))
        return F.cross_entropy(logits, p)
    # mining looks at the distances but is not differentiated through
    d = torch.cdist(z, z).detach()
    if method == "semi-hard triplets":
        # the closest negative that is farther than the positive (FaceNet);
        # where there is none, the farthest negative
        farther = ~same & (d > d.gather(1, p[:, None]))
        closest_farther = d.masked_fill(~farther, 9.0).argmin(1)
        farthest = d.masked_fill(same, -1.0).argmax(1)
        n = torch.where(farther.any(1), closest_farther, farthest)
    if method == "batch-hard triplets":
        # the farthest positive and the closest negative in the batch (Hermans et al.)
        p = d.masked_fill(~same | torch.eye(len(z), dtype=torch.bool), -1.0).argmax(1)
        n = d.masked_fill(same, 9.0).argmin(1)
    return triplet_loss(z, z[p], z[n])


# 2,000 random training triplets, fixed in advance: the share a model already
# satisfies by the margin is the share of random triplets that give it no gradient
g = torch.Generator().manual_seed(SEED)
a, n = torch.randint(0, len(labels), (2, 4000), generator=g)


def random_member(c):
    return members[c][torch.randint(0, len(members[c]), (1,), generator=g)]


p = torch.cat([random_member(c) for c in labels[a].tolist()])
keep = (labels[n] != labels[a]) & (p != a)
probe_a, probe_p, probe_n = (t[keep][:2000] for t in (a, p, n))


def probe(f):
    """Share of the fixed random triplets with zero loss, and the mean distance
    between embeddings of different digits (near 0: the embedding collapsed)."""
    with torch.no_grad():
        z = F.normalize(f(X_tr), dim=1)
    d_ap = (z[probe_a] - z[probe_p]).norm(dim=1)
    d_an = (z[probe_a] - z[probe_n]).norm(dim=1)
    other_digit = labels[:, None] != labels[None, :]
    spread = torch.cdist(z, z)[other_digit].mean().item()
    return (d_an > d_ap + MARGIN).float().mean().item(), spread


METHODS = [
    "random triplets",
    "semi-hard triplets",
    "batch-hard triplets",
    "InfoNCE, tau 0.1",
]
# one MLP per method, all from the same initial weights, trained on the same batches
encoder = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))
models = {m: copy.deepcopy(encoder) for m in METHODS}
opt = torch.optim.Adam([w for f in models.values() for w in f.parameters()], lr=2e-3)
# a batch holds 8 images of each of the 10 digits, in blocks: 80 images, about 11
# batches an epoch
block, slot = torch.arange(80) // 8, torch.arange(80) % 8
same = block[:, None] == block[None, :]
log = {}
for step in range(1, 151):
    idx = torch.cat([m[torch.randperm(len(m), generator=g)[:8]] for m in members])
    # random positive: another slot of the anchor's block of 8; random negative:
    # any slot of another block
    p = block * 8 + (slot + torch.randint(1, 8, (80,), generator=g)) % 8
    n = (block + torch.randint(1, 10, (80,), generator=g)) % 10 * 8
    n = n + torch.randint(0, 8, (80,), generator=g)
    # the models share no weights, so one backward pass on the sum trains each
    # exactly as it would be trained alone
    loss = sum(
        loss_for(m, F.normalize(f(X_tr[idx]), dim=1), same, p, n)
        for m, f in models.items()
    )
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step in (22, 150):
        log[step] = {m: probe(f) for m, f in models.items()}


def retrieval(emb, lab):
    """Each held-out image queries all the others: recall@1 and MAP@R."""
    emb = torch.tensor(emb / np.linalg.norm(emb, axis=1, keepdims=True))
    sim = (emb @ emb.T).fill_diagonal_(-np.inf)
    # R = how many other images show the same digit; rank the top max(R) results
    R = np.bincount(lab)[lab] - 1
    order = torch.topk(sim, int(R.max()), dim=1).indices.numpy()
    hit = lab[order] == lab[:, None]
    # MAP@R: mean of the precision at each hit within the first R results
    ranks = np.arange(1, hit.shape[1] + 1)
    precision = np.cumsum(hit, 1) / ranks
    map_r = (precision * hit * (ranks <= R[:, None])).sum(1) / R
    return hit[:, 0].mean(), map_r.mean()


# recall@1 and MAP@R on the held-out digits; the share of the 2,000 random triplets
# already satisfied, after 2 and 13 epochs; the mean distance between digits, epoch 2
print(f"{'embedding':20s}{'recall@1':>9s}{'MAP@R':>7s}", end="")
print(f"{'satisfied: epoch 2':>20s}{'epoch 13':>10s}{'distance: epoch 2':>19s}")
r1, map_r = retrieval(X_te, y_te)
print(f"{'raw pixels':20s}{r1:9.3f}{map_r:7.3f}")
for m, f in models.items():
    with torch.no_grad():
        r1, map_r = retrieval(f(torch.tensor(X_te)).numpy(), y_te)
    (sat2, dist2), (sat13, _) = log[22][m], log[150][m]
    print(f"{m:20s}{r1:9.3f}{map_r:7.3f}{sat2:20.2f}{sat13:10.2f}{dist2:19.2f}")
