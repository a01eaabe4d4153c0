# --8<-- [start:signature]
from collections.abc import Callable
from typing import NamedTuple


class RougeScore(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


def rouge_n(candidate: list[str], reference: list[str], n: int = 1) -> RougeScore:
    """ROUGE-N (Lin, 2004) of a tokenised candidate summary against one reference.

    The overlap credits each n-gram at most as many times as it occurs on either side
    (the smaller of its two counts). precision = overlap / candidate n-grams, recall =
    overlap / reference n-grams (0.0 for a side with no n-gram), fmeasure = their
    harmonic mean, F1 (0.0 when both are 0).
    """
    raise NotImplementedError


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of a longest common subsequence of a and b (same order, gaps allowed),
    by dynamic programming in O(len(a) * len(b)) time and O(min(len(a), len(b)))
    memory: two rows of the table, not the table."""
    raise NotImplementedError


def rouge_l(
    candidate: list[str], reference: list[str], beta: float = 1.0
) -> RougeScore:
    """ROUGE-L: precision = LCS / len(candidate), recall = LCS / len(reference) (0.0
    if that side is empty), fmeasure = (1 + beta**2) P R / (R + beta**2 P), or 0.0 if
    P or R is 0. beta = 1 gives F1, what rouge-score reports; beta > 1 weights recall
    (Lin's F_lcs; DUC took beta very large, so only recall counted)."""
    raise NotImplementedError


def rouge_max(
    candidate: list[str],
    references: list[list[str]],
    metric: Callable[[list[str], list[str]], RougeScore],
) -> RougeScore:
    """Multi-reference score: metric(candidate, reference) for every reference, and
    the score with the highest fmeasure (the first one on a tie), precision and
    recall included, as rouge-score's RougeScorer.score_multi does."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple


class RougeScore(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


def count_ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def f_beta(precision: float, recall: float, beta: float = 1.0) -> float:
    if precision == 0.0 or recall == 0.0:
        return 0.0
    b2 = beta**2
    return (1 + b2) * precision * recall / (recall + b2 * precision)


def rouge_n(candidate: list[str], reference: list[str], n: int = 1) -> RougeScore:
    cand, ref = count_ngrams(candidate, n), count_ngrams(reference, n)
    # Counter & Counter keeps the smaller count of every n-gram: the clipped overlap
    overlap = sum((cand & ref).values())
    n_cand, n_ref = sum(cand.values()), sum(ref.values())
    precision = overlap / n_cand if n_cand else 0.0
    recall = overlap / n_ref if n_ref else 0.0
    return RougeScore(precision, recall, f_beta(precision, recall))


def lcs_length(a: list[str], b: list[str]) -> int:
    if len(b) > len(a):
        # the inner loop runs over the shorter sequence: rows of min(...) + 1 cells
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        # cur[j] = LCS of (a up to and including x, first j tokens of b)
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(
    candidate: list[str], reference: list[str], beta: float = 1.0
) -> RougeScore:
    lcs = lcs_length(candidate, reference)
    precision = lcs / len(candidate) if candidate else 0.0
    recall = lcs / len(reference) if reference else 0.0
    return RougeScore(precision, recall, f_beta(precision, recall, beta))


def rouge_max(
    candidate: list[str],
    references: list[list[str]],
    metric: Callable[[list[str], list[str]], RougeScore],
) -> RougeScore:
    scores = [metric(candidate, reference) for reference in references]
    # max() returns the first of several equal maxima, like np.argmax in rouge-score
    return max(scores, key=lambda score: score.fmeasure)


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools
import random
import re
from functools import partial

import pytest

# Lin (2004), section 3.1: same bigram overlap, different meaning
LIN_TEXTS = [
    "police killed the gunman",
    "police kill the gunman",
    "the gunman kill police",
]
LIN_REFERENCE, *LIN_CANDIDATES = [text.split() for text in LIN_TEXTS]
SENTENCE_PAIRS = [
    # (candidate, reference): capitals, punctuation, numbers, repeats, a short one
    (
        "The council voted 7-2 to close the library.",
        "Council members voted to close the old library on Tuesday.",
    ),
    ("Rain, rain and more rain: the match was called off.", "The match was rained off"),
    ("A new station opens in 2027", "The new train station will open in 2027."),
    ("Yes.", "Yes, the vote passed."),
    ("the the the the", "the cat sat on the mat"),
    ("Prices rose 3% in May; they fell in June.", "In June prices fell after 3%"),
]


def rouge_tokens(text: str) -> list[str]:
    # rouge-score's default tokenizer without stemming: lowercase, [a-z0-9] runs
    return re.findall(r"[a-z0-9]+", text.lower())


def lcs_brute_force(a: list[str], b: list[str]) -> int:
    for k in range(min(len(a), len(b)), 0, -1):
        # combinations keep the order: these are the subsequences of length k
        of_b = set(itertools.combinations(b, k))
        if any(s in of_b for s in itertools.combinations(a, k)):
            return k
    return 0


def test_rouge_worked_example():
    kill, swapped = LIN_CANDIDATES
    for candidate in LIN_CANDIDATES:
        # 3 of 4 words match; of 3 bigrams only "the gunman" does
        unigrams, bigrams = (rouge_n(candidate, LIN_REFERENCE, n) for n in (1, 2))
        assert tuple(unigrams) == pytest.approx((0.75, 0.75, 0.75))
        assert tuple(bigrams) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    # LCS "police the gunman" (3) against "the gunman" (2)
    assert lcs_length(kill, LIN_REFERENCE) == 3
    assert lcs_length(swapped, LIN_REFERENCE) == 2
    assert tuple(rouge_l(kill, LIN_REFERENCE)) == pytest.approx((0.75,) * 3)
    assert tuple(rouge_l(swapped, LIN_REFERENCE)) == pytest.approx((0.5,) * 3)


def test_rouge_clipping_f_beta_and_empty_input():
    texts = ["the the the cat", "the cat sat on the mat"]
    candidate, reference = (text.split() for text in texts)
    # "the" x3 is credited twice (the reference has it twice), "cat" once: 3 matches
    assert tuple(rouge_n(candidate, reference, 1)) == pytest.approx((3 / 4, 3 / 6, 0.6))
    # LCS 2 ("the cat" or "the the"): P = 2/4, R = 2/6, F1 = 0.4
    assert tuple(rouge_l(candidate, reference)) == pytest.approx((1 / 2, 1 / 3, 0.4))
    # F_beta with beta = 3: 10 P R / (R + 9 P); a huge beta leaves the recall
    assert rouge_l(candidate, reference, beta=3.0).fmeasure == pytest.approx(10 / 29)
    assert rouge_l(candidate, reference, beta=1e6).fmeasure == pytest.approx(1 / 3)
    # nothing to match: zeros, not a ZeroDivisionError
    assert tuple(rouge_n([], reference, 1)) == (0.0, 0.0, 0.0)
    assert tuple(rouge_n(["cat"], ["cat", "sat"], 2)) == (0.0, 0.0, 0.0)
    assert tuple(rouge_l(candidate, [])) == (0.0, 0.0, 0.0)
    assert lcs_length([], reference) == 0


def test_rouge_swapping_candidate_and_reference_swaps_precision_and_recall():
    rng = random.Random(0)
    vocab = list("abcdef")
    for _ in range(200):
        a = rng.choices(vocab, k=rng.randint(0, 12))
        b = rng.choices(vocab, k=rng.randint(0, 12))
        scores = [partial(rouge_n, n=n) for n in (1, 2, 3)] + [rouge_l]
        for score in scores:
            ab, ba = score(a, b), score(b, a)
            assert ab.precision == ba.recall and ab.recall == ba.precision
            assert ab.fmeasure == pytest.approx(ba.fmeasure)
        assert lcs_length(a, b) == lcs_length(b, a)


def test_lcs_length_matches_brute_force():
    rng = random.Random(1)
    for _ in range(300):
        a = rng.choices("abc", k=rng.randint(0, 8))
        b = rng.choices("abc", k=rng.randint(0, 8))
        assert lcs_length(a, b) == lcs_brute_force(a, b)


def test_rouge_matches_rouge_score():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    types = ["rouge1", "rouge2", "rougeL"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=False)
    ours = {
        "rouge1": partial(rouge_n, n=1),
        "rouge2": partial(rouge_n, n=2),
        "rougeL": rouge_l,
    }
    for candidate, reference in SENTENCE_PAIRS:
        # rouge-score takes the reference (target) first
        theirs = scorer.score(reference, candidate)
        for key in types:
            mine = ours[key](rouge_tokens(candidate), rouge_tokens(reference))
            assert tuple(mine) == pytest.approx(tuple(theirs[key]), abs=1e-12)
    # several references: the one with the best F1, as score_multi picks it
    references = [reference for _, reference in SENTENCE_PAIRS]
    for candidate, _ in SENTENCE_PAIRS:
        theirs = scorer.score_multi(references, candidate)
        for key in types:
            refs = [rouge_tokens(r) for r in references]
            mine = rouge_max(rouge_tokens(candidate), refs, ours[key])
            assert tuple(mine) == pytest.approx(tuple(theirs[key]), abs=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
import textwrap

from rouge_score import rouge_scorer

tests = [
    test_rouge_worked_example,
    test_rouge_clipping_f_beta_and_empty_input,
    test_rouge_swapping_candidate_and_reference_swaps_precision_and_recall,
    test_lcs_length_matches_brute_force,
    test_rouge_matches_rouge_score,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

story = [
    "The city council voted on Tuesday to close the old library on Main Street.",
    "Repairs to the building would cost four million dollars.",
    "A new library will open next to the train station in 2027.",
]
reference = [
    "The city council voted to close the old library on Main Street.",
    "Repairs would cost four million dollars.",
]
extract = story[:2]
# the same facts in other words, and a second reference written that way
paraphrase = (
    "Councillors chose to shut the ageing Main Street branch: "
    "fixing it was priced at $4m."
)
reference_2 = "Facing a $4m repair bill, councillors decided to shut the old library."
ref, ref_2 = rouge_tokens(" ".join(reference)), rouge_tokens(reference_2)
extract_tokens = rouge_tokens(" ".join(extract))
paraphrase_tokens = rouge_tokens(paraphrase)


def f1s(candidate: list[str], references: list[list[str]]) -> list[float]:
    metrics = [partial(rouge_n, n=1), partial(rouge_n, n=2), rouge_l]
    return [rouge_max(candidate, references, m).fmeasure for m in metrics]


rng = random.Random(0)
shuffles = [rng.sample(ref, len(ref)) for _ in range(200)]
shuffled = [sum(col) / len(shuffles) for col in zip(*(f1s(s, [ref]) for s in shuffles))]
rows = [
    ("extract: the story's first 2 sentences", f1s(extract_tokens, [ref])),
    ("reference, words shuffled (mean of 200)", shuffled),
    ("paraphrase, the same facts", f1s(paraphrase_tokens, [ref])),
    ("paraphrase, best of 2 references", f1s(paraphrase_tokens, [ref, ref_2])),
    ("extract, best of 2 references", f1s(extract_tokens, [ref, ref_2])),
]
print(f"{'candidate (F1)':<40}{'ROUGE-1':>8}{'ROUGE-2':>8}{'ROUGE-L':>8}")
for name, (r1, r2, rl) in rows:
    print(f"{name:<40}{r1:>8.3f}{r2:>8.3f}{rl:>8.3f}")
p, r, _ = rouge_n(extract_tokens, ref, 1)
print(f"extract, ROUGE-1 precision {p:.3f}, recall {r:.3f}")
print(
    textwrap.fill("one shuffle: " + " ".join(shuffles[0]), 88, subsequent_indent="  ")
)

# summary-level ROUGE-Lsum in rouge-score: it splits sentences at newlines only
scorer = rouge_scorer.RougeScorer(["rougeL", "rougeLsum"])
print("the extract's 2 sentences swapped, rouge-score F1:")
for sep, layout in [(" ", "one line"), ("\n", "a line per sentence")]:
    s = scorer.score(sep.join(reference), sep.join(extract[::-1]))
    rouge_l_f, rouge_lsum_f = s["rougeL"].fmeasure, s["rougeLsum"].fmeasure
    print(f"  {layout:<20} rougeL {rouge_l_f:.3f}  rougeLsum {rouge_lsum_f:.3f}")
# --8<-- [end:check]
