# --8<-- [start:ppmi]
from pathlib import Path

import numpy as np

lines = Path("data/nlp/embedding_corpus.txt").read_text().splitlines()
categories = {
    "animal": "cat dog horse rabbit sheep goat cow fox",
    "food": "bread cheese rice soup pasta salad cake",
    "city": "paris london berlin madrid rome vienna lisbon dublin",
    "colour": "red blue green yellow black white purple",
    "vehicle": "car bus train bike truck boat plane taxi",
    "job": "doctor teacher farmer nurse pilot chef lawyer baker",
    "clothes": "shirt jacket hat coat dress scarf sweater skirt",
}
category = {w: c for c, words in categories.items() for w in words.split()}


def ppmi_svd(sentences, dim=16, window=2):
    vocab = sorted({w for s in sentences for w in s})
    index = {w: i for i, w in enumerate(vocab)}
    C = np.zeros((len(vocab), len(vocab)))  # word-context co-occurrence counts
    for s in sentences:
        for i, w in enumerate(s):
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if j != i:
                    C[index[w], index[s[j]]] += 1
    # Positive PMI: log P(w,c) / (P(w) P(c)), negative values clipped to 0.
    p_w, p_c = C.sum(1, keepdims=True) / C.sum(), C.sum(0, keepdims=True) / C.sum()
    with np.errstate(divide="ignore"):
        ppmi = np.maximum(np.log(C / C.sum() / (p_w * p_c)), 0)
    U, S, _ = np.linalg.svd(ppmi)  # truncated SVD gives dense vectors
    vectors = U[:, :dim] * np.sqrt(S[:dim])
    return vocab, index, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def neighbours(word, vocab, index, vectors, k=4):
    sims = vectors @ vectors[index[word]]
    return [vocab[i] for i in np.argsort(-sims) if vocab[i] != word][:k]


def purity(vocab, index, vectors):
    """Share of each word's 4 nearest neighbours that are in its own category."""
    words = [w for w in category if w in index]
    return np.mean(
        [
            [
                category.get(n) == category[w]
                for n in neighbours(w, vocab, index, vectors)
            ]
            for w in words
        ]
    )


vocab, index, vectors = ppmi_svd([line.split() for line in lines])
for word in ["cat", "paris", "bread", "jacket", "orange"]:
    print(f"{word:7s} -> {', '.join(neighbours(word, vocab, index, vectors))}")

# "orange" is a colour and a food in this corpus: its one vector sits between the two.
for name in ["colour", "food"]:
    centroid = np.mean([vectors[index[w]] for w in categories[name].split()], axis=0)
    cos = vectors[index["orange"]] @ centroid / np.linalg.norm(centroid)
    print(f"cos(orange, mean {name} vector) = {cos:.2f}")

print(f"neighbour purity (chance {1 / len(categories):.2f}) by corpus size:")
for n in [50, 200, 1000, len(lines)]:
    model = ppmi_svd([line.split() for line in lines[:n]])
    print(f"  {n:5d} sentences: {purity(*model):.2f}")
# --8<-- [end:ppmi]

# --8<-- [start:sgns]
from pathlib import Path

import numpy as np
import torch

torch.manual_seed(0)
rng = np.random.default_rng(0)
sentences = [
    line.split()
    for line in Path("data/nlp/embedding_corpus.txt").read_text().splitlines()
]
vocab = sorted({w for s in sentences for w in s})
index = {w: i for i, w in enumerate(vocab)}

# Skip-gram: predict each context word (window 2) from the centre word.
pairs = np.array(
    [
        (index[w], index[s[j]])
        for s in sentences
        for i, w in enumerate(s)
        for j in range(max(0, i - 2), min(len(s), i + 3))
        if j != i
    ]
)
# Negatives come from the unigram distribution raised to 3/4 (Mikolov et al., 2013).
counts = np.bincount([index[w] for s in sentences for w in s], minlength=len(vocab))
noise = torch.tensor(counts**0.75 / (counts**0.75).sum())

dim, k_neg = 16, 5
centre, context = (
    torch.nn.Embedding(len(vocab), dim),
    torch.nn.Embedding(len(vocab), dim),
)
torch.nn.init.uniform_(centre.weight, -0.5 / dim, 0.5 / dim)
torch.nn.init.zeros_(context.weight)
optimizer = torch.optim.Adam([*centre.parameters(), *context.parameters()], lr=0.03)
logsig = torch.nn.functional.logsigmoid
for _epoch in range(3):
    for batch in torch.tensor(rng.permutation(pairs)).split(4096):
        c, o = centre(batch[:, 0]), context(batch[:, 1])
        neg = context(
            torch.multinomial(noise, len(batch) * k_neg, replacement=True)
        ).view(len(batch), k_neg, dim)
        # Maximise log sigma(c.o) for observed pairs, log sigma(-c.n) for k random
        # words.
        loss = -(
            logsig((c * o).sum(1)) + logsig(-(neg @ c.unsqueeze(2)).squeeze(2)).sum(1)
        ).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print(f"{len(pairs)} training pairs, final batch loss {loss.item():.2f}")

vectors = torch.nn.functional.normalize(centre.weight.detach(), dim=1).numpy()
for word in ["cat", "paris", "bread", "jacket", "orange"]:
    sims = vectors @ vectors[index[word]]
    nearest = [vocab[i] for i in np.argsort(-sims) if vocab[i] != word][:4]
    print(f"{word:7s} -> {', '.join(nearest)}")
# --8<-- [end:sgns]
