# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 20,000 employees, 8 questions each per working day, peak 4x
# the mean of a 10-hour day; 2M documents -> 20M chunks of about 400 tokens; 768-d
# float32 embeddings; prompts of 8 chunks plus 800 tokens of instructions and history;
# answers of 300 tokens. Prices are placeholders: $0.50 per million input tokens and
# $2.00 per million output tokens.
questions = 20_000 * 8
chunks, dim = 20e6, 768
prompt, answer = 8 * 400 + 800, 300
cost = questions * (prompt * 0.5 + answer * 2.0) / 1e6
for name, value in [
    ("questions/day", si(questions)),
    ("peak questions/s", f"{questions / 36_000 * 4:.1f}"),
    ("vector index, float32 (bytes)", si(chunks * dim * 4)),
    ("vector index, int8 (bytes)", si(chunks * dim)),
    ("LLM tokens/day", si(questions * (prompt + answer))),
    ("LLM cost/day at placeholder prices", f"${cost:,.0f}"),
]:
    print(f"{name:<36}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:acl]
import numpy as np

rng = np.random.default_rng(0)
# 6,000 chunks on 300 topics; 40 groups; a chunk is public (30%) or readable by 1-2
# groups. 1,000 employees belong to 1-3 groups each. Embeddings: topic vector + noise.
n_chunks, n_topics, n_groups, n_users, dim, k = 6_000, 300, 40, 1_000, 64, 5
topic_vec = rng.normal(size=(n_topics, dim)).astype(np.float32)
emb = topic_vec[rng.integers(n_topics, size=n_chunks)]
emb += 0.8 * rng.normal(size=emb.shape).astype(np.float32)
acl = np.zeros((n_chunks, n_groups), bool)
public = rng.random(n_chunks) < 0.3
for c in np.flatnonzero(~public):
    acl[c, rng.choice(n_groups, rng.integers(1, 3), replace=False)] = True
member = np.zeros((n_users, n_groups), bool)
for u in range(n_users):
    member[u, rng.choice(n_groups, rng.integers(1, 4), replace=False)] = True
readable = public | (member.astype(int) @ acl.T.astype(int) > 0)  # users x chunks


def top(scores, n):
    """Indices of the n highest scores in each row, best first."""
    idx = np.argpartition(-scores, n, axis=1)[:, :n]
    return np.take_along_axis(idx, np.argsort(-np.take_along_axis(scores, idx, 1)), 1)


# 5,000 questions: a user asks about a topic drawn from a Zipf-like popularity.
popularity = 1 / np.arange(1, n_topics + 1)
asks = rng.choice(n_topics, 5_000, p=popularity / popularity.sum())
users = rng.integers(n_users, size=asks.size)
queries = topic_vec[asks] + 0.5 * rng.normal(size=(asks.size, dim)).astype(np.float32)
scores = queries @ emb.T
ok = readable[users]
top5, top50 = top(scores, 5), top(scores, 50)
ok5, ok50 = np.take_along_axis(ok, top5, 1), np.take_along_axis(ok, top50, 1)
pre = top(np.where(ok, scores, -np.inf), k)
rows = [
    ("no filter", (~ok5).sum(1), np.full(asks.size, k)),
    ("post-filter top 5", 0 * ok5.sum(1), ok5.sum(1)),
    ("post-filter top 50", 0 * ok5.sum(1), np.minimum(ok50.sum(1), k)),
    ("pre-filter", ~np.take_along_axis(ok, pre, 1).all(1), np.full(asks.size, k)),
]
print(f"share of chunks a user may read: {readable.mean():.2f} on average")
print(
    f"{'retrieval':<20}{'unreadable in prompt':>21}{'chunks returned':>16}"
    f"{'fewer than 5':>13}"
)
for name, leaked, returned in rows:
    print(
        f"{name:<20}{leaked.mean():21.2f}{returned.mean():16.2f}"
        f"{(returned < k).mean():13.3f}"
    )

# An answer cache in front of the LLM. Keyed by the question alone, a hit can serve an
# answer built from chunks the asker cannot read. Keyed by (question, the asker's set
# of groups), it cannot.
topic_scores = topic_vec @ emb.T
for key_name in ("question", "question + group set"):
    cache, hits, leaks = {}, 0, 0
    for topic, user in zip(asks, users):
        key = topic if key_name == "question" else (topic, member[user].tobytes())
        if key in cache:
            hits += 1
            leaks += not readable[user, cache[key]].all()
        else:
            allowed = np.where(readable[user], topic_scores[topic], -np.inf)
            cache[key] = top(allowed[None], k)[0]
    print(
        f"cache keyed by {key_name:<22} hit rate {hits / asks.size:.3f}, "
        f"answers with unreadable chunks {leaks / asks.size:.3f}"
    )
# --8<-- [end:acl]
