import numpy as np

rng = np.random.default_rng(0)
# An intranet: 8 departments of 5 teams, 1,500 documents of 8 chunks on 40 topics.
N_DEPT, N_TEAM, N_DOC, PER_DOC, N_TOPIC, DIM, K = 8, 40, 1_500, 8, 40, 64, 10
# Group ids: 0 everyone, 1-8 departments, 9-48 teams, 49 executives.
EVERYONE, EXEC, N_GROUP = 0, 1 + N_DEPT + N_TEAM, 2 + N_DEPT + N_TEAM
dept_of_team = np.arange(N_TEAM) // (N_TEAM // N_DEPT)


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


# Each document has an ACL copied from its source: 15% everyone, 35% one department,
# 45% one team, 5% executives. 5% of department documents deny one of its teams.
# Chunks inherit the ACL of their document.
allow = np.zeros((N_DOC, N_GROUP), bool)
deny = np.zeros((N_DOC, N_GROUP), bool)
kind = rng.choice(4, N_DOC, p=[0.15, 0.35, 0.45, 0.05])
team = rng.integers(N_TEAM, size=N_DOC)
allow[kind == 0, EVERYONE] = True
allow[kind == 1, 1 + dept_of_team[team[kind == 1]]] = True
allow[kind == 2, 1 + N_DEPT + team[kind == 2]] = True
allow[kind == 3, EXEC] = True
denied = (kind == 1) & (rng.random(N_DOC) < 0.05)
deny[denied, 1 + N_DEPT + team[denied]] = True
doc_topic = rng.integers(N_TOPIC, size=N_DOC)
topic_vec = rng.normal(size=(N_TOPIC, DIM))
doc_vec = topic_vec[doc_topic] + 0.8 * rng.normal(size=(N_DOC, DIM))
chunk_doc = np.repeat(np.arange(N_DOC), PER_DOC)
chunks = unit(doc_vec[chunk_doc] + 0.5 * rng.normal(size=(N_DOC * PER_DOC, DIM)))


def groups(cls, t):
    """Effective groups after expansion: a team member is in its department too."""
    g = np.zeros(N_GROUP, bool)
    if cls == "executive":
        g[[EVERYONE, EXEC, *range(1, 1 + N_DEPT)]] = True
    elif cls == "employee":
        g[[EVERYONE, 1 + dept_of_team[t], 1 + N_DEPT + t]] = True
    else:  # contractor: a guest in one team's space only
        g[1 + N_DEPT + t] = True
    return g


def can_read(g, use_deny=True):
    ok = (allow & g).any(1)
    return ok & ~(deny & g).any(1) if use_deny else ok


def top(scores, n):
    idx = np.argpartition(-scores, n, axis=-1)[..., :n]
    order = np.argsort(-np.take_along_axis(scores, idx, -1), axis=-1)
    return np.take_along_axis(idx, order, -1)


# (1)-(4): 400 questions per user class, each about the topic of a document the
# asker may read. Retrieval is exact; "leaked" counts chunks the asker may not read.
print(
    f"{'':<18}{'no filter':>9}{'post-filter top 10':>19}{'pre-filter':>11}"
    f"{'over-fetch m':>13}"
)
print(
    f"{'user class':<11}{'reads':>7}{'leaked':>9}{'returned':>10}{'empty':>9}"
    f"{'returned':>11}{'median':>7}{'p95':>6}"
)
for cls in ["executive", "employee", "contractor"]:
    users = rng.integers(N_TEAM, size=400)
    g = np.array([groups(cls, t) for t in users])
    doc_ok = np.array([can_read(x) for x in g])
    asked = np.array([rng.choice(np.flatnonzero(r)) for r in doc_ok])
    q = unit(topic_vec[doc_topic[asked]] + 0.8 * rng.normal(size=(400, DIM)))
    s = q @ chunks.T
    ok = doc_ok[:, chunk_doc]
    # Which of the unfiltered top 10 the asker may read.
    hit = np.take_along_axis(ok, top(s, K), 1)
    got = hit.sum(1)
    pre = np.take_along_axis(ok, top(np.where(ok, s, -np.inf), K), 1).sum(1)
    # Over-fetch: candidates needed so that post-filtering still leaves K chunks.
    kth = -np.sort(-np.where(ok, s, -np.inf), axis=1)[:, K - 1]
    m = np.ceil((s >= kth[:, None]).sum(1) / K)
    p95 = np.percentile(m, 95, method="higher")
    print(
        f"{cls:<11}{ok.mean():7.3f}{K - got.mean():9.2f}{got.mean():10.2f}"
        f"{(got == 0).mean():9.3f}{pre.mean():11.2f}{np.median(m):7.0f}{p95:6.0f}"
    )
    if cls == "employee":
        # The same search with deny rules dropped at ingestion.
        doc_allow = np.array([can_read(x, use_deny=False) for x in g])[:, chunk_doc]
        found = top(np.where(doc_allow, s, -np.inf), K)
        bad = (~np.take_along_axis(ok, found, 1)).any(1)
        n_bad = bad.sum()
