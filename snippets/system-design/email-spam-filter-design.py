# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any provider's figures: 20G messages a day reach the
# SMTP edge and half are refused at connection time (IP and domain reputation, rate
# limits, authentication); peak 2x the mean. Half of the accepted messages repeat a
# body already scored in the last hour (bulk mail to many recipients), so the text
# encoder (20M parameters, 512 tokens, 2 FLOPs per parameter per token) runs on the
# other half. A GBDT with reputation lookups costs 20 microseconds of CPU a message.
# A 3B-parameter LLM reads 1,000 tokens of the 0.05% of mail the models are least sure
# of, offline. 20M new URLs a day are opened in a sandboxed browser for 5 s each.
# Accelerators sustain 100 TFLOP/s. 500 raters judge 600 consented messages a day.
edge, accepted_share, peak, repeat_share = 20e9, 0.5, 2, 0.5
encoder_flops = 2 * 20e6 * 512
gbdt_s, llm_share, llm_flops = 20e-6, 0.0005, 2 * 3e9 * 1_000
new_urls, detonate_s, chip, rated = 20e6, 5, 100e12, 500 * 600
accepted = edge * accepted_share
peak_rate = accepted / 86_400 * peak
encoder_peak = peak_rate * (1 - repeat_share) * encoder_flops
llm_mean = accepted * llm_share * llm_flops / 86_400
# Ham to rate for a false-positive rate near 0.1% known to +/- 0.02% (95%).
fpr, half_width = 0.001, 0.0002
ham_to_rate = 1.96**2 * fpr * (1 - fpr) / half_width**2
rows = [
    ("messages accepted/day", si(accepted)),
    ("peak messages/s scored", si(peak_rate)),
    ("encoder FLOP/s at peak", si(encoder_peak)),
    ("accelerators for the encoder", f"{encoder_peak / chip:.0f}"),
    ("CPU cores for the GBDT at peak", f"{peak_rate * gbdt_s:.1f}"),
    ("accelerators for the offline LLM", f"{llm_mean / chip:.1f}"),
    ("sandboxed browsers busy", f"{new_urls * detonate_s / 86_400:,.0f}"),
    ("share of accepted mail rated", f"{rated / accepted:.0e}"),
    ("ham to rate per FPR estimate", f"{ham_to_rate:,.0f}"),
]
for name, value in rows:
    print(f"{name:<34}{value:>10}")
# Latency budget per message, in milliseconds, between the end of DATA and the reply.
budget = [
    ("SPF, DKIM, DMARC (cached DNS)", 4),
    ("parse, features, reputation lookups", 6),
    ("text encoder (batched) + queueing", 15),
    ("GBDT + per-user adjustment", 2),
    ("margin for the tail", 8),
]
for name, ms in budget:
    print(f"  {name:<36}{ms:>6}")
