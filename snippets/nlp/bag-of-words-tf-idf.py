# --8<-- [start:tfidf]
import csv
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
docs = [row["text"] for row in csv.DictReader(lines)]

# Bag of words: one column per vocabulary word, the value is its count in the document.
counts = CountVectorizer()
X_counts = counts.fit_transform(docs)
print(
    f"bag of words: {X_counts.shape[0]} documents x {X_counts.shape[1]} words, "
    f"{X_counts.nnz / np.prod(X_counts.shape):.2%} non-zero"
)

# TF-IDF with scikit-learn's defaults: smooth_idf=True, norm="l2", raw term counts as
# tf.
tfidf = TfidfVectorizer()
X = tfidf.fit_transform(docs).toarray()

# The same thing in NumPy, from the counts.
tf = X_counts.toarray().astype(float)
n_docs = tf.shape[0]
df = (tf > 0).sum(axis=0)  # document frequency of each word
idf = (
    np.log((1 + n_docs) / (1 + df)) + 1
)  # smoothed: as if one extra document held every word
X_numpy = tf * idf
X_numpy /= np.linalg.norm(X_numpy, axis=1, keepdims=True)  # unit length per document
print(
    "NumPy TF-IDF equals TfidfVectorizer:",
    np.allclose(X, X_numpy),
    "| idf equal:",
    np.allclose(idf, tfidf.idf_),
)

vocab = tfidf.get_feature_names_out()
doc = docs.index("This lamp is beautiful and the light is warm")
top = np.argsort(-X[doc])[:4]
print(f"document {doc}: {docs[doc]!r}")
print("  highest weights:", ", ".join(f"{vocab[i]} {X[doc, i]:.2f}" for i in top))
print(
    "  idf of 'the' vs 'lamp':",
    f"{idf[tfidf.vocabulary_['the']]:.2f} vs {idf[tfidf.vocabulary_['lamp']]:.2f}",
)

# What the default token_pattern r"(?u)\b\w\w+\b" throws away before any model sees it.
candidates = ["i", "u", "👍", "👎", "not", "10"]
print("kept:   ", [t for t in candidates if t in tfidf.vocabulary_])
print("dropped:", [t for t in candidates if t not in tfidf.vocabulary_])
# --8<-- [end:tfidf]
