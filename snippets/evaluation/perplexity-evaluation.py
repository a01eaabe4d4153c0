# --8<-- [start:ngram]
import math
from collections import Counter
from pathlib import Path

import numpy as np

lines = Path("data/evaluation/lm_corpus.txt").read_text().splitlines()
train = [
    s.split() + ["</s>"] for i, s in enumerate(lines) if i % 5 != 4
]  # 84 sentences
test = [s.split() + ["</s>"] for i, s in enumerate(lines) if i % 5 == 4]  # 21 held out

vocab = sorted({w for s in train for w in s}) + ["<unk>"]
V = len(vocab)
seen = set(vocab)
test = [
    [w if w in seen else "<unk>" for w in s] for s in test
]  # the vocabulary is fixed on train
unigram = Counter(w for s in train for w in s)
bigram = Counter((a, b) for s in train for a, b in zip(["<s>"] + s[:-1], s))
context = Counter(a for a, _ in bigram.elements())
followers = Counter(a for a, _ in bigram)  # how many distinct words follow each context
n_train = sum(unigram.values())


def p_uniform(prev, w):
    return 1 / V


def p_unigram(prev, w):  # add-one smoothing keeps <unk> and rare words above zero
    return (unigram[w] + 1) / (n_train + V)


def p_bigram(prev, w, d=0.75):  # interpolated absolute discounting (Ney et al. 1994)
    c = context[prev]
    if c == 0:
        return p_unigram(prev, w)
    lam = d * followers[prev] / c  # the probability mass taken from seen bigrams
    return max(bigram[(prev, w)] - d, 0) / c + lam * p_unigram(prev, w)


def token_nlls(p, sentences):
    """Negative log-likelihood (nats) of every token given the previous one."""
    return np.array(
        [-math.log(p(a, b)) for s in sentences for a, b in zip(["<s>"] + s[:-1], s)]
    )


rng = np.random.default_rng(0)
shuffled = [
    list(rng.permutation(s[:-1])) + ["</s>"] for s in test
]  # same words, scrambled order

print(f"vocabulary V = {V}, held-out tokens = {sum(map(len, test))}")
print(f"{'model':<8} {'PPL held-out':>12} {'PPL shuffled':>13}")
for name, p in [("uniform", p_uniform), ("unigram", p_unigram), ("bigram", p_bigram)]:
    nll = token_nlls(p, test)
    ppl = math.exp(
        nll.mean()
    )  # perplexity = exp(mean negative log-likelihood per token)
    assert np.isclose(
        ppl, 2 ** (nll.mean() / math.log(2))
    )  # same thing as 2 ** (cross-entropy in bits)
    print(f"{name:<8} {ppl:>12.2f} {math.exp(token_nlls(p, shuffled).mean()):>13.2f}")

# Why log space: the product of the held-out probabilities underflows float64.
nll = token_nlls(p_bigram, test)
print(f"prod(p) = {np.prod(np.exp(-nll))}, sum(log p) = {-nll.sum():.1f}")

# The same bigram model, normalised per character instead of per word: a different
# number.
n_chars = sum(
    len(" ".join(s[:-1])) + 1 for s in test
)  # +1 for the end-of-sentence newline
print(
    f"bigram: {nll.sum() / math.log(2) / n_chars:.3f} bits per character, "
    f"per-character PPL {math.exp(nll.sum() / n_chars):.2f}"
)
# --8<-- [end:ngram]

# --8<-- [start:torch]
import math
from pathlib import Path

import torch
import torch.nn.functional as F

torch.manual_seed(0)
lines = Path("data/evaluation/lm_corpus.txt").read_text().splitlines()
train = [s.split() + ["</s>"] for i, s in enumerate(lines) if i % 5 != 4]
test = [s.split() + ["</s>"] for i, s in enumerate(lines) if i % 5 == 4]
vocab = ["<s>", "<unk>"] + sorted({w for s in train for w in s})
idx = {w: i for i, w in enumerate(vocab)}


def pairs(sentences):  # (previous token, next token) ids
    ids = [[idx.get(w, 1) for w in ["<s>"] + s] for s in sentences]
    return torch.tensor([(a, b) for s in ids for a, b in zip(s[:-1], s[1:])]).T


(x_tr, y_tr), (x_te, y_te) = pairs(train), pairs(test)

# A tiny neural language model: embed the previous token, predict the next one.
# Strong weight decay and few steps: with 1,000 training tokens it overfits fast.
model = torch.nn.Sequential(
    torch.nn.Embedding(len(vocab), 16), torch.nn.Linear(16, len(vocab))
)
opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=1.0)
for _ in range(60):
    opt.zero_grad()
    loss = F.cross_entropy(model(x_tr), y_tr)
    loss.backward()
    opt.step()

with torch.no_grad():
    logits = model(x_te)
    log_probs = F.log_softmax(logits, dim=-1)
    nll_by_hand = -log_probs[torch.arange(len(y_te)), y_te]  # -log p(actual next token)
    ppl_by_hand = math.exp(nll_by_hand.mean().item())
    ppl_library = math.exp(
        F.cross_entropy(logits, y_te).item()
    )  # what HF's exp(outputs.loss) is

print(
    f"train PPL {math.exp(loss.item()):.2f}, held-out PPL by hand {ppl_by_hand:.2f}, "
    f"via cross_entropy {ppl_library:.2f}"
)
print(f"match: {math.isclose(ppl_by_hand, ppl_library, rel_tol=1e-5)}")
print(
    f"PPL of a uniform guess over {len(vocab)} tokens = "
    f"{math.exp(math.log(len(vocab))):.0f}"
)
# --8<-- [end:torch]

# --8<-- [start:smollm]
import math
import random
import sys

import torch

sys.path.insert(0, "snippets/evaluation")
from eval_llm import load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

tok, model = load()
texts = {
    "natural": "The baker opens the shop at six in the morning, and the first "
    "customers arrive soon after for fresh bread.",
}
words = texts["natural"].split()
shuffled = words[:]
random.Random(0).shuffle(shuffled)
texts["shuffled words"] = " ".join(shuffled)
texts["same text, upper case"] = texts["natural"].upper()
print(f"{'text':<24} {'tokens':>6} {'PPL':>8} {'bits/byte':>9}")
matches = []
for name, text in texts.items():
    ids = tok(text, return_tensors="pt").input_ids
    with torch.no_grad():
        out = model(ids, labels=ids)  # loss = mean NLL of tokens 2..T given the prefix
    logp = torch.log_softmax(out.logits[0, :-1], dim=-1)
    nll = -logp.gather(1, ids[0, 1:, None]).squeeze(1)
    matches.append(math.isclose(nll.mean().item(), out.loss.item(), rel_tol=1e-4))
    ppl = math.exp(nll.mean().item())
    # bits per byte of the scored text (the first token has no prefix, so is not scored)
    n_bytes = len(text.encode()) - len(tok.decode(ids[0, :1]).encode())
    bpb = nll.sum().item() / math.log(2) / n_bytes
    print(f"{name:<24} {len(ids[0]):>6} {ppl:>8.1f} {bpb:>9.2f}")
print(f"exp(mean NLL) by hand matches exp(model loss): {all(matches)}")
# --8<-- [end:smollm]
