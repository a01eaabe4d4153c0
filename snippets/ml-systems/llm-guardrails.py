# --8<-- [start:input]
import re

PII_PATTERNS = {
    "email": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"),
    "phone": re.compile(
        r"(?<!\d)(?:\+\d{1,3}[ -]?)?(?:\(\d{2,4}\)[ -]?)?"
        r"\d{3,4}[ -]\d{3,4}(?:[ -]\d{2,4})?(?!\d)"
    ),
    "card": re.compile(r"\b(?:\d[ -]?){13,19}\b"),
}


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
        for i, d in enumerate(digits)
    )
    return total % 10 == 0


def find_pii(text: str, use_luhn: bool = True) -> set[str]:
    found = set()
    for kind, pattern in PII_PATTERNS.items():
        for match in pattern.finditer(text):
            if kind == "card" and use_luhn and not luhn_ok(match.group()):
                continue
            found.add(kind)
    if "card" in found:
        found.discard("phone")  # a card number also matches the looser phone pattern
    return found


def redact(text: str) -> str:
    for kind, pattern in PII_PATTERNS.items():
        text = pattern.sub(f"[{kind.upper()}]", text)
    return text


# Hand-labelled test cases: (text, PII kinds really present).
cases = [
    ("my email is jane.doe+shop@example.org, please reply", {"email"}),
    ("call me on +44 20 7946 0958 after six", {"phone"}),
    ("card 4111 1111 1111 1111 exp 12/29", {"card"}),
    ("order 1234567890123456 has not arrived", set()),
    ("tracking id 9400 1000 0000 0000 0000 00", set()),
    ("the total was 1299 dollars for 3 items", set()),
    ("reach me at (555) 013-4477 or bob@mail.co", {"phone", "email"}),
    ("version 2.14.3 broke the export", set()),
]
for use_luhn in [False, True]:
    tp = fp = fn = 0
    for text, truth in cases:
        found = find_pii(text, use_luhn)
        tp, fp, fn = (
            tp + len(found & truth),
            fp + len(found - truth),
            fn + len(truth - found),
        )
    print(
        f"Luhn check {'on ' if use_luhn else 'off'}: precision {tp / (tp + fp):.2f}, "
        f"recall {tp / (tp + fn):.2f}"
    )
for text, truth in cases:
    if find_pii(text) - truth:
        print(f"still a false positive: {text!r} -> {sorted(find_pii(text) - truth)}")
print("redacted:", redact(cases[6][0]))

# Topic allow-list: the assistant answers only about its product area.
ALLOWED = {"billing", "login", "shipping"}
for topic in ["billing", "medical advice"]:
    print(
        f"topic {topic!r}: "
        f"{'answer' if topic in ALLOWED else 'refuse with a canned reply'}"
    )
# --8<-- [end:input]

# --8<-- [start:output]
from typing import Literal

from pydantic import BaseModel, Field, ValidationError


class Routing(BaseModel):
    category: Literal["billing", "login", "shipping", "other"]
    confidence: float = Field(ge=0, le=1)
    reply: str = Field(max_length=200)


raw_outputs = [
    '{"category": "billing", "confidence": 0.92, '
    '"reply": "I have refunded the charge."}',
    '{"category": "refunds", "confidence": 0.80, "reply": "Done."}',
    '{"category": "login", "confidence": 1.7, "reply": "Reset link sent."}',
    'Sure! Here is the JSON: {"category": "shipping", ...}',
    '{"category": "other", "confidence": 0.55}',
]
valid = 0
for raw in raw_outputs:
    try:
        parsed = Routing.model_validate_json(raw)
        valid += 1
        print(f"ok       {parsed.category} {parsed.confidence}")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        print(f"rejected {first['type']} at {where}")
print(
    f"{valid}/{len(raw_outputs)} outputs pass; the rest are retried once, then a "
    "fallback reply"
)
print(
    "JSON Schema sent to the model:", sorted(Routing.model_json_schema()["properties"])
)
# --8<-- [end:output]
