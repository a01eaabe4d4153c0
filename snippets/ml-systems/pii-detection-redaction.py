# --8<-- [start:detect]
import hashlib
import hmac
import random
import re
from datetime import date

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

rng = random.Random(0)

# Synthetic support tickets. Names are made of syllables, so none is a real person.
SYL = "ka lo mi ra ten vo sel dor an li bre tu mar gon ish ne fa ro zel pa quin jo"
SYL = SYL.split()


def word():
    return "".join(rng.choice(SYL) for _ in range(rng.choice([2, 3]))).capitalize()


FIRST = sorted({word() for _ in range(500)})
LAST = sorted({word() for _ in range(500)} - set(FIRST))
# first names that are also ordinary words
FIRST += ["May", "Will", "Mark", "June", "Bill"]
# a public name list: covers 60% of the names, and the word-like ones
NAME_DICT = set(rng.sample(FIRST, int(0.6 * len(FIRST))))
NAME_DICT |= set(rng.sample(LAST, int(0.6 * len(LAST)))) | set(FIRST[-5:])
PRODUCTS = ["Zentro", "Lumavox", "Corvix", "Pixora", "Stratos", "Nimbus", "Quasar"]


def luhn_ok(digits):
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d)
    return total % 10 == 0


def card_number():
    body = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(14))
    check = next(c for c in "0123456789" if luhn_ok(body + c))
    return body + check


def grouped(d):
    sep = rng.choice([" ", "-", ""])
    return sep.join(d[i : i + 4] for i in range(0, 16, 4))


def digits(n):
    return str(rng.randint(1, 9)) + "".join(
        rng.choice("0123456789") for _ in range(n - 1)
    )


def phone_text(d):
    a, b, c = d[:3], d[3:6], d[6:]
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", a + b + c])


def date_text(y, m, d):
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}"])


def nxx():
    # US area codes and exchanges start with 2-9
    return f"{rng.randint(2, 9)}{rng.randint(0, 99):02d}"


# a regional business: all phones share 20 area-code + exchange prefixes
PREFIXES = [nxx() + nxx() for _ in range(20)]
customers = []
for _ in range(800):
    first, last = rng.choice(FIRST[:-5]), rng.choice(LAST)
    domain = rng.choice(["mailbox.com", "post.net", "inbox.org"])
    card = card_number()
    typo = card[:7] + str((int(card[7]) + rng.randint(1, 9)) % 10) + card[8:]
    customers.append(
        {
            "first": first,
            "full": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@{domain}",
            "phone": rng.choice(PREFIXES) + f"{rng.randint(0, 9999):04d}",
            "card": card,
            "typo": typo,
            "dob": (rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)),
        }
    )
AGENTS = [f"{rng.choice(FIRST[:-5])} {rng.choice(LAST)}" for _ in range(30)]


def sentences(c, agent, split):
    """Each sentence is a list of literal text and (type, text) pieces."""
    email = c["email"]
    if rng.random() < 0.3:
        email = email.replace("@", " at ").replace(".", " dot ")
    part = (
        f"{rng.randint(1000, 9999)}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
    )
    return [
        ["Hi, my name is ", ("name", c["full"]), "."],
        ["Regards, ", ("name", c["full"])],
        ["Thanks, ", ("name", c["first"]), "."],
        ["I spoke to ", ("name", agent.split()[0]), " on the phone."],
        ["Please ask ", ("name", agent), " to call me."],
        ["You can reach me at ", ("email", c["email"]), "."],
        ["Email: ", ("email", c["email"])],
        ["my address is ", ("email", email), " if that helps."],
        ["Call me on ", ("phone", phone_text(c["phone"])), "."],
        [("phone", phone_text(c["phone"])), " is my mobile."],
        ["I paid with card ", ("card", grouped(c["card"])), "."],
        ["The charge on ", ("card", grouped(c["card"])), " is wrong."],
        ["My card ", ("card", grouped(c["typo"])), " was charged twice."],
        ["It was billed to ", ("card", grouped(c["typo"])), " twice."],
        ["I was born on ", ("date", date_text(*c["dob"])), "."],
        ["I ordered it on ", ("date", date_text(2025, rng.randint(1, 12), 9)), "."],
        # look-alikes that are not personal data
        ["Order ", grouped(digits(16)), " has not arrived."],
        ["I am writing about ", grouped(digits(16)), "."],
        ["Ticket ", digits(10), " is still open."],
        ["Replacement part ", part, " is missing."],
        ["The ", rng.choice(PRODUCTS), " Pro app crashes on start."],
        ["My ", rng.choice(PRODUCTS), " router keeps dropping."],
        ["Will it arrive before ", rng.choice(["May", "June"]), "?"],
        ["Mark it as urgent, please."],
        ["Dear Support Team, the refund never came."],
    ] + (
        # two phrasings that appear only in the newer (test) tickets
        []
        if split == "train"
        else [
            [("name", c["first"]), " here, still waiting."],
            ["cc ", ("name", c["full"]), " (account holder)"],
        ]
    )


