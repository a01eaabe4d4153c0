# The page runs this after corpus.py:setup and :cache; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["answer"]]


def split_sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


STOP = {"a", "an", "and", "are", "at", "be", "by", "can", "do", "does", "for", "from"}
STOP |= {"how", "i", "in", "is", "it", "of", "on", "or", "the", "to", "what", "when"}
STOP |= {"who", "with"}


def content(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9#]+(?:[-.,:][a-z0-9]+)*", text.lower())
    return {w for w in words if w not in STOP}


def precision_at_k(q: dict, retrieved: list[str]) -> float:
    """Plain precision: share of the retrieved chunks that hold the answer."""
    return float(np.mean([q["answer"].lower() in c.lower() for c in retrieved]))


def context_precision(q: dict, retrieved: list[str]) -> float:
    """RAGAS-style, rank-aware: mean precision@k over the ranks k of relevant chunks."""
    rel = [q["answer"].lower() in c.lower() for c in retrieved]
    hits = [sum(rel[: k + 1]) / (k + 1) for k in range(len(rel)) if rel[k]]
    return float(np.mean(hits)) if hits else 0.0


def context_recall(q: dict, retrieved: list[str]) -> float:
    """Share of the reference answer's content words found in the retrieved context."""
    ref = content(q["answer"])
    return len(ref & content(" ".join(retrieved))) / len(ref)


def faithfulness(answer: str, retrieved: list[str]) -> float:
    """Share of answer sentences whose words all occur in one context sentence."""
    ctx = [content(s) for c in retrieved for s in split_sentences(c)]
    claims = [content(s) for s in split_sentences(answer)]
    return float(np.mean([any(claim <= c for c in ctx) for claim in claims]))


def answer_relevance(question: str, answer: str) -> float:
    """Cosine of question and answer (RAGAS: of the question and LLM-written questions
    that the answer would answer)."""
    return float(embed([question])[0] @ embed([answer])[0])


# Four systems to score: retrieval (k=3, k=10, random) x generator (grounded or not).
sentences = [
    (i, s)
    for i, (_, t) in enumerate(chunks)
    for s in split_sentences(t.split(": ", 1)[1])
]
sent_chunk = np.array([i for i, _ in sentences])
sent_vecs = embed([s for _, s in sentences])
q_vecs = embed([q["question"] for q in questions])
index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))
_, top10 = index.search(q_vecs, 10)
rng = np.random.default_rng(0)
random3 = [rng.choice(len(chunks), 3, replace=False) for _ in questions]


def extractive(qi: int, allowed: np.ndarray) -> str:
    """Stand-in generator: the allowed chunks' sentence closest to the question."""
    scores = np.where(np.isin(sent_chunk, allowed), sent_vecs @ q_vecs[qi], -np.inf)
    return sentences[int(np.argmax(scores))][1]


everything = np.arange(len(chunks))
systems = {  # name -> [(retrieved chunk ids, answer) per question]
    "dense k=3 + extractive": [
        (r[:3], extractive(i, r[:3])) for i, r in enumerate(top10)
    ],
    "dense k=10 + extractive": [(r, extractive(i, r)) for i, r in enumerate(top10)],
    "random k=3 + extractive": [(r, extractive(i, r)) for i, r in enumerate(random3)],
    # answers "from memory" (the whole corpus), whatever it retrieved
    "dense k=3 + ungrounded": [
        (r[:3], extractive(i, everything)) for i, r in enumerate(top10)
    ],
}
print(f"{'system':24s}    P@k ctx prec  ctx rec faithful  ans rel  correct")
for name, runs in systems.items():
    embed([answer for _, answer in runs])  # one batch; answer_relevance reads the cache
    rows = []
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
# --8<-- [end:example]
