# --8<-- [start:langid]
import csv
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

LANGS = ["en", "de", "fr", "es", "it"]
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
# Split by review id, so no translation of a test sentence is seen in training.
train = [(r[lang], lang) for r in rows[:40] for lang in LANGS]
test = [(r[lang], lang) for r in rows[40:] for lang in LANGS]
gold = np.array([lang for _, lang in test])

# Character 1-3-grams inside word boundaries: "schön" -> " s", " sc", "sch", ...
model = make_pipeline(
    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), MultinomialNB(alpha=0.1)
)
model.fit([t for t, _ in train], [lang for _, lang in train])
n_features = len(model[0].vocabulary_)
print(f"{len(train)} training sentences, {n_features} character n-gram features")

for n_words in [1, 2, 3, None]:  # the first n words of each test sentence, then all
    pred = model.predict([" ".join(t.split()[:n_words]) for t, _ in test])
    per_lang = "  ".join(f"{x} {np.mean(pred[gold == x] == x):.2f}" for x in LANGS)
    name = f"first {n_words} word(s)" if n_words else "full sentence"
    print(f"{name:16s} accuracy {np.mean(pred == gold):.3f} | {per_lang}")
    if n_words == 1:
        cm = confusion_matrix(gold, pred, labels=LANGS)
        np.fill_diagonal(cm, 0)
        i, j = np.unravel_index(cm.argmax(), cm.shape)
        print(
            f"  most frequent confusion: {LANGS[i]} "
            f"read as {LANGS[j]} ({cm.max()} of 20)"
        )

for text in ["Das Essen war gut", "La comida era buena", "Il cibo era buono", "Hotel"]:
    proba = model.predict_proba([text])[0]
    print(f"{text!r:21s} -> {model.classes_[proba.argmax()]} ({proba.max():.2f})")
# --8<-- [end:langid]
