import numpy as np

rng = np.random.default_rng(0)

# Ground truth: each user has several interests (a distribution over 10 categories)
# and arrives with one of them as today's intent. An item of category c is clicked with
# probability q_i if the intent is c, else never. A slate succeeds if anything is
# clicked.
n_users, n_items, n_cat, k = 300, 300, 10, 10
cat = rng.integers(n_cat, size=n_items)
quality = rng.beta(2, 5, size=n_items)
interest = rng.dirichlet(0.3 * np.ones(n_cat), size=n_users)
emb = np.eye(n_cat)[cat] + 0.3 * rng.normal(size=(n_items, n_cat))
emb /= np.linalg.norm(emb, axis=1, keepdims=True)
sim = np.clip(emb @ emb.T, 0, None)  # item-item similarity in [0, 1]


def success(u, slate):
    """P(at least one click): sum over intents of P(intent) x P(some item clicked)."""
    miss = np.ones(n_cat)
    for i in slate:
        miss[cat[i]] *= 1 - quality[i]
    return float(interest[u] @ (1 - miss))


def mmr(rel, lam):
    """Maximal marginal relevance: lam * relevance - (1 - lam) * max similarity."""
    slate = [int(np.argmax(rel))]
    while len(slate) < k:
        score = lam * rel - (1 - lam) * sim[:, slate].max(1)
        score[slate] = -np.inf
        slate.append(int(np.argmax(score)))
    return slate


def dpp_greedy(rel):
    """Greedy MAP of a DPP with kernel L = diag(rel) S diag(rel) (Chen et al., 2018):
    each step adds the item that most increases log det L_S (incremental Cholesky)."""
    L = rel[:, None] * sim * rel[None, :] + 1e-9 * np.eye(n_items)
    c, d2 = np.zeros((k, n_items)), np.diag(L).copy()
    slate = [int(np.argmax(d2))]
    for t in range(1, k):
        j = slate[-1]
        e = (L[j] - c[: t - 1, j] @ c[: t - 1]) / np.sqrt(d2[j])
        c[t - 1], d2 = e, d2 - e**2
        d2[slate] = -np.inf
        slate.append(int(np.argmax(d2)))
    return slate


def logdet(rel, slate):
    L = rel[:, None] * sim * rel[None, :] + 1e-9 * np.eye(n_items)
    return np.linalg.slogdet(L[np.ix_(slate, slate)])[1]


rerankers = {"top-k by relevance": lambda r: list(np.argsort(-r)[:k])}
for lam in [0.9, 0.7, 0.5]:
    rerankers[f"MMR lambda={lam}"] = lambda r, lam=lam: mmr(r, lam)
rerankers["DPP (greedy MAP)"] = dpp_greedy

print(f"{'re-ranker':<20} {'P(success)':>10} {'sum of CTRs':>11} {'categories':>10}")
for name, rerank in rerankers.items():
    res = []
    for u in range(n_users):
        rel = interest[u][cat] * quality  # the true expected click rate of each item
        slate = rerank(rel)
        res.append((success(u, slate), rel[slate].sum(), len(set(cat[slate]))))
    s, r, c = np.mean(res, axis=0)
    print(f"{name:<20} {s:>10.3f} {r:>11.3f} {c:>10.2f}")

# Check the incremental-Cholesky greedy against brute-force log-determinants.
rel = interest[0][cat] * quality
greedy = dpp_greedy(rel)
best = max(
    range(n_items),
    key=lambda i: -np.inf if i in greedy[:3] else logdet(rel, greedy[:3] + [i]),
)
print("fast greedy picks the same 4th item as brute force:", best == greedy[3])
