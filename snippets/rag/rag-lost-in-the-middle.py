# The page runs this after corpus.py:setup; these imports are for a solo run.
import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

questions = [q for q in questions if q["answer"]]
index = faiss.IndexFlatIP(384)
index.add(embed([t for _, t in chunks]))
_, ranked = index.search(embed([q["question"] for q in questions]), 20)


def edges_first(items: list) -> list:
    """Best-ranked items at both ends of the prompt: ranks 1, 3, 5, ..., 6, 4, 2."""
    return items[0::2] + items[1::2][::-1]


print("  k  recall@k  prompt words  only mid-prompt: score order  edges first")
for k in (3, 5, 10, 20):
    mid = {"score": [], "edges": []}
    for q, row in zip(questions, ranked):
        top = list(row[:k])
        found = [(chunks[i][0], chunks[i][1].lower()) for i in top]
        rel = [d in q["sources"] and q["answer"].lower() in t for d, t in found]
        if not any(rel):
            continue
        for name, order in [("score", top), ("edges", edges_first(top))]:
            positions = [p for p, i in enumerate(order) if rel[top.index(i)]]  # 0-based
            # True if no relevant chunk is among the first two or the last two
            mid[name].append(all(2 <= p < k - 2 for p in positions))
    words = np.mean([sum(len(chunks[i][1].split()) for i in row[:k]) for row in ranked])
    recall = len(mid["score"]) / len(questions)
    score, edges = np.mean(mid["score"]), np.mean(mid["edges"])
    print(f"{k:3d} {recall:9.3f} {words:13.0f} {score:28.3f} {edges:12.3f}")
print("edges_first(list('ABCDEFG')) ->", "".join(edges_first(list("ABCDEFG"))))
# --8<-- [end:example]
