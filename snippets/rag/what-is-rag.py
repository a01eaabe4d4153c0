# The page runs this after corpus.py:setup and :cache; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
from typing import Protocol

import faiss

Chunk = tuple[str, str]  # (doc, text) from chunk_page; doc is cited as the source


def sentences(chunk: Chunk) -> list[str]:  # without the 'Title > Section: ' label
    return re.split(r"(?<=[.!?])\s+", chunk[1].split(": ", 1)[1])


index = faiss.IndexFlatIP(384)  # inner product of unit vectors = cosine similarity
index.add(embed([text for _, text in chunks]))
embed([s for c in chunks for s in sentences(c)])  # for the extractive reader, once


def retrieve(question: str, k: int = 3) -> list[Chunk]:
    _, ids = index.search(embed([question]), k)
    return [chunks[i] for i in ids[0]]


def build_prompt(question: str, sources: list[Chunk]) -> str:
    context = "\n".join(
        f"[{n}] ({doc}) {text}" for n, (doc, text) in enumerate(sources, 1)
    )
    return (
        "Answer the question using only the sources below. Cite sources as [n]. "
        "If the sources do not contain the answer, say you don't know.\n\n"
        f"Sources:\n{context}\n\nQuestion: {question}\nAnswer:"
    )


class Generator(Protocol):
    def answer(self, question: str, sources: list[Chunk]) -> str: ...


class ExtractiveGenerator:
    """Stand-in for the LLM: the retrieved sentence closest to the question, cited.

    It shows grounding and citation; it cannot paraphrase, combine sources or refuse."""

    def answer(self, question: str, sources: list[Chunk]) -> str:
        cands = [(n, s) for n, c in enumerate(sources, 1) for s in sentences(c)]
        scores = embed([s for _, s in cands]) @ embed([question])[0]
        n, sentence = cands[int(np.argmax(scores))]
        return f"{sentence} [{n}]"


def rag(question: str, generator: Generator, k: int = 3) -> str:
    return generator.answer(question, retrieve(question, k))


question = "How much is the daily meal allowance on a trip abroad?"
print(build_prompt(question, retrieve(question, k=2)))
print("->", rag(question, ExtractiveGenerator()))

# Measure retrieval: a chunk is relevant if it comes from a gold source page
# and contains the gold answer.
questions = [q for q in questions if q["answer"]]


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def relevant(q: dict, chunk: Chunk) -> bool:
    doc, text = chunk
    return doc in q["sources"] and norm(q["answer"]) in norm(text)


_, ranked = index.search(embed([q["question"] for q in questions]), 10)  # one batch
rel = np.array(
    [[relevant(q, chunks[i]) for i in row] for q, row in zip(questions, ranked)]
)
first = np.where(rel.any(1), rel.argmax(1) + 1, np.inf)  # rank of first relevant chunk
print(f"{len(chunks)} chunks, {len(questions)} answerable questions")
for k in (1, 3, 5, 10):
    print(f"recall@{k:<2d} {np.mean(first <= k):.3f}")
print(f"MRR@10    {np.mean(1 / first):.3f}")

answers = [rag(q["question"], ExtractiveGenerator()) for q in questions]
correct = [norm(q["answer"]) in norm(a) for q, a in zip(questions, answers)]
print(f"extractive answer contains the gold answer: {np.mean(correct):.3f}")
by_type: dict[str, list[bool]] = {}
for q, ok in zip(questions, correct):
    by_type.setdefault(q["type"], []).append(ok)
summary = [f"{t} {np.mean(v):.2f} (n={len(v)})" for t, v in sorted(by_type.items())]
print("  by type:", ", ".join(summary))
# --8<-- [end:example]

# --8<-- [start:llm]
# The real generator: SmolLM2-135M-Instruct, loaded once (snippets/rag/rag_llm.py).
import sys

sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402


class SmolLM2Generator:
    def answer(self, question: str, sources: list[Chunk]) -> str:
        return self.answer_many([(question, sources)])[0]

    def answer_many(self, jobs: list[tuple[str, list[Chunk]]]) -> list[str]:
        """Greedy answers to several prompts, generated as one batch."""
        prompts = [build_prompt(q, sources) for q, sources in jobs]
        return rag_llm.generate(prompts, max_new_tokens=32)


llm = SmolLM2Generator()
sample = questions[::8]  # every 8th answerable question, the meal allowance first
jobs = [(q["question"], retrieve(q["question"])) for q in sample]
llm_answers = llm.answer_many(jobs)  # one batch: the model's forward passes are shared
print("SmolLM2 ->", llm_answers[0])
extractive = [ExtractiveGenerator().answer(q, s) for q, s in jobs]
print(f"on {len(sample)} questions, k=3:      extractive  SmolLM2-135M")
for name, fn in [
    ("contains the gold answer", lambda q, a: norm(q["answer"]) in norm(a)),
    ("cites a source [n]", lambda q, a: re.search(r"\[\d\]", a) is not None),
]:
    ex = np.mean([fn(q, a) for q, a in zip(sample, extractive)])
    sm = np.mean([fn(q, a) for q, a in zip(sample, llm_answers)])
    print(f"  {name:26s} {ex:10.3f} {sm:13.3f}")
# --8<-- [end:llm]