def make_ticket(c, split):
    text, spans = "", []
    for sent in rng.sample(sentences(c, rng.choice(AGENTS), split), 5):
        for piece in sent:
            if isinstance(piece, tuple):
                spans.append((len(text), len(text) + len(piece[1]), piece[0]))
                piece = piece[1]
            text += piece
        text += " "
    return text.strip(), spans


# customers 0-399 write the training tickets, 400-799 the test tickets
train = [make_ticket(customers[rng.randrange(400)], "train") for _ in range(1500)]
test_owner = [rng.randrange(400, 800) for _ in range(1500)]
test = [make_ticket(customers[i], "test") for i in test_owner]

# (a) naive regexes
NAIVE = {
    "email": r"[\w.+-]+@[\w-]+\.[\w.]+",
    "phone": r"\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}",
    "card": r"\d{4}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}",
    "date": r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}",
    "name": r"[A-Z][a-z]+ [A-Z][a-z]+",
}


def detect_naive(text):
    return {
        (m.start(), m.end(), t) for t, p in NAIVE.items() for m in re.finditer(p, text)
    }


# (b) tighter patterns, checksums and validity checks, context words
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}"
CARD = r"(?<![\d-])\d{4}([- ]?)\d{4}\1\d{4}\1\d{4}(?![\d-])"
PHONE = r"(?<![\d-])(?:\(\d{3}\) \d{3}-|\d{3}([-.]?)\d{3}\1)\d{4}(?![\d-])"
DATE = r"(?<![\d-])(?:\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})(?![\d-])"
NAME_CUE = r"(?:[Mm]y name is|Regards,|Thanks,) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
CARD_WORDS = {"card", "visa", "mastercard", "credit", "debit"}
NOT_PII = {"order", "ticket", "part", "reference", "tracking", "invoice", "sku"}


def words_before(text, start):
    return set(re.findall(r"[a-z]+", text[max(0, start - 20) : start].lower()))


def valid_date(s):
    y, m, d = map(int, s.split("-")) if "-" in s else (s[6:], s[:2], s[3:5])
    try:
        return 1900 <= int(y) <= 2030 and bool(date(int(y), int(m), int(d)))
    except ValueError:
        return False


def detect_rules(text):
    found = {(m.start(), m.end(), "email") for m in re.finditer(EMAIL, text)}
    found |= {(m.start(1), m.end(1), "name") for m in re.finditer(NAME_CUE, text)}
    for m in re.finditer(CARD, text):
        ctx = words_before(text, m.start())
        if not ctx & NOT_PII and (luhn_ok(re.sub(r"\D", "", m[0])) or ctx & CARD_WORDS):
            found.add((m.start(), m.end(), "card"))
    for m in re.finditer(PHONE, text):
        d = re.sub(r"\D", "", m[0])
        # US numbers: area code and exchange start with 2-9
        nanp = d[0] in "23456789" and d[3] in "23456789"
        if nanp and not words_before(text, m.start()) & NOT_PII:
            found.add((m.start(), m.end(), "phone"))
    for m in re.finditer(DATE, text):
        if valid_date(m[0]) and not words_before(text, m.start()) & NOT_PII:
            found.add((m.start(), m.end(), "date"))
    return found


# (c) rules + dictionary: runs of capitalised words found in the name list
def tokens(text):
    return [(m.start(), m.end(), m[0]) for m in re.finditer(r"\w+|[^\w\s]", text)]


def name_runs(text, is_name):
    toks, spans, i = tokens(text), set(), 0
    while i < len(toks):
        j = i
        while j < len(toks) and is_name(toks, j):
            j += 1
        if j > i:
            spans.add((toks[i][0], toks[j - 1][1], "name"))
        i = max(j, i + 1)
    return spans


def capitalised(tok):
    return re.fullmatch(r"[A-Z][a-z]+", tok) is not None


def detect_dict(text):
    dict_names = name_runs(text, lambda t, j: t[j][2] in NAME_DICT)
    return detect_rules(text) | dict_names


# (d) rules + a token classifier for names, trained on the labelled tickets
def features(toks, j):
    w = toks[j][2]
    prev = [toks[j - k][2].lower() if j >= k else "<s>" for k in (1, 2)]
    nxt = toks[j + 1][2] if j + 1 < len(toks) else "</s>"
    return {
        "w=" + w.lower(): 1,
        "suffix=" + w[-2:]: 1,
        "in_name_list": w in NAME_DICT,
        "prev=" + prev[0]: 1,
        "prev2=" + " ".join(prev): 1,
        "next=" + nxt.lower(): 1,
        "prev_capitalised": j > 0 and capitalised(toks[j - 1][2]),
        "next_capitalised": capitalised(nxt),
    }


