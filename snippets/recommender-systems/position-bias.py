import numpy as np
from scipy.optimize import minimize

rng = np.random.default_rng(0)

# Ground truth, a position-based click model:
# click = examined(position) x relevant(item).
n_items, d, slots, n_req = 2000, 5, 10, 10_000
X = rng.normal(size=(n_items, d))
w_true = np.array([0.2, 1.0, -0.8, 0.6, 0.0])
relevance = 1 / (1 + np.exp(-(X @ w_true - 1.0)))
exam = 1 / np.arange(1, slots + 1) ** 0.9  # P(examined | position), unknown to us

# Logging: the old ranker leans on feature 0, which matters little for relevance.
w_log = np.array([1.5, 0.5, -0.3, 0.2, 0.0])
cand = np.array([rng.choice(n_items, slots, replace=False) for _ in range(n_req)])
shown = np.take_along_axis(cand, np.argsort(-(X[cand] @ w_log), axis=1), axis=1)
# On 10% of requests, swap the top item with the one at a random position k.
swap = rng.random(n_req) < 0.1
k_swap = rng.integers(1, slots, size=n_req)
rows = np.flatnonzero(swap)
top = shown[rows, 0].copy()
shown[rows, 0] = shown[rows, k_swap[rows]]
shown[rows, k_swap[rows]] = top
clicks = rng.random(shown.shape) < exam[None, :] * relevance[shown]

# Propensities from the swaps: the same kind of item (the old top item) at position k
# vs at position 1 (Joachims et al., 2017). Relevance cancels in the ratio.
ctr_top_at_1 = clicks[~swap, 0].mean()
est = np.ones(slots)
for k in range(1, slots):
    at_k = swap & (k_swap == k)
    est[k] = clicks[at_k, k].mean() / ctr_top_at_1
# Each ratio rests on ~100 swaps, so smooth: fit p_k = k^-eta (least squares on logs).
k = np.arange(1, slots + 1)
eta = -np.sum(np.log(k) * np.log(est)) / np.sum(np.log(k) ** 2)  # p_1 = 1
prop = k**-eta
print("position      " + " ".join(f"{j:>5}" for j in k))
print("true exam/p1  " + " ".join(f"{v:>5.2f}" for v in exam / exam[0]))
print("swap ratios   " + " ".join(f"{v:>5.2f}" for v in est))
print(
    "fitted k^-eta "
    + " ".join(f"{v:>5.2f}" for v in prop)
    + f"  (eta {eta:.2f}, true 0.9)"
)


def fit(features, labels, weights):
    """Logistic regression on an inverse-propensity-weighted log loss,
    -(c/p) log s - (1 - c/p) log(1 - s): convex, its gradient is s - c/p."""
    y = labels * weights

    def loss_grad(w):
        z = features @ w
        loss = np.mean(np.logaddexp(0, z) - y * z)
        return loss, features.T @ (1 / (1 + np.exp(-z)) - y) / len(y)

    return minimize(loss_grad, np.zeros(features.shape[1]), jac=True).x


feats = np.hstack([X[shown.ravel()], np.ones((shown.size, 1))])
c = clicks.ravel().astype(float)
pos = np.tile(np.arange(slots), n_req)
pos_onehot = np.eye(slots)[pos][:, 1:]  # position 1 is the reference level
models = {
    "naive (clicks as labels)": fit(feats, c, np.ones_like(c))[:d],
    "position as a feature": fit(np.hstack([feats, pos_onehot]), c, np.ones_like(c))[
        :d
    ],
    "IPS (estimated propensity)": fit(feats, c, 1 / prop[pos])[:d],
}

# Evaluation on fresh candidate sets, ranked by each model, gains = true relevance.
test = np.array([rng.choice(n_items, slots, replace=False) for _ in range(2000)])
disc = 1 / np.log2(np.arange(2, slots + 2))
ideal = (np.sort(relevance[test], axis=1)[:, ::-1] * disc).sum(1)


def ndcg(w):
    order = np.take_along_axis(test, np.argsort(-(X[test] @ w), axis=1), axis=1)
    return np.mean((relevance[order] * disc).sum(1) / ideal)


print(f"\n{'model':<28} {'weight on feature 0':>19} {'NDCG@10':>8}")
print(f"{'true relevance':<28} {w_true[0]:>19.2f} {ndcg(w_true):>8.3f}")
print(f"{'old ranker':<28} {'':>19} {ndcg(w_log):>8.3f}")
for name, w in models.items():
    scale = np.linalg.norm(w_true) / np.linalg.norm(w)  # compare directions
    print(f"{name:<28} {w[0] * scale:>19.2f} {ndcg(w):>8.3f}")
