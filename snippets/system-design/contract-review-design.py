import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

rng = np.random.default_rng(0)
WORDS = {1: "one", 2: "two", 3: "three", 5: "five", 7: "seven", 10: "ten", 12: "twelve"}
WORDS |= {24: "twenty-four", 30: "thirty", 45: "forty-five", 48: "forty-eight"}
WORDS |= {60: "sixty", 72: "seventy-two", 90: "ninety", 180: "one hundred and eighty"}


def num(n):
    """Numbers as contracts write them: "thirty (30)"."""
    return f"{WORDS[n]} ({n})"


# The counterparty's paper: paraphrases per clause type; the company is the
# Customer. Slots: m months, d days, y years, h hours, j a state, p a period.
ACCEPTABLE = {
    "liability": [
        "Except for Excluded Claims, each party's total liability arising out of or "
        "relating to this Agreement shall not exceed the fees paid by the Customer in "
        "the {m} months preceding the event giving rise to the claim.",
        "Save in respect of Excluded Claims, the aggregate liability of either party "
        "under this Agreement, whether in contract, tort or otherwise, is limited to "
        "the amounts paid by the Customer during the {m} months before the claim "
        "arose.",
        "Neither party is liable for indirect or consequential losses, and except for "
        "Excluded Claims each party's liability in any contract year is capped at the "
        "charges paid in the {m} months prior to the claim.",
    ],
    "termination": [
        "Either party may terminate this Agreement for convenience by giving the other "
        "party not less than {d} days' written notice.",
        "This Agreement may be terminated by either party without cause on {d} days' "
        "prior written notice to the other party.",
        "The Customer may end this Agreement at any time for any reason by providing "
        "{d} days' notice in writing to the Supplier.",
    ],
    "renewal": [
        "This Agreement continues for an initial term of three (3) years and shall not "
        "renew unless both parties agree to a renewal in writing.",
        "After the initial term, this Agreement renews automatically for successive "
        "periods of {p} unless either party gives at least {d} days' notice of "
        "non-renewal.",
    ],
    "payment": [
        "The Customer shall pay each undisputed invoice within {d} days of receipt.",
        "Invoices are payable by the Customer {d} days after the date of receipt, "
        "except for amounts disputed in good faith.",
    ],
    "governing law": [
        "This Agreement is governed by the laws of the State of {j}.",
        "This Agreement and any dispute arising from it shall be governed by and "
        "construed in accordance with the laws of the State of {j}, without regard to "
        "its conflict of laws rules.",
    ],
    "confidentiality": [
        "Each party shall keep the other party's Confidential Information confidential "
        "and use it only to perform this Agreement, and these obligations survive for "
        "{y} years after termination.",
        "The receiving party shall protect Confidential Information with at least "
        "reasonable care, shall not disclose it to third parties, and this duty "
        "continues for {y} years following expiry.",
    ],
    "indemnification": [
        "The Supplier shall defend and indemnify the Customer against any third-party "
        "claim that the Services infringe that party's intellectual property rights.",
        "The Supplier will indemnify and hold harmless the Customer from all losses "
        "arising from claims that the Services infringe any patent, copyright or trade "
        "secret.",
    ],
    "data protection": [
        "The Supplier shall process Customer Data only on the Customer's documented "
        "instructions and shall notify the Customer of any personal data breach within "
        "{h} hours.",
        "The Supplier processes personal data solely to provide the Services, "
        "following the Customer's written instructions, and will report any security "
        "breach within {h} hours.",
    ],
}
OK_SLOTS = dict(m=[12, 24], d=[30, 45, 60, 90], y=[5, 7], h=[24, 48, 72])
OK_SLOTS |= dict(j=["New York", "Delaware"], p=["one (1) year"])
# Risky variants that change the words...
RISKY_WORDING = {
    ("liability", "uncapped"): [
        "The Customer shall be liable for all losses, damages, costs and expenses "
        "suffered by the Supplier arising out of this Agreement, without limitation "
        "of any kind.",
        "Nothing in this Agreement limits or excludes the liability of the Customer, "
        "and the Customer's liability for any breach of this Agreement is unlimited.",
    ],
    ("termination", "at will"): [
        "The Supplier may terminate this Agreement immediately upon written notice to "
        "the Customer, for any reason or no reason."
    ],
    ("renewal", "no exit"): [
        "This Agreement will automatically renew for further terms of three (3) years "
        "each, and the Customer may not terminate it during any renewal term."
    ],
    ("payment", "prepaid"): [
        "All fees are payable annually in advance and are non-refundable, including if "
        "this Agreement is terminated early."
    ],
    ("confidentiality", "marked only"): [
        "Information is Confidential Information only if it is marked as confidential "
        "at the time it is disclosed in writing."
    ],
    ("indemnification", "customer indemnifies"): [
        "The Customer shall indemnify, defend and hold harmless the Supplier against "
        "any and all claims, losses and expenses arising from the Customer's use of "
        "the Services."
    ],
    ("data protection", "trains on data"): [
        "The Supplier may use Customer Data, including personal data, to develop, "
        "improve and train its products and machine-learning models."
    ],
    ("data protection", "shares data"): [
        "The Supplier may share Customer Data with its affiliates and subcontractors "
        "for any business purpose."
    ],
}
# ...and variants that keep the acceptable words with a number or name outside
# the playbook.
RISKY_NUMBER = {
    ("termination", "short notice"): dict(d=[5, 7, 10]),
    ("renewal", "long lock-in"): dict(p=["three (3) years"], d=[180]),
    ("payment", "short terms"): dict(d=[5, 7, 10]),
    ("governing law", "other law"): dict(j=["Texas", "Nevada", "Florida"]),
    ("confidentiality", "short survival"): dict(y=[1, 2]),
}
OTHER = [
    "All notices under this Agreement must be in writing and delivered by hand, "
    "courier or email to the addresses set out above, and are effective on receipt.",
    "This Agreement constitutes the entire agreement between the parties and "
    "supersedes all prior agreements, proposals and understandings.",
    "If any provision of this Agreement is held invalid or unenforceable, the "
    "remaining provisions remain in full force and effect.",
    "Neither party is liable for any delay caused by events beyond its reasonable "
    "control, and if such an event continues for more than {d} days the other party "
    "may terminate this Agreement on written notice.",
    "Neither party may assign this Agreement without the prior written consent of the "
    "other party, which shall not be unreasonably withheld.",
]
DEFINITIONS = (
    'Definitions. "Services" means the hosted software described in the Order Form; '
    '"Customer Data" means all data submitted by the Customer to the Services; and '
    '"Excluded Claims" means {excluded}.'
)
EXCLUDED_OK = (
    "claims arising from a party's breach of confidentiality, its indemnification "
    "obligations, or its fraud or wilful misconduct"
)
EXCLUDED_RISKY = "any claim brought against the Customer under this Agreement"
SYNONYMS = [("shall", "will"), ("Agreement", "Contract"), ("receipt", "its receipt")]
# The company's playbook: the standard position and a fallback per clause type.
PLAYBOOK = {
    "liability": [
        "Each party's total liability under this Agreement is capped at the fees "
        "paid by the Customer in the twelve (12) months before the claim, except for "
        "Excluded Claims.",
        "A cap of twenty-four (24) months of fees for each party, excluding Excluded "
        "Claims.",
    ],
    "termination": [
        "Either party may terminate this Agreement for convenience on at least thirty "
        "(30) days' written notice.",
        "The Customer may terminate for convenience on ninety (90) days' notice.",
    ],
    "renewal": [
        "The Agreement does not renew automatically; any renewal must be agreed in "
        "writing by both parties.",
        "Automatic renewal for periods of one (1) year, if either party may give "
        "notice of non-renewal of no more than ninety (90) days.",
    ],
    "payment": [
        "Undisputed invoices are payable within thirty (30) to sixty (60) days of "
        "receipt."
    ],
    "governing law": [
        "This Agreement is governed by the laws of the State of New York.",
        "This Agreement is governed by the laws of the State of Delaware.",
    ],
    "confidentiality": [
        "Each party keeps the other's Confidential Information confidential, and the "
        "obligations survive for five (5) years after termination."
    ],
    "indemnification": [
        "The Supplier indemnifies the Customer against third-party claims that the "
        "Services infringe intellectual property rights."
    ],
    "data protection": [
        "The Supplier processes Customer Data only on the Customer's documented "
        "instructions and notifies personal data breaches within seventy-two (72) "
        "hours."
    ],
}
TYPES = list(PLAYBOOK)


