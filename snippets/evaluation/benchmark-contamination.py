import re
from collections import Counter
from pathlib import Path

import numpy as np

rng = np.random.default_rng(0)
names = ["Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana"]
things = ["apples", "stamps", "marbles", "books", "coins", "shells"]


def item(i):  # a word problem with a known answer
    a, b = (int(v) for v in rng.integers(2, 50, size=2))
    return {
        "id": i,
        "name": names[i % 8],
        "thing": things[i % 6],
        "a": a,
        "b": b,
        "answer": a + b,
    }


def render(it):  # the benchmark's own wording
    return (
        f"Question: {it['name']} has {it['a']} {it['thing']} and is given {it['b']} "
        "more by a friend. "
        f"How many {it['thing']} does {it['name']} have now? Answer: {it['answer']}"
    )


def paraphrase(
    it,
):  # the same problem, reworded (as a blog post quoting the benchmark might)
    return (
        f"A friend hands {it['name']} another {it['b']} {it['thing']}; before that "
        f"there were {it['a']}. "
        f"So the total is {it['answer']}."
    )


bench = [item(i) for i in range(200)]
leak = {i: "verbatim" for i in range(0, 10)} | {i: "reformatted" for i in range(10, 20)}
leak |= {i: "paraphrased" for i in range(20, 30)}

# A "pretraining corpus": ordinary text, with some benchmark items pasted into its
# documents.
docs = Path("data/evaluation/lm_corpus.txt").read_text().splitlines()
for i, kind in leak.items():
    text = render(bench[i]) if kind != "paraphrased" else paraphrase(bench[i])
    if kind == "reformatted":
        text = (
            text.upper().replace("?", " ?").replace(":", " -")
        )  # case and punctuation changed
    docs[i % len(docs)] += " " + text


def normalise(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def ngram_set(tokens, n):
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def overlap(grams, corpus_ngrams):
    """Fraction of the item's n-grams that also occur in the corpus."""
    return len(grams & corpus_ngrams) / max(len(grams), 1)


N = 8  # GPT-3 used 13-grams on long documents; these items are ~25 words, so 8
corpus_ngrams = set().union(*(ngram_set(normalise(d), N) for d in docs))
item_grams = [ngram_set(normalise(render(it)), N) for it in bench]
# Template text shared by many items ("how many ... does ... have now") is not evidence
# of a leak.
df = Counter(g for grams in item_grams for g in grams)
specific = [{g for g in grams if df[g] <= 2} for grams in item_grams]

print(
    f"{'leak type':<12} {'items':>5} {'flagged (all 8-grams)':>21} "
    f"{'flagged (item-specific)':>23}"
)
flags = {}
for name, grams in [("all", item_grams), ("specific", specific)]:
    flags[name] = np.array(
        [overlap(g, corpus_ngrams) >= 0.5 for g in grams]
    )  # half its 8-grams seen
for kind in ["verbatim", "reformatted", "paraphrased", "none"]:
    ids = [i for i in range(len(bench)) if leak.get(i, "none") == kind]
    print(
        f"{kind:<12} {len(ids):>5} {flags['all'][ids].sum():>21} "
        f"{flags['specific'][ids].sum():>23}"
    )
flagged = flags["specific"]

# A model that memorised every leaked item and otherwise solves 40% of problems.
truly_leaked = np.array([i in leak for i in range(len(bench))])
correct = truly_leaked | (rng.random(len(bench)) < 0.40)
print(f"accuracy, full benchmark:         {correct.mean():.3f}")
print(f"accuracy, items the check passes: {correct[~flagged].mean():.3f}")
print(f"accuracy, truly clean items:      {correct[~truly_leaked].mean():.3f}")
