# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, encoder, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["answer"]]


def token_vectors(texts: list[str]) -> list[np.ndarray]:
    """One 384-d vector per word piece (incl. [CLS] and [SEP]), before pooling."""
    out = encoder.encode(
        texts, output_value="token_embeddings", show_progress_bar=False
    )
    return [t.numpy() for t in out]


def pool(tokens: np.ndarray) -> np.ndarray:
    """What the bi-encoder does with them: mean over tokens, scaled to unit length."""
    v = tokens.mean(0)
    return v / np.linalg.norm(v)


def unit_rows(tokens: np.ndarray) -> np.ndarray:  # drop [CLS]/[SEP], normalise
    t = tokens[1:-1]
    return t / np.linalg.norm(t, axis=1, keepdims=True)


chunk_tok = token_vectors([t for _, t in chunks])
q_tok = token_vectors([q["question"] for q in questions])
chunk_vecs = np.stack([pool(t) for t in chunk_tok])
q_vecs = np.stack([pool(t) for t in q_tok])
reference = encoder.encode([t for _, t in chunks[:8]], normalize_embeddings=True)
same = np.allclose(chunk_vecs[:8], reference, atol=1e-5)
print(f"mean-pooled token vectors reproduce encoder.encode: {same}")

# Stage 1: the bi-encoder retrieves 20 candidates (chunk vectors are precomputed).
index = faiss.IndexFlatIP(384)
index.add(chunk_vecs)
_, candidates = index.search(q_vecs, 20)

# Stage 2 stand-ins: re-score the 20 candidates with finer-grained similarity.
chunk_unit, q_unit = [unit_rows(t) for t in chunk_tok], [unit_rows(t) for t in q_tok]


def maxsim(qi: int, ci: int) -> float:
    """Late interaction (ColBERT): each query token takes its best chunk token."""
    return float((q_unit[qi] @ chunk_unit[ci].T).max(axis=1).mean())


sents = [re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1]) for _, t in chunks]
flat = [s for ss in sents for s in ss]
sent_vecs = encoder.encode(flat, normalize_embeddings=True, show_progress_bar=False)
owner = np.repeat(np.arange(len(chunks)), [len(ss) for ss in sents])


def best_sentence(qi: int, ci: int) -> float:
    """The bi-encoder on sentence level: a chunk scores as its best sentence."""
    return float((sent_vecs[owner == ci] @ q_vecs[qi]).max())


def evaluate(ranked: list[np.ndarray]) -> str:
    first = []
    for q, row in zip(questions, ranked):
        answer = " ".join(q["answer"].split()).lower()
        rel = [
            chunks[i][0] in q["sources"] and answer in chunks[i][1].lower() for i in row
        ]
        first.append(rel.index(True) + 1 if any(rel) else np.inf)
    first = np.array(first)
    r1, r3, mrr = np.mean(first <= 1), np.mean(first <= 3), np.mean(1 / first)
    return f"{r1:6.3f} {r3:6.3f} {mrr:6.3f}"


print(f"{'top 20 re-ranked by':32s}    R@1    R@3    MRR")
print(f"{'(no re-ranking: bi-encoder)':32s} {evaluate(list(candidates))}")
for name, score in [
    ("sentence-level bi-encoder", best_sentence),
    ("token-level MaxSim", maxsim),
]:
    order = [
        np.argsort([-score(qi, ci) for ci in row], kind="stable")
        for qi, row in enumerate(candidates)
    ]
    print(f"{name:32s} {evaluate([row[o] for row, o in zip(candidates, order)])}")

# Cost: a cross-encoder reads query + candidate jointly, once per candidate, per query.
q_len = np.mean([len(t) for t in q_tok])
pairs = [
    sum(len(q_tok[qi]) + len(chunk_tok[ci]) for ci in row)
    for qi, row in enumerate(candidates)
]
print("tokens through the transformer per query:")
print(f"  bi-encoder {q_len:.0f}, cross-encoder on 20 candidates {np.mean(pairs):.0f}")
# --8<-- [end:example]
