# --8<-- [start:signature]
def edits1(word: str) -> set[str]:
    """Every string one edit from word over the letters a-z: a deletion, a swap of two
    adjacent letters, a replacement or an insertion (word itself may be included)."""
    raise NotImplementedError


class SpellCorrector:
    """A noisy-channel corrector: correct(word) = argmax_c P(c) * P(word | c).

    Built from a list of lowercase tokens. Candidates c are known words (tokens) at most
    two edits from word, word itself included if known. Error model: P(word | c) =
    p_edit ** d for the fewest edits d (0, 1 or 2) found by applying edits1 once or
    twice. Prior: the unigram frequency P(c) = count(c) / len(tokens); given prev (a
    word seen in training), the interpolated bigram
    lam * count(prev, c) / count(prev) + (1 - lam) * P(c).
    Ties go to the alphabetically first candidate; with no candidate, return word.
    """

    def __init__(self, tokens: list[str], p_edit: float = 1e-3, lam: float = 0.5):
        raise NotImplementedError

    def candidates(self, word: str) -> dict[str, int]:
        """Known words within two edits of word, each with its edit count d."""
        raise NotImplementedError

    def correct(self, word: str, prev: str | None = None) -> str:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [left + right[1:] for left, right in splits if right]
    swaps = [
        left + right[1] + right[0] + right[2:]
        for left, right in splits
        if len(right) > 1
    ]
    replaces = [
        left + c + right[1:] for left, right in splits if right for c in LETTERS
    ]
    inserts = [left + c + right for left, right in splits for c in LETTERS]
    return set(deletes + swaps + replaces + inserts)


class SpellCorrector:
    def __init__(self, tokens: list[str], p_edit: float = 1e-3, lam: float = 0.5):
        self.p_edit, self.lam = p_edit, lam
        self.counts = Counter(tokens)
        self.bigrams = Counter(zip(tokens, tokens[1:]))
        self.total = len(tokens)

    def candidates(self, word: str) -> dict[str, int]:
        found = {word: 0} if word in self.counts else {}
        near = edits1(word)
        for c in sorted(near & self.counts.keys()):
            found.setdefault(c, 1)
        for e in near:
            for c in edits1(e) & self.counts.keys():
                found.setdefault(c, 2)
        return found

    def prior(self, c: str, prev: str | None) -> float:
        p = self.counts[c] / self.total
        if prev is not None and self.counts[prev]:
            bigram = self.bigrams[prev, c] / self.counts[prev]
            p = self.lam * bigram + (1 - self.lam) * p
        return p

    def correct(self, word: str, prev: str | None = None) -> str:
        found = self.candidates(word)
        if not found:
            return word

        def score(c: str) -> float:
            return self.prior(c, prev) * self.p_edit ** found[c]

        return max(sorted(found), key=score)


# --8<-- [end:solution]


# --8<-- [start:tests]
import functools
import itertools
import re
from pydoc_data.topics import topics

TOY = [
    "the",
    "cat",
    "sat",
    "on",
    "the",
    "mat",
    "the",
    "cat",
    "ate",
    "the",
    "hat",
    "a",
    "hat",
    "fell",
    "the",
    "cat",
]


@functools.cache
def pydoc_tokens() -> tuple[str, ...]:
    # The Python documentation that ships with Python: fixed for a given version
    text = "\n".join(topics[key] for key in sorted(topics))
    return tuple(re.findall(r"[a-z]+", text.lower()))


def osa_distance(a: str, b: str) -> int:
    # Edit distance with adjacent swaps (optimal string alignment), for the test
    d = [
        [i + j if i * j == 0 else 0 for j in range(len(b) + 1)]
        for i in range(len(a) + 1)
    ]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        d[i][j] = min(
            d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
        )
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_spelling_worked_example():
    sc = SpellCorrector(TOY)
    near = {"cat": 1, "hat": 1, "mat": 1, "sat": 1, "a": 2, "ate": 2}
    assert sc.candidates("xat") == near
    assert sc.candidates("hte") == {"ate": 1, "the": 1, "hat": 2}
    assert sc.correct("xat") == "cat"
    assert sc.correct("xat", prev="a") == "hat"
    assert sc.correct("cat") == "cat"
    assert sc.correct("qqqqq") == "qqqqq"


