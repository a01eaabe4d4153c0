# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss
from rank_bm25 import BM25Okapi

questions = [q for q in questions if q["answer"]]

# Dense: all-MiniLM-L6-v2 + exact inner-product search; rank every chunk.
index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))
_, dense = index.search(embed([q["question"] for q in questions]), len(chunks))

# Sparse: BM25 on tokens that keep identifiers whole ("qf-4012", "x-qf-ratelimit-...").
STOP = {"a", "an", "and", "are", "at", "be", "by", "can", "do", "does", "for", "from"}
STOP |= {"how", "i", "in", "is", "it", "my", "of", "on", "or", "the", "to"}
STOP |= {"what", "when", "which", "who"}


def tokenize(text: str) -> list[str]:
    tokens = re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())
    return [t for t in tokens if t not in STOP]


bm25 = BM25Okapi([tokenize(t) for _, t in chunks])
sparse = [
    np.argsort(-bm25.get_scores(tokenize(q["question"])), kind="stable")
    for q in questions
]


def rrf(rankings: list[np.ndarray], k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank(d))."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, 1):  # ranks start at 1
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return np.array(sorted(scores, key=lambda d: (-scores[d], d)))


hybrid = [rrf([d, s]) for d, s in zip(dense, sparse)]


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def first_relevant(q: dict, row: np.ndarray) -> float:
    for rank, i in enumerate(row[:20], 1):
        doc, text = chunks[i]
        if doc in q["sources"] and norm(q["answer"]) in norm(text):
            return rank
    return np.inf


types = ["fact", "identifier", "jargon", "multihop"]
print(
    "retriever  R@3 all  MRR all   R@3 by type: " + " ".join(f"{t:>10s}" for t in types)
)
for name, ranked in [("dense", dense), ("BM25", sparse), ("RRF", hybrid)]:
    first = np.array([first_relevant(q, row) for q, row in zip(questions, ranked)])
    by_type = [
        np.mean([f <= 3 for f, q in zip(first, questions) if q["type"] == t])
        for t in types
    ]
    print(
        f"{name:9s} {np.mean(first <= 3):8.3f} {np.mean(1 / first):8.3f} {'':13s}"
        + " ".join(f"{v:10.2f}" for v in by_type)
    )

qi = [q["question"] for q in questions].index("What does AU-1170 mean?")
top1 = chunks[dense[qi][0]][1].split(": ", 1)[1]
print(f"\nWhat does AU-1170 mean?  dense top-1: {top1[:44]}...")
for name, ranked in [("dense", dense), ("BM25", sparse), ("RRF", hybrid)]:
    rank = first_relevant(questions[qi], ranked[qi])
    print(f"  rank of the chunk that defines AU-1170, {name}: {rank:.0f}")
# --8<-- [end:example]
