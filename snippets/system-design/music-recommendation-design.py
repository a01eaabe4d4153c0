# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any service's figures: 200M daily users, 2 sessions
# a day of 15 tracks, peak 2x the mean; 30% of plays are picked by the recommender
# (radio, autoplay, mixes), the rest by the user (own playlists, albums, search);
# 500 candidates ranked per pick at 10 MFLOPs each; a daily mix per user ranked
# from 2,000 candidates; 100M tracks with 128-d embeddings; 100k new tracks a day
# of 3.5 minutes; an audio encoder at 5 GFLOPs per second of audio; accelerators
# sustaining 100 TFLOP/s; 150 bytes logged per play.
users, sessions, per_session, peak, picked = 200e6, 2, 15, 2, 0.3
candidates, ranker_flops, mix_candidates = 500, 10e6, 2_000
catalogue, dim, new_per_day, seconds, audio_flops = 1e8, 128, 1e5, 210, 5e9
chip, log_bytes = 100e12, 150
plays = users * sessions * per_session
pick_qps = plays / 86_400 * peak * picked
pick_flops = pick_qps * candidates * ranker_flops
mix_flops = users * mix_candidates * ranker_flops
embed_flops = seconds * audio_flops
chip_hour = chip * 3_600
rows = [
    ("track plays/day", si(plays)),
    ("plays/s at peak", si(plays / 86_400 * peak)),
    ("recommender picks/s at peak", si(pick_qps)),
    ("ranker FLOP/s at peak", si(pick_flops)),
    ("accelerators for next-track ranking", f"{pick_flops / chip:.1f}"),
    ("daily mixes: accelerator-hours/day", f"{mix_flops / chip_hour:.1f}"),
    ("track index, fp16 vectors (bytes)", si(catalogue * dim * 2)),
    ("track index, 64-byte PQ codes (bytes)", si(catalogue * 64)),
    (
        "audio embeddings, new tracks (acc-h/day)",
        f"{new_per_day * embed_flops / chip_hour:.1f}",
    ),
    (
        "re-embed the catalogue (acc-hours)",
        f"{catalogue * embed_flops / chip_hour:.0f}",
    ),
    ("play log per day (bytes)", si(plays * log_bytes)),
]
for name, value in rows:
    print(f"{name:<42}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np

rng = np.random.default_rng(0)


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


# The world: 2,000 tracks in 20 latent genres with a Zipf popularity skew; 3,000
# users whose taste mixes two genres. An early skip (before the 30 s mark) is likely
# when a track misses the user's taste.
n_tracks, n_genres, dim, n_users = 2_000, 20, 16, 3_000
centroids = rng.normal(size=(n_genres, dim))
genre = rng.integers(n_genres, size=n_tracks)
vec = unit(centroids[genre] + 0.6 * rng.normal(size=(n_tracks, dim)))
popularity = rng.permutation(1 / np.arange(1, n_tracks + 1) ** 0.9)
g1, g2 = rng.integers(n_genres, size=(2, n_users))
taste = unit(
    centroids[g1] + 0.5 * centroids[g2] + 0.4 * rng.normal(size=(n_users, dim))
)


def p_skip(users, tracks):
    match = np.sum(taste[users] * vec[tracks], axis=-1)
    return 1 / (1 + np.exp(-(1.0 - 5.0 * match)))


# Each user has a library of 25 favourites that they play again and again.
lib_size = 25
library = np.empty((n_users, lib_size), dtype=np.int64)
for u in range(n_users):
    w = popularity * np.exp(6 * (vec @ taste[u]))
    library[u] = rng.choice(n_tracks, size=lib_size, replace=False, p=w / w.sum())
lib_w = 1 / np.arange(1, lib_size + 1)
lib_w /= lib_w.sum()


def listen(users, length=15, repeat=0.4, pushed=0.3):
    # Logged sessions: 40% re-listens from the library, 30% tracks pushed by the old
    # system (popular, often off-taste), the rest popular tracks of the session's genre.
    n = users.size
    mood = np.where(rng.random(n) < 0.6, g1[users], g2[users])
    out = np.empty((n, length), dtype=np.int64)
    for g in range(n_genres):
        members = np.flatnonzero(genre == g)
        cdf = np.cumsum(popularity[members])
        rows = np.flatnonzero(mood == g)
        draws = rng.random((rows.size, length)) * cdf[-1]
        out[rows] = members[np.searchsorted(cdf, draws)]
    kind = rng.random((n, length))
    fav = library[users[:, None], rng.choice(lib_size, (n, length), p=lib_w)]
    push = rng.choice(n_tracks, size=(n, length), p=popularity / popularity.sum())
    out = np.where(kind < repeat, fav, np.where(kind < repeat + pushed, push, out))
    return out, rng.random((n, length)) < p_skip(users[:, None], out)


def transitions(tracks, skipped):
    # (last fully played track, next track, was the next one skipped, session)
    n, length = tracks.shape
    last = np.maximum.accumulate(np.where(~skipped, np.arange(length), -1), axis=1)
    prev = np.hstack([np.full((n, 1), -1), last[:, :-1]])
    rows, cols = np.nonzero(prev >= 0)
    return tracks[rows, prev[rows, cols]], tracks[rows, cols], skipped[rows, cols], rows


train_users, test_users = np.repeat(np.arange(n_users), 6), np.arange(n_users)
train, train_skip = listen(train_users)
ctx, nxt, skip, _ = transitions(train, train_skip)
cooc = np.zeros((n_tracks, n_tracks))
np.add.at(cooc, (ctx, nxt), 1.0)
cooc_skip = np.zeros((n_tracks, n_tracks))
np.add.at(cooc_skip, (ctx, nxt), np.where(skip, -1.0, 1.0))
heard = np.zeros((n_users, n_tracks), dtype=bool)
heard[train_users[:, None], train] = True
play_counts = np.bincount(train.ravel(), minlength=n_tracks).astype(float)

# Offline test: each user's next session; the target is the next fully played track.
test, test_skip = listen(test_users)
t_ctx, t_nxt, t_skip, t_row = transitions(test, test_skip)
t_ctx, t_nxt, t_user = t_ctx[~t_skip], t_nxt[~t_skip], test_users[t_row[~t_skip]]
repeats = heard[t_user, t_nxt].mean()
print(f"training plays {train.size}, early-skip rate {train_skip.mean():.3f}")
print(f"test targets {t_ctx.size}, already played by the user {repeats:.3f}")
scaled = cooc_skip / np.abs(cooc_skip).max(axis=1, keepdims=True)
models = {
    "(a) global popularity": lambda c, u: np.tile(play_counts, (c.size, 1)),
    "(b) co-occurrence, every play": lambda c, u: cooc[c],
    "(c) co-occurrence, full +1, skip -1": lambda c, u: cooc_skip[c],
    "(d) (c) with a no-repeats filter": lambda c, u: cooc_skip[c] - 1e9 * heard[u],
    "(e) (c) plus the user's own tracks": lambda c, u: scaled[c] + heard[u],
}
print(f"{'next-track model':<38}{'hit@10':>8}{'P(skip) of top pick':>21}")
for name, model in models.items():
    hits, skips = [], []
    for i in range(0, t_ctx.size, 4_000):
        c, u, target = (x[i : i + 4_000] for x in (t_ctx, t_user, t_nxt))
        score = model(c, u).copy()
        # never recommend the track that is playing now
        score[np.arange(c.size), c] = -np.inf
        top10 = np.argpartition(-score, 10, axis=1)[:, :10]
        hits.append((top10 == target[:, None]).any(axis=1))
        skips.append(p_skip(u, score.argmax(axis=1)))
    hit, top_skip = np.concatenate(hits).mean(), np.concatenate(skips).mean()
    print(f"{name:<38}{hit:8.3f}{top_skip:21.3f}")

# Cold start: 200 new tracks arrive with no plays. Autoplay serves one of the top 5
# co-occurrence neighbours of the current track, the model is updated after each of
# 4 rounds of 30,000 plays, and an exploration slice plays a new track instead: a
# random one, or one of the 5 closest to the current track in a noisy audio embedding.
n_new = 200
new_ids = np.arange(n_tracks, n_tracks + n_new)
new_genre = rng.integers(n_genres, size=n_new)
vec = np.vstack([vec, unit(centroids[new_genre] + 0.6 * rng.normal(size=(n_new, dim)))])
audio = unit(vec + 0.3 * rng.normal(size=vec.shape))
audio_nn = new_ids[np.argsort(-(audio @ audio[new_ids].T), axis=1)[:, :5]]
start = np.zeros((n_tracks + n_new, n_tracks + n_new))
start[:n_tracks, :n_tracks] = cooc_skip


def serve(m, eps, how, r, n=30_000):
    # one round: serve from the model's neighbour lists, then update it with the plays
    score = m.copy()
    np.fill_diagonal(score, -np.inf)
    top5 = np.argpartition(-score, 5, axis=1)[:, :5]
    # the track playing now is one of the user's favourites
    users = r.integers(n_users, size=n)
    now = library[users, r.integers(lib_size, size=n)]
    played = top5[now, r.integers(5, size=n)]
    explore = r.random(n) < eps
    if how == "random":
        played[explore] = r.choice(new_ids, size=explore.sum())
    if how == "audio":
        played[explore] = audio_nn[now[explore], r.integers(5, size=explore.sum())]
    p = p_skip(users, played)
    skipped = r.random(n) < p
    np.add.at(m, (now, played), np.where(skipped, -1.0, 1.0))
    return played, skipped, explore, p


# P(skip) columns are the simulated users' expected early-skip rates; "new ..." is a
# fifth round with exploration off: which new tracks the model now plays by itself.
print(
    f"{'exploration':<12}{'P(skip)':>8}{'in slice':>9}{'new played':>11}"
    f"{'new served':>11}{'new share':>10}{'P(skip) new':>12}{'P(skip) all':>12}"
)
for eps, how in [(0.0, "none"), (0.02, "random"), (0.02, "audio"), (0.05, "audio")]:
    r, m = np.random.default_rng(1), start.copy()
    runs = [serve(m, eps, how, r) for _ in range(4)]
    played, skipped, explore, p = (np.concatenate(x) for x in zip(*runs))
    new_played = np.unique(played[~skipped & (played >= n_tracks)]).size
    in_slice = f"{p[explore].mean():9.3f}" if explore.any() else f"{'-':>9}"
    after, _, _, p_after = serve(m, 0.0, "none", r)
    new = after >= n_tracks
    p_new = f"{p_after[new].mean():12.3f}" if new.any() else f"{'-':>12}"
    print(
        f"{f'{eps:.0%} {how}':<12}{p.mean():8.3f}{in_slice}{new_played:11d}"
        f"{np.unique(after[new]).size:11d}{new.mean():10.3f}{p_new}{p_after.mean():12.3f}"
    )
# --8<-- [end:simulation]
