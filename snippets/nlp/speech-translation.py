import math
import random

import sacrebleu


# Part 1: the wait-k policy and Average Lagging (Ma et al., 2019).
# g[t-1] = number of source words read when target word t is written.
def wait_k(k, src_len, tgt_len):
    return [min(k + t - 1, src_len) for t in range(1, tgt_len + 1)]


def actions(g):
    # READ until g(t) source words are in, then WRITE target word t.
    out, read = [], 0
    for need in g:
        out += ["R"] * (need - read) + ["W"]
        read = need
    return "".join(out)


def average_lagging(g, src_len, tgt_len):
    # AL = 1/tau * sum_{t=1..tau} g(t) - (t-1)/r, r = |y|/|x|,
    # tau = first target step at which the whole source has been read.
    r = tgt_len / src_len
    tau = next(t for t in range(1, len(g) + 1) if g[t - 1] == src_len)
    return sum(g[t - 1] - (t - 1) / r for t in range(1, tau + 1)) / tau


print("wait-3, 6 source and 6 target words:", actions(wait_k(3, 6, 6)))
worst = max(
    abs(average_lagging(wait_k(k, n, n), n, n) - k)
    for n in range(2, 41)
    for k in range(1, n + 1)
)
print(f"AL = k for every k <= |x| <= 40 with |y| = |x|: {worst < 1e-9}")
al_full = average_lagging([20] * 20, 20, 20)
print(f"full sentence (read all 20 words, then write): AL {al_full:.2f}")


def rate_matched(k, src_len, tgt_len):
    # Read at the length ratio: k words ahead of the "ideal" reader (t-1)/r.
    r = tgt_len / src_len
    g = [min(k + math.ceil((t - 1) / r - 1e-9), src_len) for t in range(1, tgt_len + 1)]
    g[-1] = src_len
    return g


print("\nsource 20 words, k = 3     AL of wait-3   AL of rate-matched wait-3")
for tgt_len in [10, 15, 20, 25, 30, 40]:
    g = wait_k(3, 20, tgt_len)
    # The last target word cannot come before the source has ended.
    g[-1] = 20
    al_plain = average_lagging(g, 20, tgt_len)
    al_rate = average_lagging(rate_matched(3, 20, tgt_len), 20, tgt_len)
    r = tgt_len / 20
    print(f"target {tgt_len:2d} words (r = {r:.2f})  {al_plain:11.2f}  {al_rate:21.2f}")

# Over-generation: the same wait-3 output of 30 words, reference of 20 words.
g = wait_k(3, 20, 30)
print("30-word output, 20-word reference:")
al_ref, laal = average_lagging(g, 20, 20), average_lagging(g, 20, 30)
print(f"  AL with the reference length {al_ref:.2f}, LAAL (output length) {laal:.2f}")

# Part 2: a cascade, ASR errors fed into MT (both simulated).
# The "MT" is a phrase table plus a word table (German-like source, English
# target), longest match first; an unknown word is copied through untranslated.
PHRASES = {
    ("zum", "beispiel"): "for example",
    ("gar", "nicht"): "not at all",
    ("guten", "morgen"): "good morning",
}
WORDS = {
    "der": "the", "die": "the", "das": "the", "den": "the", "hund": "dog",
    "katze": "cat", "mann": "man", "frau": "woman", "kind": "child",
    "sieht": "sees", "hört": "hears", "findet": "finds", "sucht": "looks for",
    "ball": "ball", "haus": "house", "maus": "mouse", "wagen": "car",
    "buch": "book", "heute": "today", "morgen": "tomorrow", "nicht": "not",
    "oft": "often", "bund": "federation", "kalt": "cold", "alt": "old",
    "guten": "good", "zum": "to the", "beispiel": "example", "gar": "even",
}  # fmt: skip
# Acoustic neighbours an ASR system confuses; the rest become a non-word.
NEIGHBOURS = {
    "haus": "maus", "maus": "haus", "hund": "bund", "kind": "rind",
    "sieht": "sucht", "sucht": "sieht", "den": "dem", "wagen": "waagen",
    "nicht": "nich", "heute": "heut",
}  # fmt: skip


def translate(words):
    out, i = [], 0
    while i < len(words):
        pair = tuple(words[i : i + 2])
        if pair in PHRASES:
            out.append(PHRASES[pair])
            i += 2
        else:
            out.append(WORDS.get(words[i], words[i]))
            i += 1
    return " ".join(out)


def sentence(rng):
    subj = rng.choice(["der hund", "die katze", "der mann", "die frau", "das kind"])
    verb = rng.choice(["sieht", "hört", "findet", "sucht"])
    obj = rng.choice(["den ball", "das haus", "die maus", "den wagen", "das buch"])
    words = f"{subj} {verb} {obj}".split()
    words += rng.choice([[], ["heute"], ["oft"], ["nicht"], ["gar", "nicht"]])
    if rng.random() < 0.3:
        words = ["zum", "beispiel", *words]
    if rng.random() < 0.2:
        words = ["guten", "morgen", *words]
    return words


def asr(words, p, rng):
    # Each word is misrecognised with probability p: substituted (60%),
    # deleted (20%), or followed by an inserted filler "äh" (20%).
    out = []
    for w in words:
        u = rng.random()
        if u >= p:
            out.append(w)
        elif u < 0.6 * p:
            out.append(NEIGHBOURS.get(w, w[:-1] + "e" if w[-1] != "e" else w + "n"))
        elif u < 0.8 * p:
            continue
        else:
            out += [w, "äh"]
    return out


def edits(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            prev, d[j] = (
                d[j],
                min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1])),
            )
    return d[-1]


rng = random.Random(0)
sources = [sentence(rng) for _ in range(400)]
refs = [translate(s) for s in sources]
n_words = sum(len(s) for s in sources)
print("\ncascade on 400 sentences (simulated ASR, table MT)")
print("ASR error rate   source WER   BLEU   chrF   exact sentences")
for p in [0.0, 0.05, 0.1, 0.2, 0.3]:
    rng = random.Random(1)
    heard = [asr(s, p, rng) for s in sources]
    wer = sum(edits(s, h) for s, h in zip(sources, heard)) / n_words
    hyps = [translate(h) for h in heard]
    bleu = sacrebleu.corpus_bleu(hyps, [refs]).score
    chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
    exact = sum(h == r for h, r in zip(hyps, refs)) / len(refs)
    print(f"{p:14.2f}  {wer:11.3f}  {bleu:5.1f}  {chrf:5.1f}  {exact:15.3f}")
