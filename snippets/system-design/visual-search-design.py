# --8<-- [start:capacity]
import math


def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 100M catalogue images with one
# 768-d embedding each from a ViT-B/14 (86M parameters, 257 tokens at 224 px, about
# 2 FLOPs per parameter per token); 10M visual searches a day, peak 3x the mean; a
# detector of 100 GFLOP per photo and up to 3 crops embedded per photo; accelerators
# sustaining 100 TFLOP/s; IVF-PQ with 65,536 lists, 64-byte codes, 8-byte ids and
# nprobe 64; HNSW with M = 32; 1,000 shortlisted candidates re-scored with fp16
# vectors; 1M new catalogue images a day.
images, dim, searches, peak = 100e6, 768, 10e6, 3
embed_flops, detector_flops, crops = 2 * 86e6 * 257, 100e9, 3
chip, lists, code_bytes, nprobe, hnsw_m, shortlist = 100e12, 65_536, 64, 64, 32, 1_000
peak_qps = searches / 86_400 * peak
per_search = detector_flops + crops * embed_flops
# HNSW graph bytes per vector in faiss (see the capacity-planning answer)
hnsw_graph = 4 * (2 * hnsw_m + hnsw_m / (hnsw_m - 1)) + 12
hnsw_bytes = images * (dim * 4 + hnsw_graph)
pq_bytes = images * (code_bytes + 8)
usable = 0.7 * 256e9
rows = [
    ("peak visual searches/s", si(peak_qps)),
    ("FLOPs per search: detector + 3 crops", si(per_search)),
    ("accelerators for queries at peak", f"{peak_qps * per_search / chip:.1f}"),
    ("GPU-hours to re-embed the catalogue", si(images * embed_flops / chip / 3600)),
    ("new images to embed and index/s", si(1e6 / 86_400)),
    ("index: float32 vectors (bytes)", si(images * dim * 4)),
    ("index: HNSW M=32 on float32 (bytes)", si(hnsw_bytes)),
    ("index: IVF-PQ codes + ids (bytes)", si(pq_bytes)),
    (
        "IVF-PQ codes scanned per query (bytes)",
        si(images * nprobe / lists * code_bytes),
    ),
    ("fp16 vectors kept for re-scoring (bytes)", si(images * dim * 2)),
    ("shortlist re-scored in fp16 (bytes read)", si(shortlist * dim * 2)),
    ("exact scan per query (bytes read)", si(images * dim * 4)),
    # Machines per copy of the index: 256 GB of RAM, 70% of it usable
    ("256 GB machines, HNSW on float32", math.ceil(hnsw_bytes / usable)),
    ("256 GB machines, IVF-PQ", math.ceil(pq_bytes / usable)),
]
for name, value in rows:
    print(f"{name:<42}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:search]
import faiss
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

torch.set_num_threads(1)
faiss.omp_set_num_threads(1)
# The catalogue: 1,797 products, one 8x8 image each (scikit-learn's digits); the
# digit stands in for the category a human would call "similar".
digits = load_digits()
catalogue = digits.images.astype(np.float32) / 16
n = len(catalogue)
grid = np.linspace(-1, 1, 8)


def shifted(ids, rng):
    # Move each image by up to one pixel in each direction (the framing)
    m = len(ids)
    padded = np.pad(catalogue[ids], ((0, 0), (1, 1), (1, 1)))
    dy, dx = rng.integers(0, 3, (2, m))
    rows = (dy[:, None] + np.arange(8))[:, :, None]
    cols = (dx[:, None] + np.arange(8))[:, None, :]
    return padded[np.arange(m)[:, None, None], rows, cols]


def user_photos(ids, rng):
    # The domain gap: users' photos of the products `ids` are off-centre, have lower
    # contrast, a brighter and unevenly lit background, and sensor noise.
    m = len(ids)
    contrast = rng.uniform(0.4, 1.0, (m, 1, 1))
    angle = rng.uniform(0, 2 * np.pi, (m, 1, 1))
    ramp = np.cos(angle) * grid[None, None, :] + np.sin(angle) * grid[None, :, None]
    light = rng.uniform(0, 0.4, (m, 1, 1)) + rng.uniform(0, 0.2, (m, 1, 1)) * ramp
    noise = rng.normal(0, 0.1, (m, 8, 8))
    return (contrast * shifted(ids, rng) + light + noise).astype(np.float32)


def catalogue_views(ids, rng):
    # Augmented views of the catalogue image that do not reproduce the query domain
    return (shifted(ids, rng) + rng.normal(0, 0.1, (len(ids), 8, 8))).astype(np.float32)


# Half of the products train the encoder; the other half are added to the catalogue
# later and never seen in training. One user photo of every product is a query that
# searches the whole catalogue.
rng = np.random.default_rng(0)
order = rng.permutation(n)
seen, new = np.sort(order[: n // 2]), np.sort(order[n // 2 :])
queries = user_photos(np.arange(n), np.random.default_rng(1))


def unit(x):
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
    return np.ascontiguousarray(x / np.linalg.norm(x, axis=1, keepdims=True))


def evaluate(index_vectors, query_vectors):
    # Recall@10 of the photographed product, and the share of the top 10 that are
    # the same digit (a stand-in for human-labelled "similar")
    sim = unit(query_vectors) @ unit(index_vectors).T
    hit = (sim > sim[np.arange(n), np.arange(n)][:, None]).sum(1) < 10
    top = np.argsort(-sim, axis=1)[:, :10]
    similar = (digits.target[top] == digits.target[:, None]).mean()
    return hit[seen].mean(), hit[new].mean(), similar


def contrastive(make_query, steps=600, batch=256, temperature=0.1):
    # One encoder for both sides; InfoNCE with in-batch negatives, both directions
    torch.manual_seed(0)
    r = np.random.default_rng(2)
    encoder = nn.Sequential(
        nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 32)
    )
    opt = torch.optim.Adam(encoder.parameters(), lr=3e-3)
    images = torch.tensor(catalogue)
    for _ in range(steps):
        ids = r.choice(seen, batch, replace=False)
        q = F.normalize(encoder(torch.tensor(make_query(ids, r))), dim=1)
        k = F.normalize(encoder(images[ids]), dim=1)
        logits = q @ k.T / temperature
        labels = torch.arange(batch)
        loss = F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return encoder.requires_grad_(False)


pca = PCA(32, random_state=0).fit(catalogue.reshape(n, -1))
views_only = contrastive(catalogue_views)
query_pairs = contrastive(user_photos)
rows = {
    "raw pixels (64)": (catalogue, queries),
    "PCA (32)": (
        pca.transform(catalogue.reshape(n, -1)),
        pca.transform(queries.reshape(n, -1)),
    ),
    "contrastive, catalogue views (32)": (
        views_only(torch.tensor(catalogue)),
        views_only(torch.tensor(queries)),
    ),
    "contrastive, query-catalogue pairs (32)": (
        query_pairs(torch.tensor(catalogue)),
        query_pairs(torch.tensor(queries)),
    ),
}
print("recall@10 of the photographed product, for products seen in training and for")
print("new ones; share of the top 10 that show the same digit")
print(f"{'embedding (dims)':<42}{'seen':>7}{'new':>7}{'same digit':>12}")
for name, (index_vectors, query_vectors) in rows.items():
    cells = evaluate(index_vectors, query_vectors)
    print(f"{name:<42}{cells[0]:>7.3f}{cells[1]:>7.3f}{cells[2]:>12.3f}")

# The best embeddings in faiss; cosine similarity is L2 distance on unit vectors.
base = unit(rows["contrastive, query-catalogue pairs (32)"][0])
asked = unit(rows["contrastive, query-catalogue pairs (32)"][1])
d = base.shape[1]


def ivf_pq():
    # 32 lists; 16 sub-spaces of 2 dimensions with 16 centroids (4 bits) each, so
    # 8-byte codes. 4-bit codebooks train on a small catalogue; 8-bit ones (256
    # centroids) want about 10,000 training vectors.
    index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 32, 16, 4)
    index.nprobe = 8
    return index


def re_scored():
    # IVF-PQ shortlist of 5 x 10, re-scored with the exact vectors
    index = faiss.IndexRefineFlat(ivf_pq())
    index.k_factor = 5
    return index


indexes = {
    "exact (flat)": lambda: faiss.IndexFlatL2(d),
    "HNSW, M=16": lambda: faiss.IndexHNSWFlat(d, 16),
    "IVF-PQ, nprobe 8 of 32 lists": ivf_pq,
    "IVF-PQ, top 50 re-scored exactly": re_scored,
}
exact = None
print(f"{'index':<34}{'bytes/vector':>13}{'recall@10 vs exact':>19}{'product@10':>11}")
for name, make in indexes.items():
    index = make()
    index.train(base)
    empty = len(faiss.serialize_index(index))
    index.add(base)
    per_vector = (len(faiss.serialize_index(index)) - empty) / n
    _, top = index.search(asked, 10)
    # The first index, flat, is exact search: the reference for the others
    exact = top if exact is None else exact
    overlap = np.mean([len(np.intersect1d(a, b)) / 10 for a, b in zip(top, exact)])
    found = (top == np.arange(n)[:, None]).any(1).mean()
    print(f"{name:<34}{per_vector:>13.1f}{overlap:>19.3f}{found:>11.3f}")
# --8<-- [end:search]
