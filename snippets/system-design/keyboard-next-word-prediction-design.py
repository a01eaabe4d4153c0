import numpy as np

rng = np.random.default_rng(0)

# A synthetic typed language. Shared words follow a bigram process (each word has 8
# likely successors); every user also has a topic (8 topics of 15 words), a contact
# with a common first name (60 names) and a surname that only this user types.
SHARED, TOPICS, PER_TOPIC, FIRST_NAMES, SUCCESSORS = 600, 8, 15, 60, 8
USERS_FED, USERS_EVAL = 400, 150
USERS = USERS_FED + USERS_EVAL
TOPIC0 = SHARED
FIRST0 = TOPIC0 + TOPICS * PER_TOPIC
SURNAME0 = FIRST0 + FIRST_NAMES
V = SURNAME0 + USERS
name_context = np.isin(np.arange(V), [3, 6, 9, 12])
topic_context = np.isin(np.arange(V), [4, 7, 10, 13])
FOLLOW, P_NAME, P_TOPIC, P_SURNAME = 0.7, 0.3, 0.35, 0.6
KAPPA = 10


def spell(syllables, taken):
    while True:
        word = "".join(
            rng.choice(list("bdfgklmnprstvz")) + rng.choice(list("aeiou"))
            for _ in range(syllables)
        )
        if word not in taken:
            taken.add(word)
            return word


taken = set()
shared_syllables = np.where(np.arange(SHARED) < 40, 1, rng.integers(2, 4, SHARED))
words = [spell(int(n), taken) for n in shared_syllables]
words += [spell(3, taken) for _ in range(TOPICS * PER_TOPIC)]
words += [spell(2, taken) for _ in range(FIRST_NAMES)]
words += [spell(4, taken) for _ in range(USERS)]
length = np.array([len(w) for w in words])
chars = np.full((V, length.max()), -1)
for i, w in enumerate(words):
    chars[i, : len(w)] = [ord(ch) for ch in w]
# common[a, b]: how many first letters words a and b share (prefix filtering)
common = np.zeros((V, V), dtype=np.int8)
still_equal = np.ones((V, V), dtype=bool)
for k in range(chars.shape[1]):
    still_equal &= chars[:, k][:, None] == chars[:, k][None, :]
    common += still_equal

zipf = 1 / (np.arange(SHARED) + 3.0) ** 1.05
zipf /= zipf.sum()
zipf_cum = np.cumsum(zipf)
topic_pop = 1 / np.arange(1, PER_TOPIC + 1)
topic_cum = np.cumsum(topic_pop) / topic_pop.sum()


def successor_table():
    succ = np.array(
        [rng.choice(SHARED, SUCCESSORS, False, p=zipf) for _ in range(SHARED)]
    )
    weights = rng.dirichlet(np.full(SUCCESSORS, 0.6), size=SHARED)
    return succ, np.cumsum(weights, axis=1)


typed_succ, typed_cum = successor_table()
# Proxy text (public or synthetic) shares the words but 40% of the word-to-word
# habits differ from what people type on phones.
other_succ, other_cum = successor_table()
differs = rng.random(SHARED) < 0.4
proxy_succ = np.where(differs[:, None], other_succ, typed_succ)
proxy_cum = np.where(differs[:, None], other_cum, typed_cum)


def generate(lengths, succ, cum, first=None, surname=None, topic=None):
    n = len(lengths)
    out = np.empty((n, lengths.max()), dtype=np.int64)
    state = rng.choice(SHARED, n, p=zipf)
    for t in range(lengths.max()):
        r = rng.random((5, n))
        shared = state < SHARED
        s = np.where(shared, state, 0)
        pick = np.minimum((r[1][:, None] > cum[s]).sum(1), SUCCESSORS - 1)
        unigram = np.minimum(np.searchsorted(zipf_cum, r[2]), SHARED - 1)
        nxt = np.where(shared & (r[0] < FOLLOW), succ[s, pick], unigram)
        if first is not None:
            topic_word = TOPIC0 + topic * PER_TOPIC + np.searchsorted(topic_cum, r[4])
            to_name = name_context[state] & (r[3] < P_NAME)
            to_topic = topic_context[state] & (r[3] < P_TOPIC)
            to_surname = (state == first) & (r[3] < P_SURNAME)
            nxt = np.where(to_name, first, np.where(to_topic, topic_word, nxt))
            nxt = np.where(to_surname, surname, nxt)
        out[:, t] = nxt
        state = nxt
    return [row[:m] for row, m in zip(out, lengths)]


name_pop = 1 / np.arange(1, FIRST_NAMES + 1)
first = FIRST0 + rng.choice(FIRST_NAMES, USERS, p=name_pop / name_pop.sum())
surname = SURNAME0 + np.arange(USERS)
topic = rng.integers(TOPICS, size=USERS)
lengths = np.clip(rng.lognormal(np.log(300), 0.9, USERS).astype(int), 40, 3000)
users = generate(lengths, typed_succ, typed_cum, first, surname, topic)
proxy = generate(np.full(200, 1000), proxy_succ, proxy_cum)


def bigram_ids(tokens):
    return tokens[:-1] * V + tokens[1:]


def global_model(counts, beta=3.0):
    unigram = (counts.sum(0) + 1) / (counts.sum() + V)
    probs = (counts + beta * unigram) / (counts.sum(1, keepdims=True) + beta)
    return probs.astype(np.float32)


proxy_ids = np.concatenate([bigram_ids(t) for t in proxy])
proxy_counts = np.bincount(proxy_ids, minlength=V * V).astype(float)
proxy_model = global_model(proxy_counts.reshape(V, V))

