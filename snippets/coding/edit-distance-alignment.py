# --8<-- [start:signature]
from collections.abc import Sequence

import numpy as np


def edit_table(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> np.ndarray:
    """The full edit-distance table, shape (len(a) + 1, len(b) + 1), float: D[i, j]
    is the cheapest way to turn a[:i] into b[:j]. D[i, 0] = i * del_cost, D[0, j] =
    j * ins_cost and D[i, j] = min(D[i-1, j-1] + (0 if a[i-1] == b[j-1] else
    sub_cost), D[i-1, j] + del_cost, D[i, j-1] + ins_cost). a and b are strings
    (characters) or lists of tokens (words). The distance is D[-1, -1]."""
    raise NotImplementedError


def edit_alignment(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> list[tuple[str, int | None, int | None]]:
    """An optimal alignment of a to b, in order, as operations (op, i, j): ("match",
    i, j) and ("substitute", i, j) pair a[i] with b[j], ("delete", i, None) drops
    a[i], ("insert", None, j) adds b[j]. Backtrack from the last cell of edit_table;
    when several moves reach a cell at its cost, take the diagonal (match or
    substitute) first, then the deletion (up), then the insertion (left)."""
    raise NotImplementedError


def edit_distance_two_rows(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> float:
    """The distance edit_table(a, b, ...)[-1, -1] keeping only two rows of the table,
    each as long as the shorter of a and b: O(min(m, n)) memory."""
    raise NotImplementedError


def wer(reference: list[str], hypothesis: list[str]) -> tuple[float, int, int, int]:
    """Word error rate (S + D + I) / N of a hypothesis against a reference, both
    lists of words, N = len(reference), with the counts of substitutions, deletions
    and insertions read off edit_alignment with unit costs: (wer, S, D, I).
    ValueError if the reference is empty."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Sequence

import numpy as np


def edit_table(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> np.ndarray:
    m, n = len(a), len(b)
    table = np.zeros((m + 1, n + 1))
    # the first column deletes all of a[:i], the first row inserts all of b[:j]
    table[:, 0] = np.arange(m + 1) * del_cost
    table[0, :] = np.arange(n + 1) * ins_cost
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            diagonal = table[i - 1, j - 1] + (0 if a[i - 1] == b[j - 1] else sub_cost)
            up = table[i - 1, j] + del_cost
            left = table[i, j - 1] + ins_cost
            table[i, j] = min(diagonal, up, left)
    return table


def edit_alignment(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> list[tuple[str, int | None, int | None]]:
    table = edit_table(a, b, sub_cost, ins_cost, del_cost)
    i, j = len(a), len(b)
    ops = []
    while i > 0 or j > 0:
        here = table[i, j]
        if i > 0 and j > 0:
            same = a[i - 1] == b[j - 1]
            step = 0 if same else sub_cost
            if np.isclose(here, table[i - 1, j - 1] + step):
                ops.append(("match" if same else "substitute", i - 1, j - 1))
                i, j = i - 1, j - 1
                continue
        if i > 0 and np.isclose(here, table[i - 1, j] + del_cost):
            ops.append(("delete", i - 1, None))
            i -= 1
        else:
            ops.append(("insert", None, j - 1))
            j -= 1
    return ops[::-1]


def edit_distance_two_rows(
    a: Sequence,
    b: Sequence,
    sub_cost: float = 1.0,
    ins_cost: float = 1.0,
    del_cost: float = 1.0,
) -> float:
    if len(b) > len(a):
        # rows run along the shorter sequence; swapping a and b turns every
        # insertion into a deletion, so their costs swap too
        a, b, ins_cost, del_cost = b, a, del_cost, ins_cost
    # tokens as integers, so that a row compares a[i-1] with all of b at once
    ids = {token: k for k, token in enumerate(set(a) | set(b))}
    b_ids = np.array([ids[t] for t in b], dtype=int)
    offsets = np.arange(len(b) + 1) * ins_cost
    prev = offsets.astype(float)
    for i in range(1, len(a) + 1):
        diagonal = prev[:-1] + np.where(b_ids == ids[a[i - 1]], 0.0, sub_cost)
        up = prev[1:] + del_cost
        cur = np.concatenate([[i * del_cost], np.minimum(diagonal, up)])
        # the insertions: cur[j] = min(cur[j], cur[j-1] + ins) along the row is a
        # running minimum of cur[j] - j * ins
        prev = np.minimum.accumulate(cur - offsets) + offsets
    return float(prev[-1])


def wer(reference: list[str], hypothesis: list[str]) -> tuple[float, int, int, int]:
    if not reference:
        raise ValueError("WER needs a non-empty reference")
    ops = [op for op, _, _ in edit_alignment(reference, hypothesis)]
    s, d, i = ops.count("substitute"), ops.count("delete"), ops.count("insert")
    return (s + d + i) / len(reference), s, d, i


# --8<-- [end:solution]


# --8<-- [start:tests]
import heapq
import itertools
import math
import random


def edit_graph_distances(source, alphabet, max_len, sub, ins, dele):
    """Dijkstra over strings: the cheapest sequence of single edits (substitute,
    insert or delete one character, at its cost) from source to every string of
    at most max_len characters over alphabet. The definition, not the table."""
    best = {source: 0}
    heap = [(0, source)]
    while heap:
        cost, s = heapq.heappop(heap)
        if cost > best[s]:
            continue
        moves = [(s[:k] + s[k + 1 :], dele) for k in range(len(s))]
        moves += [
            (s[:k] + c + s[k + 1 :], sub) for k in range(len(s)) for c in alphabet
        ]
        if len(s) < max_len:
            moves += [
                (s[:k] + c + s[k:], ins) for k in range(len(s) + 1) for c in alphabet
            ]
        for t, step in moves:
            if t != s and cost + step < best.get(t, math.inf):
                best[t] = cost + step
                heapq.heappush(heap, (cost + step, t))
    return best


def apply_alignment(a, b, ops):
    """Rebuild b from a with the operations, checking that they consume a and b in
    order, once each, and that a match pairs equal tokens."""
    out, next_i, next_j = [], 0, 0
    for op, i, j in ops:
        if op in ("match", "substitute", "delete"):
            assert i == next_i
            next_i += 1
        if op in ("match", "substitute", "insert"):
            assert j == next_j
            next_j += 1
        if op == "match":
            assert a[i] == b[j]
            out.append(a[i])
        elif op == "substitute":
            assert a[i] != b[j]
            out.append(b[j])
        elif op == "insert":
            out.append(b[j])
        else:
            assert op == "delete"
    assert next_i == len(a)
    return out


def alignment_cost(a, b, ops, sub=1.0, ins=1.0, dele=1.0):
    price = {"match": 0.0, "substitute": sub, "insert": ins, "delete": dele}
    return sum(price[op] for op, _, _ in ops)


def random_string(rng, alphabet, max_len):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))


def test_edit_worked_example():
    table = edit_table("kitten", "sitting")
    assert table.shape == (7, 8) and table[-1, -1] == 3
    # the last row: "kitten" against every prefix of "sitting"
    assert table[-1].tolist() == [6, 6, 5, 4, 3, 3, 2, 3]
    ops = edit_alignment("kitten", "sitting")
    assert [op for op, _, _ in ops] == [
        "substitute",
        "match",
        "match",
        "match",
        "substitute",
        "match",
        "insert",
    ]
    assert ops[0] == ("substitute", 0, 0) and ops[-1] == ("insert", None, 6)
    # empty and identical sequences
    assert edit_table("", "")[-1, -1] == 0 and edit_alignment("", "") == []
    assert edit_table("", "abc")[-1, -1] == 3 and edit_table("abc", "")[-1, -1] == 3
    assert edit_alignment("", "ab") == [("insert", None, 0), ("insert", None, 1)]
    assert edit_alignment("ab", "") == [("delete", 0, None), ("delete", 1, None)]
    assert edit_table("same", "same")[-1, -1] == 0
    assert edit_alignment("same", "same") == [("match", k, k) for k in range(4)]
    # costs: a substitution dearer than a deletion plus an insertion is never used
    assert edit_table("a", "b", sub_cost=3)[-1, -1] == 2
    # read backwards from the last cell, the deletion comes first
    assert edit_alignment("a", "b", sub_cost=3) == [
        ("insert", None, 0),
        ("delete", 0, None),
    ]
    assert edit_table("ab", "b", del_cost=5, ins_cost=2)[-1, -1] == 5
    # the tie-breaking rule: "ab" -> "ba" costs 2 as two substitutions, or as a
    # deletion and an insertion; the diagonal wins
    assert [op for op, _, _ in edit_alignment("ab", "ba")] == ["substitute"] * 2
    # tokens: lists of words work like strings of characters
    words = ["the", "cat", "sat"], ["a", "cat", "sat", "down"]
    assert edit_table(*words)[-1, -1] == 2


def test_edit_matches_the_definition():
    rng = random.Random(0)
    alphabet, max_len = "abc", 4
    strings = [
        "".join(p)
        for n in range(max_len + 1)
        for p in itertools.product(alphabet, repeat=n)
    ]
    for sub, ins, dele in [(1, 1, 1), (2, 1, 1), (1, 2, 1), (1, 1, 3), (3, 1, 1)]:
        for source in rng.sample(strings, 6) + [""]:
            graph = edit_graph_distances(source, alphabet, max_len + 1, sub, ins, dele)
            for target in strings:
                table = edit_table(source, target, sub, ins, dele)
                assert table[-1, -1] == graph[target], (source, target)
                # every cell is the distance between two prefixes
                for j in range(len(target) + 1):
                    assert table[-1, j] == graph[target[:j]]


def test_edit_two_rows_equals_full_table():
    rng = random.Random(1)
    costs = [(1, 1, 1), (2, 1, 1), (1, 3, 1), (1, 1, 3), (0.5, 0.7, 1.3)]
    for _ in range(200):
        a = random_string(rng, "abcd", 9)
        b = random_string(rng, "abcd", 9)
        sub, ins, dele = rng.choice(costs)
        full = edit_table(a, b, sub, ins, dele)[-1, -1]
        two = edit_distance_two_rows(a, b, sub, ins, dele)
        assert math.isclose(two, full, rel_tol=1e-12, abs_tol=1e-12), (a, b)
    # words, and a long pair
    a = [rng.choice(["to", "be", "or", "not"]) for _ in range(120)]
    b = [rng.choice(["to", "be", "or", "not", "and"]) for _ in range(90)]
    assert edit_distance_two_rows(a, b) == edit_table(a, b)[-1, -1]
    assert edit_distance_two_rows(b, a, 1, 2, 3) == edit_table(b, a, 1, 2, 3)[-1, -1]


def test_edit_alignment_is_optimal_and_valid():
    rng = random.Random(2)
    for _ in range(300):
        a = random_string(rng, "abc", 8)
        b = random_string(rng, "abc", 8)
        sub, ins, dele = rng.choice([(1, 1, 1), (2, 1, 1), (1, 2, 3), (1.5, 1, 1)])
        ops = edit_alignment(a, b, sub, ins, dele)
        distance = edit_table(a, b, sub, ins, dele)[-1, -1]
        # the operations cost the distance and turn a into b
        cost = alignment_cost(a, b, ops, sub, ins, dele)
        assert math.isclose(cost, distance, abs_tol=1e-9)
        assert "".join(apply_alignment(a, b, ops)) == b
        # a match is never replaced by a substitution or a deletion plus insertion
        n_match = sum(op == "match" for op, _, _ in ops)
        assert n_match <= min(len(a), len(b))


def test_wer():
    ref = ["the", "cat", "sat", "on", "the", "mat"]
    # one substitution (cat -> hat), one deletion (on), one insertion (today)
    hyp = ["the", "hat", "sat", "the", "mat", "today"]
    rate, s, d, i = wer(ref, hyp)
    assert (s, d, i) == (1, 1, 1) and math.isclose(rate, 3 / 6)
    assert wer(ref, ref) == (0.0, 0, 0, 0)
    # WER counts against the reference length: insertions push it above 1
    rate, s, d, i = wer(["yes"], ["yes", "yes", "yes", "thank", "you"])
    assert (s, d, i) == (0, 0, 4) and rate == 4.0
    # an empty hypothesis deletes every reference word: WER 1
    assert wer(ref, []) == (1.0, 0, 6, 0)
    try:
        wer([], ["anything"])
        raise AssertionError("an empty reference must raise ValueError")
    except ValueError:
        pass
    # S + D + I is the unit-cost distance, and the counts add up
    rng = random.Random(3)
    words = ["a", "b", "c", "d"]
    for _ in range(200):
        r = [rng.choice(words) for _ in range(rng.randint(1, 8))]
        h = [rng.choice(words) for _ in range(rng.randint(0, 8))]
        rate, s, d, i = wer(r, h)
        assert s + d + i == edit_table(r, h)[-1, -1]
        assert math.isclose(rate, (s + d + i) / len(r))
        # N - D + I words come out
        assert len(r) - d + i == len(h)


def test_edit_distance_is_a_metric():
    rng = random.Random(4)
    for _ in range(300):
        a, b, c = (random_string(rng, "abc", 7) for _ in range(3))
        ab, bc, ac = (edit_table(x, y)[-1, -1] for x, y in ((a, b), (b, c), (a, c)))
        assert ac <= ab + bc
        assert ab == edit_table(b, a)[-1, -1]
        assert (ab == 0) == (a == b)
        # never more than the longer length, never less than the length gap
        assert abs(len(a) - len(b)) <= ab <= max(len(a), len(b))
        # with costs: the triangle inequality still holds, and swapping a and b
        # swaps the insertion and deletion costs
        ab2, bc2, ac2 = (
            edit_table(x, y, 1.5, 1, 2)[-1, -1] for x, y in ((a, b), (b, c), (a, c))
        )
        assert ac2 <= ab2 + bc2 + 1e-12
        assert ab2 == edit_table(b, a, 1.5, 2, 1)[-1, -1]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_edit_worked_example,
    test_edit_matches_the_definition,
    test_edit_two_rows_equals_full_table,
    test_edit_alignment_is_optimal_and_valid,
    test_wer,
    test_edit_distance_is_a_metric,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

a, b = "kitten", "sitting"
table = edit_table(a, b)
print(f"worked example: {a} -> {b}, unit costs, a row per prefix of {a}")
print("       " + "  ".join(" " + b))
for k, row in enumerate(table.astype(int).tolist()):
    print(f"  {(' ' + a)[k]}    " + "  ".join(str(v) for v in row))
names = {"match": "=", "substitute": "S", "insert": "I", "delete": "D"}
ops = edit_alignment(a, b)
top = " ".join("-" if i is None else a[i] for _, i, _ in ops)
bottom = " ".join("-" if j is None else b[j] for _, _, j in ops)
print(f"  alignment  {top}\n             {bottom}")
kinds = " ".join(names[op] for op, _, _ in ops)
print(f"             {kinds}   distance {table[-1, -1]:.0f}")
for sub in (2, 3):
    ops = edit_alignment(a, b, sub_cost=sub)
    kinds = " ".join(names[op] for op, _, _ in ops)
    cost = edit_table(a, b, sub_cost=sub)[-1, -1]
    print(f"  substitution cost {sub}: distance {cost:.0f}, {kinds}")

from nltk.metrics.distance import edit_distance

rng = random.Random(10)
pairs = [
    (random_string(rng, "abcde", 12), random_string(rng, "abcde", 12))
    for _ in range(500)
]
agree = all(
    edit_table(x, y, sub_cost=s)[-1, -1] == edit_distance(x, y, substitution_cost=s)
    for x, y in pairs
    for s in (1, 2)
)
print(
    f"nltk's edit_distance agrees on {len(pairs)} random pairs, "
    f"substitution cost 1 and 2: {agree}"
)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: the same distance over characters, spaces included."""
    return edit_table(reference, hypothesis)[-1, -1] / len(reference)


print("WER against CER, one reference and several hypotheses (no normalisation)")
print("  hypothesis                                   S  D  I    WER    CER")
examples = {
    "the patient was given amoxicillin twice daily": [
        "the patient was given amoxicilin twice daly",
        "the patient was given penicillin twice daily",
    ],
    "set an alarm for six": ["set an alarm for sixty", "set the alarm for six"],
    "it is a nice day": ["it is an ice day"],
}
for ref, hyps in examples.items():
    print(f"  reference: {ref}")
    for hyp in hyps:
        rate, s, d, i = wer(ref.split(), hyp.split())
        c = cer(ref, hyp)
        print(f"  {hyp:<44}{s:>2} {d:>2} {i:>2}  {rate:.3f}  {c:.3f}")


import re
import string


def lower(text: str) -> str:
    return text.lower()


def lower_no_punctuation(text: str) -> str:
    return re.sub(f"[{re.escape(string.punctuation)}]", "", text.lower())


print("normalisation: corpus WER over the pairs below")
pairs = [
    ("Yes, I'll call Dr. Lee at 5 p.m.", "yes I'll call doctor Lee at 5 PM"),
    ("Okay. Send it to Anna, please.", "okay send it to anna please"),
    ("It's on the U.S. list, isn't it?", "its on the US list isn't it"),
]
print("  text seen by WER          S  D  I   N    WER")
for name, norm in (
    ("raw", str),
    ("lower case", lower),
    ("lower, no punctuation", lower_no_punctuation),
):
    totals = np.zeros(4, dtype=int)
    for ref, hyp in pairs:
        r, h = norm(ref).split(), norm(hyp).split()
        _, s, d, i = wer(r, h)
        totals += [s, d, i, len(r)]
    s, d, i, n = totals
    print(f"  {name:<23} {s:>2} {d:>2} {i:>2} {n:>3}  {(s + d + i) / n:.3f}")
print(f"  left after both: {lower_no_punctuation(pairs[0][0])!r}")
print(f"               vs  {lower_no_punctuation(pairs[0][1])!r}")

print("memory: two transcripts of n words, float64 cells")
print("       n  full table (cells)     MB  two rows (cells)      KB")
for n in (1_000, 10_000, 100_000):
    full, rows = (n + 1) ** 2, 2 * (n + 1)
    mb, kb = full * 8 / 1e6, rows * 8 / 1e3
    print(f"{n:>8} {full:>19,} {mb:>8,.0f} {rows:>17,} {kb:>7,.0f}")
rng = np.random.default_rng(11)
vocab = [f"w{k}" for k in range(2000)]
reference = [vocab[k] for k in rng.integers(0, 2000, size=10_000)]
hypothesis = []
for word in reference:
    u = rng.random()
    if u < 0.05:
        hypothesis.append(vocab[rng.integers(0, 2000)])
    elif u < 0.08:
        continue
    else:
        hypothesis.append(word)
    if rng.random() < 0.02:
        hypothesis.append(vocab[rng.integers(0, 2000)])
distance = edit_distance_two_rows(reference, hypothesis)
print(
    f"  two rows on {len(reference):,} reference and {len(hypothesis):,} hypothesis "
    f"words: distance {distance:.0f}, WER {distance / len(reference):.3f}"
)
short_r, short_h = reference[:600], hypothesis[:600]
same = edit_distance_two_rows(short_r, short_h) == edit_table(short_r, short_h)[-1, -1]
print(f"  equal to the full table on the first 600 words of each: {same}")
# --8<-- [end:check]
