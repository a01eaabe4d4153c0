# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions for a large web search engine: 2G searches a day, 20
# characters typed per query on average, a suggestion request on about half of the
# keystrokes once the client skips fast typing and reuses cached answers, peak 2x the
# mean; 200M suggestible queries (those typed by enough distinct users) of 25 bytes,
# about 8 new prefix nodes per query in a trie, and a top-10 list of 4-byte ids per
# node; one lookup costs about 20 microseconds of CPU including the RPC.
searches, chars, sent, peak = 2e9, 20, 0.5, 2
suggestible, nodes_per_query, top_k, cpu_s = 200e6, 8, 10, 20e-6
peak_rps = searches * chars * sent / 86_400 * peak
nodes = suggestible * nodes_per_query
for name, value in [
    ("keystrokes/day", si(searches * chars)),
    ("suggestion requests/s at peak", si(peak_rps)),
    ("trie nodes", si(nodes)),
    ("top-10 lists (bytes)", si(nodes * top_k * 4)),
    ("query strings (bytes)", si(suggestible * 25)),
    ("CPU cores at peak", f"{peak_rps * cpu_s:,.0f}"),
]:
    print(f"{name:<32}{value:>9}")
# --8<-- [end:capacity]

# --8<-- [start:qac]
import numpy as np

rng = np.random.default_rng(0)
# A synthetic query log. Words are random letter strings (common letters more
# likely, so prefixes collide as in real text); queries are 1-3 Zipf-chosen words.
letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
letter_p = 1 / np.arange(1, 27) ** 0.9
chars = rng.choice(letters, (3_000, 8), p=letter_p / letter_p.sum())
words = sorted({"".join(c[:n]) for c, n in zip(chars, rng.integers(3, 9, 3_000))})
word_p = 1 / np.arange(1, len(words) + 1)
picks = rng.choice(len(words), (25_000, 3), p=word_p / word_p.sum())
sizes = rng.choice([1, 2, 3], 25_000, p=[0.3, 0.45, 0.25])
queries = sorted({" ".join(words[i] for i in row[:k]) for row, k in zip(picks, sizes)})
rng.shuffle(queries)
n = len(queries)

# Daily rates over 31 days: Zipf popularity with day-to-day noise; 1% of queries
# start trending on a day between 22 and 30; 1% were big news a month ago and fade.
day = np.arange(31)[:, None]
rate = np.tile(1_000 / np.arange(1, n + 1), (31, 1))
kind = rng.random(n)
trending, fading = kind < 0.01, (kind >= 0.01) & (kind < 0.02)
start = rng.integers(22, 31, n)
level = np.exp(rng.uniform(np.log(0.5), np.log(50), n))
rate = np.where(trending, np.where(day < start, 0.0, level), rate)
rate = np.where(fading, 10 * level * np.exp(-day / 4), rate)
rate *= np.exp(0.3 * rng.normal(size=rate.shape))
counts = rng.poisson(rate[:30])  # days 0-29 are logged
test = rng.choice(n, 3_000, p=rate[30] / rate[30].sum())  # day 30 is typed next
age = 29 - np.arange(30)[:, None]


def build(score, eligible, k=5):
    """Most Popular Completion: every prefix node stores its top-k queries."""
    index = {}
    for q in np.flatnonzero(eligible)[np.argsort(-score[eligible], kind="stable")]:
        for p in range(1, len(queries[q]) + 1):
            top = index.setdefault(queries[q][:p], [])
            if len(top) < k:
                top.append(q)
    return index


def evaluate(index):
    """The user types left to right and picks the query once it is among the 5
    shown. MRR at a prefix length; keystrokes saved = share of characters not typed."""
    rr1, rr3, saved = [], [], []
    for q in test:
        text = queries[q]
        ranks = [index.get(text[:p], []) for p in range(1, len(text) + 1)]
        rr = [1 / (top.index(q) + 1) if q in top else 0.0 for top in ranks]
        rr1.append(rr[0])
        rr3.append(rr[2])  # every query has at least 3 characters
        hit = next((p for p, r in enumerate(rr, 1) if r > 0), len(text))
        saved.append((len(text) - hit) / len(text))
    saved = np.array(saved)
    return np.mean(rr1), np.mean(rr3), saved.mean(), saved[trending[test]].mean()


total = counts.sum(0)
print(f"distinct queries: {n:,}, of which logged in 30 days: {(total > 0).sum():,}")
scorers = {
    "all-time counts": (total, total > 0),
    "decayed, half-life 7 days": ((counts * 0.5 ** (age / 7)).sum(0), total > 0),
    "decayed, half-life 2 days": ((counts * 0.5 ** (age / 2)).sum(0), total > 0),
    "last day only": (counts[-1], counts[-1] > 0),
    # A k-anonymity-style rule: suggest only queries typed at least 5 times (each
    # logged query counts as a distinct user in this toy log).
    "half-life 2 days, 5+ users": ((counts * 0.5 ** (age / 2)).sum(0), total >= 5),
}
print(f"{'ranking score':<30}{'MRR@1':>6}{'MRR@3':>6}{'saved':>6}{'trending':>9}")
for name, (score, eligible) in scorers.items():
    mrr1, mrr3, saved, saved_trending = evaluate(build(score, eligible))
    print(f"{name:<30}{mrr1:6.3f}{mrr3:6.3f}{saved:6.3f}{saved_trending:9.3f}")
print(f"share of next-day queries never logged: {(total[test] == 0).mean():.3f}")
print(f"share of next-day queries trending: {trending[test].mean():.3f}")
# Without the per-node lists, answering a prefix means scanning every logged query
# that starts with it.
matches = {}
for q in np.flatnonzero(total > 0):
    for p in range(1, 4):
        matches[queries[q][:p]] = matches.get(queries[q][:p], 0) + 1
scan = [np.mean([matches.get(queries[q][:p], 0) for q in test]) for p in (1, 2, 3)]
print(
    "queries to scan after 1, 2, 3 characters: "
    + ", ".join(f"{s:,.0f}" for s in scan)
    + " (top-k per node: 1 lookup)"
)
# --8<-- [end:qac]
