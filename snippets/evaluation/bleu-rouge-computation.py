# --8<-- [start:bleu]
import math
from collections import Counter

import sacrebleu
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

hyps = [
    "the cat sat on the mat.",
    "A fast brown fox jumps over the lazy dog!",
    "He did not like the film at all.",
]
refs = [
    "The cat was sitting on the mat.",
    "The quick brown fox jumped over the lazy dog!",
    "He didn't enjoy the movie at all.",
]


def ngrams(tokens, n):
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hyps, refs, max_n=4):
    """Papineni et al. (2002): clipped n-gram precisions pooled over the corpus, times a
    brevity penalty.
    """
    tok = Tokenizer13a()  # sacrebleu's default tokenizer, so both see the same tokens
    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for h, r in zip(hyps, refs):
        h, r = tok(h).split(), tok(r).split()
        hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)
        for n in range(1, max_n + 1):
            hc, rc = ngrams(h, n), ngrams(r, n)
            matches[n - 1] += sum(
                min(c, rc[g]) for g, c in hc.items()
            )  # clip by the reference count
            totals[n - 1] += max(len(h) - n + 1, 0)
    log_p = (
        sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    )  # geometric mean
    bp = (
        1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    )  # brevity penalty
    return 100 * bp * math.exp(log_p)


ours = corpus_bleu(hyps, refs)
bleu = sacrebleu.BLEU()
lib = bleu.corpus_score(hyps, [refs])  # a list of reference streams: [refs], not refs
print(
    f"BLEU from scratch {ours:.2f}, sacrebleu {lib.score:.2f}, match: "
    f"{math.isclose(ours, lib.score)}"
)
print(f"{lib}\nsignature: {bleu.get_signature()}")

# The same outputs, scored with different tokenization or case: the number moves.
for kwargs in [{}, {"lowercase": True}, {"tokenize": "none"}, {"tokenize": "char"}]:
    print(
        f"  {str(kwargs):<24} BLEU "
        f"{sacrebleu.corpus_bleu(hyps, [refs], **kwargs).score:5.2f}"
    )
sent = [sacrebleu.sentence_bleu(h, [r]).score for h, r in zip(hyps, refs)]
print(f"mean of sentence BLEUs {sum(sent) / len(sent):.2f} (not the corpus BLEU)")
# --8<-- [end:bleu]

# --8<-- [start:rouge]
import re
from collections import Counter

import numpy as np
from rouge_score import rouge_scorer


def tokenize(
    text,
):  # what rouge-score does without a stemmer: lowercase, keep [a-z0-9] runs
    return re.findall(r"[a-z0-9]+", text.lower())


def f1(overlap, n_pred, n_ref):
    p, r = overlap / n_pred, overlap / n_ref
    return 0.0 if overlap == 0 else 2 * p * r / (p + r)


def rouge_n(ref, pred, n):
    def grams(t):
        return Counter(tuple(t[i : i + n]) for i in range(len(t) - n + 1))

    r, p = grams(tokenize(ref)), grams(tokenize(pred))
    return f1(sum((r & p).values()), sum(p.values()), sum(r.values()))


def rouge_l(ref, pred):  # longest common subsequence, by dynamic programming
    r, p = tokenize(ref), tokenize(pred)
    table = np.zeros((len(r) + 1, len(p) + 1), dtype=int)
    for i in range(len(r)):
        for j in range(len(p)):
            table[i + 1, j + 1] = (
                table[i, j] + 1
                if r[i] == p[j]
                else max(table[i, j + 1], table[i + 1, j])
            )
    return f1(table[-1, -1], len(p), len(r))


ref = "the school roof leaked all winter and was repaired in the spring"
pred = "rain came through the school roof in winter until it was repaired in spring"
scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
lib = scorer.score(ref, pred)  # score(target, prediction): reference first
ours = {
    "rouge1": rouge_n(ref, pred, 1),
    "rouge2": rouge_n(ref, pred, 2),
    "rougeL": rouge_l(ref, pred),
}
for k in ours:
    print(f"{k}: from scratch {ours[k]:.4f}, rouge-score {lib[k].fmeasure:.4f}")
print("match:", all(np.isclose(ours[k], lib[k].fmeasure) for k in ours))

# The default tokenizer keeps only a-z and 0-9: other scripts vanish.
greek = "η γάτα κάθεται"
print(
    "identical Greek sentences, ROUGE-1 F:",
    scorer.score(greek, greek)["rouge1"].fmeasure,
)
# --8<-- [end:rouge]
