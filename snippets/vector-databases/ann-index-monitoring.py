import faiss
import numpy as np

faiss.omp_set_num_threads(1)
rng = np.random.default_rng(0)

# Clustered unit vectors of low intrinsic dimension, standing in for embeddings. The
# index launches on topics 0-59; later inserts and queries come from topics 60-99.
d, latent, k, nlist, nprobe = 384, 64, 10, 100, 8
topics = rng.normal(size=(100, latent))
proj = rng.normal(size=(latent, d)) / np.sqrt(latent)
old_topics, new_topics = np.arange(60), np.arange(60, 100)


def embed(n, new_share=0.0):
    new = rng.random(n) < new_share
    t = np.where(new, rng.choice(new_topics, n), rng.choice(old_topics, n))
    x = (topics[t] + 1.5 * rng.normal(size=(n, latent))) @ proj
    x += 0.1 * rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype("float32")


def build_ivf(train_sample):
    # IVF with inner product on unit vectors (cosine); FAISS normalises the centroids.
    index = faiss.IndexIVFFlat(
        faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT
    )
    index.train(train_sample)
    index.nprobe = nprobe
    return index


def health(index, exact, canaries):
    """Canary recall against brute force, plus signals that need no ground truth."""
    _, truth = exact.search(canaries, k)  # recomputed: the corpus has changed
    stats = faiss.cvar.indexIVF_stats
    stats.reset()
    _, found = index.search(canaries, k)
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(found, truth)]) / k
    sizes = np.array([index.invlists.list_size(i) for i in range(nlist)])
    sim, _ = index.quantizer.search(canaries, 1)  # cosine to the nearest centroid
    return {
        "recall": recall,
        "scanned": stats.ndis / len(canaries),
        "max/mean list": sizes.max() / sizes.mean(),
        "centroid cos": float(sim.mean()),
    }


corpus = embed(20_000)
index = build_ivf(corpus)
index.add(corpus)
exact = faiss.IndexFlatIP(d)
exact.add(corpus)
frozen = embed(200)  # canary set chosen at launch, never refreshed
baseline = health(index, exact, frozen)["centroid cos"]

print("                              recall@10")
print("check        vectors  new%  frozen  recent scanned max/mean   cos  alerts")


def report(name, index, recent, new_share):
    f, r = health(index, exact, frozen), health(index, exact, recent)
    alerts = []
    if r["recall"] < 0.90:
        alerts.append("recall<0.90")
    if r["centroid cos"] < baseline - 0.05:
        alerts.append("drift")
    print(
        f"{name:<10} {index.ntotal:>9,} {new_share:>5.0%} {f['recall']:>7.3f} "
        f"{r['recall']:>7.3f} {r['scanned']:>7.0f} {r['max/mean list']:>8.2f} "
        f"{r['centroid cos']:>5.2f}  {' '.join(alerts) or '-'}"
    )


report("launch", index, embed(200), 0.0)
for week in range(1, 5):
    # Each week 10,000 documents from new topics; queries follow the corpus mix.
    batch = embed(10_000, new_share=1.0)
    index.add(batch)
    exact.add(batch)
    corpus = np.vstack([corpus, batch])
    share = 1 - 20_000 / len(corpus)
    recent = embed(200, share)  # a fresh sample of this week's queries
    report(f"week {week}", index, recent, share)

# The rebuild trigger fired: train a shadow index on a sample of the current corpus,
# compare it on week 4's canaries, and promote it if it wins.
shadow = build_ivf(corpus[rng.choice(len(corpus), 20_000, replace=False)])
shadow.add(corpus)
report("shadow", shadow, recent, share)
