# --8<-- [start:signature]
def corpus_bleu(
    hypotheses: list[list[str]],
    references: list[list[list[str]]],
    max_n: int = 4,
) -> float:
    """Corpus BLEU (Papineni et al., 2002) on tokenised text, in [0, 1], no smoothing.

    hypotheses[i] is a list of tokens; references[i] is a list of one or more token
    lists, the references of hypotheses[i]. For each n in 1..max_n, every hypothesis
    n-gram is credited at most as many times as it occurs in a single reference (its
    count is clipped to the largest count over that segment's references). Clipped
    matches and hypothesis n-gram counts are each summed over the whole corpus, and
    p_n = matches / total. BLEU = BP * exp(mean over n of log p_n), and 0.0 if any p_n
    is 0 or has no hypothesis n-grams. BP = 1 if c > r, else exp(1 - r / c) (0.0 if
    c == 0), where c is the total hypothesis length and r the sum over segments of the
    reference length closest to the hypothesis length; on a tie, the shorter one.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math
from collections import Counter


def ngram_counts(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(
    hypotheses: list[list[str]],
    references: list[list[list[str]]],
    max_n: int = 4,
) -> float:
    matches = [0] * max_n
    totals = [0] * max_n
    hyp_len = ref_len = 0
    for hyp, refs in zip(hypotheses, references, strict=True):
        hyp_len += len(hyp)
        # closest reference length; on a tie the shorter one (key: distance, length)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]
        for n in range(1, max_n + 1):
            # the most times each n-gram occurs in any one reference: the clip
            max_ref = Counter()
            for r in refs:
                max_ref |= ngram_counts(r, n)
            counts = ngram_counts(hyp, n)
            matches[n - 1] += sum(min(c, max_ref[g]) for g, c in counts.items())
            totals[n - 1] += sum(counts.values())
    if min(matches) == 0:
        return 0.0
    log_mean = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return bp * math.exp(log_mean)


# --8<-- [end:solution]


# --8<-- [start:tests]
import math
import random

import pytest

# two segments: the first repeats "the" and "the cat" (clipped), the second is short
WORKED_HYPS = [h.split() for h in ["the cat the cat on the mat", "on the mat"]]
WORKED_REFS = [
    [r.split() for r in refs]
    for refs in [
        ["the cat is on the mat", "there is a cat on the mat"],
        ["the cat sat on the mat", "a cat is on the mat"],
    ]
]


def noisy_copy(rng: random.Random, tokens: list[str], p_drop: float) -> list[str]:
    vocab = [f"w{i}" for i in range(12)]
    out = []
    for token in tokens:
        u = rng.random()
        if u < p_drop:
            continue
        out.append(rng.choice(vocab) if u < p_drop + 0.2 else token)
        if u > 0.95:
            out.append(rng.choice(vocab))
    return out


def random_corpus(seed: int, n_refs: int, n_segments: int = 40):
    """Hypotheses and references that are noisy copies of hidden source sentences."""
    rng = random.Random(seed)
    p_drop = 0.05 + 0.05 * (seed % 4)
    hyps, refs = [], []
    for _ in range(n_segments):
        source = [f"w{rng.randrange(12)}" for _ in range(rng.randint(1, 15))]
        refs.append([noisy_copy(rng, source, 0.05) for _ in range(n_refs)])
        hyps.append(noisy_copy(rng, source, p_drop))
    return hyps, refs


def test_corpus_bleu_worked_example():
    # p1 = 8/10, p2 = 6/8, p3 = 3/6, p4 = 1/4; c = 7 + 3 = 10, r = 7 + 6 = 13
    expected = math.exp(1 - 13 / 10) * (8 / 10 * 6 / 8 * 3 / 6 * 1 / 4) ** 0.25
    assert corpus_bleu(WORKED_HYPS, WORKED_REFS) == pytest.approx(expected)


def test_corpus_bleu_clips_repeated_words():
    # Papineni et al.'s example: "the" x 7 is credited twice (reference 1 has it twice)
    hyp = ["the"] * 7
    refs = WORKED_REFS[0]
    assert corpus_bleu([hyp], [refs], max_n=1) == pytest.approx(2 / 7)


def test_corpus_bleu_closest_reference_length_and_ties():
    hyp = list("abcde")
    # 5 tokens, references of 4 and 6: a tie, the shorter (4) wins, so BP = 1
    tie = [list("abcd"), list("abcdef")]
    assert corpus_bleu([hyp], [tie], max_n=1) == pytest.approx(1.0)
    # references of 3 and 6: 6 is closer, so BP = exp(1 - 6 / 5)
    closer_longer = [list("abc"), list("abcdef")]
    bleu = corpus_bleu([hyp], [closer_longer], max_n=1)
    assert bleu == pytest.approx(math.exp(1 - 6 / 5))


def test_corpus_bleu_matches_sacrebleu():
    sacrebleu = pytest.importorskip("sacrebleu")
    for n_refs in (1, 3):
        for seed in range(8):
            hyps, refs = random_corpus(seed, n_refs)
            ours = corpus_bleu(hyps, refs)
            # sacrebleu wants strings and one reference *stream* per reference set
            streams = [[" ".join(r[k]) for r in refs] for k in range(n_refs)]
            theirs = sacrebleu.corpus_bleu(
                [" ".join(h) for h in hyps],
                streams,
                tokenize="none",
                smooth_method="none",
            )
            assert ours > 0.0
            assert abs(ours - theirs.score / 100) < 1e-9


def test_corpus_bleu_is_not_the_mean_of_sentence_bleus():
    corpus = corpus_bleu(WORKED_HYPS, WORKED_REFS)
    sentences = [corpus_bleu([h], [r]) for h, r in zip(WORKED_HYPS, WORKED_REFS)]
    # the 3-token hypothesis has no 4-gram: its sentence BLEU is 0, its n-grams still
    # count in the corpus totals
    assert sentences[1] == 0.0
    assert sum(sentences) / len(sentences) < corpus - 0.1


# --8<-- [end:tests]


# --8<-- [start:check]
import sacrebleu

tests = [
    test_corpus_bleu_worked_example,
    test_corpus_bleu_clips_repeated_words,
    test_corpus_bleu_closest_reference_length_and_ties,
    test_corpus_bleu_matches_sacrebleu,
    test_corpus_bleu_is_not_the_mean_of_sentence_bleus,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
corpus = corpus_bleu(WORKED_HYPS, WORKED_REFS)
sentences = [corpus_bleu([h], [r]) for h, r in zip(WORKED_HYPS, WORKED_REFS)]
print(f"corpus BLEU: {corpus:.4f}")
mean = sum(sentences) / len(sentences)
print(f"sentence BLEUs: {sentences[0]:.4f} {sentences[1]:.4f}, mean {mean:.4f}")
hyps = [" ".join(h) for h in WORKED_HYPS]
streams = [[" ".join(refs[k]) for refs in WORKED_REFS] for k in range(2)]
bleu = sacrebleu.BLEU(tokenize="none", smooth_method="none")
print(bleu.corpus_score(hyps, streams))
print(f"signature: {bleu.get_signature()}")
# one short, nearly right sentence with no matching 4-gram: sentence BLEU by smoothing
hyp, ref = "the cat sat on a mat", "the cat is on a mat"
for method in ["none", "floor", "add-k", "exp"]:
    s = sacrebleu.sentence_bleu(hyp, [ref], smooth_method=method, tokenize="none")
    print(f"  sentence BLEU, smooth_method={method!r:<8} {s.score:6.2f}")
# --8<-- [end:check]
