import numpy as np

rng = np.random.default_rng(0)

# 200 providers with Zipf popularity, 5 items each; 2,000 users. An item's relevance
# to a user (the probability the user likes it) depends on taste, plus a small edge
# for popular providers.
n_prov, per, n_users, k = 200, 5, 2000, 10
provider = np.repeat(np.arange(n_prov), per)
log_pop = -np.log(np.arange(1, n_prov + 1))  # provider 0 is the most popular
edge = 0.1 * (log_pop - log_pop.mean())[provider]
# unit-length item vectors: no item is liked by everyone, so any concentration of
# exposure comes from the popularity edge
v = rng.normal(size=(8, n_prov * per))
taste = rng.normal(size=(n_users, 8)) @ (v / np.linalg.norm(v, axis=0))
rel = 1 / (1 + np.exp(-(-2.0 + 0.8 * taste + edge)))
tail = np.arange(n_prov) >= n_prov // 5  # the 80% least popular providers
pos_w = 1 / np.log2(np.arange(2, k + 2))  # attention at ranks 1..k

# Merit-based target (Singh and Joachims' disparate treatment): exposure in
# proportion to each provider's total relevance over all users.
merit = np.bincount(provider, rel.sum(0), n_prov)
ideal = np.sort(rel, axis=1)[:, ::-1][:, :k] @ pos_w


def gini(x):
    x = np.sort(x)
    n = len(x)
    return (2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum())


def exposure_of(rankings):
    exposure = np.zeros(n_prov)
    for ranking in rankings:
        np.add.at(exposure, provider[ranking], pos_w)
    return exposure


def report(name, rankings):
    exposure = exposure_of(rankings)
    ndcg = np.mean(np.take_along_axis(rel, np.array(rankings), 1) @ pos_w / ideal)
    share = exposure / exposure.sum()
    # providers getting less than half of their merit-based share of exposure
    under = np.mean(share < 0.5 * merit / merit.sum())
    print(
        f"{name:<24}{gini(exposure):>6.3f}{share[tail].sum():>7.3f}"
        f"{under:>12.3f}{ndcg:>9.3f}"
    )
    return share


def top_k(scores):
    top = np.argpartition(-scores, k, axis=-1)[..., :k]
    order = np.argsort(-np.take_along_axis(scores, top, -1), axis=-1)
    return np.take_along_axis(top, order, -1)


head_rel, tail_rel = rel[:, ~tail[provider]].mean(), rel[:, tail[provider]].mean()
print(f"mean relevance: head providers {head_rel:.3f}, tail providers {tail_rel:.3f}")
print(f"{'ranking':<24}{'Gini':>6}{'tail':>7}{'under half':>12}{'NDCG@10':>9}")
m_share = merit / merit.sum()
print(f"{'merit (the target)':<24}{gini(merit):>6.3f}{m_share[tail].sum():>7.3f}")
share = report("greedy by relevance", top_k(rel))
top_rel = rel[:, provider == 0].mean()
print(
    f"  most popular provider: relevance {top_rel:.3f} (mean {rel.mean():.3f}), "
    f"exposure {share[0] / m_share[0]:.2f}x its merit share"
)
# control: the same tastes without the popularity edge
no_edge = exposure_of(top_k(-2.0 + 0.8 * taste))
print(f"  without the popularity edge: Gini {gini(no_edge):.3f}")

# FairCo-style controller (Morik et al., 2020): users arrive one at a time; each
# provider's score is boosted in proportion to its exposure deficit so far, measured
# as exposure per unit of merit against the best-served provider.
merit_item = merit / (n_users * per)
for lam in (0.001, 0.005):
    cum = np.zeros(n_prov)
    rankings = []
    for u in range(n_users):
        ratio = cum / merit_item
        boost = lam * (ratio.max() - ratio)
        ranking = top_k(rel[u] + boost[provider])
        np.add.at(cum, provider[ranking], pos_w / per)
        rankings.append(ranking)
    report(f"FairCo lambda={lam}", rankings)

# Plackett-Luce sampling: a random ranking per user, item i drawn with probability
# proportional to exp(rel_i / T) (Gumbel-max trick).
for temp in (0.02, 0.05):
    gumbel = -np.log(-np.log(rng.random(rel.shape)))
    report(f"Plackett-Luce T={temp}", top_k(rel / temp + gumbel))
