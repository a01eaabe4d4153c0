# --8<-- [start:signature]
def bpe_train(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges (Sennrich et al., 2016) from word frequencies.

    Each word starts as its characters followed by the end-of-word symbol "</w>". Each
    step counts adjacent symbol pairs over all words, weighted by word frequency, merges
    the most frequent pair everywhere, and records it. Ties go to the pair first seen
    when scanning the words in the dict's order, each from left to right. Stops early
    when no pair is left. Returns the merges in the order learned.
    """
    raise NotImplementedError


def bpe_encode(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """Segment one word with learned merges: start from characters + "</w>" and
    repeatedly apply, among the adjacent pairs present, the one learned earliest, until
    none applies."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter


def merge_pair(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def bpe_train(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    words = {w: [*w, "</w>"] for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()  # insertion-ordered: max() below returns the first pair seen
        for w, symbols in words.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += word_counts[w]
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        merges.append(best)
        words = {w: merge_pair(symbols, best) for w, symbols in words.items()}
    return merges


def bpe_encode(word: str, merges: list[tuple[str, str]]) -> list[str]:
    rank = {pair: i for i, pair in enumerate(merges)}
    symbols = [*word, "</w>"]
    while True:
        present = [p for p in zip(symbols, symbols[1:]) if p in rank]
        if not present:
            return symbols
        symbols = merge_pair(symbols, min(present, key=rank.get))


# --8<-- [end:solution]


# --8<-- [start:tests]
SENNRICH = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


def test_bpe_worked_example():
    merges = bpe_train(SENNRICH, 10)
    assert merges == [
        ("e", "s"),
        ("es", "t"),
        ("est", "</w>"),
        ("l", "o"),
        ("lo", "w"),
        ("n", "e"),
        ("ne", "w"),
        ("new", "est</w>"),
        ("low", "</w>"),
        ("w", "i"),
    ]
    assert bpe_encode("lowest", merges) == ["low", "est</w>"]
    assert bpe_encode("lower", merges) == ["low", "e", "r", "</w>"]


def test_bpe_encode_reproduces_the_training_segmentation():
    corpus = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    merges = bpe_train(corpus, 6)
    assert bpe_encode("hug", merges) == ["hug</w>"]
    assert bpe_encode("bun", merges) == ["b", "un</w>"]
    # an unseen word still encodes, falling back to smaller pieces
    assert "".join(bpe_encode("bugs", merges)) == "bugs</w>"


def test_bpe_train_stops_when_everything_is_merged():
    merges = bpe_train({"ab": 3}, 10)
    assert merges == [("a", "b"), ("ab", "</w>")]
    assert bpe_encode("ab", merges) == ["ab</w>"]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_bpe_worked_example,
    test_bpe_encode_reproduces_the_training_segmentation,
    test_bpe_train_stops_when_everything_is_merged,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
merges = bpe_train(SENNRICH, 10)
print("merges:", ", ".join(f"{a} {b}" for a, b in merges))
for word in ("lowest", "lower", "newer", "widest"):
    print(f"{word:7} -> {bpe_encode(word, merges)}")
# --8<-- [end:check]