print(f"  {'total, ms':<36}{sum(ms for _, ms in budget):>6}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import cross_val_predict
from sklearn.naive_bayes import MultinomialNB

rng = np.random.default_rng(0)

# Word pools: conversational, promotional, spammy, and obfuscated spellings of the
# spammy words ("v1agra") that nobody writes until the spammers adapt.
CONV, PROMO, SPAMMY = np.arange(0, 1200), np.arange(1200, 2200), np.arange(2200, 2800)
VOCAB = 3400


def topics(count, mix):
    # A topic spends a share of its words in each pool, on a few words of that pool.
    out = np.zeros((count, VOCAB))
    for pool, share in zip((CONV, PROMO, SPAMMY), mix):
        out[:, pool] = share * rng.dirichlet(np.full(pool.size, 0.05), count)
    return out


# Mail that passed the connection-time checks. Per type: share of traffic, spam or
# not, content topics, sender age (median days, spread in decades), past spam reports
# per 1,000 messages (known after 30 days of history), share of invalid recipients
# in the send (Beta a, b), and log volume burst (this hour against the usual hour).
person_words = topics(40, (0.85, 0.12, 0.03))
spam_words = topics(20, (0.3, 0.45, 0.25))
newsletter_words = topics(40, (0.25, 0.65, 0.1))
new_sender_words = topics(20, (0.55, 0.4, 0.05))
ham_like_words = topics(5, (0.75, 0.15, 0.1))
TYPES = {
    "person": (0.40, 0, person_words, (600, 0.5), 0.3, (1, 100), 0),
    "newsletter": (0.25, 0, newsletter_words, (1000, 0.4), 2, (2, 60), 1.5),
    "new sender": (0.05, 0, new_sender_words, (8, 0.5), 0, (2, 60), 1),
    "spam": (0.22, 1, spam_words, (15, 0.7), 10, (2, 30), 1.5),
    "ham-like spam": (0.04, 1, ham_like_words, (15, 0.7), 10, (2, 30), 1.5),
    "compromised": (0.04, 1, spam_words, (600, 0.5), 0.3, (2, 40), 2),
}
NAMES, SHARES = list(TYPES), [t[0] for t in TYPES.values()]
GOOD_WORDS = person_words.mean(axis=0)


def words(n_messages, length, p):
    rows = np.repeat(np.arange(n_messages), length)
    return rows, np.searchsorted(np.cumsum(p), rng.random(rows.size) * p.sum())


def mail(n, week=0):
    # Week by week the spammers obfuscate 20% more of their spammy words, append 4
    # more ham words to each message ("good word" attack), and throttle their sending
    # a little; their lists' invalid addresses and young domains cost more to change.
    kind = rng.choice(len(NAMES), n, p=SHARES)
    length = rng.poisson(20, n) + 5
    rows, cols, features = [], [], np.zeros((n, 4))
    for k, (_, spam, mix, (age, spread), reports, (a, b), burst) in enumerate(
        TYPES.values()
    ):
        idx = np.flatnonzero(kind == k)
        topic = rng.integers(len(mix), size=idx.size)
        for t in np.unique(topic):
            msgs = idx[topic == t]
            r, c = words(msgs.size, length[msgs], mix[t])
            if spam:
                hit = (c >= SPAMMY[0]) & (rng.random(c.size) < 0.2 * week)
                c[hit] += SPAMMY.size
                r2, c2 = words(msgs.size, np.full(msgs.size, 4 * week), GOOD_WORDS)
                r, c = np.concatenate([r, r2]), np.concatenate([c, c2])
            rows.append(msgs[r])
            cols.append(c)
        days = 10 ** rng.normal(np.log10(age), spread, idx.size)
        rate = rng.gamma(2, reports / 2 + 1e-9, idx.size)
        features[idx] = np.column_stack(
            [
                np.log10(days),
                np.where(days >= 30, rate, np.nan),
                rng.beta(a, b, idx.size),
                rng.normal(burst - (0.2 * week if spam else 0), 1, idx.size),
            ]
        )
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    X = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, VOCAB))
    y = np.array([TYPES[name][1] for name in NAMES])[kind]
    return X, features, y, kind


def report_labels(y, kind):
    # What user reports give: people report newsletters instead of unsubscribing;
    # spam the old filter missed and nobody reported counts as ham; spammers' own
    # accounts mark the ham-like campaign "not spam".
    flip = np.array([0.002, 0.05, 0.01, 0.10, 0.50, 0.10])[kind]
    return np.where(rng.random(y.size) < flip, 1 - y, y)


class Filter:
    # Naive Bayes on word counts ("content"), a GBDT on the sender features alone
    # ("sender"), or a GBDT on both, with the naive Bayes log-odds as one input.
    def __init__(self, X, features, labels, inputs="both"):
        self.inputs = inputs
        self.nb = MultinomialNB().fit(X, labels)
        if inputs == "content":
            return
        stacked = features
        if inputs == "both":
            logp = cross_val_predict(
                MultinomialNB(), X, labels, cv=5, method="predict_log_proba"
            )
            stacked = np.column_stack([logp[:, 1] - logp[:, 0], features])
        self.gbdt = HistGradientBoostingClassifier(
            max_iter=60, max_leaf_nodes=15, random_state=0
        ).fit(stacked, labels)

    def score(self, X, features):
        logp = self.nb.predict_log_proba(X)
        content = logp[:, 1] - logp[:, 0]
        if self.inputs == "content":
            return content
        if self.inputs == "both":
            features = np.column_stack([content, features])
        return self.gbdt.decision_function(features)

    def set_threshold(self, X, features, labels, fpr=0.001):
        # The score above which a share `fpr` of the validation ham falls.
        self.threshold = np.quantile(self.score(X, features)[labels == 0], 1 - fpr)
        return self


