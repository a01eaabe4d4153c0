import copy
import sys

import numpy as np
import pandas as pd
import torch
from transformers import DynamicCache

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
df = pd.read_csv("data/nlp/sentiment.csv")
# Reviews of at most 8 tokens keep the run short; labels: 1 positive, 0 negative.
df = df[[len(tok(" " + t)["input_ids"]) <= 8 for t in df.text]].reset_index(drop=True)
texts, y = df.text.tolist(), (df.label == "positive").to_numpy().astype(int)
rng = np.random.default_rng(0)
idx = rng.permutation(len(df))
dev, test, pool = idx[:40], idx[40:120], idx[120:]  # pool: demonstrations only
names = ["negative", "positive"]
label_ids = [tok(" negative")["input_ids"][0], tok(" positive")["input_ids"][0]]


def prompt(instruction, demos):
    shots = "".join(f"Review: {texts[i]}\nSentiment: {names[y[i]]}\n\n" for i in demos)
    return f"{instruction}\n\n{shots}Review:"


@torch.no_grad()
def correct(prefix, items):
    """1.0 where ' positive' vs ' negative' (next-token logit) matches the label."""
    cache = DynamicCache(config=model.config)
    ids = tok(prefix, return_tensors="pt")["input_ids"]
    model(input_ids=ids, past_key_values=cache)  # the shared prefix, run once
    queries = [tok(f" {texts[i]}\nSentiment:")["input_ids"] for i in items]
    pred = np.zeros(len(items), dtype=int)
    for n in sorted({len(q) for q in queries}):  # equal lengths: no padding
        rows = [r for r, q in enumerate(queries) if len(q) == n]
        c = copy.deepcopy(cache)
        c.batch_repeat_interleave(len(rows))
        x = torch.tensor([queries[r] for r in rows])
        logits = model(input_ids=x, past_key_values=c, logits_to_keep=1).logits[:, -1]
        pred[rows] = (logits[:, label_ids[1]] > logits[:, label_ids[0]]).numpy()
    return (pred == y[items]).astype(float)


def paired_interval(diff):
    """Mean of per-review differences with a 95% bootstrap interval."""
    boot = [rng.choice(diff, len(diff)).mean() for _ in range(2000)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return f"{diff.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]"


# Search space: the zero-shot prompt, and 2 instructions x 2 random 4-shot sets
# x 2 orders. The letters after a name: its demonstrations' labels, in order.
instructions = {
    "A": "Classify the sentiment of the review as positive or negative.",
    "B": "Is this review positive or negative?",
}
candidates = {"instruction A, zero-shot": prompt(instructions["A"], [])}
demo_sets = [rng.choice(pool, 4, replace=False) for _ in range(2)]
for a, instruction in instructions.items():
    for s, demos in enumerate(demo_sets, 1):
        for order, shots in [("", demos), (" reversed", demos[::-1])]:
            labels = "".join(names[y[i]][0].upper() for i in shots)
            name = f"instruction {a}, set {s}{order} {labels}"
            candidates[name] = prompt(instruction, shots)
on_dev = {name: correct(p, dev) for name, p in candidates.items()}
print(f"{len(df)} reviews: {len(dev)} dev, {len(test)} test, {len(pool)} demo pool")
for name, c in on_dev.items():
    print(f"{name:36} dev {c.mean():.3f}")

ranked = sorted(on_dev, key=lambda k: on_dev[k].mean())  # stable: ties keep order
first, second = on_dev[ranked[-1]], on_dev[ranked[-2]]
print(f"best minus runner-up on dev, paired: {paired_interval(first - second)}")
picks = {
    "selected (best on dev)": ranked[-1],
    "median candidate": ranked[len(ranked) // 2],
    "zero-shot baseline": "instruction A, zero-shot",
}
on_test = {k: correct(candidates[k], test) for k in dict.fromkeys(picks.values())}
print(f"{'':23}{'prompt':36}dev    test")
for label, k in picks.items():
    print(f"{label:23}{k:36}{on_dev[k].mean():.3f}  {on_test[k].mean():.3f}")
sel, med = picks["selected (best on dev)"], picks["median candidate"]
curse = on_dev[sel].mean() - on_test[sel].mean()
print(f"winner's curse, dev minus test of the selected prompt: {curse:+.3f}")
diff = on_test[sel] - on_test[med]  # the same test reviews
print(f"selected minus median on test, paired: {paired_interval(diff)}")

# The curse alone: k prompts, all truly 0.90 accurate, independent errors.
print("simulated: k equally good prompts (0.90); best dev score minus 0.90")
for k in (9, 100):
    best = [rng.binomial(n, 0.9, (20_000, k)).max(1).mean() / n for n in (40, 160, 640)]
    row = "  ".join(f"dev {n}: {b - 0.9:+.3f}" for n, b in zip((40, 160, 640), best))
    print(f"k={k:<3}  {row}")
