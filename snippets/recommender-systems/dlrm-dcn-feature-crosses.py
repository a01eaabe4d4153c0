import numpy as np
import torch
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.utils import murmurhash3_32

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

# Synthetic CTR log with a known click model. Fields: user segment (100 values), item
# category (50), item id (2,000, Zipf-distributed) and one dense feature (price).
n, n_seg, n_cat, n_id, d = 60_000, 100, 50, 2_000, 8
seg = rng.integers(0, n_seg, n)
cat = rng.integers(0, n_cat, n)
zipf = 1 / np.arange(1, n_id + 1) ** 0.9
item = rng.choice(n_id, n, p=zipf / zipf.sum())
price = rng.normal(0, 1, n)
# True logit: main effects + an explicit segment x category cross (rank 2) + a
# category-specific price slope (dense x category cross) + a per-item effect.
U, V = rng.normal(0, 1, (n_seg, 2)), rng.normal(0, 1, (n_cat, 2))
seg_x_cat = (U[seg] * V[cat]).sum(1)
slope = rng.normal(0, 0.8, n_cat)
logit = (
    -1.2
    + rng.normal(0, 0.3, n_seg)[seg]
    + rng.normal(0, 0.3, n_cat)[cat]
    + seg_x_cat
    + slope[cat] * price
    + rng.normal(0, 1.5, n_id)[item]
)
y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
split = rng.random(n)
tr_rows, va, te = split < 0.6, (split >= 0.6) & (split < 0.75), split >= 0.75
print(f"rows {n}, click rate {y.mean():.3f}, test rows {te.sum()}")


class LogReg(torch.nn.Module):
    """Logistic regression on one-hots: one scalar weight per category, no crosses."""

    def __init__(self, n_id):
        super().__init__()
        self.w = torch.nn.ModuleList(
            torch.nn.Embedding(m, 1) for m in (n_seg, n_cat, n_id)
        )
        self.dense = torch.nn.Linear(1, 1)

    def forward(self, ids, x):
        main_effects = sum(w(ids[:, j])[:, 0] for j, w in enumerate(self.w))
        return main_effects + self.dense(x).squeeze(1)


class Embed(torch.nn.Module):
    """One d-dimensional embedding table per categorical field."""

    def __init__(self, n_id):
        super().__init__()
        self.tables = torch.nn.ModuleList(
            torch.nn.Embedding(m, d) for m in (n_seg, n_cat, n_id)
        )

    def forward(self, ids):
        return [t(ids[:, j]) for j, t in enumerate(self.tables)]


