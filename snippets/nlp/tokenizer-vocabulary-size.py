import ast
import csv
from collections import Counter
from pathlib import Path

import sklearn
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

# Real English text shipped in an installed (pinned) package: scikit-learn's docstrings.
SKLEARN = Path(sklearn.__file__).parent
HAS_DOCSTRING = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstrings_and_code(package):
    prose, code = [], []
    for path in sorted((SKLEARN / package).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        docstring_lines = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, HAS_DOCSTRING) and ast.get_docstring(node):
                prose.append(ast.get_docstring(node))
                first = node.body[0]
                docstring_lines.update(range(first.lineno - 1, first.end_lineno))
        lines = source.splitlines(keepends=True)
        code.append("".join(x for i, x in enumerate(lines) if i not in docstring_lines))
    return prose, code


packages = ["linear_model", "ensemble", "metrics", "model_selection", "decomposition"]
train = [doc for p in packages for doc in docstrings_and_code(p)[0]]
# Held out: a package the tokenizer never sees, its docstrings and its code.
held_out, held_out_code = docstrings_and_code("cluster")
print(
    f"train {sum(map(len, train)):,} characters of docstrings, "
    f"held out {sum(map(len, held_out)):,}"
)


def train_bpe(vocab_size, split_digits=False):
    # GPT-2 style byte-level BPE: 256 byte tokens, then learned merges.
    tok = Tokenizer(models.BPE())
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.pre_tokenizer = byte_level
    if split_digits:
        # Llama 2 / Gemma style: every digit is its own token.
        digits = pre_tokenizers.Digits(individual_digits=True)
        tok.pre_tokenizer = pre_tokenizers.Sequence([digits, byte_level])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(train, trainer)
    return tok


def tokens_per_char(tok, texts):
    n_tokens = sum(len(e.ids) for e in tok.encode_batch(texts))
    return n_tokens / sum(map(len, texts))


SIZES = [512, 1024, 2048, 4096, 8192]
tokenizers = {v: train_bpe(v) for v in SIZES}

ROW = "{:>5}  {:>11}  {:>6}  {:>12}  {:>15}  {:>15}"
print(
    ROW.format(
        "vocab", "tokens/char", "vs V/2", "train tokens", *["learned entries"] * 2
    )
)
print(ROW.format("", "(held out)", "", "per entry", "seen < 10 times", "never seen"))
previous = None
for v, tok in tokenizers.items():
    counts = Counter(i for e in tok.encode_batch(train) for i in e.ids)
    # Learned entries: everything after the 256 byte tokens.
    learned = range(256, tok.get_vocab_size())
    rare = sum(counts[i] < 10 for i in learned) / len(learned)
    never = [i for i in learned if counts[i] == 0]
    per_entry = counts.total() / tok.get_vocab_size()
    tpc = tokens_per_char(tok, held_out)
    change = f"{tpc / previous - 1:+.1%}" if previous else "-"
    previous = tpc
    cells = f"{tpc:.3f}", change, f"{per_entry:.1f}", f"{rare:.1%}"
    print(ROW.format(v, *cells, f"{len(never) / len(learned):.1%}"))
# counts and never now belong to the 8192 tokenizer, the last one trained.
unseen_bytes = sum(counts[i] == 0 for i in range(256))
print(f"byte tokens never seen in the training text: {unseen_bytes} of 256")
examples = [tokenizers[8192].decode([i]) for i in never[:6]]
print("learned entries never seen at 8192, e.g.:", examples)

# A 12-layer, d = 768 decoder (GPT-2 small's shape): 12 L d^2 non-embedding weights.
D, LAYERS = 768, 12
BODY = 12 * LAYERS * D**2
print(f"model: {LAYERS} layers, d = {D}, {BODY:,} non-embedding parameters")
COST = "{:>5}  {:>16}  {:>10}  {:>13}  {:>14}"
print(
    COST.format(
        "vocab", "embedding + head", "share of", "forward MFLOP", "output layer"
    )
)
print(COST.format("", "(untied, 2Vd)", "parameters", "per character", "share of FLOPs"))
for v, tok in tokenizers.items():
    tpc = tokens_per_char(tok, held_out)
    # Forward pass: 2 FLOPs per weight per token; the input embedding is a lookup.
    flops_per_char = tpc * (2 * BODY + 2 * v * D)
    param_share = 2 * v * D / (BODY + 2 * v * D)
    flop_share = v * D / (BODY + v * D)
    cells = f"{param_share:.1%}", f"{flops_per_char / 1e6:.1f}", f"{flop_share:.1%}"
    print(COST.format(v, f"{2 * v * D:,}", *cells))

# Numbers: plain BPE keeps whatever digit strings were frequent as tokens.
print("numbers at vocab 8192:")
split = train_bpe(8192, split_digits=True)
for name, tok in [("plain BPE", tokenizers[8192]), ("digits split", split)]:
    numbers = [
        s
        for s in (tok.decode([i]) for i in range(tok.get_vocab_size()))
        if s.strip().isdigit() and len(s.strip()) > 1
    ]
    tpc = tokens_per_char(tok, held_out)
    print(
        f"  {name:12s} {len(numbers):3d} multi-digit tokens {numbers[-3:]}, "
        f"held-out tokens/char {tpc:.3f}"
    )

# The same English-trained tokenizers on other text: 60 parallel reviews in five
# languages, and the held-out package's code without its docstrings.
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = {lang: [r[lang] for r in rows] for lang in ["en", "de", "fr", "es", "it"]}
texts["code"] = held_out_code
print("tokens/char   " + "  ".join(f"{name:>6s}" for name in texts) + "  de/en")
for v in [SIZES[0], SIZES[-1]]:
    tpc = {name: tokens_per_char(tokenizers[v], t) for name, t in texts.items()}
    cells = "  ".join(f"{x:6.3f}" for x in tpc.values())
    print(f"vocab {v:5d}   {cells}  {tpc['de'] / tpc['en']:5.2f}")
