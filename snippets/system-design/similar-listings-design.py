# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any company's figures: 8M bookable listings with 32-d
# fp32 vectors; 40M listing-page views a day, each showing the carousel, peak 3x the
# mean; the largest market holds 60k listings; a ranker re-scores 200 candidates per
# request; availability is kept as 1 bit per listing per night for a year ahead; 20k
# new listings a day.
listings, dim, views, peak = 8e6, 32, 40e6, 3
largest_market, candidates, new_per_day = 60e3, 200, 20e3
peak_qps = views / 86_400 * peak
scan_bytes = largest_market * dim * 4
rows = [
    ("peak carousel requests/s", si(peak_qps)),
    ("listing vectors, fp32 (bytes)", si(listings * dim * 4)),
    ("exact scan of the largest market (FLOPs)", si(largest_market * dim * 2)),
    ("the same scan, vectors read (bytes)", si(scan_bytes)),
    ("all scans at peak, worst case (bytes/s)", si(peak_qps * scan_bytes)),
    ("ranker candidates scored/s at peak", si(peak_qps * candidates)),
    ("availability calendar, 365 nights (bytes)", si(listings * 365 / 8)),
    ("new listings needing a cold-start vector/hour", si(new_per_day / 24)),
]
for name, value in rows:
    print(f"{name:<46}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:embeddings]
import numpy as np
import scipy.sparse as sp

rng = np.random.default_rng(0)
# A marketplace with a known ground truth: 50 markets of 160 listings. Each listing has
# a hidden type (10 per market: a neighbourhood, a style, a price level) and what a host
# enters: room type (3 values), price bucket (4) and location, which match its type's
# values 80% of the time. Popularity varies (log-normal). 10% of listings are new: they
# did not exist in the training period.
M, N, K = 50, 160, 10
n = M * N
market = np.repeat(np.arange(M), N)
kind = market * K + rng.integers(0, K, n)
log_pop = rng.normal(0, 1, n)
room = np.where(
    rng.random(n) < 0.8, rng.integers(0, 3, M * K)[kind], rng.integers(0, 3, n)
)
price = np.where(
    rng.random(n) < 0.8, rng.integers(0, 4, M * K)[kind], rng.integers(0, 4, n)
)
where = rng.uniform(0, 10, (M * K, 2))[kind] + rng.normal(0, 1.5, (n, 2))
new = rng.random(n) < 0.1
L = 10  # longest session


def simulate(count, new_listed):
    # A guest searches one market for one hidden type; only listings available for
    # their dates (70%) can be clicked. 80% of clicks go to the wanted type, 20% to
    # anything in the market, more popular listings more often (Gumbel top-k sampling
    # without replacement). 10% of sessions end in a booking of a wanted-type listing.
    m, want = rng.integers(0, M, count), rng.integers(0, K, count)
    ids = m[:, None] * N + np.arange(N)
    free = rng.random((count, N)) < 0.7
    if not new_listed:
        free &= ~new[ids]
    wanted = free & (kind[ids] == (m * K + want)[:, None])
    by_want = np.argsort(
        -np.where(wanted, log_pop[ids] + rng.gumbel(size=ids.shape), -np.inf)
    )
    by_any = np.argsort(
        -np.where(free, log_pop[ids] + rng.gumbel(size=ids.shape), -np.inf)
    )
    length = np.minimum(2 + rng.geometric(0.25, count), L)
    n_want = np.minimum(rng.binomial(length, 0.8), wanted.sum(1))
    books = rng.random(count) < 0.1
    clicks, booked = np.full((count, L), -1), np.full(count, -1)
    for s in range(count):
        picked = list(by_want[s, : n_want[s]])
        picked += [j for j in by_any[s, :L] if j not in picked][: length[s] - n_want[s]]
        picked = rng.permutation(picked)
        if books[s] and n_want[s] > 0:
            b = [j for j in picked if wanted[s, j]][-1]
            picked = np.append(picked[picked != b], b)
            booked[s] = ids[s, b]
        clicks[s, : len(picked)] = ids[s, picked]
    return clicks, booked, free


train_clicks, train_booked, _ = simulate(10_000, new_listed=False)
test_clicks, test_booked, test_free = simulate(4_000, new_listed=True)
clicks_per_listing = np.bincount(train_clicks[train_clicks >= 0], minlength=n)
print(
    f"training: {len(train_clicks):,} sessions, {clicks_per_listing.sum():,} clicks, "
    f"{(train_booked >= 0).sum():,} bookings, median clicks per listing "
    f"{np.median(clicks_per_listing[~new]):.0f}"
)

# Skip-gram pairs: every click with the clicks up to 5 places before and after it, and
# with the booked listing of its session (the global context).
centre, context = [], []
for gap in range(1, 6):
    a, b = train_clicks[:, :-gap], train_clicks[:, gap:]
    ok = (a >= 0) & (b >= 0)
    centre += [a[ok], b[ok]]
    context += [b[ok], a[ok]]
book = np.repeat(train_booked[:, None], L, 1)
ok = (train_clicks >= 0) & (book >= 0) & (train_clicks != book)
centre = np.concatenate(centre + [train_clicks[ok]])
context = np.concatenate(context + [book[ok]])
noise = clicks_per_listing**0.75
catalogue_cdf = np.cumsum(noise) / noise.sum()
per_market = noise.reshape(M, N)
market_cdf = (np.cumsum(per_market, 1) / per_market.sum(1, keepdims=True)).ravel()
market_cdf += np.repeat(np.arange(M), N)  # market m's CDF runs from m to m + 1


def scatter(rows, values):
    # Sum the gradient rows that belong to the same listing (a sparse product)
    ones = sp.csr_matrix(
        (np.ones(len(rows)), (rows, np.arange(len(rows)))), (n, len(rows))
    )
    return ones @ values


def sgns(same_market, dim=32, negatives=6, epochs=6, lr0=0.2, batch=2048):
    # Skip-gram with negative sampling, minibatch SGD; with same_market, half of each
    # pair's negatives come from the centre listing's market instead of the catalogue.
    r = np.random.default_rng(1)
    V, U = (r.random((n, dim)) - 0.5) / dim, np.zeros((n, dim))
    steps, step = epochs * -(-len(centre) // batch), 0
    for _ in range(epochs):
        order = r.permutation(len(centre))
        for start in range(0, len(order), batch):
            pairs = order[start : start + batch]
            c, o = centre[pairs], context[pairs]
            neg = np.searchsorted(catalogue_cdf, r.random((len(c), negatives)))
            if same_market:
                u = market[c][:, None] + r.random((len(c), negatives // 2))
                neg[:, negatives // 2 :] = np.searchsorted(market_cdf, u)
            target = np.concatenate([o[:, None], np.minimum(neg, n - 1)], 1)
            vc, ut = V[c], U[target]
            g = 1 / (1 + np.exp(-np.einsum("bd,bkd->bk", vc, ut)))
            g[:, 0] -= 1  # d(loss)/d(score): sigmoid - label
            lr = lr0 * max(1e-3, 1 - step / steps)
            step += 1
            V -= lr * scatter(c, np.einsum("bk,bkd->bd", g, ut))
            U -= lr * scatter(
                target.ravel(), (g[:, :, None] * vc[:, None]).reshape(-1, dim)
            )
    return V


def with_cold_start(V):
    # A new listing gets the mean vector of the 3 closest existing listings in its
    # market with the same room type and price bucket (any room type and price if the
    # market has none).
    V = V.copy()
    for i in np.flatnonzero(new):
        like = ~new & (market == market[i]) & (room == room[i]) & (price == price[i])
        if not like.any():
            like = ~new & (market == market[i])
        near = np.flatnonzero(like)[
            np.argsort(((where[like] - where[i]) ** 2).sum(1))[:3]
        ]
        V[i] = V[near].mean(0)
    return V


def cosine_blocks(V):
    V = (V / np.linalg.norm(V, axis=1, keepdims=True)).reshape(M, N, -1)
    return np.einsum("mid,mjd->mij", V, V)


# Every method scores the listings of the query's market: blocks[m, i, j]
tie_break = rng.random(n).reshape(M, 1, N) * 1e-9
pop = clicks_per_listing.reshape(M, 1, N).astype(float)
# Co-click counts over the same pairs the embeddings train on
co = sp.csr_matrix((np.ones(len(centre)), (centre, context)), (n, n))
co_blocks = np.stack(
    [co[m * N : (m + 1) * N, m * N : (m + 1) * N].toarray() for m in range(M)]
)
xy = where.reshape(M, N, 1, 2) - where.reshape(M, 1, N, 2)
same_attrs = (room.reshape(M, N, 1) == room.reshape(M, 1, N)) & (
    price.reshape(M, N, 1) == price.reshape(M, 1, N)
)
methods = {
    "most popular in market": np.broadcast_to(pop, (M, N, N)),
    "same room and price, nearest": 100.0 * same_attrs - np.sqrt((xy**2).sum(-1)),
    "co-click counts": co_blocks + 1e-6 * pop,
    "SGNS, catalogue negatives": cosine_blocks(with_cold_start(sgns(False))),
    "SGNS, same-market negatives": cosine_blocks(with_cold_start(sgns(True))),
}


def queries(targets_of):
    # (session, position) of each query click with its target; candidates are the
    # market's listings free on the session's dates and not yet clicked in it
    s, p = np.nonzero((test_clicks >= 0) & (targets_of >= 0))
    q, t = test_clicks[s, p], targets_of[s, p]
    allowed = test_free[s].copy()
    before = (test_clicks[s] >= 0) & (np.arange(L) <= p[:, None])
    allowed[np.nonzero(before)[0], test_clicks[s][before] % N] = False
    return q, t, allowed


def hit_at_10(blocks, q, t, allowed):
    score = np.where(allowed, blocks[q // N, q % N], -np.inf)
    return (score > score[np.arange(len(q)), t % N][:, None]).sum(1) < 10


next_click = np.full_like(test_clicks, -1)
next_click[:, :-1] = test_clicks[:, 1:]
to_booking = np.where(test_clicks != test_booked[:, None], test_booked[:, None], -1)
clicks_q, booking_q = queries(next_click), queries(to_booking)
old = ~new[clicks_q[0]]
rare = old & (clicks_per_listing[clicks_q[0]] <= 3)
print("hit rate@10 of the next click from an existing listing, a rarely clicked one (3")
print("clicks or fewer), a new one; and of the booked listing from each earlier click")
print(f"{'method':<30}{'existing':>9}{'rare':>7}{'new':>7}{'booked':>8}")
for name, blocks in methods.items():
    hit = hit_at_10(blocks + tie_break, *clicks_q)
    hit_booked = hit_at_10(blocks + tie_break, *booking_q)
    cells = (hit[old].mean(), hit[rare].mean(), hit[~old].mean(), hit_booked.mean())
    print(f"{name:<30}{cells[0]:>9.3f}{cells[1]:>7.3f}{cells[2]:>7.3f}{cells[3]:>8.3f}")
# --8<-- [end:embeddings]
