import hashlib
import json
import re
from pathlib import Path


class PromptRegistry:
    """Prompts are immutable, addressed by the hash of everything that changes behaviour
    (template, model, decoding parameters); aliases such as "production" point at a
    hash."""

    def __init__(self):
        self.versions, self.aliases, self.history = {}, {}, []

    def register(self, template: str, model: str, params: dict) -> str:
        blob = json.dumps(
            {"template": template, "model": model, "params": params}, sort_keys=True
        )
        version = "p-" + hashlib.sha256(blob.encode()).hexdigest()[:10]
        self.versions.setdefault(version, json.loads(blob))
        return version

    def promote(self, alias: str, version: str):
        self.history.append((alias, self.aliases.get(alias)))
        self.aliases[alias] = version

    def rollback(self, alias: str):
        while self.history:
            name, previous = self.history.pop()
            if name == alias:
                self.aliases[alias] = previous
                return


def stand_in_llm(prompt: str, message: str) -> str:
    """Stands in for an LLM following a few-shot prompt: it reads the "Message: ... ->
    label" examples out of the prompt and answers with the label of the example sharing
    the most words with the message ("other" if none). The prompt really drives the
    output."""

    def words(s):
        return set(re.findall(r"[a-z]+", s.lower())) - {"the", "my", "a", "i", "is"}

    examples = re.findall(r"Message: (.+) -> (\w+)", prompt)
    scored = [(len(words(text) & words(message)), label) for text, label in examples]
    best = max(scored, default=(0, "other"))
    return best[1] if best[0] > 0 else "other"


V1 = """Route the message to billing, login, shipping or other.
Message: I was billed twice -> billing
Message: I forgot my password -> login
Message: Where is my order -> shipping
"""
V2 = (
    V1
    + """Message: refund my payment, the card was charged -> billing
Message: my account is locked, the code never arrives -> login
Message: the parcel or package has no tracking updates -> shipping
Message: the invoice price is wrong -> billing
Message: reset link expired, cannot log in -> login
Message: deliver to another address, box damaged -> shipping
"""
)

golden = json.loads(Path("data/ml-systems/golden_set.json").read_text())["items"]
THRESHOLD = 0.85


def offline_eval(template: str) -> float:
    hits = [stand_in_llm(template, item["input"]) == item["label"] for item in golden]
    return sum(hits) / len(hits)


registry = PromptRegistry()
params = {"temperature": 0.0, "max_tokens": 5}
v1 = registry.register(V1, "stand-in-llm", params)
print(
    f"v1 = {v1}; registering the same content again gives "
    f"{registry.register(V1, 'stand-in-llm', params)}"
)
print(
    "same template, temperature 0.7: "
    f"{registry.register(V1, 'stand-in-llm', {**params, 'temperature': 0.7})}"
)
# v1 was serving before the golden set existed.
registry.promote("production", v1)

v2 = registry.register(V2, "stand-in-llm", params)
for version, template in [(v1, V1), (v2, V2)]:
    score = offline_eval(template)
    gate = "pass" if score >= THRESHOLD else "FAIL (CI blocks the merge)"
    print(
        f"{version}: golden-set accuracy {score:.3f} over {len(golden)} items -> {gate}"
    )
    if score >= THRESHOLD:
        registry.promote("production", version)
print(f"production -> {registry.aliases['production']}")

registry.rollback("production")
print(f"after rollback, production -> {registry.aliases['production']}")

# 16 items is a smoke test, not a measurement: the 95% Wilson interval of 14/16.
k, n, z = 14, 16, 1.96
centre = (k / n + z**2 / (2 * n)) / (1 + z**2 / n)
half = z * ((k / n * (1 - k / n) + z**2 / (4 * n)) / n) ** 0.5 / (1 + z**2 / n)
print(f"14/16 correct: 95% interval [{centre - half:.2f}, {centre + half:.2f}]")
