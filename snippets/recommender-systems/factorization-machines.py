# --8<-- [start:identity]
import time

import numpy as np

rng = np.random.default_rng(0)


def fm_naive(x, w0, w, V):
    """Rendle's FM: w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j, pair by pair."""
    n = len(x)
    pairs = sum(V[i] @ V[j] * x[i] * x[j] for i in range(n) for j in range(i + 1, n))
    return w0 + w @ x + pairs


def fm_fast(x, w0, w, V):
    """Same model in O(k n): 0.5 * sum_f [(sum_i v_if x_i)^2 - sum_i v_if^2 x_i^2].
    With a sparse x, only the non-zero features enter: O(k * nnz)."""
    nz = np.nonzero(x)[0]
    xv = x[nz, None] * V[nz]
    return w0 + w[nz] @ x[nz] + 0.5 * (xv.sum(0) ** 2 - (xv**2).sum(0)).sum()


n, k = 300, 8
w0, w, V = 0.1, rng.normal(0, 1, n), rng.normal(0, 0.1, (n, k))
# A sparse row as recommenders see it: one-hot user, one-hot item, a few context values.
x = np.zeros(n)
x[rng.choice(n, 6, replace=False)] = [1, 1, 1, 1, 0.5, 2.0]
same = np.allclose(fm_naive(x, w0, w, V), fm_fast(x, w0, w, V))
print(f"O(kn) identity equals the pairwise sum: {same}")
dense_x = rng.normal(0, 1, n)
same = np.allclose(fm_naive(dense_x, w0, w, V), fm_fast(dense_x, w0, w, V))
print(f"... also for a dense x: {same}")

# Matrix factorisation is an FM whose input is one-hot user + one-hot item.
u, i = 3, 120
x = np.zeros(n)
x[[u, i]] = 1
mf = w0 + w[u] + w[i] + V[u] @ V[i]
same = np.allclose(fm_fast(x, w0, w, V), mf)
print(f"FM on [one-hot user, one-hot item] == biased MF: {same}")

times = {}
for name, f in [("naive", fm_naive), ("fast", fm_fast)]:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        f(x, w0, w, V)
        runs.append(time.perf_counter() - t0)
    # the fastest run: other processes on the machine only ever add time
    times[name] = min(runs)
ratio = times["naive"] / times["fast"]
print(f"fast form at least 100x faster on a 300-feature row: {ratio >= 100}")
# --8<-- [end:identity]

# --8<-- [start:sparse]
import itertools

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
torch.manual_seed(0)

# Clicks with a known model: 300 users, 200 items and three context fields (hour of day,
# device, location).
# True logit = item bias + user.item + item.(hour + device + location).
n_u, n_i, k = 300, 200, 6
ctx_sizes = [24, 2, 3]
Pu, Qi = rng.normal(0, 0.9, (n_u, k)), rng.normal(0, 0.9, (n_i, k))
C = [rng.normal(0, 0.9 / np.sqrt(3), (m, k)) for m in ctx_sizes]
b_item = rng.normal(-1, 0.5, n_i)
# Each user saw 100 random impressions in random contexts: 30,000 rows.
users = np.repeat(np.arange(n_u), 100)
items = rng.integers(0, n_i, len(users))
ctxs = [rng.integers(0, m, len(users)) for m in ctx_sizes]
ctx_vec = sum(Ck[c] for Ck, c in zip(C, ctxs))
logit = b_item[items] + (Pu[users] * Qi[items]).sum(1) + (Qi[items] * ctx_vec).sum(1)
click = (rng.random(len(users)) < 1 / (1 + np.exp(-logit))).astype(float)
# Test on user-item pairs that never occur in training: the case recommenders live in.
pair = users * n_i + items
seen_pairs = np.unique(pair)
test_pairs = rng.choice(seen_pairs, size=len(seen_pairs) // 5, replace=False)
te = np.isin(pair, test_pairs)
print(f"train rows {(~te).sum()}, test rows {te.sum()}", end=" ")
print("(user-item pairs unseen in training)")


def one_hot(cols, sizes):
    """Sparse design matrix: one column block per field, a 1 at each row's id."""
    offsets = np.cumsum([0] + sizes[:-1])
    rows = np.tile(np.arange(len(cols[0])), len(cols))
    ids = np.concatenate([c + o for c, o in zip(cols, offsets)])
    data = np.ones(len(ids))
    return sp.csr_matrix((data, (rows, ids)), shape=(len(cols[0]), sum(sizes)))


fields, sizes = [users, items, *ctxs], [n_u, n_i, *ctx_sizes]
X_lin = one_hot(fields, sizes)
# Poly2: one free weight for every crossed pair of values of two fields.
pairs = list(itertools.combinations(range(len(fields)), 2))
crosses = [fields[a] * sizes[b] + fields[b] for a, b in pairs]
X_cross = one_hot(crosses, [sizes[a] * sizes[b] for a, b in pairs])
X_poly = sp.hstack([X_lin, X_cross]).tocsr()
trained = np.asarray(X_cross[~te].sum(0)).ravel() > 0
print(f"poly2 cross weights: {X_cross.shape[1]}", end=", ")
print(f"never seen in training: {1 - trained.mean():.0%}")

auc = {}
for name, X in [
    ("logistic regression, one-hot", X_lin),
    ("poly2 (all pairwise crosses)", X_poly),
]:
    lr = LogisticRegression(C=0.3, max_iter=3000).fit(X[~te], click[~te])
    auc[name] = roc_auc_score(click[te], lr.decision_function(X[te]))


class FM(torch.nn.Module):
    def __init__(self, n_features, k):
        super().__init__()
        self.bias = torch.nn.Parameter(torch.zeros(1))
        self.w = torch.nn.Embedding(n_features, 1)
        self.v = torch.nn.Embedding(n_features, k)
        torch.nn.init.zeros_(self.w.weight)
        torch.nn.init.normal_(self.v.weight, std=0.1)

    def forward(self, ids):
        # ids: (batch, n_fields), one active feature per field.
        v = self.v(ids)
        pair = 0.5 * (v.sum(1).pow(2) - v.pow(2).sum(1)).sum(1)
        return self.bias + self.w(ids).sum((1, 2)) + pair


offsets = np.cumsum([0] + sizes[:-1])
ids = torch.as_tensor(np.stack([f + o for f, o in zip(fields, offsets)], axis=1))
y = torch.as_tensor(click, dtype=torch.float32)
tr_idx = torch.as_tensor(np.nonzero(~te)[0])
fm = FM(sum(sizes), k=8)
print(f"FM parameters: {sum(p.numel() for p in fm.parameters())}")
opt = torch.optim.Adam(fm.parameters(), lr=0.02)
for _ in range(15):
    for b in tr_idx[torch.randperm(len(tr_idx))].split(512):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(fm(ids[b]), y[b])
        # L2 on the factors used in this batch (sparse-friendly regularisation).
        loss = loss + 3e-3 * fm.v(ids[b]).pow(2).sum() / len(b)
        opt.zero_grad()
        loss.backward()
        opt.step()
with torch.no_grad():
    auc["factorization machine (k=8)"] = roc_auc_score(click[te], fm(ids[te]).numpy())
auc["oracle (true logit)"] = roc_auc_score(click[te], logit[te])
for name, value in auc.items():
    print(f"{name:32s} test AUC {value:.3f}")
# --8<-- [end:sparse]
