# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
import faiss

# 1. A semantic cache: reuse a stored answer when a new query is close enough to a
# cached one. Incoming queries with known truth: paraphrases (same answer) and
# near-misses (a different answer: the cache must not fire).
cached = {q["question"]: q["answer"] for q in questions if q["answer"]}
incoming = [  # (query, closest cached question, same answer?)
    ("What's the per diem for meals when travelling abroad?", "q01", True),
    ("How many days in advance should flights be booked?", "q02", True),
    ("What is the shortest password allowed?", "q13", True),
    ("How many days of vacation do I get each year?", "q07", True),
    ("How long do we keep database backups?", "q20", True),
    ("How many requests per minute on the standard API plan?", "q28", True),
    ("How much is the daily meal allowance on a domestic trip?", "q01", False),
    ("How many weeks of paid leave does the other parent get?", "q06", False),
    ("How long are application logs kept?", "q20", False),
    ("How many calls per minute does the enterprise API plan allow?", "q28", False),
    ("How quickly must the on-call engineer acknowledge a SEV2 page?", "q14", False),
    ("How many approvals does a change to a tier 2 service need?", "q19", False),
]  # fmt: skip
by_id = {q["id"].lower(): q["question"] for q in questions}
keys = list(cached)
sims = embed([t for t, _, _ in incoming]) @ embed(keys).T
best = sims.argmax(1)
assert all(keys[b] == by_id[i] for b, (_, i, _) in zip(best, incoming))
same = np.array([s for _, _, s in incoming])
top = sims.max(1)
print("threshold  paraphrases served from cache  near-misses served a WRONG answer")
for t in (0.80, 0.85, 0.90, 0.95):
    hit = top >= t
    print(f"{t:9.2f} {np.mean(hit[same]):30.3f} {np.mean(hit[~same]):35.3f}")
print(f"near-miss similarity: min {top[~same].min():.3f}, max {top[~same].max():.3f}")

# 2. Context compression: send the best sentences of the top 5 chunks, not the chunks.
answerable = [q for q in questions if q["answer"]]
texts = [t for _, t in chunks]
index = faiss.IndexFlatIP(384)
index.add(embed(texts))
_, top5 = index.search(embed([q["question"] for q in answerable]), 5)
sents = [re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1]) for t in texts]
svecs = {i: embed(sents[i]) for i in set(top5.ravel().tolist())}
qvecs = embed([q["question"] for q in answerable])
print(
    f"\n{'context sent to the LLM':28s} {'words/query':>11s} {'answer in context':>18s}"
)
for keep in (None, 6, 3):
    n_words, found = [], []
    for q, qv, row in zip(answerable, qvecs, top5):
        if keep is None:
            context = [texts[i] for i in row]
        else:
            pool = [
                (float(svecs[i][j] @ qv), sents[i][j])
                for i in row
                for j in range(len(sents[i]))
            ]
            context = [s for _, s in sorted(pool, reverse=True)[:keep]]
        joined = " ".join(context)
        n_words.append(len(joined.split()))
        found.append(q["answer"].lower() in joined.lower())
    name = "top-5 chunks" if keep is None else f"best {keep} sentences of top 5"
    print(f"{name:28s} {np.mean(n_words):11.0f} {np.mean(found):18.3f}")
# --8<-- [end:example]