def fill(template, slots):
    values = {k: rng.choice(v) for k, v in slots.items()}
    values = {k: v if isinstance(v, str) else num(int(v)) for k, v in values.items()}
    text = template.format(**values)
    for a, b in SYNONYMS:
        if rng.random() < 0.5:
            text = text.replace(a, b)
    return text


def make_clause(ctype):
    """One clause of a type: (text, risk name or None, kind of change or None)."""
    acceptable = ACCEPTABLE[ctype][rng.integers(len(ACCEPTABLE[ctype]))]
    if rng.random() < 0.15:
        risks = [(k[1], "wording") for k in RISKY_WORDING if k[0] == ctype]
        risks += [(k[1], "number") for k in RISKY_NUMBER if k[0] == ctype]
        name, kind = risks[rng.integers(len(risks))]
        if kind == "number":
            # Same wording as an acceptable clause that has the slot to change.
            slots = RISKY_NUMBER[ctype, name]
            fits = [t for t in ACCEPTABLE[ctype] if all(f"{{{k}}}" in t for k in slots)]
            template = fits[rng.integers(len(fits))]
            return fill(template, OK_SLOTS | slots), name, kind
        templates = RISKY_WORDING[ctype, name]
        return fill(templates[rng.integers(len(templates))], OK_SLOTS), name, kind
    return fill(acceptable, OK_SLOTS), None, None


