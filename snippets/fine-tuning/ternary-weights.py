import copy
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count
# float64 keeps the float and PTQ digits the same on AVX2 and AVX-512 machines
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)

# A small language with agreement: "the big dogs chase a cat ." (made up here).
NOUNS = ["cat", "dog", "bird", "fox", "child", "teacher", "horse", "mouse"]
PLURAL = {"child": "children", "mouse": "mice", "fox": "foxes"}
VERBS = ["see", "chase", "like", "follow", "watch", "help"]
ADJS = ["big", "small", "red", "old", "quick", "lazy"]


def noun_phrase():
    n, plural = str(rng.choice(NOUNS)), bool(rng.random() < 0.5)
    word = PLURAL.get(n, n + "s") if plural else n
    adj = str(rng.choice(ADJS)) + " " if rng.random() < 0.5 else ""
    det = "the" if plural or rng.random() < 0.5 else "a"
    return f"{det} {adj}{word}", plural


def sentence():
    subj, plural = noun_phrase()
    v = str(rng.choice(VERBS))
    verb = v if plural else v + ("es" if v.endswith(("ch", "sh")) else "s")
    return f"{subj} {verb} {noun_phrase()[0]} ."


def corpus(n):
    return " ".join(sentence() for _ in range(n)) + " "


train_text, test_text = corpus(6000), corpus(800)
chars = sorted(set(train_text + test_text))
idx = {c: i for i, c in enumerate(chars)}
CTX = 12


def windows(text):
    ids = torch.tensor([idx[c] for c in text])
    x = ids.unfold(0, CTX, 1)[:-1]
    return x, ids[CTX:]


Xtr, ytr = windows(train_text)
Xte, yte = windows(test_text)


def ternarize(w):
    """absmean: one scale per tensor, round w/scale to {-1, 0, +1}."""
    scale = w.abs().mean().clamp(min=1e-5)
    return torch.clamp(torch.round(w / scale), -1, 1), scale


def int8_per_token(x):
    """absmax: one scale per row (token), round to [-128, 127]."""
    scale = 127 / x.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return torch.clamp(torch.round(x * scale), -128, 127), scale


class BitLinear(torch.nn.Linear):
    """Linear layer; in "ternary" mode W1.58A8 in the forward pass, STE backward."""

    mode = "float"

    def forward(self, x):
        w = self.weight
        if self.mode == "int8":
            s = 127 / w.abs().max()
            w = torch.round(w * s) / s
            xq, sx = int8_per_token(x)
            x = xq / sx
        if self.mode == "ternary":
            q, s = ternarize(w)
            # straight-through estimator: forward q*s, gradient as if identity
            w = w + (q * s - w).detach()
            xq, sx = int8_per_token(x)
            x = x + (xq / sx - x).detach()
        return F.linear(x, w)


class CharMLP(torch.nn.Module):
    def __init__(self, vocab, emb=16, hidden=256):
        super().__init__()
        self.emb = torch.nn.Embedding(vocab, emb)
        self.norm1 = torch.nn.LayerNorm(CTX * emb)
        self.fc1 = BitLinear(CTX * emb, hidden, bias=False)
        self.norm2 = torch.nn.LayerNorm(hidden)
        self.fc2 = BitLinear(hidden, hidden, bias=False)
        self.norm3 = torch.nn.LayerNorm(hidden)
        # embedding and output head stay full precision: BitNet ternarises the
        # linear layers of attention and feed-forward blocks only
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, x):
        h = self.emb(x).flatten(1)
        h = F.relu(self.fc1(self.norm1(h)))
        h = F.relu(self.fc2(self.norm2(h)))
        return self.head(self.norm3(h))

    def set_mode(self, mode):
        self.fc1.mode = self.fc2.mode = mode
        return self


def train(model, steps, lr, seed):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    for _ in range(steps):
        i = torch.randint(len(Xtr), (128,), generator=g)
        opt.zero_grad()
        F.cross_entropy(model(Xtr[i]), ytr[i]).backward()
        opt.step()
        sched.step()
    return model


def bits_per_char(model):
    with torch.no_grad():
        return F.cross_entropy(model(Xte), yte).item() / math.log(2)


def zero_fraction(model):
    w = torch.cat([ternarize(m.weight)[0].flatten() for m in (model.fc1, model.fc2)])
    return (w == 0).float().mean().item()


