# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, docs, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["answer"]]
index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))


def recall_at_3(vecs: np.ndarray, qs: list[dict]) -> float:
    _, ranked = index.search(np.ascontiguousarray(vecs, dtype=np.float32), 3)
    hits = []
    for q, row in zip(qs, ranked):
        found = [(chunks[i][0], chunks[i][1].lower()) for i in row]
        hits.append(
            any(d in q["sources"] and q["answer"].lower() in t for d, t in found)
        )
    return float(np.mean(hits))


# 1. Conversational follow-ups: make them standalone before retrieval.
followups = [  # (previous user turn, follow-up, answer, source page)
    ("What is the meal allowance for domestic trips?", "And for trips abroad?",
     "85 EUR", "travel-policy"),
    ("How long are application logs kept?", "What about backups?",
     "35 days", "data-retention"),
    ("What does QF-4011 mean?", "And QF-4013?",
     "card has expired", "error-codes-payments"),
    ("How many weeks does the primary caregiver get?", "And the other parent?",
     "8 weeks", "parental-leave"),
    ("Who leads the Identity team?", "Which channel do they use?",
     "#identity", "team-identity"),
    ("When is the Berlin office open?", "Who is the office manager there?",
     "Greta Vogel", "offices"),
    ("What is the API limit on the standard tier?", "And on enterprise?",
     "3,000 requests", "api-rate-limits"),
]  # fmt: skip
fq = [{"answer": a, "sources": [s]} for _, _, a, s in followups]
alone = recall_at_3(embed([f for _, f, _, _ in followups]), fq)
# Stand-in rewriter: prepend the previous turn (an LLM would write a clean question).
rewritten = recall_at_3(embed([f"{prev} {f}" for prev, f, _, _ in followups]), fq)
print(f"follow-ups, R@3: as typed {alone:.3f}, with the previous turn {rewritten:.3f}")

# 2. Vocabulary mismatch: expand the company's abbreviations from its glossary page.
glossary = dict(re.findall(r"^([A-Z]{2,4}): (.+?)[,.]", docs["glossary"], re.M))


def expand(q: str) -> str:
    def spell_out(m: re.Match) -> str:
        return f"{m[0]} ({glossary[m[0]]})" if m[0] in glossary else m[0]

    return re.sub(r"\b[A-Z]{2,4}\b", spell_out, q)


jargon = [q for q in questions if q["type"] == "jargon"]
typed = recall_at_3(embed([q["question"] for q in jargon]), jargon)
expanded = recall_at_3(embed([expand(q["question"]) for q in jargon]), jargon)
print(f"jargon (n={len(jargon)}), R@3: as typed {typed:.3f}, expanded {expanded:.3f}")
print(f"  e.g. {expand('When does the ARB meet?')!r}")

# 3. HyDE: search with the vector of a hypothetical answer instead of the question.
# On the 30 paraphrased fact questions, where question and passage share few words.
import sys

sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402  SmolLM2-135M-Instruct, loaded once

facts = [q for q in questions if q["type"] == "fact"]
q_vecs = embed([q["question"] for q in facts])


def template_doc(q: str) -> str:
    """Stand-in generator with no knowledge: a fixed, answer-shaped frame."""
    return (
        f"Company policy: {q.rstrip('?')}. "
        "The handbook states the rule, the limit and who approves it."
    )


def answer_sentence(q: dict) -> str:
    """The gold sentence copied from the source page: not a query anyone has."""
    text = " ".join(docs[q["sources"][-1]].split())
    sents = re.split(r"(?<=[.!?])\s+", text)
    return next(s for s in sents if q["answer"].lower() in s.lower())


def hyde(hypothetical: list[str]) -> np.ndarray:
    """Average the hypothetical document's vector with the query's, as in the paper."""
    v = embed(hypothetical) + q_vecs
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# HyDE proper: an LLM that has never seen this handbook writes the passage.
written = rag_llm.generate(
    [f"Write a short passage of a company handbook that answers: {q['question']}"
     for q in facts],
    max_new_tokens=32,
)  # fmt: skip
variants = {
    "question": q_vecs,
    "HyDE, template stand-in": hyde([template_doc(q["question"]) for q in facts]),
    "HyDE, SmolLM2-135M passage": hyde(written),
    "gold sentence (upper bound)": hyde([answer_sentence(q) for q in facts]),
}
print(f"fact questions (n={len(facts)}), R@3:")
for name, vecs in variants.items():
    print(f"  {name:29s} {recall_at_3(vecs, facts):.3f}")
print(f"  e.g. {facts[0]['question']!r}\n  -> {written[0][:80]!r}...")
# --8<-- [end:example]
