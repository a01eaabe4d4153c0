import numpy as np

rng = np.random.default_rng(0)

# Assumptions, not measurements: the workload, the change rates and the price per call.
N_QUESTIONS, QUERIES_PER_DAY, ZIPF_S = 4_000, 100_000, 1.1
HOUR, DAY = 1.0, 24.0
PRICE_PER_LLM_CALL = 0.004
# No entry lives longer than a day: a new model or prompt version flushes the cache.
MAX_TTL = 1 * DAY
CLASSES = ["evergreen", "slow", "news"]
CLASS_SHARE = [0.50, 0.35, 0.15]
# Mean time between changes of the true answer, in hours: a year, a week, two hours.
MEAN_HOURS_BETWEEN_CHANGES = np.array([365 * DAY, 7 * DAY, 2 * HOUR])
# Share of changes that edit a page the cached answer cites (the rest arrive as new
# pages, which an invalidation keyed on cited pages cannot see).
SHARE_IN_CITED_PAGE = np.array([0.8, 0.6, 0.3])

popularity = np.arange(1, N_QUESTIONS + 1, dtype=float) ** -ZIPF_S
popularity /= popularity.sum()
question_class = rng.choice(3, size=N_QUESTIONS, p=CLASS_SHARE)
change_rate = 1.0 / MEAN_HOURS_BETWEEN_CHANGES[question_class]

# Two days of queries: day 1 warms the cache, day 2 is measured.
n_queries = rng.poisson(2 * QUERIES_PER_DAY)
query_time = rng.uniform(0, 2 * DAY, size=n_queries)
query_question = rng.choice(N_QUESTIONS, size=n_queries, p=popularity)
order = np.lexsort((query_time, query_question))
times_by_question = np.split(
    query_time[order],
    np.cumsum(np.bincount(query_question, minlength=N_QUESTIONS))[:-1],
)
changes, invalidations = [], []
for q in range(N_QUESTIONS):
    n_changes = rng.poisson(change_rate[q] * 2 * DAY)
    change_times = np.sort(rng.uniform(0, 2 * DAY, size=n_changes))
    cited = rng.random(n_changes) < SHARE_IN_CITED_PAGE[question_class[q]]
    changes.append(np.append(change_times, np.inf))
    invalidations.append(np.append(change_times[cited], np.inf))


def simulate(ttl_by_class, invalidate=False):
    """Day-2 queries, LLM calls and stale answers served, per class."""
    queries, calls, stale = np.zeros(3), np.zeros(3), np.zeros(3)
    for q, t in enumerate(times_by_question):
        c = question_class[q]
        ttl = ttl_by_class[c]
        first_day2 = np.searchsorted(t, DAY)
        queries[c] += len(t) - first_day2
        i = 0
        while i < len(t):
            # A miss: the LLM writes the answer, which is cached until it expires.
            fill = t[i]
            expiry = fill + ttl
            if invalidate:
                inv = invalidations[q]
                expiry = min(expiry, inv[np.searchsorted(inv, fill, side="right")])
            end = max(np.searchsorted(t, expiry), i + 1)
            calls[c] += i >= first_day2
            # A hit after the next change of the true answer serves a stale answer.
            next_change = changes[q][np.searchsorted(changes[q], fill, side="right")]
            stale_from = max(np.searchsorted(t, next_change), i + 1, first_day2)
            stale[c] += max(end - stale_from, 0)
            i = end
    return queries, calls, stale


def closed_form(ttl_by_class):
    """Poisson arrivals at rate r, changes at rate lam, entry kept for T after a miss:
    hit rate rT / (1 + rT); a hit's age is uniform on [0, T], so the share of hits
    that are stale is 1 - (1 - exp(-lam T)) / (lam T)."""
    ttl = np.array(ttl_by_class)[question_class]
    rate = QUERIES_PER_DAY / DAY * popularity
    hit = rate * ttl / (1 + rate * ttl)
    lam_t = change_rate * ttl
    kept = np.divide(
        1 - np.exp(-lam_t), lam_t, out=np.ones_like(lam_t), where=lam_t > 0
    )
    stale_given_hit = 1 - kept
    return popularity @ hit, popularity @ (hit * stale_given_hit)


# Per-class TTL from a staleness budget b among hits: lam T / 2 = b, so T = 2 b / lam.
BUDGET = 0.01
ttl_from_budget = np.minimum(2 * BUDGET * MEAN_HOURS_BETWEEN_CHANGES, MAX_TTL)
policies = [("no cache", [0.0] * 3, False)]
policies += [(f"global TTL {m} min", [m / 60] * 3, False) for m in (5, 60, 360, 1440)]
policies += [
    ("TTL by class (1% budget)", list(ttl_from_budget), False),
    ("  + invalidation", list(ttl_from_budget), True),
    ("  + invalidation, 4x TTL", list(np.minimum(4 * ttl_from_budget, MAX_TTL)), True),
]

print(f"{N_QUESTIONS:,} questions, Zipf s={ZIPF_S}, {QUERIES_PER_DAY:,} queries a day")
traffic = np.bincount(question_class, weights=popularity, minlength=3)
for c, name in enumerate(CLASSES):
    print(
        f"  {name:<9} traffic {traffic[c]:.3f}, answer changes every "
        f"{MEAN_HOURS_BETWEEN_CHANGES[c]:,.0f} h, "
        f"TTL by class {60 * ttl_from_budget[c]:,.1f} min"
    )
for q in range(3):
    print(
        f"  question #{q + 1}: {CLASSES[question_class[q]]}, traffic "
        f"{popularity[q]:.3f}, answer changed {len(changes[q]) - 1} times in 48 h "
        f"({change_rate[q] * 2 * DAY:.2f} expected)"
    )
print(f"assumed price ${PRICE_PER_LLM_CALL} per LLM answer; day 2 measured\n")
print(
    f"{'policy':<26}{'hit':>6}{'expected':>9}{'$ per 1M':>9}"
    f"{'stale':>7}{'expected':>9}{'news: hit':>10}{'stale':>7}"
)
for name, ttl, invalidate in policies:
    queries, calls, stale = simulate(ttl, invalidate)
    hit_rate = 1 - calls.sum() / queries.sum()
    cost = PRICE_PER_LLM_CALL * 1e6 * calls.sum() / queries.sum()
    hit_cf, stale_cf = closed_form(ttl)
    # The closed form has no invalidation term.
    hit_cf, stale_cf = (
        ("-", "-") if invalidate else (f"{hit_cf:.3f}", f"{stale_cf:.3f}")
    )
    stale_share = stale.sum() / queries.sum()
    news_hit, news_stale = 1 - calls[2] / queries[2], stale[2] / queries[2]
    print(
        f"{name:<26}{hit_rate:>6.3f}{hit_cf:>9}{cost:>9,.0f}"
        f"{stale_share:>7.3f}{stale_cf:>9}{news_hit:>10.3f}{news_stale:>7.3f}"
    )
print("$ per 1M: LLM cost per million queries; expected: closed form (no invalidation)")
