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

# --8<-- [start:judge]
# An LLM judge of faithfulness, SmolLM2-135M-Instruct, tested on labelled claims.
import sys

sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402  loaded once per process

JUDGE = (
    "Context: {context}\nClaim: {claim}\n"
    "Does the context support the claim? Answer Yes or No."
)


def gold_chunk_and_sentence(q: dict) -> tuple[str, str]:
    text = next(
        t for d, t in chunks if d in q["sources"] and q["answer"].lower() in t.lower()
    )
    body = text.split(": ", 1)[1]
    sents = re.split(r"(?<=[.!?])\s+", body)
    return text, next(s for s in sents if q["answer"].lower() in s.lower())


def change_numbers(s: str) -> str:  # same sentence, every digit changed
    return re.sub(r"\d", lambda m: str((int(m[0]) + 3) % 10), s)


# 10 questions whose answer has a number; three claims per context
numeric = [q for q in questions if q["answer"] and re.search(r"\d", q["answer"])]
cases = [gold_chunk_and_sentence(q) for q in numeric]
cases = cases[:10]
labelled = []  # (context, claim, kind, supported?)
for i, (context, sentence) in enumerate(cases):
    other = cases[(i + 1) % len(cases)][1]  # another page's sentence
    labelled += [
        (context, sentence, "supported: copied sentence", True),
        (context, change_numbers(sentence), "contradicted: numbers changed", False),
        (context, other, "unrelated: other page", False),
    ]
logits = rag_llm.next_token_logits(
    [JUDGE.format(context=c, claim=s) for c, s, _, _ in labelled]
)
yes, no = rag_llm.token_id("Yes"), rag_llm.token_id("No")
says_yes = (logits[:, yes] > logits[:, no]).tolist()


def lexical(context: str, claim: str) -> bool:  # every word of the claim in the context
    words = lambda text: set(re.findall(r"[a-z0-9]+", text.lower()))  # noqa: E731
    return words(claim) <= words(context)


print(f"{'claims (n per kind)':34s} {'LLM judge':>9s} {'lexical':>8s}  (share correct)")
for kind in dict.fromkeys(k for _, _, k, _ in labelled):
    rows = [i for i, r in enumerate(labelled) if r[2] == kind]
    judge = np.mean([says_yes[i] == labelled[i][3] for i in rows])
    lex = np.mean([lexical(*labelled[i][:2]) == labelled[i][3] for i in rows])
    print(f"{kind + f' ({len(rows)})':34s} {judge:9.3f} {lex:8.3f}")
print(f"LLM judge says Yes to {np.mean(says_yes):.3f} of all claims")
# Threshold-free: does the Yes-minus-No margin at least rank supported claims first?
margin = (logits[:, yes] - logits[:, no]).numpy()
supported = np.array([r[3] for r in labelled])
auc = np.mean([m > n for m in margin[supported] for n in margin[~supported]])
print(f"AUC of the margin, supported vs unsupported: {auc:.3f} (0.5 is chance)")
# --8<-- [end:judge]
