# --8<-- [start:ner]
import random
import re
from collections import defaultdict
from pathlib import Path

# One sentence per line, entities inline: "[PER Anna Schmidt] joined [ORG Siemens] ."
lines = Path("data/nlp/ner_sentences.txt").read_text(encoding="utf-8").splitlines()


def to_bio(line):
    """Inline markup -> tokens and BIO tags: B- opens an entity, I- continues it."""
    tokens, tags = [], []
    for match in re.finditer(r"\[(PER|ORG|LOC) ([^\]]+)\]|(\S+)", line):
        if match.group(3):
            tokens.append(match.group(3))
            tags.append("O")
        else:
            words = match.group(2).split()
            tokens += words
            kind = match.group(1)
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
    return tokens, tags


def spans(tags):
    """BIO tags -> {(start, end, type)}. An I- continuing nothing opens an entity."""
    found, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and start is not None and tag[2:] == kind
        if start is not None and not continues:
            found.add((start, i, kind))
            start = None
        if tag != "O" and not continues:
            start, kind = i, tag[2:]
    return found


data = [to_bio(line) for line in lines]
train, test = data[:100], data[100:]
print(list(zip(*data[0])))


def shape(w):
    return re.sub(r"[A-Z]+", "X", re.sub(r"[a-z]+", "x", re.sub(r"[0-9]+", "d", w)))


def features(tokens, i, prev_tag):
    w = tokens[i]
    prev_w = tokens[i - 1].lower() if i > 0 else "<s>"
    next_w = tokens[i + 1].lower() if i + 1 < len(tokens) else "</s>"
    next_shape = shape(tokens[i + 1]) if i + 1 < len(tokens) else "</s>"
    return [
        "bias", f"w={w.lower()}", f"suffix={w[-3:].lower()}", f"shape={shape(w)}",
        f"first={i == 0}", f"prev_w={prev_w}", f"next_w={next_w}",
        f"next_shape={next_shape}", f"prev_tag={prev_tag}",
        f"prev_tag+shape={prev_tag}|{shape(w)}",
    ]  # fmt: skip


class AveragedPerceptron:
    """Greedy left-to-right tagger (Collins, 2002). On a mistake, add the features to
    the gold tag's weights and subtract them from the guessed tag's; predict with the
    weights averaged over all training steps."""

    def __init__(self, tags):
        self.tags, self.w = sorted(tags), defaultdict(float)
        self.total, self.stamp, self.step = defaultdict(float), defaultdict(int), 0

    def score(self, feats, tag):
        return sum(self.w[f, tag] for f in feats)

    def predict(self, tokens):
        out = []
        for i in range(len(tokens)):
            feats = features(tokens, i, out[-1] if out else "<s>")
            out.append(max(self.tags, key=lambda t: self.score(feats, t)))
        return out

    def update(self, key, delta):
        # Lazy running sum for the average: add the old weight once per step it was
        # held.
        self.total[key] += (self.step - self.stamp[key]) * self.w[key]
        self.stamp[key], self.w[key] = self.step, self.w[key] + delta

    def train(self, data, epochs=8, seed=0):
        rng = random.Random(seed)
        for _ in range(epochs):
            for tokens, gold in rng.sample(data, len(data)):
                prev = "<s>"
                for i, tag in enumerate(gold):
                    self.step += 1
                    feats = features(tokens, i, prev)  # prev is the gold tag here
                    guess = max(self.tags, key=lambda t: self.score(feats, t))
                    if guess != tag:
                        for f in feats:
                            self.update((f, tag), 1.0)
                            self.update((f, guess), -1.0)
                    prev = tag
        for key in list(self.w):
            self.update(key, 0.0)
            self.w[key] = self.total[key] / self.step


def evaluate(predict):
    correct_tokens = n_tokens = tp = n_pred = n_gold = 0
    for tokens, gold in test:
        pred = predict(tokens)
        correct_tokens += sum(p == g for p, g in zip(pred, gold))
        n_tokens += len(gold)
        tp += len(spans(pred) & spans(gold))  # exact boundaries and type
        n_pred, n_gold = n_pred + len(spans(pred)), n_gold + len(spans(gold))
    precision, recall = tp / max(n_pred, 1), tp / n_gold
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    token_acc = correct_tokens / n_tokens
    entity = f"entity P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
    return f"token acc {token_acc:.3f} | {entity}"


# Baseline 1: everything is O. Baseline 2: look up entity strings memorised from
# training.
memory = {tuple(t[s:e]): k for t, g in train for s, e, k in spans(g)}


def lookup(tokens):
    tags, i = ["O"] * len(tokens), 0
    while i < len(tokens):
        for n in (4, 3, 2, 1):  # longest match first
            if tuple(tokens[i : i + n]) in memory:
                kind = memory[tuple(tokens[i : i + n])]
                tags[i : i + n] = [f"B-{kind}"] + [f"I-{kind}"] * (n - 1)
                i += n - 1
                break
        i += 1
    return tags


tagger = AveragedPerceptron({t for _, tags in train for t in tags})
tagger.train(train)
unseen = sum(tuple(t[s:e]) not in memory for t, g in test for s, e, _ in spans(g))
n_test = sum(len(spans(g)) for _, g in test)
print(
    f"{len(train)} train / {len(test)} test sentences; "
    f"{unseen} of {n_test} test entities unseen in training"
)
print(f"{'always O':20s}", evaluate(lambda tokens: ["O"] * len(tokens)))
print(f"{'memorised lookup':20s}", evaluate(lookup))
print(f"{'averaged perceptron':20s}", evaluate(tagger.predict))
tokens = "Yesterday Clara Nowak flew from Lisbon to meet analysts at Deutsche Bank ."
print(list(zip(tokens.split(), tagger.predict(tokens.split()))))
# --8<-- [end:ner]