def mlp(*sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


class PlainMLP(torch.nn.Module):
    """Concatenate embeddings and the dense feature, then an MLP (implicit crosses)."""

    def __init__(self, n_id):
        super().__init__()
        self.emb = Embed(n_id)
        self.top = mlp(3 * d + 1, 64, 32, 1)

    def forward(self, ids, x):
        return self.top(torch.cat([*self.emb(ids), x], 1)).squeeze(1)


class DLRM(torch.nn.Module):
    """Bottom MLP maps dense features to a d-vector; all pairwise dot products of
    that vector and the embeddings, with the dense vector, go into a top MLP."""

    def __init__(self, n_id):
        super().__init__()
        self.emb = Embed(n_id)
        self.bottom = mlp(1, 16, d)
        self.top = mlp(d + 6, 64, 32, 1)
        self.iu = torch.triu_indices(4, 4, offset=1)

    def forward(self, ids, x):
        z = self.bottom(x)
        T = torch.stack([z, *self.emb(ids)], 1)
        dots = (T @ T.transpose(1, 2))[:, self.iu[0], self.iu[1]]
        return self.top(torch.cat([z, dots], 1)).squeeze(1)


class DCNv2(torch.nn.Module):
    """Two full-rank cross layers x_{l+1} = x0 * (W x_l + b) + x_l, then the same
    MLP as PlainMLP (the stacked DCN-v2 layout)."""

    def __init__(self, n_id, n_cross=2):
        super().__init__()
        self.emb = Embed(n_id)
        dim = 3 * d + 1
        self.cross = torch.nn.ModuleList(
            torch.nn.Linear(dim, dim) for _ in range(n_cross)
        )
        self.top = mlp(dim, 64, 32, 1)

    def forward(self, ids, x):
        x0 = xl = torch.cat([*self.emb(ids), x], 1)
        for layer in self.cross:
            xl = x0 * layer(xl) + xl
        return self.top(xl).squeeze(1)


def init_small(model):
    # N(0, 0.05) embeddings: PyTorch's default N(0, 1) makes dot products and cross
    # terms of 8-dim vectors large at initialisation.
    for m in model.modules():
        if isinstance(m, torch.nn.Embedding):
            torch.nn.init.normal_(m.weight, std=0.05)
    return model


def fit_eval(model_cls, item_col, n_rows, seed, epochs=8):
    """Same budget for every model: up to 8 epochs of Adam (batch 1024, lr 0.01); keep
    the epoch with the best validation log-loss and report the test metrics there."""
    torch.manual_seed(seed)
    model = init_small(model_cls(n_rows))
    ids = torch.as_tensor(np.stack([seg, cat, item_col], 1))
    x = torch.as_tensor(price, dtype=torch.float32)[:, None]
    yt = torch.as_tensor(y)
    tr = torch.as_tensor(np.nonzero(tr_rows)[0])
    opt = torch.optim.Adam(model.parameters(), lr=0.01, fused=True)

    def predict(rows):
        with torch.no_grad():
            return torch.sigmoid(model(ids[rows], x[rows])).double().numpy()

    best = (np.inf, None)
    for _ in range(epochs):
        for b in tr[torch.randperm(len(tr))].split(1024):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                model(ids[b], x[b]), yt[b]
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
        val_loss = log_loss(y[va], predict(va))
        if val_loss < best[0]:
            best = (val_loss, predict(te))
    p = best[1]
    n_par = sum(p_.numel() for p_ in model.parameters())
    return log_loss(y[te], p), roc_auc_score(y[te], p), n_par


def three_seeds(model_cls, item_col, n_rows):
    """Mean test log-loss and AUC over 3 training seeds, and the AUC range."""
    runs = np.array([fit_eval(model_cls, item_col, n_rows, s) for s in (1, 2, 3)])
    return runs[:, 0].mean(), runs[:, 1].mean(), np.ptp(runs[:, 1]), int(runs[0, 2])


print("mean of 3 training seeds; AUC range = max - min over the seeds")
print(f"{'model (d=8)':<26} {'log-loss':>8} {'AUC':>6} {'range':>6} {'params':>7}")
auc = {}
for name, cls in [
    ("logistic regression", LogReg),
    ("MLP on embeddings", PlainMLP),
    ("DLRM (dot interactions)", DLRM),
    ("DCN-v2 (2 cross layers)", DCNv2),
]:
    ll, auc[name], spread, n_par = three_seeds(cls, item, n_id)
    print(f"{name:<26} {ll:>8.4f} {auc[name]:>6.3f} {spread:>6.3f} {n_par:>7}")
p_true = 1 / (1 + np.exp(-logit[te]))
ll, a = log_loss(y[te], p_true), roc_auc_score(y[te], p_true)
print(f"{'oracle (true probability)':<26} {ll:>8.4f} {a:>6.3f} {'-':>6} {'-':>7}")
print(f"item-id table share of DCN-v2 parameters: {n_id * d / n_par:.0%}")

# Hashing trick for the 2,000-value item id: bucket = murmurhash3(id) mod B.
seen = np.unique(item[tr_rows])
counts = np.bincount(item[tr_rows], minlength=n_id)
print(f"item ids seen in training: {len(seen)}")
print(f"{'B':>5} {'ids sharing a bucket':>20} {'test rows, not top id':>21}", end=" ")
print(f"{'DCN-v2 AUC':>10} {'change':>7}")
for B in [4_000, 250]:
    h = np.array([murmurhash3_32(i, seed=0, positive=True) % B for i in range(n_id)])
    shared = (np.bincount(h[seen], minlength=B)[h[seen]] > 1).mean()
    # The most frequent training id of each bucket effectively owns its vector.
    top = np.zeros(B, dtype=int)
    for i in np.argsort(counts, kind="stable"):
        top[h[i]] = i
    minority = (top[h[item[te]]] != item[te]).mean()
    _, a_hash, _, _ = three_seeds(DCNv2, h[item], B)
    change = a_hash - auc["DCN-v2 (2 cross layers)"]
    print(f"{B:>5} {shared:>20.1%} {minority:>21.1%} {a_hash:>10.3f} {change:>+7.3f}")
