# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import random

import faiss
from rank_bm25 import BM25Okapi

random.seed(0)
texts = [t for _, t in chunks]
index = faiss.IndexFlatIP(384)
index.add(embed(texts))
real = [q for q in questions if q["answer"]]

# 1. Synthetic questions written from a chunk copy its words. Stand-in generator:
# one sentence of the chunk, turned into a question (an LLM paraphrases more, and
# still leans on the passage's wording). The label is free: the source chunk.
synthetic = []
for i, (_, text) in enumerate(chunks):
    sents = re.split(r"(?<=[.!?])\s+", text.split(": ", 1)[1])
    s = random.choice(sents).rstrip(".")
    synthetic.append((f"Is it true that {s[0].lower() + s[1:]}?", i))
_, ranked = index.search(embed([q for q, _ in synthetic]), 3)
syn_r3 = np.mean([i in row for (_, i), row in zip(synthetic, ranked)])


def grade(q: dict, i: int) -> int:  # 2: holds the answer, 1: right page, 0: not
    doc, text = chunks[i]
    if doc not in q["sources"]:
        return 0
    return 2 if q["answer"].lower() in text.lower() else 1


def metrics(rankings: np.ndarray) -> np.ndarray:
    """Per question: R@3 (binary: grade 2) and nDCG@10 with graded gains."""
    out = []
    for q, row in zip(real, rankings):
        g = np.array([grade(q, i) for i in row[:10]])
        ideal = sorted((grade(q, i) for i in range(len(chunks))), reverse=True)[:10]
        disc = 1 / np.log2(np.arange(2, 12))
        ndcg = ((2.0**g - 1) @ disc) / ((2.0 ** np.array(ideal) - 1) @ disc)
        out.append((float((g[:3] == 2).any()), ndcg))
    return np.array(out)


_, dense = index.search(embed([q["question"] for q in real]), 10)
bm25 = BM25Okapi([re.findall(r"[a-z0-9#-]+", t.lower()) for t in texts])
lexical = np.array(
    [
        np.argsort(-bm25.get_scores(re.findall(r"[a-z0-9#-]+", q["question"].lower())))
        for q in real
    ]
)
d, b = metrics(dense), metrics(lexical)
print(
    f"R@3 dense: synthetic questions {syn_r3:.3f}, real questions {d[:, 0].mean():.3f}"
)
print(f"\n{'55 real questions':17s} {'R@3':>6s} {'nDCG@10':>8s}")
print(f"{'dense':17s} {d[:, 0].mean():6.3f} {d[:, 1].mean():8.3f}")
print(f"{'BM25':17s} {b[:, 0].mean():6.3f} {b[:, 1].mean():8.3f}")

# 2. Is the difference real? Paired bootstrap over questions.
rng = np.random.default_rng(0)
diff = b - d  # per question
boot = np.array(
    [diff[rng.integers(0, len(diff), len(diff))].mean(0) for _ in range(2000)]
)
lo, hi = np.percentile(boot, [2.5, 97.5], axis=0)
for j, name in enumerate(["R@3", "nDCG@10"]):
    ci = f"95% CI [{lo[j]:+.3f}, {hi[j]:+.3f}]"
    print(f"BM25 - dense, {name:7s} {diff[:, j].mean():+.3f}  {ci}")
# --8<-- [end:example]
