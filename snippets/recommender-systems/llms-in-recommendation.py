import numpy as np

rng = np.random.default_rng(0)

# Stand-ins for item text embeddings: 2,200 unit vectors in 64 dimensions, from 16
# topics in a 12-dimensional latent space plus noise. The first 2,000 items are the
# catalogue the quantiser is fitted on; the last 200 arrive later (cold start).
n_items, n_new, dim, n_topics = 2000, 200, 64, 16
topic = rng.integers(0, n_topics, n_items + n_new)
latent = rng.normal(0, 1, (n_topics, 12))[topic] + rng.normal(0, 0.5, (len(topic), 12))
X_all = latent @ rng.normal(0, 1, (12, dim)) + rng.normal(0, 0.3, (len(topic), dim))
X_all /= np.linalg.norm(X_all, axis=1, keepdims=True)
X, X_new, topic = X_all[:n_items], X_all[n_items:], topic[:n_items]


def nearest(X, centers):
    return np.argmax(2 * X @ centers.T - np.sum(centers**2, axis=1), axis=1)


def kmeans(X, k, seed, iters=30):
    """k-means++ seeding, then Lloyd iterations."""
    r = np.random.default_rng(seed)
    centers = X[[r.integers(len(X))]]
    d2 = np.sum((X - centers[0]) ** 2, axis=1)
    for _ in range(k - 1):
        new = X[r.choice(len(X), p=d2 / d2.sum())]
        centers = np.vstack([centers, new])
        d2 = np.minimum(d2, np.sum((X - new) ** 2, axis=1))
    for _ in range(iters):
        onehot = np.eye(k)[nearest(X, centers)]
        counts = onehot.sum(0)
        filled = counts > 0
        centers[filled] = (onehot.T @ X)[filled] / counts[filled, None]
    return centers


def fit_rq(X, n_codes, levels=3):
    """Residual k-means, the quantiser inside an RQ-VAE (without encoder/decoder):
    pick the nearest centroid, subtract it, quantise what is left with the next
    codebook. Returns the codebooks, the codes and the error left after each level."""
    codebooks, codes, resid = [], [], X.copy()
    errors = [np.mean(np.sum(resid**2, axis=1))]
    for level in range(levels):
        centers = kmeans(resid, n_codes, seed=level)
        c = nearest(resid, centers)
        codebooks.append(centers)
        codes.append(c)
        resid = resid - centers[c]
        errors.append(np.mean(np.sum(resid**2, axis=1)))
    return codebooks, np.stack(codes, axis=1), errors


def encode(codebooks, X):
    codes, resid = [], X.copy()
    for centers in codebooks:
        c = nearest(resid, centers)
        codes.append(c)
        resid = resid - centers[c]
    return np.stack(codes, axis=1)


codebooks, codes, errors = fit_rq(X, n_codes=32)
print("3 levels x 32 codes; mean squared error left (unit vectors, so 1 = nothing)")
print("  " + "  ".join(f"level {lev}: {e:.3f}" for lev, e in enumerate(errors)))

# Do items that share a code prefix have similar embeddings? All pairs of items.
iu = np.triu_indices(n_items, 1)
cos = (X @ X.T)[iu]
same_topic = (topic[:, None] == topic[None, :])[iu]


def shared_prefix(codes):
    return np.cumprod(codes[iu[0]] == codes[iu[1]], axis=1).sum(axis=1)


prefix = shared_prefix(codes)
prefix_random = shared_prefix(rng.integers(0, 32, codes.shape))
print("shared prefix    pairs  mean cos  same topic  mean cos with random IDs")
for p in range(4):
    m, mr = prefix == p, prefix_random == p
    print(
        f"{p:13d}{m.sum():9d}{cos[m].mean():10.3f}{same_topic[m].mean():12.3f}"
        f"{cos[mr].mean():26.3f}"
    )

# Collisions: two items with the same 3 tokens cannot be told apart by the decoder.
# For comparison, uniformly random IDs from M = n_codes**3 cells would give an expected
# n * (1 - (1 - 1/M) ** (n - 1)) items sharing their ID (the birthday problem).
print("codes per level  distinct IDs  items sharing their ID  if IDs were uniform")
for n_codes in [16, 32, 64]:
    c = codes if n_codes == 32 else fit_rq(X, n_codes)[1]
    _, group, size = np.unique(c, axis=0, return_inverse=True, return_counts=True)
    shared = (size[group.ravel()] > 1).sum()
    uniform = n_items * (1 - (1 - 1 / n_codes**3) ** (n_items - 1))
    print(f"{n_codes:15d}{len(size):14d}{shared:24d}{uniform:21.0f}")
# TIGER's fix: a 4th token that numbers the items inside each group.
_, group = np.unique(codes, axis=0, return_inverse=True)
group = group.ravel()
fourth = np.zeros(n_items, int)
for g in np.unique(group):
    fourth[group == g] = np.arange((group == g).sum())
with_fourth = len(np.unique(np.column_stack([codes, fourth]), axis=0))
print(f"32 codes + 4th token: {with_fourth} distinct IDs for {n_items} items")

# A new item gets an ID from its content alone; does it land next to similar items?
new_codes = encode(codebooks, X_new)
nearest = np.argmax(X_new @ X.T, axis=1)
for p, tokens in [(1, "token 1"), (2, "tokens 1-2")]:
    same = np.all(new_codes[:, :p] == codes[nearest, :p], axis=1).mean()
    print(
        f"new items sharing {tokens} with their nearest item: {same:.3f} "
        f"(random IDs: {32.0**-p:.3f})"
    )

# Cost per request, in FLOPs (about 2 x parameters per token processed). Assumed: an
# 8B-parameter LLM, a user history of 1,000 tokens, 20 tokens per candidate item.
llm, history, per_item = 8e9, 1000, 20
costs = {
    "dot products, 1,000 candidates, d=64": 2 * 64 * 1000,
    "ranker with 10M parameters, 1,000 candidates": 2 * 10e6 * 1000,
    "LLM, one prompt listing 20 candidates": 2 * llm * (history + 20 * per_item),
    "LLM, a prompt per candidate, 1,000 (history cached)": (
        2 * llm * (history + 1000 * per_item)
    ),
}
print("FLOPs per request to score the candidates (LLM rows: the prompt alone)")
for name, flops in costs.items():
    print(f"  {name:52s}{flops:9.1e}")
