# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 500M daily users, 10 feed
# requests each (opens, refreshes, next pages), peak 2x the mean; 0.3 posts per user
# per day; 300 followed friends, Pages and groups per user; 500 candidates reach the
# heavy ranker; a cached ranked list of 200 post ids (8 bytes each) per daily user.
users, per_user, peak = 500e6, 10, 2
posts_per_user, follows, heavy, cached = 0.3, 300, 500, 200
peak_qps = users * per_user / 86_400 * peak
posts_per_s = users * posts_per_user / 86_400
rows = [
    ("feed requests/day", si(users * per_user)),
    ("peak feed requests/s", si(peak_qps)),
    ("new posts/s", si(posts_per_s)),
    ("fan-out on write: inbox inserts/s", si(posts_per_s * follows)),
    (
        "one post to 100M followers, seconds of that",
        si(100e6 / (posts_per_s * follows)),
    ),
    ("fan-out on read: followee lookups/s, peak", si(peak_qps * follows)),
    ("heavy-ranker candidates/s, peak", si(peak_qps * heavy)),
    ("ranked-list cache (bytes)", si(users * cached * 8)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:feed]
import numpy as np

rng = np.random.default_rng(0)
# A known ground truth: 2,000 users, each with 400 eligible posts since the last visit,
# from friends (150 each), groups, followed Pages (20 each) and unconnected
# recommended posts; the feed shows the top 10.
n_users, n_posts, k = 2_000, 400, 10
shape = (n_users, n_posts)
user = np.arange(n_users)[:, None]
friend, group, page, unconnected = range(4)
source = rng.choice(4, size=shape, p=[0.4, 0.2, 0.2, 0.2])
# Who posts: a few friends and Pages post far more often than the rest (Zipf); group
# and recommended posts come from many distinct authors.
f_rate = 1 / np.arange(1, 151) ** 0.8
p_rate = 1 / np.arange(1, 21) ** 1.2
f_id = rng.choice(150, size=shape, p=f_rate / f_rate.sum())
p_id = rng.choice(20, size=shape, p=p_rate / p_rate.sum())
author = np.select(
    [source == friend, source == page],
    [f_id, 1_000 + p_id],
    10_000 + np.arange(n_posts),
)
# Tie strength belongs to the (viewer, author) pair; a Page has a house style of bait
# (outrage, "comment YES if ..."), which draws comments and shares and also hides.
tie = np.select(
    [source == friend, source == page],
    [
        (0.8 + 0.8 * rng.normal(size=(n_users, 150)))[user, f_id],
        (-0.3 + 0.6 * rng.normal(size=(n_users, 20)))[user, p_id],
    ],
    np.where(source == unconnected, -1.0, 0.0) + 0.6 * rng.normal(size=shape),
)
page_bait = 0.5 + 0.8 * rng.normal(size=(n_users, 20))
bait = 0.8 * rng.normal(size=shape) + np.select(
    [source == page], [page_bait[user, p_id]], np.array([-0.5, 0.0, 0.0, 0.8])[source]
)
quality = rng.normal(size=shape) + np.array([0.0, 0.0, 0.2, 0.6])[source]
age_hours = rng.uniform(0, 24, size=shape)
logit = {
    "like": -2.6 + 0.9 * tie + 0.5 * quality + 0.3 * bait - 0.04 * age_hours,
    "comment": -4.2 + 1.2 * tie + 0.2 * quality + 0.8 * bait - 0.04 * age_hours,
    "share": -5.2 + 0.2 * tie + 0.5 * quality + 1.0 * bait - 0.04 * age_hours,
    "negative": -5.8 - 0.6 * tie - 0.4 * quality + 1.1 * bait,
}
true = {a: 1 / (1 + np.exp(-x)) for a, x in logit.items()}
# The model's heads: the truth plus noise on the logit scale; the negative head is the
# noisiest because hides and reports are rare labels.
noise = {"like": 0.4, "comment": 0.5, "share": 0.6, "negative": 0.8}
pred = {
    a: 1 / (1 + np.exp(-x - noise[a] * rng.normal(size=shape)))
    for a, x in logit.items()
}
positive = ("like", "comment", "share")
# Weights so that each head contributes the same on average (likes = 1)
w = {a: pred["like"].mean() / pred[a].mean() for a in true}
print("equal-share weights: " + ", ".join(f"{a} {w[a]:.1f}" for a in true))


def value(p, neg_mult):
    return sum(w[a] * p[a] for a in positive) - neg_mult * w["negative"] * p["negative"]


def feed_metrics(top):
    def g(x):
        return np.take_along_axis(x, top, axis=1)

    engagement = sum(w[a] * g(true[a]) for a in positive).mean()
    return engagement, g(true["negative"]).mean(), g(source)


print("ranking                    engagement  negative  friends  unconnected")
rows = [("reverse-chronological", np.argsort(age_hours, axis=1)[:, :k])]
for m in (0, 1, 3, 10, 30):
    rows.append((f"value, negative x {m}", np.argsort(-value(pred, m), axis=1)[:, :k]))
rows.append(("value, negative x 3, true p", np.argsort(-value(true, 3), axis=1)[:, :k]))
for name, top in rows:
    eng, neg, src = feed_metrics(top)
    print(
        f"{name:<28}{eng:>9.3f}{neg:>10.4f}{(src == friend).mean():>9.3f}"
        f"{(src == unconnected).mean():>13.3f}"
    )


def repeats(a):
    # For each slot: how many earlier slots in the same row hold the same author
    idx = np.argsort(a, axis=1, kind="stable")
    s = np.take_along_axis(a, idx, axis=1)
    pos = np.broadcast_to(np.arange(a.shape[1]), a.shape)
    new = np.concatenate([np.ones((len(a), 1), bool), s[:, 1:] != s[:, :-1]], axis=1)
    out = np.empty_like(idx)
    np.put_along_axis(out, idx, pos - np.maximum.accumulate(pos * new, axis=1), axis=1)
    return out


# Author rules on the "negative x 3" ranking. The decay is the one in Twitter's 2023
# open-source home mixer: the n-th post of an author (n = 0, 1, ...) has its score
# multiplied by 0.75 * 0.5**n + 0.25.
score = value(pred, 3)
order = np.argsort(-score, axis=1)
n_before = repeats(np.take_along_axis(author, order, axis=1))
discount = 0.75 * 0.5**n_before + 0.25
s = np.take_along_axis(score, order, axis=1)
# Dividing a negative score by the discount demotes it; multiplying would promote it
s = np.where(s > 0, s * discount, s / discount)
decayed = np.take_along_axis(order, np.argsort(-s, axis=1), axis=1)
capped = np.take_along_axis(order, np.argsort(n_before > 0, axis=1, kind="stable"), 1)
rules = {
    "no author rule": order[:, :k],
    "decay 0.5, floor 0.25": decayed[:, :k],
    "at most 1 per author": capped[:, :k],
}


def engagement(top, gamma):
    # Fatigue: the n-th repeat of an author in a feed is worth gamma**n of a first post
    def g(x):
        return np.take_along_axis(x, top, axis=1)

    worth = gamma ** repeats(g(author))
    return (sum(w[a] * g(true[a]) for a in positive) * worth).mean()


def break_even(top, base):
    # The gamma below which the rule beats no rule (bisection)
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (
            (lo, mid) if engagement(base, mid) > engagement(top, mid) else (mid, hi)
        )
    return mid


print("author rule            engagement  authors  top author  break-even gamma")
for name, top in rules.items():
    r = repeats(np.take_along_axis(author, top, axis=1))
    base = rules["no author rule"]
    be = "-" if top is base else f"{break_even(top, base):.2f}"
    print(
        f"{name:<22}{engagement(top, 1.0):>11.3f}{(r == 0).sum(1).mean():>9.2f}"
        f"{(r.max(1) + 1).mean():>12.2f}{be:>18}"
    )
# --8<-- [end:feed]
