# --8<-- [start:signature]
class BigramLM:
    """A bigram language model with add-k smoothing.

    Each training sentence is read as <s> w1 ... wn </s>. The vocabulary V is every
    training word plus "</s>" and "<unk>" ("<s>" is never predicted, so it is not in V);
    at test time, words outside V are read as "<unk>".
    prob(word, prev) = (c(prev, word) + k) / (c(prev) + k * |V|), where c(prev, word)
    counts the bigram and c(prev) counts prev followed by anything.
    perplexity(sentences) = exp(-mean log prob) over every predicted token, each "</s>"
    included.
    """

    def __init__(self, sentences: list[list[str]], k: float = 1.0):
        raise NotImplementedError

    def prob(self, word: str, prev: str) -> float:
        raise NotImplementedError

    def perplexity(self, sentences: list[list[str]]) -> float:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math
from collections import Counter


class BigramLM:
    def __init__(self, sentences: list[list[str]], k: float = 1.0):
        self.k = k
        self.vocab = {w for s in sentences for w in s} | {"</s>", "<unk>"}
        self.bigrams, self.history = Counter(), Counter()
        for s in sentences:
            tokens = ["<s>", *s, "</s>"]
            for prev, word in zip(tokens, tokens[1:]):
                self.bigrams[prev, word] += 1
                self.history[prev] += 1

    def known(self, word: str) -> str:
        return word if word in self.vocab or word == "<s>" else "<unk>"

    def prob(self, word: str, prev: str) -> float:
        word, prev = self.known(word), self.known(prev)
        numerator = self.bigrams[prev, word] + self.k
        return numerator / (self.history[prev] + self.k * len(self.vocab))

    def perplexity(self, sentences: list[list[str]]) -> float:
        log_prob, n = 0.0, 0
        for s in sentences:
            tokens = ["<s>", *s, "</s>"]
            for prev, word in zip(tokens, tokens[1:]):
                log_prob += math.log(self.prob(word, prev))
                n += 1
        return math.exp(-log_prob / n)


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import pytest

TRAIN = [["the", "cat", "sat"], ["the", "dog", "sat"]]


def test_bigram_worked_example():
    lm = BigramLM(TRAIN, k=1.0)  # |V| = 6: the cat dog sat </s> <unk>
    assert lm.prob("the", "<s>") == pytest.approx(3 / 8)
    assert lm.prob("cat", "the") == pytest.approx(2 / 8)
    assert lm.prob("dog", "cat") == pytest.approx(1 / 7)
    expected = (3 / 8 * 2 / 8 * 2 / 7 * 3 / 8) ** (-1 / 4)
    assert lm.perplexity([["the", "cat", "sat"]]) == pytest.approx(expected)


def test_bigram_probabilities_sum_to_one_in_every_context():
    lm = BigramLM(TRAIN + [["a", "cat", "ran", "off"]], k=0.5)
    for prev in ["<s>", "the", "cat", "off", "<unk>", "never-seen"]:
        total = sum(lm.prob(w, prev) for w in lm.vocab)
        assert total == pytest.approx(1.0)


def test_bigram_unknown_words_map_to_unk():
    lm = BigramLM(TRAIN, k=1.0)
    assert lm.prob("zebra", "the") == lm.prob("<unk>", "the")
    assert math.isfinite(lm.perplexity([["a", "zebra", "sat"]]))


def test_bigram_less_smoothing_fits_training_data_better():
    sharp, smooth = BigramLM(TRAIN, k=0.01), BigramLM(TRAIN, k=1.0)
    assert sharp.perplexity(TRAIN) < smooth.perplexity(TRAIN)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_bigram_worked_example,
    test_bigram_probabilities_sum_to_one_in_every_context,
    test_bigram_unknown_words_map_to_unk,
    test_bigram_less_smoothing_fits_training_data_better,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
for k in (1.0, 0.1, 0.01):
    lm = BigramLM(TRAIN, k=k)
    seen = lm.perplexity([["the", "cat", "sat"]])
    unseen = lm.perplexity([["the", "cat", "ran"]])
    print(
        f"k={k:<4}: perplexity seen sentence {seen:6.2f}, "
        f"with an unseen word {unseen:6.2f}"
    )
# --8<-- [end:check]