print(f"deny rules dropped: {n_bad} of 400 employee questions get a denied chunk")

# (5) A semantic answer cache. 1,000 users ask 4,000 questions; each is a paraphrase
# (cosine about 0.96) of one of 300 popular questions. A hit needs cosine >= 0.9; the
# cached answer keeps the chunk ids it was built from.
classes = rng.choice(
    ["executive", "employee", "contractor"], 1_000, p=[0.03, 0.85, 0.12]
)
user_g = np.array(
    [groups(c, t) for c, t in zip(classes, rng.integers(N_TEAM, size=1_000))]
)
user_ok = np.array([can_read(x) for x in user_g])[:, chunk_doc]
intent = topic_vec[rng.integers(N_TOPIC, size=300)] + 0.8 * rng.normal(size=(300, DIM))
pop = 1 / np.arange(1, 301)
asks = rng.choice(300, 4_000, p=pop / pop.sum())
who = rng.integers(1_000, size=4_000)
q = unit(intent[asks] + 0.25 * rng.normal(size=(4_000, DIM)))
# Each answer's sources: the asker's own filtered top 10 (in blocks, to save memory).
fresh = np.vstack(
    [
        top(np.where(user_ok[who[b : b + 500]], q[b : b + 500] @ chunks.T, -np.inf), K)
        for b in range(0, 4_000, 500)
    ]
)
# The entitlement set: users with the same effective groups share an id.
_, key = np.unique(user_g[who], axis=0, return_inverse=True)
print(
    f"\n{'semantic cache keyed by':<32}{'hit rate':>9}{'hits that leak':>15}"
    f"{'other question':>15}"
)
for policy in [
    "query embedding",
    "query embedding + entitlements",
    "embedding, sources re-checked",
]:
    vecs, answer = np.zeros((4_000, DIM)), np.zeros((4_000, K), int)
    owner, asked_as = np.zeros(4_000, int), np.zeros(4_000, int)
    n, hits, leaks, other = 0, 0, 0, 0
    for i in range(4_000):
        sim = vecs[:n] @ q[i]
        if policy.endswith("entitlements"):
            sim[owner[:n] != key[i]] = -1
        if policy.startswith("embedding,"):
            # Serve an entry only if the asker may read every chunk it was built from.
            sim[~user_ok[who[i]][answer[:n]].all(1)] = -1
        if n and sim.max() >= 0.9:
            j = np.argmax(sim)
            hits += 1
            leaks += not user_ok[who[i], answer[j]].all()
            other += asked_as[j] != asks[i]
        else:
            vecs[n], owner[n], answer[n], asked_as[n] = q[i], key[i], fresh[i], asks[i]
            n += 1
    print(f"{policy:<32}{hits / 4_000:9.3f}{leaks / hits:15.3f}{other / hits:15.3f}")

# (6) A revocation waits for the next ACL sync: runs start every N minutes, take 5
# minutes, and 2% fail (the next run picks the change up). Exposure is the time a
# revoked user can still retrieve the document.
print(f"\n{'ACL sync every':<16}{'mean exposure':>14}{'p99':>8}  (minutes)")
for n in [5, 15, 60, 1_440]:
    failed = rng.geometric(0.98, size=100_000) - 1
    exposure = rng.uniform(0, n, size=100_000) + failed * n + 5
    print(f"{n:>10} min{exposure.mean():17.1f}{np.percentile(exposure, 99):8.0f}")
