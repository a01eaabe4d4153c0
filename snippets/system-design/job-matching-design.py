# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 30M job seekers active daily, 3 recommendation requests
# each (jobs home, alert e-mail, "similar jobs"), peak 3x the mean; 20M open postings
# with 256-d fp16 embeddings; 1.5M new postings a day; 500 candidates ranked per
# request; 0.2 applications per active seeker per day.
seekers, per_seeker, peak = 30e6, 3, 3
open_jobs, dim, new_per_day, candidates = 20e6, 256, 1.5e6, 500
peak_qps = seekers * per_seeker / 86_400 * peak
rows = [
    ("peak requests/s", si(peak_qps)),
    ("candidates scored/s at peak", si(peak_qps * candidates)),
    ("job index, fp16 vectors (bytes)", si(open_jobs * dim * 2)),
    ("new postings to embed and index per second", si(new_per_day / 86_400)),
    ("mean posting lifetime (days)", si(open_jobs / new_per_day)),
    ("applications per open job per day, mean", si(seekers * 0.2 / open_jobs)),
]
for name, value in rows:
    print(f"{name:<44}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:market]
import numpy as np

rng = np.random.default_rng(0)
# A synthetic market with a known ground truth: 3,000 seekers and 500 open jobs in 4
# cities. fit = how well a seeker's skills match what the job needs (latent vectors);
# appeal = brand and pay, which attract applicants whatever their fit; gap = job level
# minus seeker level (0-3 each).
n_seekers, n_jobs, dim, shown, slots = 3_000, 500, 8, 10, 4
fit = rng.normal(size=(n_seekers, dim)) @ rng.normal(size=(dim, n_jobs)) / np.sqrt(dim)
appeal = rng.normal(size=n_jobs)
gap = rng.integers(0, 4, n_jobs)[None, :] - rng.integers(0, 4, n_seekers)[:, None]
# Candidate generation: a hard location filter
same_city = (
    rng.integers(0, 4, n_seekers)[:, None] == rng.integers(0, 4, n_jobs)[None, :]
)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# Seekers favour appealing jobs and aim above their level; recruiters want fit and turn
# down under-qualified applicants. The true probabilities stand in for two calibrated
# models. Each job has 4 interview slots: a recruiter reads applications in random order
# and stops replying once its slots are full.
p_apply = sigmoid(-2.0 + 1.2 * fit + 0.8 * appeal + 0.4 * gap)
p_reply = sigmoid(-1.0 + 1.5 * fit - 1.5 * np.maximum(gap, 0))
examine = 1 / np.log2(np.arange(2, shown + 2))


def p_slot_free(mu):
    # P(Poisson(mu) < slots): chance that a job expecting mu positive replies among the
    # applications it already holds still has a free slot
    terms = [mu**i / np.prod(np.arange(1, i + 1)) for i in range(slots)]
    return np.exp(-mu) * np.sum(terms, axis=0)


def run(policy, seed, batches=30):
    rng_run = np.random.default_rng(seed)
    applied = np.zeros((n_seekers, n_jobs), bool)
    expected_positives = np.zeros(n_jobs)
    # Seekers arrive in batches through the day; the re-ranker sees the applications
    # already sent, not the recruiters' replies (those come days later)
    for rows in np.array_split(rng_run.permutation(n_seekers), batches):
        score = p_apply[rows] if policy == "p(apply)" else p_apply[rows] * p_reply[rows]
        if policy == "congestion-aware":
            score = score * p_slot_free(expected_positives)
        top = np.argsort(-np.where(same_city[rows], score, -1.0), axis=1)[:, :shown]
        hit = rng_run.random(top.shape) < examine * np.take_along_axis(
            p_apply[rows], top, axis=1
        )
        applied[np.repeat(rows, shown).reshape(top.shape)[hit], top[hit]] = True
        reply = np.take_along_axis(p_reply[rows], top, axis=1)
        expected_positives += np.bincount(top[hit], reply[hit], minlength=n_jobs)
    positive = applied & (rng_run.random(applied.shape) < p_reply)
    reading_order = np.where(positive, rng_run.random(applied.shape), 2.0)
    match = positive & (reading_order.argsort(0).argsort(0) < slots)
    return applied, positive, match


def gini(x):
    x = np.sort(x)
    n = x.size
    return (2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum())


print(f"slots per seeker (most matches possible): {n_jobs * slots / n_seekers:.3f}")
print(
    f"{'ranking':<20}{'applies':>8}{'qualified':>10}{'matches':>8}{'seekers':>8}"
    f"{'jobs':>6}{'Gini':>6}{'top 10%':>8}"
)
for policy in ("p(apply)", "p(apply) x p(reply)", "congestion-aware"):
    runs = [run(policy, seed) for seed in range(3)]
    load = [applied.sum(0) for applied, _, _ in runs]
    cells = [
        np.mean([a.sum() for a, _, _ in runs]) / n_seekers,
        np.mean([p.sum() for _, p, _ in runs]) / n_seekers,
        np.mean([m.sum() for _, _, m in runs]) / n_seekers,
        np.mean([m.any(1).mean() for _, _, m in runs]),
        np.mean([m.any(0).mean() for _, _, m in runs]),
        np.mean([gini(x) for x in load]),
        np.mean([np.sort(x)[-n_jobs // 10 :].sum() / x.sum() for x in load]),
    ]
    widths = (8, 10, 8, 8, 6, 6, 8)
    print(f"{policy:<20}" + "".join(f"{c:{w}.3f}" for c, w in zip(cells, widths)))
# --8<-- [end:market]
