import numpy as np

rng = np.random.default_rng(0)


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# Ground truth: each document has a latent meaning z; its true neighbours are the
# nearest in z. The old and the new embedding models see z through different random
# maps (different spaces, different dimensions); the new one is less noisy.
n, n_q, latent, k = 10_000, 300, 32, 10
z = rng.normal(size=(n + n_q, latent))
old_map, new_map = rng.normal(size=(latent, 384)), rng.normal(size=(latent, 768))
old = unit(z @ old_map + 3.0 * rng.normal(size=(n + n_q, 384)))
new = unit(z @ new_map + 2.0 * rng.normal(size=(n + n_q, 768)))
old_docs, new_docs, old_q, new_q = old[:n], new[:n], old[n:], new[n:]


def top_k(scores):
    part = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


zs = unit(z)
truth = top_k(zs[n:] @ zs[:n].T)


def recall(top):
    return np.mean([len(set(a) & set(b)) for a, b in zip(top, truth)]) / k


def show(name, top):
    print(f"{name:<46} {recall(top):>9.3f}")


print(f"{'setting':<46} {'recall@10':>9}")
show("old model, old index", top_k(old_q @ old_docs.T))
# The bug: new 768-d vectors cut to 384 dimensions and searched in the old index.
show("new queries in the old index (wrong space)", top_k(new_q[:, :384] @ old_docs.T))

# A linear adapter from the new space to the old one, fitted by least squares on 5,000
# documents embedded by both models, lets new queries use the old index meanwhile.
pairs = rng.choice(n, 5_000, replace=False)
W, *_ = np.linalg.lstsq(new_docs[pairs], old_docs[pairs], rcond=None)
show("new queries through an adapter, old index", top_k(unit(new_q @ W) @ old_docs.T))

# Halfway through the backfill, half the documents are re-embedded. A single mixed
# index compares vectors from two spaces; dual reads query each index with its own
# model and merge the two lists by rank, because scores of two models do not compare.
done = rng.random(n) < 0.5
mixed = np.where(done[:, None], new_docs[:, :384], old_docs)
show("50% backfilled, one mixed index", top_k(old_q @ mixed.T))
from_old = top_k(np.where(done, -np.inf, old_q @ old_docs.T))
from_new = top_k(np.where(done, new_q @ new_docs.T, -np.inf))
merged = np.stack([from_new, from_old], axis=2).reshape(n_q, 2 * k)[:, :k]  # interleave
show("50% backfilled, dual read + rank merge", merged)
show("fully backfilled: new model, new index", top_k(new_q @ new_docs.T))

# The backfill itself, for 1B documents.
docs, per_gpu_s = 1e9, 2_000  # ASSUMPTION: documents embedded per second per GPU
gpu_hours = docs / per_gpu_s / 3600
print(
    f"\nre-embedding 1B documents at {per_gpu_s:,} docs/s/GPU: "
    f"{gpu_hours:,.0f} GPU-hours"
)
print(f"on 64 GPUs: {gpu_hours / 64:.1f} hours, before building the new index")