# Held-out users: the first 80% of their text is their history (the cache), the
# rest is scored.
contexts, targets, owner, cache_counts, user_unigram = [], [], [], [], []
for u, tokens in enumerate(users[USERS_FED:]):
    cut = int(0.8 * len(tokens))
    history, ahead = tokens[:cut], tokens[cut - 1 :]
    counts = np.bincount(bigram_ids(history), minlength=V * V).reshape(V, V)
    cache_counts.append(counts[ahead[:-1]].astype(np.float32))
    user_unigram.append((np.bincount(history, minlength=V) + 0.01) / (cut + 0.01 * V))
    contexts.append(ahead[:-1])
    targets.append(ahead[1:])
    owner.append(np.full(len(ahead) - 1, u))
contexts, targets, owner = map(np.concatenate, (contexts, targets, owner))
cache_counts = np.concatenate(cache_counts)
user_unigram = np.array(user_unigram, dtype=np.float32)
personal = targets >= SHARED
rows = np.arange(len(targets))


def evaluate(global_probs, kappa):
    # kappa=inf: the global model alone. kappa=None: the cache alone, the user's
    # bigram counts backed off to their unigrams. Otherwise the user's counts plus
    # kappa pseudo-counts spread by the global model, so the cache dominates the
    # contexts this user types often.
    # Keystrokes: type letters until the target is in the top 3 of the words that
    # match the typed prefix, then tap it (1 key, space included); else type it all.
    typed = np.empty(len(targets), dtype=np.int64)
    for lo in range(0, len(targets), 2000):
        sl = slice(lo, lo + 2000)
        if kappa is None:
            scores = cache_counts[sl] + 2 * user_unigram[owner[sl]]
        elif kappa == np.inf:
            scores = global_probs[contexts[sl]]
        else:
            scores = cache_counts[sl] + kappa * global_probs[contexts[sl]]
        target, r = targets[sl], rows[: len(targets[sl])]
        # ties count against the target: unseen words do not win by luck
        ahead = scores >= scores[r, target][:, None]
        ahead[r, target] = False
        shared_prefix = np.where(ahead, common[target], -1)
        third = np.partition(shared_prefix, -3, axis=1)[:, -3]
        typed[sl] = np.minimum(third + 1, length[target])
    top3 = typed == 0
    ksr = 1 - (typed + 1).sum() / (length[targets] + 1).sum()
    return top3.mean(), top3[personal].mean(), ksr


print(f"vocabulary {V}, federated users {USERS_FED}, held-out users {USERS_EVAL}")
print(
    f"held-out words {len(targets):,}, personal (topic or name) {personal.mean():.3f}"
)
print("model                      top-3   top-3 personal   keystrokes saved")
for name, probs, weight in [
    ("global bigram (proxy)", proxy_model, np.inf),
    ("user cache only", proxy_model, None),
    (f"global + cache, kappa {KAPPA}", proxy_model, KAPPA),
]:
    acc, acc_personal, ksr = evaluate(probs, weight)
    print(f"{name:<26}{acc:6.3f}{acc_personal:17.3f}{ksr:19.3f}")

# Federated: each of 400 users uploads only their bigram counts; the server sums
# them. DP-style: clip each user's count vector to L2 norm C, add Gaussian noise
# of sd z*C to every cell, release only cells above 4*z*C (about 55 of the 1.7M
# empty cells pass by chance).
uploads = [np.unique(bigram_ids(t), return_counts=True) for t in users[:USERS_FED]]
norms = np.array([np.sqrt((c.astype(float) ** 2).sum()) for _, c in uploads])
C = np.median(norms)
typed_surnames = np.array([s in t for s, t in zip(surname, users[:USERS_FED])])


def federated_model(clip, z, public=0.0):
    total = np.zeros(V * V)
    for (keys, c), norm in zip(uploads, norms):
        total[keys] += c * (min(1.0, C / norm) if clip else 1.0)
    if z > 0:
        total += rng.normal(0, z * C, V * V)
        total[total < 4 * z * C] = 0
    # public=1: start from the proxy counts (pre-training on public data)
    counts = total + public * proxy_counts
    return global_model(counts.reshape(V, V)), np.count_nonzero(total)


def surnames_suggested(probs):
    # a user's surname among the global top 3 after the first name they typed it after
    fed = np.flatnonzero(typed_surnames)
    top3 = np.argpartition(-probs[first[fed]], 3, axis=1)[:, :3]
    return (top3 == surname[fed][:, None]).any(1).sum()


print(f"\nclip norm C (median user) {C:.1f}; surnames typed {typed_surnames.sum()}")
print("eps: one release, delta 1e-6; cells: bigram counts the server releases")
print("global model           eps   cells  top-3  +cache top-3  +cache saved  surnames")
settings = [("proxy data", None, None), ("federated, raw", False, 0.0)]
settings += [("clipped", True, 0.0)]
settings += [(f"clip + noise z={z:g}", True, z) for z in (0.5, 1, 2, 4)]
settings += [("proxy + noise z=1", True, 1.0)]
for name, clip, z in settings:
    if clip is None:
        probs, cells = proxy_model, len(np.unique(proxy_ids))
    else:
        probs, cells = federated_model(clip, z, float(name.startswith("proxy")))
    eps = "-"
    if z:
        rho = 1 / (2 * z**2)
        eps = f"{rho + 2 * np.sqrt(rho * np.log(1e6)):.1f}"
    acc = evaluate(probs, np.inf)[0]
    mix, _, ksr = evaluate(probs, KAPPA)
    leaked = surnames_suggested(probs)
    print(f"{name:<20}{eps:>6}{cells:8,d}{acc:7.3f}{mix:14.3f}{ksr:14.3f}{leaked:10d}")
