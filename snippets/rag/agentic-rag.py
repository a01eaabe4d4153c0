# On the page this runs after corpus.py:setup and :cache; the import is for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["type"] == "multihop"]


def labelled_sentences(text: str) -> list[tuple[str, str]]:  # (heading, sentence)
    label, body = text.split(": ", 1)
    return [(label, s) for s in re.split(r"(?<=[.!?])\s+", body)]


index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))
# the reader's sentence vectors, computed once in one batch
embed([f"{h}: {s}" for _, t in chunks for h, s in labelled_sentences(t)])


def search(query: str, k: int) -> list[tuple[str, str]]:
    """Tool 1: dense search over all chunks."""
    return [chunks[i] for i in index.search(embed([query]), k)[1][0]]


def lookup(keyword: str, query: str, k: int) -> list[tuple[str, str]]:
    """Tool 2: chunks containing the keyword verbatim, ranked by similarity to query."""
    hits = [c for c in chunks if re.search(rf"\b{re.escape(keyword)}\b", c[1])]
    q = embed([query])[0]
    return sorted(hits, key=lambda c: -float(embed([c[1]])[0] @ q))[:k]


def read(question: str, hits: list[tuple[str, str]]) -> str:
    """Stand-in for the LLM's answer: the retrieved sentence closest to the question."""
    cands = [hs for _, t in hits for hs in labelled_sentences(t)]
    scores = embed([f"{h}: {s}" for h, s in cands]) @ embed([question])[0]
    return cands[int(np.argmax(scores))][1]


Step = tuple[str, list[tuple[str, str]], str, str]  # phrase, hits, evidence, rewrite


def plan(query: str) -> Step | None:
    """The agent's reasoning step, stood in for by two rules: find the entity the
    question still depends on, call a tool for it, and say which evidence resolves
    it and how to rewrite the question with the result."""
    if m := re.search(r"the team that owns (\w+)", query):
        hits = lookup(m[1], f"{m[1]} owning team", k=2)
        return m[0], hits, rf"\b{m[1]}: [^.]*\. Owning team: ([^.]+)\.", "the {} team"
    if m := re.search(r"the office where the ([\w ]+?) team works", query):
        team = m[1]
        hits = lookup(
            f"{team} team", f"Which office does the {team} team work from?", k=2
        )
        evidence = rf"^{team} team\b.*?works from the (\w+) office"
        return m[0], hits, evidence, "the {} office"
    return None  # nothing left to look up


def agent(question: str, max_steps: int = 3) -> tuple[str, list, list[str]]:
    query, seen, trace = question, [], [question]
    for _ in range(max_steps):
        step = plan(query)
        if step is None:
            break
        phrase, hits, evidence, rewrite = step
        seen += [h for h in hits if h not in seen]
        found = next((m[1] for _, t in hits if (m := re.search(evidence, t))), None)
        if found is None:  # a real agent would search again; the stand-in gives up
            break
        query = query.replace(phrase, rewrite.format(found))
        trace.append(query)
    hits = search(query, k=2)
    seen += [h for h in hits if h not in seen]
    return read(query, hits), seen, trace


answer, _, trace = agent(
    "Who manages the office where the team that owns searchlight works?"
)
print("\n -> ".join(trace))
print(" answer:", answer)

runs = {"single-shot, k=6": [], "agent, 2 chunks per step": []}
for q in questions:
    runs["single-shot, k=6"].append(search(q["question"], k=6))
    runs["agent, 2 chunks per step"].append(agent(q["question"])[1])
print(f"\n{len(questions)} multi-hop questions")
print(f"{'':26s} all sources  answer in context  chunks read")
for name, contexts in runs.items():
    docs_seen = [{d for d, _ in ctx} for ctx in contexts]
    covered = np.mean([set(q["sources"]) <= d for q, d in zip(questions, docs_seen)])
    has_answer = [
        any(q["answer"].lower() in t.lower() for _, t in ctx)
        for q, ctx in zip(questions, contexts)
    ]
    answer_in = np.mean(has_answer)
    n_read = np.mean([len(ctx) for ctx in contexts])
    print(f"{name:26s} {covered:11.3f} {answer_in:18.3f} {n_read:12.1f}")
# --8<-- [end:example]

# --8<-- [start:llm]
# The same loop with a real LLM writing the next query: SmolLM2-135M-Instruct.
import sys

sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402  loaded once per process


def llm_agent(qs: list[dict], steps: int = 2, k: int = 2) -> list[list]:
    """Each step: show the LLM what was found, ask for the next search query."""
    seen = [search(q["question"], k) for q in qs]
    for _ in range(steps - 1):
        prompts = [
            "Question: " + q["question"] + "\nFound so far:\n"
            + "\n".join(t for _, t in ctx)
            + "\nWrite one short search query for the fact still missing."
            for q, ctx in zip(qs, seen)
        ]  # fmt: skip
        queries = rag_llm.generate(prompts, max_new_tokens=16)
        for ctx, query in zip(seen, queries):
            ctx += [h for h in search(query, k) if h not in ctx]
    return seen, queries


def report(name: str, contexts: list[list]) -> None:
    docs_seen = [{d for d, _ in ctx} for ctx in contexts]
    covered = np.mean([set(q["sources"]) <= d for q, d in zip(questions, docs_seen)])
    has_answer = [
        any(q["answer"].lower() in t.lower() for _, t in ctx)
        for q, ctx in zip(questions, contexts)
    ]
    n_read = np.mean([len(ctx) for ctx in contexts])
    print(f"{name:26s} {covered:11.3f} {np.mean(has_answer):18.3f} {n_read:12.1f}")


llm_runs, last_queries = llm_agent(questions)
print()
report("first search only, k=2", [search(q["question"], k=2) for q in questions])
report("SmolLM2 agent, 2 steps", llm_runs)
print(f"e.g. {questions[0]['question']!r}\n  next query: {last_queries[0]!r}")
# --8<-- [end:llm]
