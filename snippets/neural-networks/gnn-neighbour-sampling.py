import numpy as np
import scipy.sparse as sp
import torch
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)

# Degree-corrected stochastic block model: 5 communities, heavy-tailed propensities
N, K, DIM, MEAN_DEGREE, SHARE_INSIDE = 10_000, 5, 32, 10, 0.6
y = rng.integers(0, K, N)
theta = 1 + rng.pareto(1.8, N)
members = [np.flatnonzero(y == c) for c in range(K)]
cum_theta = [np.cumsum(theta[m]) / theta[m].sum() for m in members]


def draw_in_class(classes):
    """One node per entry of classes, with probability proportional to theta."""
    out = np.empty(len(classes), dtype=np.int64)
    for c in range(K):
        idx = np.flatnonzero(classes == c)
        out[idx] = members[c][np.searchsorted(cum_theta[c], rng.random(len(idx)))]
    return out


n_draws = N * MEAN_DEGREE // 2
src = rng.choice(N, n_draws, p=theta / theta.sum())
inside = rng.random(n_draws) < SHARE_INSIDE
dst = draw_in_class(
    np.where(inside, y[src], (y[src] + rng.integers(1, K, n_draws)) % K)
)
keep = src != dst
A = sp.coo_array((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(N, N))
A = ((A + A.T) > 0).astype(np.float64).tocsr()
indptr, indices, deg = A.indptr, A.indices, np.diff(A.indptr)
rows, cols = A.nonzero()
# a weak class signal in the features, under unit noise
X = 0.25 * rng.normal(size=(K, DIM))[y] + rng.normal(size=(N, DIM))
order = rng.permutation(N)
train, test = order[:2000], order[2000:]
print(
    f"{N:,} nodes, {A.nnz // 2:,} edges, degree: median {np.median(deg):.0f},"
    f" mean {deg.mean():.1f}, max {deg.max()}"
)
# a neighbour is reached through its edges, so its mean degree is E[d^2] / E[d]
print(
    f"mean degree of a neighbour {np.mean(deg**2) / deg.mean():.1f},"
    f" edge homophily {np.mean(y[rows] == y[cols]):.2f}"
)


def sample_neighbours(targets, fanout):
    """(index into targets, neighbour) pairs: up to fanout neighbours per target,
    uniformly without replacement; fanout None keeps them all."""
    d = deg[targets]
    seg = np.repeat(np.arange(len(targets)), d)
    rank = np.arange(d.sum()) - np.repeat(np.cumsum(d) - d, d)
    nbr = indices[np.repeat(indptr[targets], d) + rank]
    if fanout is None:
        return seg, nbr
    shuffled = np.lexsort((rng.random(len(seg)), seg))
    kept = shuffled[rank < fanout]
    return seg[kept], nbr[kept]


def computation_graph(seeds, fanouts):
    """Sources and one block per layer, from the seeds outwards (fanouts[0] is the
    hop next to the seeds). A block maps a layer's sources to its targets:
    the targets' own rows and a row-normalised (mean) aggregation matrix."""
    blocks, targets = [], seeds
    for fanout in fanouts:
        seg, nbr = sample_neighbours(targets, fanout)
        sources, inv = np.unique(np.concatenate([targets, nbr]), return_inverse=True)
        weights = 1.0 / np.bincount(seg, minlength=len(targets))[seg]
        mean_agg = torch.sparse_coo_tensor(
            np.vstack([seg, inv[len(targets) :]]),
            weights,
            (len(targets), len(sources)),
            check_invariants=True,
        ).coalesce()
        blocks.append((torch.from_numpy(inv[: len(targets)]), mean_agg))
        targets = sources
    return targets, blocks[::-1]


# (1) The receptive field of a batch, full against sampled
BATCH = 64
seeds = rng.choice(train, BATCH, replace=False)
print(f"(1) distinct nodes a batch of {BATCH} seeds needs, out of {N:,}")
print("layers     full  share  fan-outs      sampled  share  at most B(1+f1+f1f2..)")
for fanouts in [(10,), (10, 5), (10, 5, 5)]:
    full, _ = computation_graph(seeds, [None] * len(fanouts))
    sampled, _ = computation_graph(seeds, fanouts)
    bound = BATCH * (1 + np.cumprod(fanouts).sum())
    print(
        f"{len(fanouts):<6}{len(full):>9,}{len(full) / N:7.3f}  {str(fanouts):<11}"
        f"{len(sampled):>9,}{len(sampled) / N:7.3f}{bound:>10,}"
    )
hub = int(np.argmax(deg))
for hops in (1, 2):
    reach, _ = computation_graph(np.array([hub]), [None] * hops)
    print(
        f"top hub (degree {deg[hub]}), {hops}-hop neighbourhood: {len(reach) / N:.3f}"
    )

# (2) Sampled mean of the neighbours' features against the exact mean
seg, nbr = sample_neighbours(np.arange(N), None)
exact = np.zeros((N, DIM))
np.add.at(exact, seg, X[nbr])
exact /= np.maximum(deg, 1)[:, None]
# each node's population variance of its neighbours' features, for the formula
within = np.zeros(N)
np.add.at(within, seg, ((X[nbr] - exact[seg]) ** 2).sum(1))
within /= np.maximum(deg, 1)
print("(2) sampled neighbour mean vs exact, all nodes, mean over 10 draws")
print("fan-out  nodes sampled  squared error  formula  error / |exact|^2")
signal = (exact**2).sum(1).mean()
for k in [2, 5, 10, 25]:
    errors = []
    for _ in range(10):
        s, n = sample_neighbours(np.arange(N), k)
        estimate = np.zeros((N, DIM))
        np.add.at(estimate, s, X[n])
        estimate /= np.maximum(np.bincount(s, minlength=N), 1)[:, None]
        errors.append(((estimate - exact) ** 2).sum(1).mean())
    d = np.maximum(deg, k + 1)
    formula = np.where(deg > k, within / k * (d - k) / (d - 1), 0.0).mean()
    print(
        f"{k:<9}{np.mean(deg > k):13.3f}{np.mean(errors):15.3f}{formula:9.3f}"
        f"{np.mean(errors) / signal:19.3f}"
    )


# (3) Train the same 2-layer GraphSAGE-mean model full-batch and with sampling
class SAGE(torch.nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.self1 = torch.nn.Linear(d_in, d_hidden)
        self.nbr1 = torch.nn.Linear(d_in, d_hidden, bias=False)
        self.self2 = torch.nn.Linear(d_hidden, d_out)
        self.nbr2 = torch.nn.Linear(d_hidden, d_out, bias=False)

    def forward(self, h, blocks):
        (own1, agg1), (own2, agg2) = blocks
        h = torch.relu(self.self1(h[own1]) + self.nbr1(torch.sparse.mm(agg1, h)))
        h = torch.nn.functional.dropout(h, 0.5, self.training)
        # project before aggregating: the same result, on 5 columns instead of 32
        return self.self2(h[own2]) + torch.sparse.mm(agg2, self.nbr2(h))


def mlp(d_in):
    return torch.nn.Sequential(
        torch.nn.Linear(d_in, 32),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.5),
        torch.nn.Linear(32, K),
    )


def fit(model, steps, loss_at_step):
    torch.manual_seed(0)
    for layer in model.modules():
        if isinstance(layer, torch.nn.Linear):
            layer.reset_parameters()
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for step in range(steps):
        opt.zero_grad()
        loss_at_step(step).backward()
        opt.step()
    return model.eval()


ce = torch.nn.functional.cross_entropy
X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
_, full_blocks = computation_graph(np.arange(N), [None, None])

full_model = SAGE(DIM, 32, K)
fit(full_model, 200, lambda _: ce(full_model(X_t, full_blocks)[train], y_t[train]))

sampled_model, FANOUTS, SEEDS_PER_STEP = SAGE(DIM, 32, K), (10, 5), 250
steps_per_epoch = len(train) // SEEDS_PER_STEP
epoch_order = {}


def sampled_loss(step):
    if step % steps_per_epoch == 0:
        epoch_order["seeds"] = rng.permutation(train)
    i = step % steps_per_epoch
    seeds = epoch_order["seeds"][i * SEEDS_PER_STEP : (i + 1) * SEEDS_PER_STEP]
    sources, blocks = computation_graph(seeds, FANOUTS)
    return ce(sampled_model(X_t[sources], blocks), y_t[seeds])


fit(sampled_model, 25 * steps_per_epoch, sampled_loss)

features_only = mlp(DIM)
fit(features_only, 200, lambda _: ce(features_only(X_t[train]), y_t[train]))

# SGC and SIGN: propagate once with A_hat = D^-1/2 (A + I) D^-1/2, then no graph
A_loop = A + sp.eye(N)
d_inv_sqrt = sp.diags(1 / np.sqrt(A_loop.sum(axis=1)))
A_hat = d_inv_sqrt @ A_loop @ d_inv_sqrt
powers = [X, A_hat @ X]
powers.append(A_hat @ powers[1])
sign_X = torch.from_numpy(np.hstack(powers))
sign = mlp(3 * DIM)
fit(sign, 200, lambda _: ce(sign(sign_X[train]), y_t[train]))
sgc = LogisticRegression(max_iter=5000).fit(powers[2][train], y[train])


def accuracy(logits):
    return np.mean(logits.argmax(-1).numpy() == y[test])


with torch.no_grad():
    exact_logits = sampled_model(X_t, full_blocks)
    sources, blocks = computation_graph(test, FANOUTS)
    results = {
        "features only (MLP)": accuracy(features_only(X_t[test])),
        "2-layer SAGE, full batch": accuracy(full_model(X_t, full_blocks)[test]),
        "2-layer SAGE, sampled (10, 5), exact inference": accuracy(exact_logits[test]),
        "  same model, sampled inference": accuracy(
            sampled_model(X_t[sources], blocks)
        ),
        "SGC: logistic regression on A_hat^2 X": sgc.score(powers[2][test], y[test]),
        "SIGN: MLP on [X, A_hat X, A_hat^2 X]": accuracy(sign(sign_X[test])),
    }
    print(f"(3) test accuracy, {len(test):,} test nodes, {len(train):,} labelled")
    for name, value in results.items():
        print(f"{name:<48}{value:.3f}")

    # Checking a sampled model: repeat sampled passes on a subset, compare to exact
    subset, draws = test[:500], []
    for _ in range(100):
        sources, blocks = computation_graph(subset, FANOUTS)
        draws.append(sampled_model(X_t[sources], blocks))
    draws, reference = torch.stack(draws), exact_logits[subset]
    scale = reference.norm()
    gap = ((draws.mean(0) - reference).norm() / scale).item()
    spread = (draws.std(0).norm() / scale).item()
    # the mean of 100 passes still carries Monte Carlo noise of spread / sqrt(100)
    systematic = np.sqrt(max(gap**2 - (spread / 10) ** 2, 0.0))
    agree = (draws.argmax(2) == reference.argmax(1)).double().mean()
    print("500 test nodes, 100 sampled passes against the full-neighbour logits")
    print(f"one pass: spread {spread:.3f}, same prediction {agree:.3f}")
    print(
        f"mean of the passes: off by {gap:.3f}, noise alone {spread / 10:.3f},"
        f" systematic part {systematic:.3f}"
    )
