# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, questions

# isort: split
# --8<-- [start:example]
from rank_bm25 import BM25Okapi
from sklearn.metrics import roc_auc_score

sentences = [
    s for _, t in chunks for s in re.split(r"(?<=[.!?])\s+", t.split(": ", 1)[1])
]


def tokenize(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())


# Three signals, each the best score of any chunk (or sentence) for the question.
q_vecs = embed([q["question"] for q in questions])
top_chunk = (q_vecs @ embed([t for _, t in chunks]).T).max(axis=1)
top_sentence = (q_vecs @ embed(sentences).T).max(axis=1)
bm25 = BM25Okapi([tokenize(t) for _, t in chunks])
top_bm25 = np.array([bm25.get_scores(tokenize(q["question"])).max() for q in questions])

unanswerable = np.array([q["answer"] is None for q in questions])
print(
    f"{unanswerable.sum()} unanswerable, {(~unanswerable).sum()} answerable questions"
)
print("does a retrieval score separate them? (AUROC: 1.0 perfectly, 0.5 chance)")
signals = {"top chunk cosine": top_chunk, "top sentence cosine": top_sentence}
for name, score in (signals | {"top BM25": top_bm25}).items():
    print(f"  {name:20s} {roc_auc_score(unanswerable, -score):.3f}")


def answer_or_abstain(score: float, threshold: float) -> bool:
    """Gate before generation: answer only if the best evidence is similar enough."""
    return score >= threshold


print("threshold  unanswerable refused  answerable refused")
for threshold in (0.30, 0.35, 0.40, 0.45, 0.50):
    answered = np.array([answer_or_abstain(s, threshold) for s in top_sentence])
    refused_u, refused_a = (
        np.mean(~answered[unanswerable]),
        np.mean(~answered[~unanswerable]),
    )
    print(f"{threshold:9.2f} {refused_u:21.3f} {refused_a:19.3f}")
scored = [
    (float(s), q["question"]) for s, q in zip(top_sentence, questions) if q["answer"]
]
print("lowest-scored answerable questions:")
for s, text in sorted(scored)[:3]:
    print(f"  {s:.2f} {text}")
# --8<-- [end:example]
