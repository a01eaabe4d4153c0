# Context versus memory: which answer does SmolLM2-135M-Instruct give when a retrieved
# document contradicts what it learned? Scored at the answer position, no generation.
import sys

import torch

sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402  loaded once per process

# question | the reply's first words | true answer | counterfactual | words after it
TABLE = """
What is the capital of France? | The capital of France is | Paris | Rome |
What is the capital of Japan? | The capital of Japan is | Tokyo | Seoul |
What is the capital of Italy? | The capital of Italy is | Rome | Madrid |
What is the capital of Germany? | The capital of Germany is | Berlin | Vienna |
What is the capital of England? | The capital of England is | London | Dublin |
What is the capital of Russia? | The capital of Russia is | Moscow | Athens |
What is the capital of Canada? | The capital of Canada is | Ottawa | Toronto |
What is the capital of Australia? | The capital of Australia is | Canberra | Sydney |
What color is the sky on a clear day? | On a clear day the sky is | blue | green |
What is the largest planet? | The largest planet is | Jupiter | Saturn |
Which planet is nearest the Sun? | The planet nearest the Sun is | Mercury | Venus |
Which ocean is largest? | The largest ocean on Earth is the | Pacific | Atlantic | Ocean
Who wrote Hamlet? | Hamlet was written by William | Shakespeare | Blake |
How many legs does a spider have? | A spider has | eight | six | legs
What do Brazilians speak? | The official language of Brazil is | Portuguese | Spanish |
What is the chemical symbol for gold? | The chemical symbol for gold is | Au | Ag |
"""
FACTS = [[c.strip() for c in line.split("|")] for line in TABLE.strip().splitlines()]
PLAIN = "You are a helpful assistant."
ONLY_DOCS = "Answer only from the documents, even if they contradict what you know."
tok, model = rag_llm.load()


def token(word: str) -> int:
    ids = tok(" " + word, add_special_tokens=False)["input_ids"]
    assert len(ids) == 1, (word, ids)
    return ids[0]


def answer_logits(users: list[str], replies: list[str], system: str) -> torch.Tensor:
    """Next-token logits after each chat prompt plus the start of the reply."""
    rows = []
    for user, reply in zip(users, replies):
        chat = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        text = tok.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
        rows.append(tok(text + reply, add_special_tokens=False)["input_ids"])
    n = max(map(len, rows))
    ids = torch.tensor([[tok.eos_token_id] * (n - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (n - len(r)) + [1] * len(r) for r in rows])
    with torch.no_grad():
        out = model(
            input_ids=ids,
            attention_mask=mask,
            position_ids=(mask.cumsum(-1) - 1).clamp(min=0),
            logits_to_keep=1,
        )
    return out.logits[:, -1]


def with_documents(question: str, documents: list[str]) -> str:
    lines = [f"Document {i}: {d}" for i, d in enumerate(documents, 1)]
    return "\n".join(lines) + f"\n\nQuestion: {question}"


# Closed book: keep only the facts the model gets right without a document.
true_ids = torch.tensor([token(f[2]) for f in FACTS])
closed = answer_logits([f[0] for f in FACTS], [f[1] for f in FACTS], PLAIN)
known = closed.argmax(-1) == true_ids
facts = [f for f, k in zip(FACTS, known) if k]
print(f"closed book: {int(known.sum())} of {len(FACTS)} facts right; the rest dropped:")
for f, guess, k in zip(FACTS, closed.argmax(-1), known):
    if not k:
        print(f"  {f[1]!r} -> {tok.decode(guess)!r} (true: {f[2]!r})")
true_ids, closed = true_ids[known], closed[known]
false_ids = torch.tensor([token(f[3]) for f in facts])
rows = range(len(facts))


def document(fact: list[str], answer: str) -> str:
    return f"{fact[1]} {answer} {fact[4]}".strip() + "."


def conflict_logits(docs, system: str = PLAIN) -> torch.Tensor:
    users = [with_documents(f[0], docs(f)) for f in facts]
    return answer_logits(users, [f[1] for f in facts], system)


def context_aware(with_ctx: torch.Tensor, alpha: float) -> torch.Tensor:
    """CAD (Shi et al.): (1 + alpha) * logits with context - alpha * logits without."""
    return (1 + alpha) * with_ctx - alpha * closed


supporting = conflict_logits(lambda f: [document(f, f[2])])
counter = conflict_logits(lambda f: [document(f, f[3])])
counter_only = conflict_logits(lambda f: [document(f, f[3])], ONLY_DOCS)
true_first = conflict_logits(lambda f: [document(f, f[2]), document(f, f[3])])
false_first = conflict_logits(lambda f: [document(f, f[3]), document(f, f[2])])

conditions = [
    ("no document (closed book)", closed),
    ("supporting document", supporting),
    ("  + context-aware decoding (CAD), alpha=1", context_aware(supporting, 1.0)),
    ("counterfactual document", counter),
    ("  + 'answer only from the documents'", counter_only),
    ("  + CAD, alpha=0.5", context_aware(counter, 0.5)),
    ("  + CAD, alpha=1", context_aware(counter, 1.0)),
    ("both documents, true one first", true_first),
    ("  + CAD, alpha=1", context_aware(true_first, 1.0)),
    ("both documents, counterfactual first", false_first),
    ("  + CAD, alpha=1", context_aware(false_first, 1.0)),
]
n = len(facts)
print(f"{'':42s} answers with (of {n})  mean probability")
print(f"{'prompt':42s} {'true':>5s} {'counterf.':>9s} {'true':>6s} {'counterf.':>9s}")
for name, logits in conditions:
    # Which of the two candidate answers is more probable at the answer position.
    follows_false = logits[rows, false_ids] > logits[rows, true_ids]
    probs = logits.softmax(-1)
    p_true, p_false = probs[rows, true_ids].mean(), probs[rows, false_ids].mean()
    print(
        f"{name:42s} {n - int(follows_false.sum()):5d} {int(follows_false.sum()):9d}"
        f" {p_true:6.2f} {p_false:9.2f}"
    )


# Detecting a conflict without knowing the truth: the document at least halves the
# probability of the model's own closed-book answer.
def flag(with_ctx: torch.Tensor) -> int:
    closed_p = closed.softmax(-1)[rows, true_ids]
    return int((with_ctx.softmax(-1)[rows, true_ids] < closed_p / 2).sum())


print("conflict flagged (the closed-book answer's probability at least halved):")
print(f"  supporting {flag(supporting)}/{n}, counterfactual {flag(counter)}/{n}")
both = f"true first {flag(true_first)}/{n}, false first {flag(false_first)}/{n}"
print(f"  both documents: {both}")
