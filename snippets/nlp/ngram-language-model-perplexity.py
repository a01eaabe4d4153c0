# --8<-- [start:ngram]
import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
texts = [r["text"] for r in csv.DictReader(lines)]
sents = [
    re.findall(r"[a-z']+|[^\sa-z']", t.lower().replace("\ufe0f", "")) for t in texts
]
train, held_out = sents[:400], sents[400:]

# Closed vocabulary: words seen twice or more in training; everything else becomes
# <unk>.
freq = Counter(w for s in train for w in s)
vocab = sorted(w for w, c in freq.items() if c >= 2) + ["<unk>", "</s>"]
idx = {w: i for i, w in enumerate(vocab)}
V = len(vocab)


def ids(sentence):
    return [idx.get(w, idx["<unk>"]) for w in sentence] + [idx["</s>"]]


BOS = -1  # start-of-sentence padding: a context, never predicted
c1 = np.zeros(V)
c2 = defaultdict(lambda: np.zeros(V))  # c2[u][w] = count(u w)
c3 = defaultdict(lambda: np.zeros(V))  # c3[(t, u)][w] = count(t u w)
for s in train:
    seq = [BOS, BOS] + ids(s)
    for t, u, w in zip(seq, seq[1:], seq[2:]):
        c1[w] += 1
        c2[u][w] += 1
        c3[t, u][w] += 1
# Kneser-Ney continuation probability: in how many distinct contexts does w appear?
continuation = sum((c > 0).astype(float) for c in c2.values())
p_cont = continuation / continuation.sum()


def unigram_add1(t, u):
    return (c1 + 1) / (c1.sum() + V)


def bigram_mle(t, u):
    return c2[u] / c2[u].sum() if c2[u].sum() else np.full(V, 1 / V)


def bigram_add_k(t, u, k=1.0):
    return (c2[u] + k) / (c2[u].sum() + k * V)


def bigram_kneser_ney(t, u, d=0.75):
    counts = c2[u]
    if counts.sum() == 0:
        return p_cont
    # Subtract d from every seen bigram; give that mass to the continuation
    # distribution.
    return (
        np.maximum(counts - d, 0) / counts.sum()
        + d * (counts > 0).sum() / counts.sum() * p_cont
    )


def trigram_interpolated(t, u, lambdas=(0.2, 0.5, 0.3)):
    tri = c3[t, u] / c3[t, u].sum() if c3[t, u].sum() else bigram_kneser_ney(t, u)
    return (
        lambdas[0] * tri
        + lambdas[1] * bigram_kneser_ney(t, u)
        + lambdas[2] * unigram_add1(t, u)
    )


def perplexity(model, sentences):
    log_probs = []
    for s in sentences:
        seq = [BOS, BOS] + ids(s)
        for t, u, w in zip(seq, seq[1:], seq[2:]):
            log_probs.append(np.log(model(t, u)[w]))
    return np.exp(
        -np.mean(log_probs)
    )  # perplexity = exp(average negative log-likelihood)


models = {
    "unigram, add-one": unigram_add1,
    "bigram, maximum likelihood": bigram_mle,
    "bigram, add-one (Laplace)": bigram_add_k,
    "bigram, add-0.01": lambda t, u: bigram_add_k(t, u, k=0.01),
    "bigram, interpolated Kneser-Ney": bigram_kneser_ney,
    "trigram + KN bigram + unigram": trigram_interpolated,
}
n_tokens = sum(len(s) + 1 for s in held_out)
print(f"vocabulary {V}, training tokens {int(c1.sum())}, held-out tokens {n_tokens}")
for name, part in [("training", train), ("held-out", held_out)]:
    share = np.mean([i == idx["<unk>"] for s in part for i in ids(s)])
    print(f"<unk> share of {name} tokens: {share:.1%}")
seen, unseen = idx["the"], idx["<unk>"]
for name, model in models.items():
    sums = [model(BOS, seen).sum(), model(BOS, unseen).sum()]
    with np.errstate(divide="ignore"):  # log(0) = -inf is the point for the MLE model
        ppl_train, ppl_test = perplexity(model, train), perplexity(model, held_out)
    ppl = f"train ppl {ppl_train:6.1f}  held-out {ppl_test:6.1f}"
    print(f"{name:32s} {ppl}  sums to 1: {np.allclose(sums, 1)}")
# --8<-- [end:ngram]