def make_contract():
    """Numbered clauses: (text, type, risk, kind) each; 0.9 of types present."""
    hidden = rng.choice(["none", "negated", "redefined"], p=[0.9, 0.05, 0.05])
    excluded = EXCLUDED_RISKY if hidden == "redefined" else EXCLUDED_OK
    clauses = [(DEFINITIONS.format(excluded=excluded), "definitions", None, None)]
    body = []
    for ctype in TYPES:
        if rng.random() < 0.9:
            text, risk, kind = make_clause(ctype)
            if ctype == "liability" and risk is None and hidden != "none":
                risk, kind = f"cap {hidden}", "hidden"
                # A negation flips the cap while keeping almost every word.
                if hidden == "negated":
                    for a, b in [
                        ("shall not exceed", "shall not be limited to"),
                        ("is limited to", "is not limited to"),
                        ("is capped at", "is not capped at"),
                    ]:
                        text = text.replace(a, b)
            body.append((text, ctype, risk, kind))
    for i in rng.choice(len(OTHER), 3, replace=False):
        body.append((fill(OTHER[i], OK_SLOTS), "other", None, None))
    order = rng.permutation(len(body))
    clauses += [body[i] for i in order]
    return [(f"{k + 1}. {c[0]}", *c[1:]) for k, c in enumerate(clauses)]


contracts = [make_contract() for _ in range(400)]
train, test = contracts[:200], contracts[200:]
n_clauses = sum(len(c) for c in contracts)
print(
    f"{len(contracts)} synthetic contracts, {n_clauses:,} clauses; 200 to train, "
    "200 to test"
)

# (1) Clause-type classifier trained on clause-level segments.
clf_vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
x_train = clf_vec.fit_transform([t for c in train for t, *_ in c])
y_train = [ctype for c in train for _, ctype, *_ in c]
clf = LogisticRegression(C=10, max_iter=2000).fit(x_train, y_train)


def segments(contract, window):
    """Segments as lists of words; window=None splits on clause numbering."""
    text = "\n".join(t for t, *_ in contract)
    if window is None:
        return [s.split() for s in re.split(r"\n(?=\d+\. )", text)]
    words = text.split()
    return [words[i : i + window] for i in range(0, len(words), window)]


def word_labels(contract):
    return [ctype for t, ctype, *_ in contract for _ in t.split()]


print("(1) clause type, share of words labelled right (test contracts)")
print("    segmentation                words right  segments cut across clauses")
results = {}
for name, window in [
    ("clauses (numbering)", None),
    ("fixed 40-word windows", 40),
    ("fixed 80-word windows", 80),
]:
    right = total = cut = n_seg = 0
    found = []
    all_segs = [segments(contract, window) for contract in test]
    flat = clf.predict(clf_vec.transform([" ".join(s) for g in all_segs for s in g]))
    bounds = np.cumsum([0] + [len(g) for g in all_segs])
    for k, (contract, segs) in enumerate(zip(test, all_segs)):
        pred = flat[bounds[k] : bounds[k + 1]]
        gold = word_labels(contract)
        labels = [p for p, s in zip(pred, segs) for _ in s]
        right += sum(a == b for a, b in zip(labels, gold))
        total += len(gold)
        start = 0
        for s in segs:
            cut += len(set(gold[start : start + len(s)])) > 1
            start += len(s)
        n_seg += len(segs)
        found.append(set(pred))
    results[name] = found
    print(f"    {name:<26}{right / total:>10.3f}{cut / n_seg:>16.3f}")

# (2) Missing clauses: a playbook type that no segment is classified as.
print("(2) missing clauses (absence is a finding), test contracts")
print("    segmentation                missing  found  recall  false alarms")
for name, found in results.items():
    miss = hit = false_alarm = present = 0
    for contract, types in zip(test, found):
        gold = {ctype for _, ctype, *_ in contract}
        for ctype in TYPES:
            if ctype not in gold:
                miss += 1
                hit += ctype not in types
            else:
                present += 1
                false_alarm += ctype not in types
    print(
        f"    {name:<26}{miss:>9}{hit:>7}{hit / miss:>8.3f}"
        f"{false_alarm / present:>14.3f}"
    )