def test_edits1_is_every_string_at_distance_one():
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    for word in ["ab", "aa"]:
        brute = {
            "".join(chars)
            for n in range(1, len(word) + 2)
            for chars in itertools.product(alphabet, repeat=n)
            if osa_distance("".join(chars), word) == 1
        }
        assert edits1(word) - {word} == brute


def test_spelling_on_the_python_docs():
    sc = SpellCorrector(list(pydoc_tokens()))
    assert sc.correct("fucntion") == "function"
    assert sc.correct("retunred") == "returned"
    assert sc.candidates("retunred")["returned"] == 1
    assert sc.candidates("fucntoin")["function"] == 2
    assert sc.correct("wich") == "with"
    assert sc.correct("wich", prev="in") == "which"
    assert sc.correct("lock", prev="code") == "block"


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_spelling_worked_example,
    test_edits1_is_every_string_at_distance_one,
    test_spelling_on_the_python_docs,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# An evaluation list: (previous word, misspelling, intended word)
EVAL = [
    ("a", "fucntion", "function"),
    ("the", "arguement", "argument"),
    ("an", "excpetion", "exception"),
    ("the", "varible", "variable"),
    ("a", "dictonary", "dictionary"),
    ("the", "atribute", "attribute"),
    ("the", "moduel", "module"),
    ("return", "statment", "statement"),
    ("an", "identifer", "identifier"),
    ("a", "seperate", "separate"),
    ("first", "occurence", "occurrence"),
    ("to", "recieve", "receive"),
    ("the", "lenght", "length"),
    ("a", "strign", "string"),
    ("an", "interger", "integer"),
    ("keyword", "paramter", "parameter"),
    ("the", "expresion", "expression"),
    ("an", "iterater", "iterator"),
    ("a", "refrence", "reference"),
    ("a", "tupel", "tuple"),
    ("the", "objetc", "object"),
    ("the", "begining", "beginning"),
    ("is", "definately", "definitely"),
    ("the", "calss", "class"),
    ("an", "emtpy", "empty"),
    ("is", "retunred", "returned"),
    ("a", "sequnce", "sequence"),
    ("in", "wich", "which"),
    ("is", "nto", "not"),
    ("of", "teh", "the"),
    ("keys", "adn", "and"),
    ("with", "thier", "their"),
]
sc = SpellCorrector(list(pydoc_tokens()))
# Rounded: each Python patch release edits its docs a little (3.11.2: 64,086 tokens;
# 3.11.7: 64,285), and nothing below depends on the exact size.
print(
    f"corpus: {sc.total / 1e3:.0f}k tokens, {len(sc.counts) / 1e3:.1f}k distinct words"
)
word = "function"
n = len(word)
e1 = edits1(word)
e2 = {b for a in e1 for b in edits1(a)}
print(f"edits1({word!r}): {len(e1)} distinct strings (54n+25 = {54 * n + 25})")
print(f"within two edits: {len(e2 | e1)} strings, {len(sc.candidates(word))} known")
unknown = sum(right not in sc.counts for _, _, right in EVAL)
print(f"{len(EVAL)} misspellings, intended word not in the corpus: {unknown}")
for name, use_prev in [("unigram prior", False), ("bigram prior ", True)]:
    wrong = []
    for prev, typo, right in EVAL:
        guess = sc.correct(typo, prev if use_prev else None)
        if guess != right:
            wrong.append(f"{typo}->{guess}")
    print(f"{name}: accuracy {1 - len(wrong) / len(EVAL):.3f}, wrong: {wrong}")
for prev, typo in [("floating", "pint"), ("in", "wich"), ("code", "lock")]:
    alone, in_context = sc.correct(typo), sc.correct(typo, prev)
    print(f"{prev} {typo!r}: unigram -> {alone!r}, bigram -> {in_context!r}")
