import sys

import numpy as np

# The chapter's shared corpus (33 handbook pages in 133 section-aware chunks),
# all-MiniLM-L6-v2 embeddings, and SmolLM2-135M-Instruct (greedy) as the rewriter.
sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402
from corpus import chunks, embed  # noqa: E402

index = embed([t for _, t in chunks])

# Four scripted chats. Each user turn: (message, kind, hand-written standalone
# question or None if the message already is one, answer string, source page).
# kind: "first" opens the chat, "follow" continues its topic, "shift" starts a new
# topic mid-chat. Relevant chunk: from the source page and containing the answer.
chats = [
    [
        ("What is the daily meal allowance on a domestic business trip?", "first",
         None, "60 EUR", "travel-policy"),
        ("And abroad?", "follow",
         "What is the daily meal allowance on a business trip abroad?",
         "85 EUR", "travel-policy"),
        ("When does a trip need my manager's approval?", "follow",
         "When does a business trip need my manager's approval?",
         "2,000 EUR", "travel-policy"),
        ("How many vacation days do I get per year?", "shift",
         None, "27 days", "vacation-policy"),
    ],
    [
        ("What is the rate limit on the standard tier of the public API?", "first",
         None, "600 requests", "api-rate-limits"),
        ("And on enterprise?", "follow",
         "What is the rate limit on the enterprise tier of the public API?",
         "3,000 requests", "api-rate-limits"),
        ("What happens when I go over it?", "follow",
         "What happens when I go over the public API rate limit?",
         "429", "api-rate-limits"),
        ("Who approves a temporary raise for a migration?", "follow",
         "Who approves a temporary raise of the API rate limit for a migration?",
         "Payments Platform", "api-rate-limits"),
    ],
    [
        ("How long does an on-call rotation last?", "first",
         None, "one week", "on-call"),
        ("How much is it paid?", "follow",
         "How much is being on call paid?", "250 EUR", "on-call"),
        ("And each page outside working hours?", "follow",
         "How much is each on-call page outside working hours paid?",
         "50 EUR", "on-call"),
        ("My laptop was stolen. What do I do?", "shift",
         None, "24 hours", "laptop-and-equipment"),
    ],
    [
        ("How many days of annual leave do I get?", "first",
         None, "27 days", "vacation-policy"),
        ("How many can I carry over?", "follow",
         "How many days of annual leave can I carry over?",
         "5 unused days", "vacation-policy"),
        ("By when must I take them?", "follow",
         "By when must I take carried-over days of annual leave?",
         "March 31", "vacation-policy"),
        ("What is my yearly learning budget?", "shift",
         None, "1,500 EUR", "learning-budget"),
        ("Does it carry over?", "follow",
         "Does the learning budget carry over?",
         "does not carry over", "learning-budget"),
    ],
]  # fmt: skip

turns = []
for chat in chats:
    for i, (msg, kind, gold, answer, source) in enumerate(chat):
        history = [m for m, *_ in chat[:i]]
        turns.append(dict(msg=msg, kind=kind, gold=gold or msg, answer=answer,
                          source=source, history=history))  # fmt: skip

# The condense step: one LLM call per turn that has history (none on turn 1).
PROMPT = (
    "Rewrite the user's last question as one standalone question that can be "
    "understood without the conversation. Reply with the question only.\n\n"
    "Conversation:\n{history}\nLast question: {question}\nStandalone question:"
)
need = [t for t in turns if t["history"]]
prompts = [
    PROMPT.format(history="\n".join(f"User: {m}" for m in t["history"]),
                  question=t["msg"])
    for t in need
]  # fmt: skip
for t, reply in zip(need, rag_llm.generate(prompts, max_new_tokens=20)):
    t["rewrite"] = reply.splitlines()[0].strip() if reply.strip() else t["msg"]


def ranks(queries: list[str]) -> np.ndarray:
    """All chunk ids for each query, best first (exact cosine search)."""
    return np.argsort(-(embed(queries) @ index.T), axis=1, kind="stable")


def rrf(*rankings: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion of several rankings of the same chunks."""
    score = np.zeros(rankings[0].shape)
    for r in rankings:
        # Chunk r[q, i] is at rank i + 1 for query q: add 1 / (k + rank).
        part = np.zeros(r.shape)
        np.put_along_axis(part, r, 1 / (k + 1 + np.arange(r.shape[1])), axis=1)
        score += part
    return np.argsort(-score, axis=1, kind="stable")


def hits(ranking: np.ndarray, k: int) -> np.ndarray:
    return np.array([
        any(chunks[j][0] == t["source"] and t["answer"].lower() in chunks[j][1].lower()
            for j in row[:k])
        for t, row in zip(turns, ranking)
    ])  # fmt: skip


raw = ranks([t["msg"] for t in turns])
rewrite = ranks([t.get("rewrite", t["msg"]) for t in turns])
methods = {
    "message as typed": raw,
    "previous turn + message": ranks(
        [" ".join(t["history"][-1:] + [t["msg"]]) for t in turns]
    ),
    "all turns + message": ranks([" ".join(t["history"] + [t["msg"]]) for t in turns]),
    "SmolLM2 rewrite": rewrite,
    "SmolLM2 rewrite + typed, RRF": rrf(rewrite, raw),
    "hand-written rewrite": ranks([t["gold"] for t in turns]),
}

for t in need:
    r = t["rewrite"] if len(t["rewrite"]) <= 76 else t["rewrite"][:73] + "..."
    print(f"[{t['kind']}] {t['msg']}\n   -> {r}")

kinds = ["first", "follow", "shift"]
print("\nhit@1 by turn kind, hit@3 over all turns")
print(f"{'method':30s}   first  follow   shift     all   hit@3")
n = [sum(t["kind"] == k for t in turns) for k in kinds]
print(f"{'turns':30s}" + "".join(f"{v:8d}" for v in [*n, len(turns)]))
for name, ranking in methods.items():
    h1, h3 = hits(ranking, 1), hits(ranking, 3)
    by = [h1[[t["kind"] == k for t in turns]].mean() for k in kinds]
    row = [*by, h1.mean(), h3.mean()]
    print(f"{name:30s}" + "".join(f"{v:8.3f}" for v in row))
