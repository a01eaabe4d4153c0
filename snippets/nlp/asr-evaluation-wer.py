import random
import re

import numpy as np
from transformers.models.whisper.english_normalizer import EnglishTextNormalizer

rng = random.Random(0)


def align(ref, hyp):
    """Levenshtein alignment of two token lists: (substitutions, deletions,
    insertions) read off a backtrace of the full table."""
    m, n = len(ref), len(hyp)
    d = [[i + j if i * j == 0 else 0 for j in range(n + 1)] for i in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            sub = d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1])
            d[i][j] = min(sub, d[i - 1][j] + 1, d[i][j - 1] + 1)
    i, j, s, de, ins = m, n, 0, 0, 0
    while i > 0 or j > 0:
        if i and j and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            s, i, j = s + (ref[i - 1] != hyp[j - 1]), i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            de, i = de + 1, i - 1
        else:
            ins, j = ins + 1, j - 1
    return np.array([s, de, ins])


# (reference as the transcriber wrote it, the same words in Whisper's style)
SENTENCES = [
    (
        "Please book a table for twenty five people.",
        "Please book a table for 25 people.",
    ),
    (
        "Can you call Doctor Smith tomorrow morning?",
        "Can you call Dr. Smith tomorrow morning?",
    ),
    ("We shipped three hundred boxes last week.", "We shipped 300 boxes last week."),
    (
        "Her flight was delayed by forty minutes.",
        "Her flight was delayed by 40 minutes.",
    ),
    ("I would like to cancel my order.", "I'd like to cancel my order."),
    ("Turn the volume down, please.", "Turn the volume down, please."),
    ("Send the report to the finance team.", "Send the report to the finance team."),
    ("The train leaves at seven fifteen.", "The train leaves at 7:15."),
]
HALLUCINATIONS = [
    "Thank you for watching!",
    "Please subscribe to my channel.",
    "Thank you.",
]
VOCAB = sorted({w for ref, _ in SENTENCES for w in re.findall(r"[a-z]+", ref.lower())})


def ctc_like(ref, noisy, skill):
    """A character CTC model (wav2vec 2.0 style): upper case, no punctuation,
    numbers spelled as heard; errors are misspellings and dropped words."""
    words = []
    for w in re.sub(r"[^\w' ]", "", ref).upper().split():
        u = rng.random() / skill
        if u < (0.06 if noisy else 0.01):
            continue
        vowels = [i for i, c in enumerate(w) if c in "AEIOU" and i > 0]
        if u < (0.20 if noisy else 0.08) and vowels:
            i = rng.choice(vowels)
            w = w[:i] + rng.choice([v for v in "AEIOU" if v != w[i]]) + w[i + 1 :]
        words.append(w)
    return " ".join(words)


def aed_like(styled, noisy, skill):
    """An encoder-decoder (Whisper style): cased, punctuated, digits; errors are
    real-word substitutions and, in noise, a loop that repeats the ending."""
    words = [
        rng.choice(VOCAB) if rng.random() / skill < (0.06 if noisy else 0.02) else w
        for w in styled.split()
    ]
    if noisy and rng.random() < 0.15:
        words += words[-3:] * 2
    return " ".join(words)


# 20 speakers, each with 10 utterances (half in noise) and 2 clips of music or
# silence whose reference is empty; skill < 1 means a harder voice or accent
clips = []
for spk in range(20):
    skill = float(np.exp(rng.gauss(0, 0.4)))
    for k in range(12):
        ref, styled = rng.choice(SENTENCES)
        if k >= 10:
            ctc = rng.choice(["A", "THE"]) if rng.random() < 0.1 else ""
            aed = rng.choice(HALLUCINATIONS) if rng.random() < 0.4 else ""
            clips.append(dict(spk=spk, slice="non-speech", ref="", CTC=ctc, AED=aed))
            continue
        noisy = k % 2 == 1
        clips.append(
            dict(
                spk=spk,
                slice="noisy" if noisy else "clean",
                ref=ref,
                CTC=ctc_like(ref, noisy, skill),
                AED=aed_like(styled, noisy, skill),
            )
        )

whisper_norm = EnglishTextNormalizer({})
NORMS = {
    "raw text": str,
    "lower case, no punctuation": lambda s: re.sub(r"[^\w' ]", "", s.lower()),
    "Whisper's English normaliser": whisper_norm,
}
print(f"{'corpus WER, all clips':<30}{'CTC':>7}{'AED':>7}")
for label, norm in NORMS.items():
    n_ref = sum(len(norm(c["ref"]).split()) for c in clips)
    row = f"{label:<30}"
    for system in ["CTC", "AED"]:
        edits = sum(
            align(norm(c["ref"]).split(), norm(c[system]).split()).sum() for c in clips
        )
        row += f"{edits / n_ref:7.3f}"
    print(row)
ref, styled = SENTENCES[-1]
n_clean = sum(c["ref"] == ref and c["slice"] == "clean" for c in clips)
n_noisy = sum(c["ref"] == ref and c["slice"] == "noisy" for c in clips)
print(f"left after it: {whisper_norm(ref)!r} vs {whisper_norm(styled)!r},")
print(
    f"  1 S + 1 I for a correct AED output: {n_clean} clean and {n_noisy} noisy clips"
)

# From here on, both sides go through Whisper's normaliser
print(f"\n{'system slice':<18}{'words':>6}{'S':>5}{'D':>5}{'I':>5}{'WER':>7}{'CER':>7}")
per_speaker = {system: np.zeros((20, 2)) for system in ["CTC", "AED"]}
for system, tab in per_speaker.items():
    for slice_ in ["clean", "noisy", "non-speech"]:
        sdi, n_words, char_edits, n_chars, with_output = np.zeros(3, int), 0, 0, 0, 0
        for c in (c for c in clips if c["slice"] == slice_):
            ref, hyp = whisper_norm(c["ref"]), whisper_norm(c[system])
            edits = align(ref.split(), hyp.split())
            sdi, n_words = sdi + edits, n_words + len(ref.split())
            # CER over the normalised strings, spaces included
            char_edits, n_chars = char_edits + align(ref, hyp).sum(), n_chars + len(ref)
            with_output += hyp != ""
            tab[c["spk"]] += [edits.sum(), len(ref.split())]
        row = f"{system} {slice_:<14}{n_words:>6}" + "".join(f"{v:>5}" for v in sdi)
        if n_words:
            row += f"{sdi.sum() / n_words:7.3f}{char_edits / n_chars:7.3f}"
        else:
            # no reference words: WER is undefined, count the clips with output
            row += f"{'-':>7}{'-':>7}  (text on {with_output} of 40 clips)"
        print(row)

for system, tab in per_speaker.items():
    wer = tab[:, 0] / tab[:, 1]
    print(
        f"{system} WER per speaker: median {np.median(wer):.3f}, worst {wer.max():.3f}"
    )
# A 95% interval for the difference, resampling speakers (not clips): clips of
# one speaker share a voice and a microphone, so they are not independent
boot = np.random.default_rng(0).integers(0, 20, size=(2000, 20))
wer = {system: tab[boot].sum(axis=1) for system, tab in per_speaker.items()}
diff = wer["AED"][:, 0] / wer["AED"][:, 1] - wer["CTC"][:, 0] / wer["CTC"][:, 1]
lo, hi = np.percentile(diff, [2.5, 97.5])
print(f"AED - CTC corpus WER, 95% speaker-bootstrap interval: [{lo:.3f}, {hi:.3f}]")
