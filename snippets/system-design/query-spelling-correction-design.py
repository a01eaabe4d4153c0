# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions for a large search engine in one market: 1G searches a
# day, peak 2x the mean, 2.5 words a query. 60% of the traffic is head queries whose
# decision is precomputed offline and cached (one lookup, 50 microseconds of CPU);
# the tail runs the online path: per word about 30 delete-key lookups and 20
# candidates scored, then a ranker, 1 ms of CPU per query in all. Vocabulary of 20M
# strings (words, names, part numbers), SymSpell keys of words cut to a 7-character
# prefix (about 29 keys a word, 12 bytes a key with its posting); an n-gram language
# model of 3G n-grams at 3 bytes each after pruning and quantisation. An LLM
# rewriter (1B parameters, 2 FLOPs per parameter per token, 80 tokens of prompt and
# output) on the 2% of queries the model is least sure of, on accelerators that
# sustain 100 TFLOP/s.
searches, peak, cached, cache_s, tail_s = 1e9, 2, 0.6, 50e-6, 1e-3
vocabulary, keys_per_word, key_bytes = 20e6, 29, 12
ngrams, ngram_bytes = 3e9, 3
llm_params, llm_tokens, llm_share, chip = 1e9, 80, 0.02, 100e12
peak_qps = searches / 86_400 * peak
cores = peak_qps * (cached * cache_s + (1 - cached) * tail_s)
llm_flops = peak_qps * llm_share * 2 * llm_params * llm_tokens
rows = [
    ("peak queries/s", si(peak_qps)),
    ("tail queries/s on the online path", si(peak_qps * (1 - cached))),
    ("CPU cores at peak", f"{cores:,.0f}"),
    ("delete index (bytes)", si(vocabulary * keys_per_word * key_bytes)),
    ("n-gram language model (bytes)", si(ngrams * ngram_bytes)),
    ("LLM FLOP/s at peak", si(llm_flops)),
    ("accelerators for the LLM", f"{llm_flops / chip:.1f}"),
]
for name, value in rows:
    print(f"{name:<36}{value:>8}")
# Latency budget of the online path, in milliseconds, inside the search request.
budget = [
    ("cache lookup", 0.2),
    ("candidates: deletes + edit distance", 0.8),
    ("LM scores + ranker", 1.5),
    ("margin for the tail", 1.5),
]
for name, ms in budget:
    print(f"  {name:<36}{ms:>6.1f}")
print(f"  {'total, ms':<36}{sum(ms for _, ms in budget):>6.1f}")
# --8<-- [end:capacity]

# --8<-- [start:spelling]
import re
from collections import Counter, defaultdict
from pydoc_data.topics import topics

import numpy as np

rng = np.random.default_rng(0)

# A QWERTY keyboard: keys whose centres are about one key apart are neighbours.
keyboard = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
where = {
    ch: (c + 0.4 * r, r) for r, keys in enumerate(keyboard) for c, ch in enumerate(keys)
}
near = {
    a: [b for b in where if b != a and np.hypot(*np.subtract(where[a], where[b])) < 1.3]
    for a in where
}

# Queries are two-word windows of the Python documentation shipped with Python (real
# English with Zipf word frequencies and real context). Three quarters of its topics
# are the query log the language models are counted on; the other quarter is fresh
# traffic, with words the log never saw.
text = {k: re.findall(r"[a-z]+", topics[k].lower()) for k in sorted(topics)}
log_topics = [k for i, k in enumerate(sorted(topics)) if i % 4]
new_topics = [k for i, k in enumerate(sorted(topics)) if i % 4 == 0]


def windows(keys):
    return [
        (a, b)
        for k in keys
        for a, b in zip(text[k], text[k][1:])
        if min(len(a), len(b)) > 1
    ]


log, traffic = windows(log_topics), windows(new_topics)
unigram = Counter(w for pair in log for w in pair)
bigram = Counter(log)
first_count = Counter(a for a, _ in log)
# 40 new brands in the catalogue: one keyboard slip from a frequent word (think
# "lyft" and "lift"), correct, and not searched yet: the catalogue counts them once.
frequent = [w for w, _ in unigram.most_common(400) if len(w) > 3]
brands = []
while len(brands) < 40:
    chars = list(frequent[rng.integers(len(frequent))])
    i = rng.integers(len(chars))
    chars[i] = rng.choice(near[chars[i]])
    brand = "".join(chars)
    if brand not in unigram and brand not in brands:
        brands.append(brand)