# (3) Deviation from the playbook, on clause segments classified as a playbook type.
def key_terms(text, ctype):
    """Rules on extracted terms; True when a term breaks the playbook or is absent."""
    days = [int(x) for x in re.findall(r"\((\d+)\) days", text)]
    years = [int(x) for x in re.findall(r"\((\d+)\) years?", text)]
    if ctype == "liability":
        months = [int(x) for x in re.findall(r"\((\d+)\) months", text)]
        return not months or min(months) < 12
    if ctype in ("termination", "payment"):
        return not days or min(days) < 30
    if ctype == "renewal":
        if "automatic" not in text:
            return False
        return not days or max(days) > 90 or not years or max(years) > 1
    if ctype == "governing law":
        law = re.search(r"laws of the State of (\w+( \w+)?)", text)
        return law is None or law.group(1).split(",")[0] not in ("New York", "Delaware")
    if ctype == "confidentiality":
        return not years or min(years) < 3
    if ctype == "indemnification":
        return re.search(r"Customer|Supplier", text).group(0) == "Customer"
    hours = [int(x) for x in re.findall(r"\((\d+)\) hours", text)]
    return not hours or max(hours) > 72


sim_vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
sim_vec.fit([t for c in train for t, *_ in c] + sum(PLAYBOOK.values(), []))
book = {k: sim_vec.transform(v) for k, v in PLAYBOOK.items()}


def checks(contracts_):
    """One row per clause classified as a playbook type, with where it is."""
    rows = []
    for n, contract in enumerate(contracts_):
        texts = [t for t, *_ in contract]
        offsets = np.cumsum([0] + [len(t) + 1 for t in texts])
        rows += [
            (n, k, offsets[k], offsets[k] + len(t), t) for k, t in enumerate(texts)
        ]
    texts = [r[4] for r in rows]
    pred = clf.predict(clf_vec.transform(texts))
    vecs = sim_vec.transform(texts)
    gold = [c for contract in contracts_ for c in contract]
    out = []
    for row, (_, _, risk, kind), p, v in zip(rows, gold, pred, vecs):
        if p in PLAYBOOK:
            dist = 1 - (book[p] @ v.T).toarray().max()
            out.append(
                (dist, key_terms(row[4], p), risk is not None, risk, kind, p, row)
            )
    return out


def pick_threshold(rows, use_terms, min_precision=0.5):
    """Lowest distance threshold whose precision on training contracts is enough."""
    risky_ = np.array([r[2] for r in rows])
    for t in np.arange(0.0, 1.0, 0.01):
        flag = np.array([(r[0] > t) or (use_terms and r[1]) for r in rows])
        if flag.sum() and (flag & risky_).sum() / flag.sum() >= min_precision:
            return t
    return 1.0


tr, te = checks(train), checks(test)
risky = np.array([r[2] for r in te])
dist = np.array([r[0] for r in te])
terms = np.array([r[1] for r in te])
print(f"(3) deviation check on {len(te):,} test clauses, {risky.sum()} of them risky;")
print(
    "    threshold t on distance = lowest with precision >= 0.5 on training contracts"
)
print("    method                     t     AUPR  precision  recall  clauses flagged")
flags = {}
for name in ["similarity to playbook", "key terms (rules)", "similarity + key terms"]:
    use_sim, use_terms = name != "key terms (rules)", name != "similarity to playbook"
    t = pick_threshold(tr, use_terms) if use_sim else 1.0
    flag = (dist > t) | (use_terms & terms)
    score = np.where(use_terms & terms, 1.0, dist if use_sim else 0.0)
    ap = average_precision_score(risky, score)
    prec = (flag & risky).sum() / flag.sum()
    rec = (flag & risky).sum() / risky.sum()
    flags[name] = flag
    shown = f"{t:.2f}" if use_sim else "-"
    print(
        f"    {name:<23}{shown:>6}{ap:>8.3f}{prec:>9.3f}{rec:>9.3f}{flag.mean():>11.3f}"
    )
print("    recall per risk      change     n  similarity  key terms  both")
names = sorted(
    {(r[4], r[3]) for r in te if r[3]},
    key=lambda x: (["wording", "number", "hidden"].index(x[0]), x[1]),
)
for kind, risk in names:
    idx = np.array([r[3] == risk for r in te])
    a, b, c = (f[idx].mean() for f in flags.values())
    print(f"    {risk:<21}{kind:<8}{idx.sum():>4}{a:>10.3f}{b:>11.3f}{c:>7.3f}")
# A finding cites the clause and its character span, for the lawyer to check.
first = next(
    r
    for r, f in zip(te, flags["similarity + key terms"])
    if f and r[3] == "short notice"
)
n, k, a, b, text = first[6]
print(f"    e.g. test contract {n}, clause {k + 1}, characters {a}-{b}, {first[5]}:")
print(f"    '...{text[-72:]}'")
