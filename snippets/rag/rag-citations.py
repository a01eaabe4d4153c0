# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["answer"]]
texts = [t for _, t in chunks]
index = faiss.IndexFlatIP(384)
index.add(embed(texts))


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def entails(passages: list[str], statement: str) -> bool:
    """Stand-in for an NLI model: every word of the statement is in the passages."""
    return bool(passages) and words(statement) <= words(" ".join(passages))


def citation_scores(statement: str, cited: list[int]) -> tuple[float, list[bool]]:
    """ALCE: recall = the cited passages together entail the statement; a citation
    is irrelevant if it does not entail alone and the others entail without it."""
    passages = [texts[i] for i in cited]
    recall = float(entails(passages, statement))
    relevant = []
    for j, i in enumerate(cited):
        others = passages[:j] + passages[j + 1 :]
        alone_ok = entails([texts[i]], statement)
        needed = not entails(others, statement)
        relevant.append(bool(recall) and (alone_ok or needed))
    return recall, relevant


def gold_sentence(q: dict) -> str:  # the answer as a statement, from its chunk
    for d, t in chunks:
        if d in q["sources"] and q["answer"].lower() in t.lower():
            sents = re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1])
            return next(s for s in sents if q["answer"].lower() in s.lower())


statements = [gold_sentence(q) for q in questions]
_, top10 = index.search(embed([q["question"] for q in questions]), 10)
rng = np.random.default_rng(0)
systems = {
    "cite the top-1 retrieved": [row[:1].tolist() for row in top10],
    "cite all top-3 retrieved": [row[:3].tolist() for row in top10],
    "cite a random chunk": [rng.choice(len(texts), 1).tolist() for _ in questions],
    # post-hoc attribution: after writing, cite the top-10 chunks that entail
    "post-hoc: first entailing top-10": [
        [i for i in row if entails([texts[i]], s)][:1]
        for row, s in zip(top10, statements)
    ],
}
print(f"{len(statements)} statements      citation recall  precision  cites/stmt")
for name, cites in systems.items():
    scores = [citation_scores(s, c) for s, c in zip(statements, cites)]
    recall = np.mean([r for r, _ in scores])
    flags = [f for _, fs in scores for f in fs]
    precision = np.mean(flags) if flags else float("nan")
    per = np.mean([len(c) for c in cites])
    print(f"{name:31s} {recall:9.3f} {precision:10.3f} {per:11.2f}")

# A quote-based citation can be checked exactly: the quoted span must be in the source.
quote = '"85 EUR for international trips" [travel-policy]'
span, doc = re.fullmatch(r'"(.+)" \[(.+)\]', quote).groups()
found = any(span in " ".join(t.split()) for d, t in chunks if d == doc)
print(f"quote found verbatim in its cited page: {found}")
# --8<-- [end:example]