for brand in brands:
    unigram[brand] = 0
vocab = sorted(unigram)
total = sum(unigram.values())
# A word is mistyped 5% of the time. About 6% of fresh words are outside the
# catalogue, spread over millions of possible strings: each gets a prior of 1e-8.
P_TYPO, LOG_P_UNSEEN = 0.05, np.log(1e-8)


def log_p_uni(word):
    """Unigram prior, add-one smoothed over the catalogue."""
    return (
        np.log((unigram[word] + 1) / (total + len(vocab)))
        if word in unigram
        else LOG_P_UNSEEN
    )


def log_p_next(a, b):
    """Interpolated bigram P(b | a)."""
    seen = bigram[a, b] / first_count[a] if first_count[a] else 0.0
    return np.log(0.7 * seen + 0.3 * np.exp(log_p_uni(b)))


# The error channel: 1 or 2 keyboard slips per mistyped word.
def mistype(word):
    while True:
        chars = list(word)
        for _ in range(1 if rng.random() < 0.8 else 2):
            kind, i = rng.choice(4, p=[0.45, 0.2, 0.15, 0.2]), rng.integers(len(chars))
            if kind == 0:
                chars[i] = rng.choice(near[chars[i]])
            elif kind == 1:
                del chars[i]
            elif kind == 2:
                chars.insert(i + 1, rng.choice(near[chars[i]] + [chars[i]]))
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        typed = "".join(chars)
        if typed != word:
            return typed


# Candidate generation by symmetric deletes (SymSpell): index every vocabulary word
# under all strings reachable by up to 2 deletions; at query time generate the typed
# word's deletions and look each up. Verify the hits with the true distance.
def deletes(word, depth=2):
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


delete_index = defaultdict(set)
for word in vocab:
    for key in deletes(word):
        delete_index[key].add(word)


