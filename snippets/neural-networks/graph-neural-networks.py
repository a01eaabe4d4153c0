import networkx as nx
import numpy as np
import scipy.sparse as sp
import torch
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
N_CLASSES, PER_CLASS, DIM = 4, 250, 16
y = np.repeat(np.arange(N_CLASSES), PER_CLASS)
rng = np.random.default_rng(0)
# noisy features: the class signal sits in 4 of 16 columns, under unit noise
X = rng.normal(size=(len(y), DIM))
X[np.arange(len(y)), y] += 0.8
train = np.zeros(len(y), dtype=bool)
train[rng.choice(len(y), 200, replace=False)] = True
test = ~train


def sbm(p_in, p_out, seed):
    """Stochastic block model: edge probability p_in inside a class, p_out across."""
    probs = np.full((N_CLASSES, N_CLASSES), p_out)
    np.fill_diagonal(probs, p_in)
    g = nx.stochastic_block_model([PER_CLASS] * N_CLASSES, probs.tolist(), seed=seed)
    return nx.to_scipy_sparse_array(g, format="csr")


def gcn_norm(A):
    """Kipf-Welling propagation matrix D^-1/2 (A + I) D^-1/2."""
    A = A + sp.eye(A.shape[0])
    d = np.asarray(A.sum(axis=1)).ravel() ** -0.5
    return sp.diags(d) @ A @ sp.diags(d)


def edge_homophily(A):
    rows, cols = A.nonzero()
    return np.mean(y[rows] == y[cols])


def probe(features):
    """Logistic regression trained on the 200 labelled nodes, test accuracy."""
    clf = LogisticRegression(max_iter=2000).fit(features[train], y[train])
    return clf.score(features[test], y[test])


class GCN(torch.nn.Module):
    """Two layers of H' = A_hat H W: each layer averages a node with its neighbours."""

    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.lin1 = torch.nn.Linear(d_in, d_hidden)
        self.lin2 = torch.nn.Linear(d_hidden, d_out)

    def forward(self, A_hat, H):
        H = torch.relu(torch.sparse.mm(A_hat, self.lin1(H)))
        H = torch.nn.functional.dropout(H, 0.5, self.training)
        return torch.sparse.mm(A_hat, self.lin2(H))


def to_torch(M):
    M = M.tocoo()
    idx = torch.tensor(np.vstack([M.row, M.col]), dtype=torch.long)
    return torch.sparse_coo_tensor(
        idx, torch.tensor(M.data, dtype=torch.float32), M.shape, check_invariants=True
    )


def train_gcn(A_hat):
    torch.manual_seed(0)
    model = GCN(DIM, 32, N_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    A_t = to_torch(A_hat)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    for _ in range(100):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(A_t, X_t)[train], y_t[train])
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(A_t, X_t).argmax(1).numpy()
    return np.mean(pred[test] == y[test]), model, A_t, X_t


# (name, mean degree, share of a node's edges that stay inside its class)
settings = [
    ("homophilous", 10, 0.8),
    ("random edges", 10, 0.25),
    ("heterophilous", 10, 0.02),
    ("heterophilous", 30, 0.02),
]
print(f"features only, LR(X): {probe(X):.3f}")
print("graph          degree  homophily  LR(X, mean nbr X)  2-layer GCN")
graphs = []
for seed, (name, degree, h) in enumerate(settings):
    n_in, n_out = PER_CLASS - 1, len(y) - PER_CLASS
    A = sbm(h * degree / n_in, (1 - h) * degree / n_out, seed)
    deg = np.asarray(A.sum(axis=1)).ravel()
    mean_nbr = sp.diags(1 / np.maximum(deg, 1)) @ A @ X
    acc_gcn, model, A_t, X_t = train_gcn(gcn_norm(A))
    print(
        f"{name:<15}{deg.mean():6.1f}{edge_homophily(A):11.2f}"
        f"{probe(np.hstack([X, mean_nbr])):19.3f}{acc_gcn:13.3f}"
    )
    graphs.append(A)

# Relabel the nodes at random: a GCN's output rows move with them (equivariance)
perm = rng.permutation(len(y))
P = sp.csr_array((np.ones(len(y)), (np.arange(len(y)), perm)))
A_hat = gcn_norm(graphs[-1])
with torch.no_grad():
    out = model(A_t, X_t).numpy()
    out_perm = model(to_torch(P @ A_hat @ P.T), X_t[perm]).numpy()
print("permutation equivariant:", np.allclose(out_perm, out[perm], atol=1e-5))

# Over-smoothing: K parameter-free propagations A_hat^K X, then the same probe
A_hat = gcn_norm(graphs[0])
print("K   LR(A_hat^K X)  mean cos(nodes)  between-class variance share")
H, k_done = X.copy(), 0
for K in [0, 1, 2, 4, 8, 16, 32, 64]:
    while k_done < K:
        H, k_done = A_hat @ H, k_done + 1
    Hn = H / np.linalg.norm(H, axis=1, keepdims=True)
    # mean cosine similarity over all pairs of distinct nodes
    mean_cos = ((Hn.sum(0) ** 2).sum() - len(y)) / (len(y) * (len(y) - 1))
    class_means = np.stack([H[y == c].mean(0) for c in range(N_CLASSES)])[y]
    share = ((class_means - H.mean(0)) ** 2).sum() / ((H - H.mean(0)) ** 2).sum()
    print(f"{K:<4}{probe(H):13.3f}{mean_cos:17.3f}{share:30.3f}")