X, y = [], []
for text, spans in train:
    names = [(s, e) for s, e, t in spans if t == "name"]
    toks = tokens(text)
    for j, (s, e, w) in enumerate(toks):
        if capitalised(w):
            X.append(features(toks, j))
            y.append(any(a <= s and e <= b for a, b in names))
vec = DictVectorizer()
clf = LogisticRegression(C=1.0, max_iter=2000).fit(vec.fit_transform(X), y)


def detect_clf(text, threshold=0.5):
    toks = tokens(text)
    cand = [j for j, t in enumerate(toks) if capitalised(t[2])]
    p = clf.predict_proba(vec.transform([features(toks, j) for j in cand]))[:, 1]
    names = {j for j, pj in zip(cand, p) if pj >= threshold}
    rules = {s for s in detect_rules(text) if s[2] != "name"}
    return rules | name_runs(text, lambda t, j: j in names)


def evaluate(detect):
    true, pred, leaked = set(), set(), 0
    for k, (text, spans) in enumerate(test):
        found = detect(text)
        true |= {(k, *s) for s in spans}
        pred |= {(k, *s) for s in found}
        covered = {i for s, e, _ in found for i in range(s, e)}
        leaked += any(i not in covered for s, e, _ in spans for i in range(s, e))
    out = {}
    for t in ["email", "phone", "card", "date", "name", None]:
        tt = {s for s in true if t in (None, s[3])}
        pp = {s for s in pred if t in (None, s[3])}
        out[t or "all"] = (
            len(tt & pp) / max(len(pp), 1),
            len(tt & pp) / len(tt),
            len(tt),
        )
    return out, leaked


methods = {
    "(a) naive": detect_naive,
    "(b) rules": detect_rules,
    "(c) +dict": detect_dict,
    "(d) +clf": detect_clf,
}
results = {name: evaluate(f) for name, f in methods.items()}
n_spans = sum(len(s) for _, s in test)
print(
    f"{len(train)} training and {len(test)} test tickets; {n_spans} PII spans in test"
)
orders = [
    re.sub(r"\D", "", m[0])
    for text, spans in test
    for m in re.finditer(CARD, text)
    if not any(s <= m.start() < e for s, e, _ in spans)
]
print(f"16-digit order numbers in test: {len(orders)}, ", end="")
print(f"{sum(map(luhn_ok, orders))} of them pass the Luhn check")
print("precision/recall on the test tickets (exact span and type)")
print(f"{'type':>6} {'spans':>6}" + "".join(f"{m:>14}" for m in methods))
for t in ["email", "phone", "card", "date", "name", "all"]:
    row = f"{t:>6} {results['(a) naive'][0][t][2]:>6}"
    for m in methods:
        p, r, _ = results[m][0][t]
        row += f"{p:>9.2f}/{r:.2f}"
    print(row)
print(f"{'tickets with PII left unredacted':<31}", end="")
print("".join(f"{results[m][1]:>14}" for m in methods))
# names in the two phrasings that never occur in the training tickets
hits = {True: [0, 0], False: [0, 0]}
for text, spans in test:
    found = detect_clf(text)
    for s, e, kind in spans:
        if kind == "name":
            new = text[e : e + 5] == " here" or text[max(0, s - 3) : s] == "cc "
            hits[new][0] += (s, e, "name") in found
            hits[new][1] += 1
print("name recall of (d), phrasings seen in training ", end="")
print(
    f"{hits[False][0] / hits[False][1]:.2f}, unseen {hits[True][0] / hits[True][1]:.2f}"
)
res_low, leak_low = evaluate(lambda text: detect_clf(text, threshold=0.1))
p5, r5, _ = results["(d) +clf"][0]["name"]
p1, r1, _ = res_low["name"]
print(
    f"names, classifier threshold 0.5 -> 0.1: precision {p5:.2f} -> {p1:.2f}, ", end=""
)
print(f"recall {r5:.2f} -> {r1:.2f}")
print(f"tickets with PII left unredacted at threshold 0.1: {leak_low}")
left = {}
for text, spans in test:
    covered = {i for s, e, _ in detect_clf(text, 0.1) for i in range(s, e)}
    for s, e, kind in spans:
        if any(i not in covered for i in range(s, e)):
            left[kind] = left.get(kind, 0) + 1
print(
    "spans left at threshold 0.1:",
    ", ".join(f"{k} {v}" for k, v in sorted(left.items())),
)
# --8<-- [end:detect]

# --8<-- [start:pseudonymise]
import hashlib
import hmac
import random
import re

