import hashlib
import zlib

import numpy as np

rng = np.random.default_rng(0)
words = [f"w{i}" for i in range(3000)]
zipf = 1 / np.arange(1, 3001) ** 1.1
zipf /= zipf.sum()


def document(n=150):
    return " ".join(rng.choice(words, n, p=zipf))


# A synthetic crawl with known answers: 300 clean documents, 30 exact copies,
# 60 near-duplicates (3% of words replaced), 40 spam pages (one line repeated), and
# 5 documents that contain a benchmark question verbatim (contamination).
docs = [document() for _ in range(300)]
truth_near = []
for i in rng.choice(300, 60, replace=False):
    w = docs[i].split()
    for j in rng.choice(len(w), int(0.03 * len(w)), replace=False):
        w[j] = rng.choice(words)
    truth_near.append((int(i), len(docs)))
    docs.append(" ".join(w))
docs += [docs[i] for i in rng.choice(300, 30, replace=False)]
spam_start = len(docs)
docs += ["\n".join([document(12)] * 15) for _ in range(40)]
benchmark = [document(20) for _ in range(50)]
leaked = rng.choice(50, 5, replace=False)
for b in leaked:
    docs.append(document(60) + " " + benchmark[b] + " " + document(60))
print(f"crawl: {len(docs)} documents")


# 1. Heuristic quality filter (Gopher-style rule): drop pages whose lines repeat.
def dup_line_fraction(d):
    lines = d.split("\n")
    return 1 - len(set(lines)) / len(lines)


kept = [i for i, d in enumerate(docs) if dup_line_fraction(d) < 0.3]
spam = set(range(spam_start, spam_start + 40))
caught = len(spam - set(kept))
print(f"repeated-line filter: removed {len(docs) - len(kept)}, spam caught {caught}/40")

# 2. Exact dedup: hash the normalised text, keep the first of each hash.
seen, exact = set(), []
for i in kept:
    h = hashlib.sha256(" ".join(docs[i].split()).encode()).hexdigest()
    if h not in seen:
        seen.add(h)
        exact.append(i)
print(f"exact dedup: removed {len(kept) - len(exact)} copies")


# 3. Near-dedup: MinHash over word 5-gram shingles, LSH with 30 bands of 4 rows.
def shingles(d, k=5):
    w = d.split()
    return {zlib.crc32(" ".join(w[i : i + k]).encode()) for i in range(len(w) - k + 1)}


n_hash, bands, rows = 120, 30, 4
prime = 4_294_967_311
a = rng.integers(1, prime, n_hash)
b = rng.integers(0, prime, n_hash)
sh = {i: np.array(sorted(shingles(docs[i]))) for i in exact}
sig = {
    i: ((a[:, None] * s[None, :] + b[:, None]) % prime).min(1) for i, s in sh.items()
}
buckets = {}
for i in exact:
    for band in range(bands):
        key = (band, sig[i][band * rows : (band + 1) * rows].tobytes())
        buckets.setdefault(key, []).append(i)
pairs = {(x, y) for v in buckets.values() for x in v for y in v if x < y}


def jaccard(x, y):
    sx, sy = set(sh[x].tolist()), set(sh[y].tolist())
    return len(sx & sy) / len(sx | sy)


found = {p for p in pairs if jaccard(*p) >= 0.6}  # verify candidates exactly
true = set(truth_near)
print(
    f"near-dedup: {len(pairs)} candidate pairs, {len(found)} confirmed; "
    f"recall {len(found & true) / len(true):.2f}, "
    f"precision {len(found & true) / max(len(found), 1):.2f}"
)


# 4. Decontamination: drop training documents sharing any 13-gram with the benchmark.
def ngrams(d, n=13):
    w = d.split()
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


bench_grams = set().union(*(ngrams(q) for q in benchmark))
contaminated = [i for i in exact if ngrams(docs[i]) & bench_grams]
print(f"decontamination: {len(contaminated)} documents share a 13-gram (5 planted)")
