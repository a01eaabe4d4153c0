# --8<-- [start:langid]
import csv
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

LANGS = ["en", "de", "fr", "es", "it"]
rows = list(
    csv.DictReader(
        Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
    )
)
# Split by sentence id, so no translation of a test sentence is seen in training.
train = [(r[lang], lang) for r in rows[:40] for lang in LANGS]
test = [(r[lang], lang) for r in rows[40:] for lang in LANGS]

# Character 1-3-grams inside word boundaries: "schön" -> " s", "sc", "sch", "chö", "ön ", ...
model = make_pipeline(
    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), MultinomialNB(alpha=0.1)
)
model.fit([t for t, _ in train], [lang for _, lang in train])
print(
    f"{len(train)} training sentences, {model[0].transform(['x']).shape[1]} character n-gram features"
)

for n_words in [1, 2, 3, None]:
    texts = [" ".join(t.split()[:n_words]) for t, _ in test]
    gold = np.array([lang for _, lang in test])
    pred = model.predict(texts)
    per_lang = "  ".join(
        f"{lang} {np.mean(pred[gold == lang] == lang):.2f}" for lang in LANGS
    )
    print(
        f"{f'first {n_words} word(s)' if n_words else 'full sentence':16s}: accuracy {np.mean(pred == gold):.3f}  |  {per_lang}"
    )
    if n_words == 1:
        cm = confusion_matrix(gold, pred, labels=LANGS)
        np.fill_diagonal(cm, 0)
        worst = np.unravel_index(cm.argmax(), cm.shape)
        print(
            f"  most frequent one-word confusion: {LANGS[worst[0]]} read as {LANGS[worst[1]]} ({cm.max()} of 20)"
        )

for text in [
    "Das Essen war gut",
    "La comida era buena",
    "Il cibo era buono",
    "The hotel",
    "Hotel",
]:
    proba = model.predict_proba([text])[0]
    print(f"{text!r:22s} -> {model.classes_[proba.argmax()]} ({proba.max():.2f})")
# --8<-- [end:langid]
