# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 20M daily active users, 100 swipes each a day, served in
# decks of 25 profiles; peak 3x the mean; 2,000 candidates scored per deck after the
# hard filters, each in both directions (does the viewer like them, do they like the
# viewer); 60M profiles active in the last month with 128-d fp16 embeddings; a swipe
# event of 100 bytes.
dau, swipes, deck, peak, candidates = 20e6, 100, 25, 3, 2_000
profiles, dim, event_bytes = 60e6, 128, 100
peak_qps = dau * swipes / deck / 86_400 * peak
rows = [
    ("swipes per day", si(dau * swipes)),
    ("swipes/s at peak", si(dau * swipes / 86_400 * peak)),
    ("deck requests/s at peak", si(peak_qps)),
    ("pair scores/s at peak (both directions)", si(peak_qps * candidates * 2)),
    ("profile index, fp16 vectors (bytes)", si(profiles * dim * 2)),
    ("swipe log per day (bytes)", si(dau * swipes * event_bytes)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:market]
import numpy as np

rng = np.random.default_rng(0)
# A synthetic market with a known ground truth: 2,000 users on each of two sides. A
# like has a shared part (appeal, which everyone on the other side sees the same way)
# and a personal part (taste, latent vectors). Appeal enters the logit, so like rates
# are roughly lognormal across profiles: heavy-tailed.
n, dim, deck, answer_cap, batches = 2_000, 8, 20, 10, 10


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def side():
    appeal = rng.normal(size=n) * 1.2
    return appeal, rng.normal(size=(n, dim)), rng.normal(size=(n, dim))


appeal_a, taste_a, look_a = side()
appeal_b, taste_b, look_b = side()
# p_ab[i, j] = P(A_i likes B_j); p_ba[j, i] = P(B_j likes A_i). The true probabilities
# stand in for two calibrated models.
p_ab = sigmoid(-3.0 + appeal_b[None, :] + taste_a @ look_b.T / np.sqrt(dim))
p_ba = sigmoid(-3.0 + appeal_a[None, :] + taste_b @ look_a.T / np.sqrt(dim))


def show(p_like, p_back, policy, rng_run, cap=60):
    # One day of decks for one side. p_like[i, j]: viewer i likes candidate j;
    # p_back[i, j]: candidate j likes viewer i. Viewers arrive in 10 batches.
    if policy == "p(like)":
        score = p_like
    elif policy == "harmonic mean":
        score = 2 * p_like * p_back / (p_like + p_back)
    else:
        score = p_like * p_back
    shown, expected = np.zeros(n, int), np.zeros(n)
    likes = np.zeros((n, n), bool)
    for b, rows in enumerate(np.array_split(rng_run.permutation(n), batches)):
        s = score[rows]
        if policy == "product, exposure cap":
            # a profile leaves the decks after 60 impressions today (3x the mean)
            s = np.where(shown[None, :] < cap, s, -1.0)
        if policy == "product, congestion":
            # expected likes by the end of the day, projected from the batches so far;
            # a candidate answers at most 10, so a like beyond that is likely wasted
            projected = expected * batches / max(b, 1)
            s = s * np.minimum(1, answer_cap / np.maximum(projected, 1e-9))
        top = np.argpartition(-s, deck, axis=1)[:, :deck]
        np.add.at(shown, top.ravel(), 1)
        p_top = np.take_along_axis(p_like[rows], top, axis=1)
        np.add.at(expected, top.ravel(), p_top.ravel())
        hit = rng_run.random(top.shape) < p_top
        likes[np.repeat(rows, deck).reshape(top.shape)[hit], top[hit]] = True
    return likes


def answer(likes_in, p_like, rng_run):
    # likes_in[j, i]: i liked j, and j has not liked i from their own deck. Each user
    # reviews at most 10 incoming likes a day, in random order, and likes back with
    # their own probability.
    order = np.where(likes_in, rng_run.random(likes_in.shape), 2.0)
    kth = np.partition(order, answer_cap - 1, axis=1)[:, answer_cap - 1 : answer_cap]
    reviewed = likes_in & (order <= kth)
    back = reviewed & (rng_run.random(likes_in.shape) < p_like)
    return back, reviewed.sum()


def gini(x):
    x = np.sort(x)
    k = x.size
    return (2 * np.arange(1, k + 1) - k - 1) @ x / (k * x.sum())


def run(policy, seed):
    rng_run = np.random.default_rng(seed)
    deck_ab = show(p_ab, p_ba.T, policy, rng_run)
    deck_ba = show(p_ba, p_ab.T, policy, rng_run)
    back_ba, seen_b = answer(deck_ab.T & ~deck_ba, p_ba, rng_run)
    back_ab, seen_a = answer(deck_ba.T & ~deck_ab, p_ab, rng_run)
    # a match is a pair who like each other, from a deck or from the likes queue
    match = (deck_ab | back_ab) & (deck_ba | back_ba).T
    per_user = np.concatenate([match.sum(1), match.sum(0)])
    received = np.concatenate([deck_ab.sum(0), deck_ba.sum(0)])
    queued = (deck_ab.T & ~deck_ba).sum() + (deck_ba.T & ~deck_ab).sum()
    return (
        received.sum() / (2 * n),
        per_user.mean(),
        (per_user > 0).mean(),
        1 - (seen_a + seen_b) / queued,
        gini(received),
        np.sort(received)[-2 * n // 10 :].sum() / received.sum(),
    )


print(f"mean P(like) over all pairs: {(p_ab.mean() + p_ba.mean()) / 2:.3f}")
print(
    f"{'ranking':<23}{'likes':>6}{'matches':>8}{'>=1 match':>10}{'unseen':>7}"
    f"{'Gini':>6}{'top 10%':>8}"
)
policies = (
    "p(like)",
    "product",
    "harmonic mean",
    "product, exposure cap",
    "product, congestion",
)
for policy in policies:
    cells = np.mean([run(policy, seed) for seed in range(3)], axis=0)
    widths = (6, 8, 10, 7, 6, 8)
    print(f"{policy:<23}" + "".join(f"{c:{w}.3f}" for c, w in zip(cells, widths)))
# --8<-- [end:market]