rng = random.Random(0)
# In production the key comes from a secrets manager and never sits next to the data;
# a fixed key keeps this output stable.
KEY = hashlib.sha256(b"demo key, never hard-code a real one").digest()


def normalise(kind, value):
    return re.sub(r"\D", "", value) if kind in ("phone", "card") else value.lower()


def pseudonym(kind, value, key=KEY, norm=True):
    value = normalise(kind, value) if norm else value
    tag = hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()[:8]
    return f"<{kind.upper()}_{tag}>"


SYL = ["ka", "lo", "mi", "ra", "ten", "vo", "sel", "dor", "an", "li", "bre", "tu"]
FAKE = sorted({"".join(rng.sample(SYL, 2)).capitalize() for _ in range(300)})


def surrogate(kind, value):
    i = int(pseudonym(kind, value)[-9:-1], 16)
    if kind == "name":
        # realistic stand-ins, so that names a detector missed hide among them
        parts = len(value.split())
        return " ".join(FAKE[(i >> 8 * k) % len(FAKE)] for k in range(parts))
    if kind == "email":
        return f"u{i % 10**6:06d}@example.com"
    # keeps the area code; 555-0100 to 555-0199 are reserved for fiction
    return f"{normalise(kind, value)[:3]}-555-01{i % 100:02d}"


def transform(text, spans, mode):
    for s, e, kind in sorted(spans, reverse=True):
        value = text[s:e]
        new = {
            "redact": "[REDACTED]",
            "mask": f"<{kind.upper()}>",
            "pseudonym": pseudonym(kind, value),
            "surrogate": surrogate(kind, value),
        }[mode]
        text = text[:s] + new + text[e:]
    return text


pieces = [
    "My name is ",
    ("name", "Rora Mira"),
    ". Email: ",
    ("email", "rora.mira@post.net"),
]
pieces += [". Phone: ", ("phone", "(777) 257-7409"), "."]
text, spans = "", []
for piece in pieces:
    if isinstance(piece, tuple):
        spans.append((len(text), len(text) + len(piece[1]), piece[0]))
        piece = piece[1]
    text += piece
print(f"{'original':<9}", text)
for mode in ["redact", "mask", "pseudonym", "surrogate"]:
    print(f"{mode:<9}", transform(text, spans, mode))


# One person, one token: across records, formats and (with the same key) datasets.
def nxx():
    # US area codes and exchanges start with 2-9
    return f"{rng.randint(2, 9)}{rng.randint(0, 99):02d}"


PREFIXES = [nxx() + nxx() for _ in range(20)]
phones = sorted(
    {rng.choice(PREFIXES) + f"{rng.randint(0, 9999):04d}" for _ in range(300)}
)


def written(d):
    a, b, c = d[:3], d[3:6], d[6:]
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", a + b + c])


mentions = [written(d) for d in phones for _ in range(rng.randint(1, 4))]
tok_norm = {pseudonym("phone", w) for w in mentions}
tok_raw = {pseudonym("phone", w, norm=False) for w in mentions}
other_key = {pseudonym("phone", w, key=b"another dataset's key") for w in mentions}
print(f"\n{len(phones)} people's phone numbers, {len(mentions)} mentions in 4 formats")
print(f"  distinct HMAC tokens, digits normalised first: {len(tok_norm)}")
print(f"  distinct HMAC tokens of the text as written:   {len(tok_raw)}")
print(f"  tokens in common with a second key: {len(tok_norm & other_key)}")

# An unkeyed hash of a phone number is reversed by enumerating candidates.
targets = phones[:25]
sha = {hashlib.sha256(p.encode()).hexdigest() for p in targets}
mac = {pseudonym("phone", p) for p in targets}
print(f"\n{len(targets)} phone numbers stored as unkeyed SHA-256 or as HMAC tokens")
print(f"  all 10-digit strings: {10**10:,}; shaped like US numbers: {64 * 10**8:,}")
print(f"  at 1 million hashes a second, all 10-digit strings: {10**4 / 3600:.1f} h")
cands = [p + f"{n:04d}" for p in PREFIXES for n in range(10_000)]
print(f"  attacker who knows the {len(PREFIXES)} prefixes: {len(cands):,} candidates")
hit_sha = sum(hashlib.sha256(x.encode()).hexdigest() in sha for x in cands)
hit_mac = sum(pseudonym("phone", x, key=b"guessed key") in mac for x in cands)
hit_leak = sum(pseudonym("phone", x) in mac for x in cands)
print(f"  reversed: SHA-256 {hit_sha} of {len(targets)}, HMAC without the key ", end="")
print(f"{hit_mac}, HMAC with a leaked key {hit_leak}")
# --8<-- [end:pseudonymise]
