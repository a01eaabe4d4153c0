import csv
import math
import re
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

# "General" text: everyday English written for this handbook (forum questions,
# reviews, news-like sentences, children's stories), one item per line.
with open("data/nlp/sentiment.csv", encoding="utf-8") as f:
    lines = [r["text"] for r in csv.DictReader(f)]
tsv = (
    Path("data/unsupervised/short_texts.tsv")
    .read_text(encoding="utf-8")
    .splitlines()[1:]
)
lines += [row.split("\t")[1] for row in tsv]
ner = Path("data/nlp/ner_sentences.txt").read_text(encoding="utf-8").splitlines()
lines += [re.sub(r"\[[A-Z]+ ([^\]]+)\]", r"\1", s) for s in ner]
lines += Path("data/llms/corpus.txt").read_text(encoding="utf-8").splitlines()
# "Domain" text: a fictional company's internal handbook (Markdown pages).
pages = [
    p.read_text(encoding="utf-8") for p in sorted(Path("data/rag/docs").glob("*.md"))
]


def to_bytes(texts):
    return torch.tensor(list("\n".join(texts).encode()), dtype=torch.long)


# Held out: every 10th general line and every 5th domain page (whole pages).
gen_train = to_bytes([s for i, s in enumerate(lines) if i % 10])
gen_test = to_bytes(lines[::10])
dom_train = to_bytes([p for i, p in enumerate(pages) if i % 5])
dom_test = to_bytes(pages[::5])
print(f"bytes: general train {len(gen_train):,} / test {len(gen_test):,}; ", end="")
print(f"domain train {len(dom_train):,} / test {len(dom_test):,}")

CTX, BATCH, PEAK, MIN_LR = 8, 256, 3e-3, 3e-4


class ByteMLP(nn.Module):
    # Predicts the next byte from the previous CTX bytes. A byte vocabulary (256)
    # never meets an unknown token, so the domain needs no tokenizer change.
    def __init__(self, vocab=256, dim=24, hidden=256):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.net = nn.Sequential(
            nn.Linear(CTX * dim, hidden), nn.GELU(), nn.Linear(hidden, vocab)
        )

    def forward(self, x):
        return self.net(self.emb(x).flatten(1))


def windows(data, idx):
    # Rows of CTX context bytes and the byte that follows each
    ctx = data[idx[:, None] + torch.arange(CTX)]
    return ctx, data[idx + CTX]


def batch(data, n, g):
    return windows(data, torch.randint(0, len(data) - CTX, (n,), generator=g))


def lr_at(step, steps, warmup, peak, floor):
    # Linear warm-up to `peak`, then cosine decay to `floor`
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * t))


def train(model, steps, warmup, peak, floor, replay=0.0, seed=1):
    """Next-token loss; `replay` is the fraction of each batch from general text."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=peak, weight_decay=0.01)
    n_gen = round(BATCH * replay)
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, warmup, peak, floor)
        parts = []
        if n_gen:
            parts.append(batch(gen_train, n_gen, g))
        if BATCH - n_gen:
            parts.append(batch(dom_train, BATCH - n_gen, g))
        x = torch.cat([p[0] for p in parts])
        y = torch.cat([p[1] for p in parts])
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return model


@torch.no_grad()
def nll(model, data):
    # Mean next-byte loss (nats) over every position of the held-out text
    x, y = windows(data, torch.arange(len(data) - CTX))
    return F.cross_entropy(model(x), y).item()


# 1. "Pre-train" on general text only, warm-up then cosine decay to MIN_LR.
base = ByteMLP()
train(base, steps=900, warmup=50, peak=PEAK, floor=MIN_LR, replay=1.0, seed=1)


# 2. Continue on the domain text three ways, 300 steps each, from the same copy.
def continued(**kw):
    model = ByteMLP()
    model.load_state_dict(base.state_dict())
    return train(model, steps=300, seed=2, **kw)


runs = {
    "base (general only)": base,
    "domain, re-warm": continued(warmup=30, peak=PEAK, floor=MIN_LR),
    "domain, no re-warm": continued(warmup=1, peak=MIN_LR, floor=MIN_LR),
    "domain + 25% replay": continued(warmup=30, peak=PEAK, floor=MIN_LR, replay=0.25),
}
print(f"{'held-out loss (nats/byte)':26} {'general':>8} {'domain':>8}   ppl g/d")
for name, model in runs.items():
    g, d = nll(model, gen_test), nll(model, dom_test)
    print(f"{name:26} {g:8.3f} {d:8.3f}   {math.exp(g):.2f} / {math.exp(d):.2f}")