train, valid, test = mail(60_000), mail(30_000), mail(60_000)
X, F, y, kind = test
print(f"test mail: {y.size:,}, spam share {y.mean():.3f}")
print("(1) threshold               score cut   ham FPR  spam recall")
models = {
    "NB content": Filter(*train[:3], inputs="content"),
    "sender only": Filter(*train[:3], inputs="sender"),
    "NB + sender": Filter(*train[:3]),
}
for name, model in models.items():
    model.set_threshold(*valid[:3])
    score = model.score(X, F)
    for cut, label in ((0.0, "p > 0.5"), (model.threshold, "FPR 0.1%")):
        flagged = score > cut
        print(
            f"{name + ', ' + label:<27}{cut:>10.2f}{flagged[y == 0].mean():>10.4f}"
            f"{flagged[y == 1].mean():>13.3f}"
        )
print(f"{'at FPR 0.1%':<18}{'ham FPR by sender type':>33}{'spam recall by type':>36}")
heads = ("person", "newsletter", "new sender", "spam", "ham-like", "compromised")
print(
    " " * 18
    + "".join(f"{h:>11}" for h in heads[:3])
    + "".join(f"{h:>12}" for h in heads[3:])
)
for name, model in models.items():
    flagged = model.score(X, F) > model.threshold
    values = [flagged[kind == k].mean() for k in range(len(NAMES))]
    print(
        f"{name:<18}"
        + "".join(f"{v:>11.4f}" for v in values[:3])
        + "".join(f"{v:>12.3f}" for v in values[3:])
    )

print("(2) labels        label errors   ham FPR  spam recall  ham-like  newsletter FPR")
Xt, Ft, yt, kt = train
noisy = report_labels(yt, kt)
rated = rng.choice(yt.size, 12_000, replace=False)
runs = [
    ("rated 12,000", Filter(Xt[rated], Ft[rated], yt[rated]), valid[2]),
    ("reports 60,000", Filter(Xt, Ft, noisy), valid[2]),
    ("reports, cut too", Filter(Xt, Ft, noisy), report_labels(*valid[2:])),
]
for name, model, valid_labels in runs:
    model.set_threshold(*valid[:2], valid_labels)
    flagged = model.score(X, F) > model.threshold
    errors = 0.0 if name.startswith("rated") else (noisy != yt).mean()
    print(
        f"{name:<18}{errors:>12.3f}{flagged[y == 0].mean():>10.4f}"
        f"{flagged[y == 1].mean():>13.3f}{flagged[kind == 4].mean():>10.3f}"
        f"{flagged[kind == 1].mean():>16.4f}"
    )

print("(3) spam recall as spammers adapt; cuts for FPR 0.1% set when trained")
print("week  obfuscated  good words  NB content  sender only  NB + sender  retrained")
weekly = models["NB + sender"]
fprs = []
for week in range(5):
    if week >= 2:
        # Retrain on last week's labelled traffic; set the cut on last week's sample.
        weekly = Filter(*mail(60_000, week - 1)[:3])
        weekly.set_threshold(*mail(30_000, week - 1)[:3])
    X, F, y, kind = mail(60_000, week)
    recalls = []
    for model in (*models.values(), weekly):
        flagged = model.score(X, F) > model.threshold
        recalls.append(flagged[y == 1].mean())
        fprs.append(flagged[y == 0].mean())
    print(
        f"{week:>4}{0.2 * week:>12.1f}{4 * week:>12}"
        + "".join(f"{r:>12.3f}" for r in recalls[:3])
        + f"{recalls[3]:>11.3f}"
    )
print(f"ham FPR over all weeks and models: {min(fprs):.4f} to {max(fprs):.4f}")
# --8<-- [end:simulation]