def osa(a, b):
    """Edit distance with adjacent swaps (optimal string alignment)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(
                prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


lookups = {}


def candidates(typed):
    keys = deletes(typed)
    lookups[typed] = len(keys)
    hits = set().union(*(delete_index.get(key, ()) for key in keys))
    return {w for w in hits if osa(typed, w) <= 2}


# Brute force for the check: the distance from a typed word to every vocabulary
# word at once (one DP over the typed word's letters, vectorised over the vocabulary).
width = max(map(len, vocab))
codes = np.full((len(vocab), width), -1)
for k, word in enumerate(vocab):
    codes[k, : len(word)] = [ord(ch) for ch in word]
lengths = np.array([len(w) for w in vocab])


def brute_force(typed):
    q = [ord(ch) for ch in typed]
    prev2, prev = None, np.tile(np.arange(width + 1), (len(vocab), 1))
    for i in range(1, len(q) + 1):
        row = np.zeros_like(prev)
        row[:, 0] = i
        for j in range(1, width + 1):
            row[:, j] = np.minimum(
                np.minimum(prev[:, j] + 1, row[:, j - 1] + 1),
                prev[:, j - 1] + (codes[:, j - 1] != q[i - 1]),
            )
            if i > 1 and j > 1:
                swap = (codes[:, j - 1] == q[i - 2]) & (codes[:, j - 2] == q[i - 1])
                row[swap, j] = np.minimum(row[swap, j], prev2[swap, j - 2] + 1)
        prev2, prev = prev, row
    distance = prev[np.arange(len(vocab)), lengths]
    return {vocab[k] for k in np.flatnonzero(distance <= 2)}


# The error model log P(typed | intended): a cost (negative log-probability) per
# edit, set to roughly match the simulated channel; in production it is counted
# from reformulation pairs (Kernighan, Church and Gale's confusion matrices).
COST = {"near": 4.5, "far": 9.0, "delete": 4.0, "insert": 5.5, "swap": 3.5}


def channel(typed, word):
    if typed == word:
        return np.log(1 - P_TYPO)
    prev2, prev = None, [j * COST["insert"] for j in range(len(typed) + 1)]
    for i in range(1, len(word) + 1):
        row = [i * COST["delete"]] + [0.0] * len(typed)
        for j in range(1, len(typed) + 1):
            a, b = word[i - 1], typed[j - 1]
            sub = 0.0 if a == b else COST["near"] if b in near[a] else COST["far"]
            slip = j > 1 and (b == typed[j - 2] or b in near[typed[j - 2]])
            row[j] = min(
                prev[j] + COST["delete"],
                row[j - 1] + (COST["insert"] if slip else COST["far"]),
                prev[j - 1] + sub,
            )
            if i > 1 and j > 1 and a == typed[j - 2] and word[i - 2] == b:
                row[j] = min(row[j], prev2[j - 2] + COST["swap"])
        prev2, prev = prev, row
    return np.log(P_TYPO) - prev[-1]


cache = {}


def options(typed, keep=8):
    """The typed word and the words within 2 edits, with log P(typed | word) and
    log P(word); the `keep` best by their product go on to the context model."""
    if typed not in cache:
        found = sorted(candidates(typed) | {typed})
        scored = sorted(
            ((channel(typed, w), log_p_uni(w), w) for w in found),
            key=lambda t: -(t[0] + t[1]),
        )
        cache[typed] = scored[:keep]
    return cache[typed]


def most_frequent(query):
    """Baseline: keep known words; otherwise the most frequent word within 2 edits."""
    out = []
    for typed in query:
        found = candidates(typed)
        out.append(
            typed
            if typed in unigram or not found
            else max(sorted(found), key=unigram.get)
        )
    return tuple(out)


def noisy_channel(query, context):
    """The best (w1, w2) by log P(q1|w1) + log P(q2|w2) + log P(w1, w2), with the
    unigram or the bigram model, and its posterior among the 8 x 8 pairs scored
    (the confidence)."""
    pairs, scores = [], []
    for ch1, lp1, w1 in options(query[0]):
        for ch2, lp2, w2 in options(query[1]):
            pairs.append((w1, w2))
            scores.append(ch1 + ch2 + lp1 + (log_p_next(w1, w2) if context else lp2))
    scores = np.array(scores)
    posterior = np.exp(scores - scores.max())
    best = int(np.argmax(scores))
    return pairs[best], posterior[best] / posterior.sum()


# Test traffic from the held-out topics: correct queries, correct queries with a
# new brand, and queries with one mistyped word (3+ letters) that is not a word
# (non-word error) or is another word (real-word error, "form" for "from").
def pick(n):
    return [traffic[i] for i in rng.integers(0, len(traffic), n)]


correct = pick(3_000)
brand_queries = [(b, w) for b, (w, _) in zip(rng.choice(brands, 400), pick(400))]
typos = {"non-word": [], "real-word": []}
natural = []
while len(typos["non-word"]) < 1_500 or len(typos["real-word"]) < 800:
    intended = pick(1)[0]
    slot = int(rng.integers(2))
    if len(intended[slot]) < 3:
        continue
    typed = list(intended)
    typed[slot] = mistype(intended[slot])
    kind = "real-word" if typed[slot] in unigram else "non-word"
    natural.append(kind == "real-word")
    if len(typos[kind]) < (1_500 if kind == "non-word" else 800):
        typos[kind].append((tuple(typed), intended))
unseen = np.mean([w not in unigram for q in correct for w in q])
print(f"log: {len(log):,} queries, {len(vocab):,} words incl. {len(brands)} new brands")
print(f"fresh traffic: share of words unseen in the log {unseen:.3f}")
print(f"share of keyboard typos that form another word: {np.mean(natural):.3f}")

# 1. Symmetric deletes find exactly the words within 2 edits.
sample = [q[0][0] for q in typos["non-word"][:150]] + [q[0] for q in correct[:150]]
same = all(candidates(w) == brute_force(w) for w in sample)
print(f"symmetric deletes = brute force on {len(sample)} typed words: {same}")
print(
    f"lookups per word: {np.mean([lookups[w] for w in sample]):.1f} delete keys "
    f"(index of {len(delete_index):,} keys) vs {len(vocab):,} distances by brute force"
)

# 2. Which word wins: the most frequent candidate, or the noisy channel with a
# unigram or a bigram (context) prior. Here every method acts on its best guess.
has_unseen = [any(w not in unigram for w in q) for q in correct]
sets = {
    "non-word": typos["non-word"],
    "real-word": typos["real-word"],
    "seen": [(q, q) for q, u in zip(correct, has_unseen) if not u],
    "unseen": [(q, q) for q, u in zip(correct, has_unseen) if u],
    "brand": [(q, q) for q in brand_queries],
}
reachable = np.mean([all(w in unigram for w in i) for _, i in typos["non-word"]])
print(f"non-word typos whose intended words are all known: {reachable:.3f}")
methods = {
    "most frequent candidate": most_frequent,
    "noisy channel, unigram": lambda q: noisy_channel(q, context=False)[0],
    "noisy channel, bigram": lambda q: noisy_channel(q, context=True)[0],
}
print(f"{'share of queries right':<25}" + "".join(f"{name:>10}" for name in sets))
for name, method in methods.items():
    right = [np.mean([method(t) == i for t, i in pairs]) for pairs in sets.values()]
    print(f"{name:<25}" + "".join(f"{r:10.3f}" for r in right))

# 3. Act only when confident: the bigram model's posterior against a threshold.
guess = {
    k: [noisy_channel(t, context=True) for t, _ in pairs] for k, pairs in sets.items()
}
print(f"{'threshold (fixed|changed)':<25}" + "".join(f"{name:>10}" for name in sets))
for threshold in (0.0, 0.5, 0.7, 0.9, 0.97, 0.99):
    row = []
    for k, pairs in sets.items():
        acted = [
            best if conf >= threshold else t
            for (t, _), (best, conf) in zip(pairs, guess[k])
        ]
        outcome = [a == i if k in typos else a != t for a, (t, i) in zip(acted, pairs)]
        row.append(np.mean(outcome))
    print(f"{threshold:<25.2f}" + "".join(f"{r:10.3f}" for r in row))

# 4. Three outcomes: auto-correct ("showing results for") above a high threshold,
# suggest ("did you mean") above a lower one, else nothing. Assumed costs per
# query: a missed or wrong fix 1, a right suggestion 0.3 (one click), a correct
# query auto-corrected 4 (wrong results until "search instead for"), a needless
# suggestion 0.05. Traffic: 10% typos (real-word at their natural share), 1%
# brand queries, the rest correct. Thresholds are chosen on even-numbered queries
# and reported on odd-numbered ones.
weight = {
    "non-word": 0.1 * (1 - np.mean(natural)),
    "real-word": 0.1 * np.mean(natural),
    "seen": 0.89 * (1 - np.mean(has_unseen)),
    "unseen": 0.89 * np.mean(has_unseen),
    "brand": 0.01,
}


def decide(k, half, suggest_at, auto_at):
    """Shares of auto-correct / suggest / nothing, and the mean cost."""
    shares, cost = np.zeros(3), 0.0
    pairs, guesses = sets[k][half::2], guess[k][half::2]
    for (typed, intended), (best, conf) in zip(pairs, guesses):
        act = 2 if best == typed or conf < suggest_at else 0 if conf >= auto_at else 1
        shares[act] += 1
        if k in typos:
            cost += [0.0, 0.3, 1.0][act] if best == intended else 1.0
        else:
            cost += [4.0, 0.05, 0.0][act]
    return shares / len(pairs), cost / len(pairs)


def total_cost(half, suggest_at, auto_at):
    return sum(w * decide(k, half, suggest_at, auto_at)[1] for k, w in weight.items())


grid = [(s, a) for s in (0.3, 0.5, 0.7, 0.9) for a in (0.5, 0.7, 0.9, 0.97, 0.99, 1.01)]
suggest_at, auto_at = min(
    (p for p in grid if p[0] <= p[1]), key=lambda p: total_cost(0, *p)
)
print(f"chosen: suggest if confidence >= {suggest_at}, auto-correct if >= {auto_at}")
print(f"{'test half':<12}{'auto':>7}{'suggest':>8}{'nothing':>8}")
for k in sets:
    shares, _ = decide(k, 1, suggest_at, auto_at)
    print(f"{k:<12}" + "".join(f"{x:{w}.3f}" for x, w in zip(shares, (7, 8, 8))))
policies = {
    "never correct": (1.01, 1.01),
    "always auto-correct": (0.0, 0.0),
    "suggest only": (0.0, 1.01),
    "chosen three-way": (suggest_at, auto_at),
}
for name, (s, a) in policies.items():
    print(f"cost per 1,000 queries, {name:<20}{1000 * total_cost(1, s, a):8.1f}")
