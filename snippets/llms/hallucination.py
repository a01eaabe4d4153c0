import random

import numpy as np
import torch
from rank_bm25 import BM25Okapi
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
random.seed(0)
torch.manual_seed(0)
# 40 invented countries and capitals, so no real-world knowledge can leak in.
syl = ["ka", "lo", "mi", "ra", "su", "te", "vo", "zi", "pa", "ne", "do", "ru"]
names = sorted({"".join(random.sample(syl, 3)) for _ in range(200)})
random.shuffle(names)
countries, capitals = names[:40], names[40:80]
kb = {c: cap for c, cap in zip(countries, capitals)}
seen, unseen = countries[:30], countries[30:]  # the model's training data lacks 10 of the facts

# Closed book: a tiny word-level GPT trained on 30 facts, and told that all 40 countries exist.
train_text = [f"the capital of {c} is {kb[c]} ." for c in seen] + [f"{c} is a country ." for c in countries]
vocab = sorted({w for s in train_text for w in s.split()})
stoi = {w: i for i, w in enumerate(vocab)}
seqs = [torch.tensor([stoi[w] for w in s.split()]) for s in train_text]
config = GPT2Config(vocab_size=len(vocab), n_positions=16, n_embd=64, n_layer=2, n_head=4,
                    resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)  # fmt: skip
model = GPT2LMHeadModel(config)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for step in range(800):
    batch = torch.nn.utils.rnn.pad_sequence(random.sample(seqs, 16), batch_first=True, padding_value=-100)
    loss = model(input_ids=batch.clamp(min=0), labels=batch).loss
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()


@torch.no_grad()
def closed_book(country):
    ids = torch.tensor([[stoi[w] for w in f"the capital of {country} is".split()]])
    probs = model(input_ids=ids).logits[0, -1].softmax(-1)
    p, i = probs.max(-1)
    return vocab[i], p.item()


# Retrieval-grounded: BM25 over a document store that has all 40 facts, plus distractors;
# the "reader" copies the answer out of the best passage, or abstains if it names another country.
docs = [f"the capital of {c} is {kb[c]} ." for c in countries]
docs += [f"{c} exports tea and {random.choice(capitals)} is a port ." for c in countries]  # distractors
bm25 = BM25Okapi([d.split() for d in docs])


def grounded(country):
    best = docs[int(np.argmax(bm25.get_scores(f"capital of {country}".split())))]
    words = best.split()
    if best.startswith(f"the capital of {country} is"):
        return words[5], best
    return "unknown", best


def supported(country, answer):
    return f"the capital of {country} is {answer} ." in docs  # is the claim backed by a document?


print("closed-book tiny GPT        seen facts  unseen facts")
res = {g: [closed_book(c) for c in group] for g, group in [("seen", seen), ("unseen", unseen)]}
for label, fn in [
    ("answered", lambda g: np.mean([a != "unknown" for a, _ in res[g]])),
    ("exact match", lambda g: np.mean([a == kb[c] for (a, _), c in zip(res[g], seen if g == "seen" else unseen)])),
    ("answer is a real capital", lambda g: np.mean([a in capitals for a, _ in res[g]])),
    ("mean confidence", lambda g: np.mean([p for _, p in res[g]])),
]:
    print(f"{label:26} {fn('seen'):10.2f}  {fn('unseen'):12.2f}")

for threshold in [0.5, 0.9]:
    answered = [(c, a) for c in countries for a, p in [closed_book(c)] if p >= threshold]
    acc = np.mean([a == kb[c] for c, a in answered])
    print(f"abstain below p={threshold}: answers {len(answered)}/40, accuracy of answers {acc:.2f}")

g = [grounded(c) for c in countries]
em = np.mean([a == kb[c] for (a, _), c in zip(g, countries)])
support = np.mean([supported(c, a) for (a, _), c in zip(g, countries)])
cb_support = np.mean([supported(c, closed_book(c)[0]) for c in countries])
print(f"retrieval-grounded: exact match {em:.2f}, support rate {support:.2f} (closed book: {cb_support:.2f})")
c = unseen[0]
a, p = closed_book(c)
print(f"capital of {c}? truth {kb[c]!r}; closed book {a!r} (p={p:.2f}); grounded {grounded(c)[0]!r}")
print(f"capital of atlantis (in no document)? grounded {grounded('atlantis')[0]!r}")
torch.set_num_threads(n_threads)