STEPS = 1500
# QAT runs round millions of activations, so one flipped rounding on another CPU
# changes their third decimal: they are printed as a range (exact on stderr).
QAT_RANGE = {16: (0.1, 0.2), 64: (0.005, 0.03), 128: (0.002, 0.02)}
print(f"text: {len(train_text):,} training characters, {len(chars)} symbols")
print("test bits per character; the two hidden layers quantized (W8A8 or W1.58A8)")
print(
    f"{'hidden':>6s} {'float':>8s} {'int8 PTQ':>9s} {'ternary PTQ':>12s} "
    f"{'QAT - float':>14s} {'zeros PTQ':>10s} {'zeros QAT':>10s}"
)
for hidden, (low, high) in QAT_RANGE.items():
    torch.manual_seed(0)
    fp = train(CharMLP(len(chars), hidden=hidden), STEPS, 2e-3, seed=1)
    # (a) post-training: round the trained weights, no more training
    int8 = copy.deepcopy(fp).set_mode("int8")
    ptq = copy.deepcopy(fp).set_mode("ternary")
    # (b) QAT from scratch: same init, data order and steps, ternary forward
    torch.manual_seed(0)
    qat = CharMLP(len(chars), hidden=hidden).set_mode("ternary")
    train(qat, STEPS, 2e-3, seed=1)
    base, gap = bits_per_char(fp), bits_per_char(qat) - bits_per_char(fp)
    print(f"hidden {hidden}: QAT - float = {gap:.4f}", file=sys.stderr)
    bits = [base, bits_per_char(int8), bits_per_char(ptq)]
    zeros = zero_fraction(ptq), zero_fraction(qat)
    print(
        f"{hidden:>6d} {bits[0]:8.3f} {bits[1]:9.3f} {bits[2]:12.3f} "
        f"{f'{low} to {high}':>14s} {zeros[0]:10.2f} {zeros[1]:10.2f}"
    )
    assert low < gap < high


def rel_error(w, q):
    return ((q - w).norm() / w.norm()).item()


# How far the second layer's weights are from what the forward pass uses.
w_fp, w_qat = fp.fc2.weight.detach(), qat.fc2.weight.detach()
s8 = 127 / w_fp.abs().max()
q_fp, s_fp = ternarize(w_fp)
q_qat, s_qat = ternarize(w_qat)
print(
    "relative weight error: float->int8 "
    f"{rel_error(w_fp, torch.round(w_fp * s8) / s8):.3f}, "
    f"float->ternary {rel_error(w_fp, q_fp * s_fp):.2f}, "
    f"QAT latent->ternary {rel_error(w_qat, q_qat * s_qat):.2f}"
)

# Storage of the ternary layers of the last QAT model.
tern = torch.cat([ternarize(m.weight)[0].flatten() for m in (qat.fc1, qat.fc2)])
n, n_all = tern.numel(), sum(x.numel() for x in qat.parameters())
p = torch.stack([(tern == v).double().mean() for v in (-1, 0, 1)])
entropy = -(p * p.log2()).sum().item()
print(f"ternary weights: {n:,} of {n_all:,} parameters ({n / n_all:.3f})")
print(f"bits per weight stored: 4 per byte {8 / 4:.3f}, 5 per byte {8 / 5:.3f}")
print(f"bits of information: log2(3) {math.log2(3):.3f}, entropy here {entropy:.2f}")
print(f"one fp32 scale per matrix adds {2 * 32 / n:.5f} bits per weight")
print(
    f"those layers: fp32 {n * 4 / 1024:.0f} KiB, bf16 {n * 2 / 1024:.0f} KiB, "
    f"2-bit packed {n / 4 / 1024:.0f} KiB"
)

# The ternary matmul as additions and subtractions of int8 activations, then one
# multiplication per output by the two scales.
with torch.no_grad():
    h = qat.norm2(F.relu(qat.fc1(qat.norm1(qat.emb(Xte[:64]).flatten(1)))))
    reference = qat.fc2(h).numpy()
    xq, sx = int8_per_token(h)
xq, q = xq.numpy().astype(np.int64), q_qat.numpy()
acc = np.zeros((len(xq), len(q)), dtype=np.int64)
for j in range(len(q)):
    acc[:, j] = xq[:, q[j] == 1].sum(axis=1) - xq[:, q[j] == -1].sum(axis=1)
out = acc * (s_qat.item() / sx.numpy())
print(
    f"adds/subtracts x scale == float matmul: {np.allclose(out, reference, atol=1e-9)}"
)
torch.set_num_threads(n_threads)
torch.set_default_dtype(torch.float32)
