import random

from nltk.metrics.distance import edit_distance
from transformers.models.whisper.english_normalizer import EnglishTextNormalizer


def levenshtein(ref, hyp):
    """Edit distance from ref to hyp, and its (substitutions, deletions, insertions).

    ref and hyp are sequences: a str compares characters, a list of str words.
    """
    m, n = len(ref), len(hyp)
    # d[i][j] = edits to turn ref[:i] into hyp[:j]
    d = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        d[i][0] = i  # delete all i reference tokens
    for j in range(n + 1):
        d[0][j] = j  # insert all j hypothesis tokens
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            d[i][j] = min(
                d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]),  # match or substitute
                d[i - 1][j] + 1,  # delete ref[i - 1]
                d[i][j - 1] + 1,  # insert hyp[j - 1]
            )
    # Walk back from the corner along moves that achieve the minimum.
    subs = dels = ins = 0
    i, j = m, n
    while i > 0 or j > 0:
        diagonal = i > 0 and j > 0
        if diagonal and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            subs += ref[i - 1] != hyp[j - 1]
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            dels += 1
            i -= 1
        else:
            ins += 1
            j -= 1
    return d[m][n], (subs, dels, ins)


def distance_two_rows(a, b):
    """The distance only, in O(min(m, n)) memory: keep two rows of the table."""
    if len(a) < len(b):
        # Unit costs make the distance symmetric, so rows can run over the shorter.
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(
                prev[j - 1] + (a[i - 1] != b[j - 1]), prev[j] + 1, cur[j - 1] + 1
            )
        prev = cur
    return prev[-1]


def error_rate(refs, hyps, unit):
    """Corpus WER (unit="word") or CER (unit="char"): all edits / all ref units."""
    split = str.split if unit == "word" else list
    edits = n_ref = 0
    for ref, hyp in zip(refs, hyps):
        edits += levenshtein(split(ref), split(hyp))[0]
        n_ref += len(split(ref))
    return edits / n_ref


dist, (s, d, i) = levenshtein("kitten", "sitting")
print(f"kitten -> sitting: distance {dist}, S={s} D={d} I={i}")

# Random pairs of character strings and of word lists, with many repeats.
rng = random.Random(0)
pairs = []
for _ in range(300):
    a, b = (rng.choices("abc", k=rng.randint(0, 8)) for _ in range(2))
    pairs.append(("".join(a), "".join(b)))
    a, b = (rng.choices(["a", "the", "cat"], k=rng.randint(0, 8)) for _ in range(2))
    pairs.append((a, b))
same_nltk = same_two_rows = counts_add_up = True
for a, b in pairs:
    dist, (s, d, i) = levenshtein(a, b)
    same_nltk &= dist == edit_distance(a, b)
    same_two_rows &= dist == distance_two_rows(a, b)
    # Edits must add up, and replaying them must give the hypothesis length.
    counts_add_up &= s + d + i == dist and len(a) - d + i == len(b)
print(f"matches nltk: {same_nltk} ({len(pairs)} random pairs)")
print(f"two-row version gives the same distance: {same_two_rows}")
print(f"S + D + I = distance and N - D + I = hypothesis length: {counts_add_up}")
print(
    "recieve -> receive: Levenshtein",
    edit_distance("recieve", "receive"),
    "| with transpositions (Damerau)",
    edit_distance("recieve", "receive", transpositions=True),
)

refs = [
    "the cat sat on the mat",
    "thank you",
    "Dr. Smith paid twenty dollars.",
]
hyps = [
    "the cat sit on mat",
    "thank you for watching please subscribe",
    "doctor smith paid $20",
]
# Whisper's English normaliser, as ported in transformers; the empty dict skips
# the British-to-American spelling map that ships with the tokenizer files.
normalise = EnglishTextNormalizer({})

print()
header = f"{'reference':<31}"
for label in ["raw: S", "normalised: S"]:
    header += f"{label:>14} D I  N    WER"
print(header)
for ref, hyp in zip(refs, hyps):
    row = f"{ref:<31}"
    for r, h in [(ref, hyp), (normalise(ref), normalise(hyp))]:
        dist, (s, d, i) = levenshtein(r.split(), h.split())
        n = len(r.split())
        row += f"{s:>14} {d} {i} {n:>2} {dist / n:6.3f}"
    print(row)
print("normalised:", repr(normalise(refs[2])), "and", repr(normalise(hyps[2])))
mean_wer = sum(error_rate([r], [h], "word") for r, h in zip(refs, hyps)) / len(refs)
norm_refs, norm_hyps = [normalise(r) for r in refs], [normalise(h) for h in hyps]
print(f"corpus WER raw {error_rate(refs, hyps, 'word'):.3f}", end=", ")
print(f"normalised {error_rate(norm_refs, norm_hyps, 'word'):.3f}")
print(f"corpus CER raw {error_rate(refs, hyps, 'char'):.3f}", end=", ")
print(f"normalised {error_rate(norm_refs, norm_hyps, 'char'):.3f}")
print(f"mean of sentence WERs (raw) {mean_wer:.3f}: not the corpus WER")
