import numpy as np

rng = np.random.default_rng(0)

# Synthetic implicit feedback: 2,000 users, 1,000 items, 8 genres. Each item mixes a
# few genres, p(g | i); each user's taste mixes a few genres. Item popularity is
# long-tailed (Zipf) and independent of genre. A user interacts with an item with
# probability proportional to popularity x (taste . genres)^2.
n_users, n_items, n_genres, k = 2000, 1000, 8, 10
item_genres = rng.dirichlet(0.3 * np.ones(n_genres), n_items)
taste = rng.dirichlet(0.5 * np.ones(n_genres), n_users)
popularity = 1.0 / rng.permutation(np.arange(1, n_items + 1))
appeal = popularity * np.einsum("ug,ig->ui", taste, item_genres) ** 2
n_per_user = np.minimum(9 + rng.geometric(1 / 20, n_users), 150)
interactions = np.zeros((n_users, n_items), dtype=bool)
for u in range(n_users):
    chosen = rng.choice(
        n_items, n_per_user[u], replace=False, p=appeal[u] / appeal[u].sum()
    )
    interactions[u, chosen] = True
test = interactions & (rng.random(interactions.shape) < 0.2)
train = interactions & ~test
keep = test.any(1)
train, test = train[keep], test[keep]
n_eval = len(train)

# Item statistics from training data only.
item_count = train.sum(0)
# Self-information of an item: -log2 of the share of users who consumed it (add-one).
self_info = -np.log2((item_count + 1) / (n_eval + 1))
# Long tail (Abdollahpouri et al.): items outside the short head that holds 80% of
# training interactions.
by_pop = np.argsort(-item_count, kind="stable")
n_head = int(np.searchsorted(np.cumsum(item_count[by_pop]), 0.8 * item_count.sum())) + 1
is_tail = np.ones(n_items, dtype=bool)
is_tail[by_pop[:n_head]] = False
genre_unit = item_genres / np.linalg.norm(item_genres, axis=1, keepdims=True)
x = train.astype(float)
# Genre mix of each user's training history, p(g | u), for calibration.
history_mix = x @ item_genres / x.sum(1, keepdims=True)
print(
    f"{n_eval} test users; {n_head} head items hold 80% of training interactions; "
    f"{n_items - n_head} tail items"
)


def top_n(scores, n):
    masked = np.where(train, -np.inf, scores)
    return np.argsort(-masked, axis=1, kind="stable")[:, :n]


def gini(x):
    x = np.sort(x)
    n = len(x)
    return (2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum())


def personalisation(lists):
    # 1 - mean overlap of two users' lists, over all pairs of users: the number of
    # pairs sharing item i is c_i (c_i - 1) / 2, so no n^2 loop is needed.
    c = np.bincount(lists.ravel(), minlength=n_items).astype(np.int64)
    n = len(lists)
    return 1 - (c * (c - 1)).sum() / (n * (n - 1) * k)


def evaluate(lists, baseline_lists):
    hits = np.take_along_axis(test, lists, axis=1)
    discount = 1 / np.log2(np.arange(2, k + 2))
    n_rel = np.minimum(test.sum(1), k)
    ndcg = (hits @ discount) / np.cumsum(discount)[n_rel - 1]
    exposure = np.bincount(lists.ravel(), minlength=n_items)
    g = genre_unit[lists]
    pair_sim = np.einsum("ukg,ulg->ukl", g, g)
    ild = (k * k - pair_sim.sum((1, 2))) / (k * (k - 1))
    # Calibration (Steck 2018): KL(p || q~) between the genre mix of the history, p,
    # and of the list, q, with q~ = 0.99 q + 0.01 p so that it stays finite.
    list_mix = item_genres[lists].mean(1)
    q = 0.99 * list_mix + 0.01 * history_mix
    kl = (history_mix * np.log(history_mix / q)).sum(1)
    # Serendipity: relevant (a held-out hit) and unexpected (not in the list that a
    # primitive recommender, most-popular, shows this user), per slot.
    unexpected = ~(lists[:, :, None] == baseline_lists[:, None, :]).any(2)
    return {
        "NDCG": ndcg.mean(),
        "cover": len(np.unique(lists)) / n_items,
        "Gini": gini(exposure),
        "tail": is_tail[lists].mean(),
        "nov": self_info[lists].mean(),
        "ILD": ild.mean(),
        "pers": personalisation(lists),
        "KL": kl.mean(),
        "seren": (hits & unexpected).mean(),
    }


