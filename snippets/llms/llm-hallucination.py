# --8<-- [start:tiny]
import random

import numpy as np
import torch
from rank_bm25 import BM25Okapi
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
random.seed(0)
torch.manual_seed(0)
# 40 invented countries and capitals, so no real-world knowledge can help or leak in.
syllables = ["ka", "lo", "mi", "ra", "su", "te", "vo", "zi", "pa", "ne", "do", "ru"]
names = sorted({"".join(random.sample(syllables, 3)) for _ in range(200)})
random.shuffle(names)
countries, capitals = names[:40], names[40:80]
kb = dict(zip(countries, capitals))
seen, unseen = countries[:30], countries[30:]  # training data lacks 10 of the facts

# Closed book: a tiny word-level GPT trained on 30 facts, told all 40 countries exist.
sentences = [f"the capital of {c} is {kb[c]} ." for c in seen]
sentences += [f"{c} is a country ." for c in countries]
vocab = sorted({w for s in sentences for w in s.split()})
stoi = {w: i for i, w in enumerate(vocab)}
seqs = [torch.tensor([stoi[w] for w in s.split()]) for s in sentences]
config = GPT2Config(
    vocab_size=len(vocab), n_positions=16, n_embd=64, n_layer=2, n_head=4,
    resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
)  # fmt: skip
model = GPT2LMHeadModel(config)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for _ in range(800):
    batch = torch.nn.utils.rnn.pad_sequence(
        random.sample(seqs, 16), batch_first=True, padding_value=-100
    )
    loss = model(input_ids=batch.clamp(min=0), labels=batch).loss
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()


@torch.no_grad()
def closed_book(country):
    ids = torch.tensor([[stoi[w] for w in f"the capital of {country} is".split()]])
    p, i = model(input_ids=ids).logits[0, -1].softmax(-1).max(-1)
    return vocab[i], p.item()  # the answer and the model's probability for it


# Grounded: BM25 over documents holding all 40 facts plus distractors. The "reader"
# copies the answer out of the best passage, or says "unknown" if it does not match.
docs = [f"the capital of {c} is {kb[c]} ." for c in countries]
docs += [f"{c} exports tea via {random.choice(capitals)} port ." for c in countries]
bm25 = BM25Okapi([doc.split() for doc in docs])


def grounded(country):
    best = docs[int(np.argmax(bm25.get_scores(f"capital of {country}".split())))]
    if best.startswith(f"the capital of {country} is"):
        return best.split()[5]
    return "unknown"


def supported(country, answer):  # is the claim stated in some document?
    return f"the capital of {country} is {answer} ." in docs


answers = {c: closed_book(c) for c in countries}
rows = {
    "answered": lambda g: np.mean([answers[c][0] != "unknown" for c in g]),
    "exact match": lambda g: np.mean([answers[c][0] == kb[c] for c in g]),
    "answer is some capital": lambda g: np.mean([answers[c][0] in capitals for c in g]),
    "mean confidence p": lambda g: np.mean([answers[c][1] for c in g]),
}
print("closed-book tiny GPT         30 seen facts   10 unseen facts")
for label, fn in rows.items():
    print(f"{label:27} {fn(seen):13.2f}   {fn(unseen):15.2f}")

for threshold in [0.5, 0.9]:  # mitigation: abstain when the model is unsure
    kept = [c for c in countries if answers[c][1] >= threshold]
    acc = np.mean([answers[c][0] == kb[c] for c in kept])
    print(f"answer only if p >= {threshold}: {len(kept)}/40 answered, {acc:.2f} right")

# Abstention helps only if confidence ranks right answers above wrong ones: the same
# coverage as the p >= 0.9 rule, chosen at random, keeps the overall accuracy.
covered = sum(answers[c][1] >= 0.9 for c in countries)
rand = np.random.default_rng(0)
overall = np.mean([answers[c][0] == kb[c] for c in countries])
picks = [rand.choice(40, covered, replace=False) for _ in range(2000)]
rand_acc = np.mean([np.mean([answers[countries[i]][0] == kb[countries[i]] for i in ix])
                    for ix in picks])  # fmt: skip
print(f"answer all: 40/40, {overall:.2f} right; ", end="")
print(f"{covered}/40 at random: {rand_acc:.2f}")

em = np.mean([grounded(c) == kb[c] for c in countries])
support = np.mean([supported(c, grounded(c)) for c in countries])
cb_support = np.mean([supported(c, answers[c][0]) for c in countries])
print(f"retrieval-grounded: exact match {em:.2f}, support rate {support:.2f}", end="")
print(f" (closed book: support rate {cb_support:.2f})")
c = unseen[0]
a, p = answers[c]
print(f"capital of {c}? truth {kb[c]!r}; closed book {a!r} (p={p:.2f}); ", end="")
print(f"grounded {grounded(c)!r}")
print(f"capital of atlantis (in no document)? grounded {grounded('atlantis')!r}")
torch.set_num_threads(n_threads)
# --8<-- [end:tiny]

# --8<-- [start:smollm2]
import sys

import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
questions = [
    "What is the capital of France?",
    "What is the capital of Ratelo?",  # an invented country
    "Who wrote the novel 'The Glass Orchard'?",  # an invented novel
]
for q in questions:
    ids = llms_llm.chat_ids([{"role": "user", "content": q}])
    with torch.no_grad():
        out = model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=20,
            do_sample=False,
            output_scores=True,
            return_dict_in_generate=True,
            pad_token_id=tok.eos_token_id,
        )
    new = out.sequences[0, ids.shape[1] :]
    # the probability the model gave each token it chose (greedy: the top one)
    probs = [s.softmax(-1)[0, t].item() for s, t in zip(out.scores, new)]
    reply = tok.decode(new, skip_special_tokens=True).strip()
    print(f"{q}\n  {reply!r}\n  mean token probability {sum(probs) / len(probs):.2f}")
# --8<-- [end:smollm2]
