import math
from collections import Counter

import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # as fast for a tiny model, and bit-identical on any machine
torch.manual_seed(0)
with open("data/llms/corpus.txt", encoding="utf-8") as f:
    text = f.read()  # 800 three-sentence stories, 87k characters
split = int(0.9 * len(text))
chars = sorted(set(text))  # a character-level tokenizer: one id per character
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text])
train, val = data[:split], data[split:]
V, T = len(chars), 64

eos = stoi["\n"]  # a newline ends a story: it doubles as the end-of-sequence token
config = GPT2Config(
    vocab_size=V, n_positions=T, n_embd=64, n_layer=2, n_head=4,
    bos_token_id=eos, eos_token_id=eos,
    resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,  # no dropout: deterministic passes
)  # fmt: skip
model = GPT2LMHeadModel(config)
print(f"vocab {V}, parameters {model.num_parameters():,}, train tokens {len(train):,}")


def batch(source, n=16):
    idx = torch.randint(len(source) - T, (n,))
    return torch.stack([source[i : i + T] for i in idx])


@torch.no_grad()
def val_loss():
    x = val[: (len(val) // T) * T].view(-1, T)
    return model(input_ids=x, labels=x).loss.item()  # labels are shifted inside


# The objective: minimise -log p(x_t | x_<t), the cross-entropy of the next token.
x = batch(train, 4)
logits = model(input_ids=x).logits
manual = torch.nn.functional.cross_entropy(
    logits[:, :-1].reshape(-1, V),  # predictions at positions 0..T-2
    x[:, 1:].reshape(-1),  # targets: the same sequence shifted left by one
)
same = torch.isclose(manual, model(input_ids=x, labels=x).loss).item()
print(f"HF loss equals shifted cross-entropy: {same}")

opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
print(
    f"step    0  val loss {val_loss():.3f}  (uniform guess: ln V = {math.log(V):.3f})"
)
for step in range(1, 301):
    xb = batch(train)
    loss = model(input_ids=xb, labels=xb).loss
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step:4d}  val loss {val_loss():.3f}")

# Perplexity = exp(mean cross-entropy): the effective number of equally likely choices.
counts = Counter(text[:split])
unigram = -np.mean([math.log(counts[c] / split) for c in text[split:]])
print(f"val perplexity: uniform {V:.1f}, unigram {math.exp(unigram):.2f}, ", end="")
print(f"tiny GPT {math.exp(val_loss()):.2f}")
torch.set_num_threads(n_threads)
