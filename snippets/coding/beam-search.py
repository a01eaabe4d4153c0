# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def beam_search(
    next_log_probs: Callable[[tuple[int, ...]], np.ndarray],
    bos: int,
    eos: int,
    beam_width: int,
    max_len: int,
) -> tuple[tuple[int, ...], float]:
    """Beam search for the sequence with the highest total log-probability.

    next_log_probs(prefix) returns log P(next token | prefix) over the vocabulary. Start
    from (bos,). Each step, extend every live sequence by every token and keep the
    beam_width best extensions (by total log-probability); those ending in eos are
    finished and leave the beam. Stop when no sequence is live or after max_len steps.
    Return the best among finished and still-live sequences, with its score (no length
    normalisation).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import heapq
from collections.abc import Callable

import numpy as np


def beam_search(
    next_log_probs: Callable[[tuple[int, ...]], np.ndarray],
    bos: int,
    eos: int,
    beam_width: int,
    max_len: int,
) -> tuple[tuple[int, ...], float]:
    live = [(0.0, (bos,))]
    finished = []
    for _ in range(max_len):
        candidates = [
            (score + lp, seq + (token,))
            for score, seq in live
            for token, lp in enumerate(next_log_probs(seq))
        ]
        best = heapq.nlargest(beam_width, candidates, key=lambda c: c[0])
        finished += [c for c in best if c[1][-1] == eos]
        live = [c for c in best if c[1][-1] != eos]
        if not live:
            break
    score, seq = max(finished + live, key=lambda c: c[0])
    return seq, score


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools

import numpy as np
import pytest

# a toy model over tokens 0 (bos), 1 "a", 2 "b", 3 (eos) where greedy decoding fails:
# "a" is likelier first, but everything after "a" is uncertain, while "b" is followed by
# eos with probability 0.9
TABLE = {1: [0.0, 0.3, 0.3, 0.4], 2: [0.0, 0.05, 0.05, 0.9]}


def toy(prefix):
    if len(prefix) == 1:
        return np.log([1e-9, 0.6, 0.4, 1e-9])
    return np.log(np.array(TABLE.get(prefix[-1], [0.0, 0.0, 0.0, 1.0])) + 1e-12)


def exhaustive(next_log_probs, bos, eos, max_len, vocab):
    best = (None, -np.inf)
    for n in range(1, max_len + 1):
        for tokens in itertools.product(range(vocab), repeat=n):
            # valid: eos only at the end, and either eos or the length limit ends it
            if eos in tokens[:-1] or (tokens[-1] != eos and n < max_len):
                continue
            seq = (bos, *tokens)
            score = sum(next_log_probs(seq[:i])[seq[i]] for i in range(1, len(seq)))
            if score > best[1]:
                best = (seq, score)
    return best


def test_beam_search_worked_example():
    seq, score = beam_search(toy, bos=0, eos=3, beam_width=2, max_len=4)
    assert seq == (0, 2, 3)
    assert score == pytest.approx(np.log(0.4 * 0.9))
    greedy, greedy_score = beam_search(toy, bos=0, eos=3, beam_width=1, max_len=4)
    assert greedy == (0, 1, 3)
    assert greedy_score == pytest.approx(np.log(0.6 * 0.4))


def test_beam_search_wide_beam_equals_exhaustive_search():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 5)) * 2

    def markov(prefix):
        z = logits[prefix[-1]]
        return z - np.log(np.exp(z).sum())

    for max_len in (1, 2, 3):
        expected = exhaustive(markov, 0, 4, max_len, 5)
        seq, score = beam_search(markov, 0, 4, beam_width=5**max_len, max_len=max_len)
        assert seq == expected[0]
        assert score == pytest.approx(expected[1])


def test_beam_search_width_one_is_greedy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 6))

    def markov(prefix):
        z = logits[prefix[-1]]
        return z - np.log(np.exp(z).sum())

    seq, _ = beam_search(markov, 0, 5, beam_width=1, max_len=6)
    for i in range(1, len(seq)):
        assert seq[i] == np.argmax(markov(seq[:i]))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_beam_search_worked_example,
    test_beam_search_wide_beam_equals_exhaustive_search,
    test_beam_search_width_one_is_greedy,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
for width in (1, 2):
    seq, score = beam_search(toy, bos=0, eos=3, beam_width=width, max_len=4)
    print(f"beam width {width}: {seq}, probability {np.exp(score):.2f}")
# --8<-- [end:check]