# Recommenders. Item-based kNN: score an item by the sum of its cosine similarities
# (co-occurrence in training) to the items in the user's history.
co_counts = x.T @ x
norms = np.sqrt(np.diag(co_counts))
item_sim = co_counts / np.outer(norms, norms).clip(min=1)
np.fill_diagonal(item_sim, 0)
knn_scores = x @ item_sim
popular_scores = np.tile(item_count - 1e-6 * np.arange(n_items), (n_eval, 1))
popular_lists = top_n(popular_scores, k)
lists = {
    "random": top_n(rng.random((n_eval, n_items)), k),
    "most popular": popular_lists,
    "item kNN": top_n(knn_scores, k),
}

# Re-rankers over each user's top 100 candidates from item kNN.
candidates = top_n(knn_scores, 100)
relevance = np.take_along_axis(knn_scores, candidates, axis=1)


def zscore(a):
    return (a - a.mean(1, keepdims=True)) / a.std(1, keepdims=True)


def popularity_penalty(beta):
    score = (1 - beta) * zscore(relevance) + beta * zscore(self_info[candidates])
    order = np.argsort(-score, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(candidates, order, axis=1)


def mmr(lam):
    lo, hi = relevance.min(1, keepdims=True), relevance.max(1, keepdims=True)
    rel = (relevance - lo) / (hi - lo)
    g = genre_unit[candidates]
    users = np.arange(n_eval)
    picked = np.zeros((n_eval, k), dtype=int)
    max_sim = np.zeros_like(rel)
    taken = np.zeros(rel.shape, dtype=bool)
    for step in range(k):
        score = np.where(taken, -np.inf, lam * rel - (1 - lam) * max_sim)
        best = np.argmax(score, axis=1)
        picked[:, step], taken[users, best] = best, True
        sim_to_best = np.einsum("ucg,ug->uc", g, g[users, best])
        max_sim = np.maximum(max_sim, sim_to_best)
    return np.take_along_axis(candidates, picked, axis=1)


for beta in [0.25, 0.5]:
    lists[f"kNN + pop. penalty {beta}"] = popularity_penalty(beta)
for lam in [0.8, 0.5]:
    lists[f"kNN + MMR lambda {lam}"] = mmr(lam)

results = {name: evaluate(lst, popular_lists) for name, lst in lists.items()}
cols = list(results["random"])
print(f"{'recommender':<24}" + "".join(f"{c:>7}" for c in cols))
for name, m in results.items():
    print(f"{name:<24}" + "".join(f"{m[c]:7.3f}" for c in cols))

# Where the strong popularity penalty's slots come from: the user's main genre?
main_genre = history_mix.argmax(1)
in_main = {
    name: (item_genres[lists[name]].argmax(2) == main_genre[:, None]).mean()
    for name in ["item kNN", "kNN + pop. penalty 0.5"]
}
print(
    "share of slots in the user's main genre: "
    + ", ".join(f"{name} {share:.3f}" for name, share in in_main.items())
)

# Check the personalisation shortcut against explicit pairwise overlaps.
sub = lists["item kNN"][:300]
overlap = [len(np.intersect1d(a, b)) for i, a in enumerate(sub) for b in sub[i + 1 :]]
brute = 1 - np.mean(overlap) / k
print(
    "personalisation shortcut matches pairwise overlaps:",
    np.isclose(brute, personalisation(sub)),
)
