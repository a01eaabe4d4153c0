# --8<-- [start:minhash]
import csv
import hashlib
import random
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
docs = [row["text"] for row in csv.DictReader(lines)]
# Inject near-duplicates with a known ground truth: 60 reviews copied with small edits.
rng = random.Random(0)
originals = rng.sample(range(len(docs)), 60)
for i in originals:
    words = docs[i].split()
    j = rng.randrange(len(words))
    words[j] = words[j].upper() if rng.random() < 0.5 else words[j] + "!"
    docs.append(" ".join(words) + " (repost)")
truth = {(i, len(docs) - 60 + k) for k, i in enumerate(originals)}


def shingles(text, n=3):  # word 3-grams after normalisation
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i : i + n]) for i in range(max(1, len(w) - n + 1))}


def jaccard(a, b):
    return len(a & b) / len(a | b)


NUM_PERM, BANDS = 128, 32  # 32 bands of 4 rows
P = (1 << 61) - 1
r = np.random.default_rng(0)
A, B = r.integers(1, P, NUM_PERM), r.integers(0, P, NUM_PERM)


def minhash(sh):
    """128 min-hashes: P(two signatures agree in one slot) = Jaccard similarity."""
    h = np.array([int.from_bytes(hashlib.md5(s.encode()).digest()[:7], "big")
                  for s in sh], dtype=object)  # fmt: skip
    return np.array([min((a * h + b) % P) for a, b in zip(A, B)], dtype=object)


sets = [shingles(d) for d in docs]
sigs = [minhash(s) for s in sets]
# LSH: documents that agree on all 4 rows of any band become candidate pairs.
buckets = defaultdict(list)
for i, sig in enumerate(sigs):
    for band in range(BANDS):
        buckets[band, tuple(sig[band * 4 : band * 4 + 4])].append(i)
candidates = {(a, b) for ids in buckets.values() for a in ids for b in ids if a < b}
found = {(a, b) for a, b in candidates if jaccard(sets[a], sets[b]) >= 0.5}
n = len(docs)
print(f"{n} documents, {n * (n - 1) // 2} pairs; LSH candidates: {len(candidates)}")
print(f"injected near-duplicates found: {len(truth & found)} of {len(truth)}")
est = np.mean([np.mean(sigs[a] == sigs[b]) for a, b in truth])
true_j = np.mean([jaccard(sets[a], sets[b]) for a, b in truth])
print(f"mean Jaccard of injected pairs: true {true_j:.3f}, MinHash estimate {est:.3f}")
missed = [jaccard(sets[a], sets[b]) for a, b in truth - found]
print(f"Jaccard of the missed pairs: {[round(j, 3) for j in missed]}")
print(f"other pairs with Jaccard >= 0.5 (duplicates already in the data): "
      f"{len(found - truth)}")  # fmt: skip
# Probability that a pair with similarity s becomes a candidate: 1 - (1 - s^4)^32.
for s in [0.3, 0.5, 0.7, 0.9]:
    print(f"  Jaccard {s}: candidate with probability {1 - (1 - s**4) ** BANDS:.3f}")
# --8<-- [end:minhash]
