import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

rng = np.random.default_rng(0)
N_ITEMS, N_PILOT, K = 1000, 100, 4
PRIOR = np.array([0.35, 0.30, 0.20, 0.15])
# Assumed throughput and pay: 30 s per label, $15 per annotator-hour
LABELS_PER_HOUR, WAGE = 120, 15.0
PRICE = WAGE / LABELS_PER_HOUR


def uniform_errors(acc):
    # right with probability acc, otherwise a uniformly random wrong class
    return np.full((K, K), (1 - acc) / (K - 1)) + np.eye(K) * (
        acc - (1 - acc) / (K - 1)
    )


# 20 annotators, each a confusion matrix P(label | true class), rows = true class
types, confusion = [], []
for acc in rng.uniform(0.80, 0.95, 10):
    types.append("good")
    confusion.append(uniform_errors(acc))
for _ in range(6):
    # reliable except on class 2, which they label 3 six times in ten
    # (an ambiguous guideline); their "3" is therefore often a 2
    c = uniform_errors(0.90)
    c[2] = [0.02, 0.03, 0.35, 0.60]
    types.append("class-confused")
    confusion.append(c)
for _ in range(4):
    types.append("spammer")
    confusion.append(np.full((K, K), 1 / K))
types, confusion = np.array(types), np.array(confusion)
N_ANN = len(types)
TYPE_NAMES = ["good", "class-confused", "spammer"]


def annotate(y, annotators):
    # label of every listed annotator on every item: shape (items, annotators)
    u = rng.random((len(y), len(annotators)))
    cdf = np.cumsum(confusion[annotators][:, y], axis=2).transpose(1, 0, 2)
    return (u[..., None] > cdf).sum(axis=2).clip(max=K - 1)


def cohen_by_hand(a, b):
    p_o = np.mean(a == b)
    p_e = np.sum(np.bincount(a, minlength=K) * np.bincount(b, minlength=K))
    p_e /= len(a) ** 2
    return (p_o - p_e) / (1 - p_e)


def fleiss_by_hand(labels):
    counts = np.stack([(labels == c).sum(1) for c in range(K)], axis=1)
    n = labels.shape[1]
    p_item = ((counts**2).sum(1) - n) / (n * (n - 1))
    p_class = counts.sum(0) / counts.sum()
    return (p_item.mean() - (p_class**2).sum()) / (1 - (p_class**2).sum()), counts


# 1) Pilot: every annotator labels the same 100 items; agreement before scaling up
y_pilot = rng.choice(K, N_PILOT, p=PRIOR)
pilot = annotate(y_pilot, np.arange(N_ANN))
good, conf, spam = (np.flatnonzero(types == t) for t in TYPE_NAMES)
print(f"pilot: {N_ANN} annotators x {N_PILOT} items, {K} classes")
a, b = pilot[:, good[0]], pilot[:, good[1]]
print(
    f"  Cohen's kappa, two good annotators: {cohen_by_hand(a, b):.3f} "
    f"(raw agreement {np.mean(a == b):.3f}; sklearn agrees: "
    f"{np.isclose(cohen_by_hand(a, b), cohen_kappa_score(a, b))})"
)
pair_means = []
for other in (good, conf, spam):
    kappas = [
        cohen_by_hand(pilot[:, i], pilot[:, j]) for i in good for j in other if i < j
    ]
    pair_means.append(np.mean(kappas))
print(
    "  mean Cohen's kappa of a good annotator with another good one "
    f"{pair_means[0]:.3f},\n  with a class-confused one {pair_means[1]:.3f}, "
    f"with a spammer {pair_means[2]:.3f}"
)
kappa_all, counts = fleiss_by_hand(pilot)
kappa_kept, _ = fleiss_by_hand(pilot[:, types != "spammer"])
print(
    f"  Fleiss' kappa, all 20: {kappa_all:.3f} (statsmodels agrees: "
    f"{np.isclose(kappa_all, fleiss_kappa(counts))}); without spammers: "
    f"{kappa_kept:.3f}"
)

# 2) Gold questions: 20 items with expert labels (5 per class) answered by everyone
y_gold = np.repeat(np.arange(K), 5)
gold_acc = (annotate(y_gold, np.arange(N_ANN)) == y_gold[:, None]).mean(0)
flagged = gold_acc < 0.5
print("\ngold questions: 20 per annotator, flag if accuracy < 0.5")
print("  type            n  gold accuracy  flagged")
for t in TYPE_NAMES:
    g = gold_acc[types == t]
    print(
        f"  {t:<15} {len(g):>2}  {g.min():.2f} to {g.max():.2f}  "
        f"{flagged[types == t].sum():>7}"
    )


# 3) Production: 1,000 items, k labels each from k distinct annotators of a pool
def majority_vote(labels):
    votes = np.stack([(labels == c).sum(1) for c in range(K)], axis=1)
    # ties broken at random
    top = votes == votes.max(1, keepdims=True)
    return np.argmax(top * rng.random(top.shape), axis=1)


def dawid_skene(labels, who, n_iter=200, smooth=0.01):
    # EM for the Dawid-Skene model: latent true class per item, one K x K
    # confusion matrix per annotator. labels, who: (items, k) label and annotator
    n, k = labels.shape
    post = np.stack([(labels == c).sum(1) for c in range(K)], axis=1) / k
    for _ in range(n_iter):
        # M-step: class prior and each annotator's confusion matrix
        prior = post.mean(0)
        conf_hat = np.full((N_ANN, K, K), smooth)
        for j in range(k):
            np.add.at(conf_hat, (who[:, j], slice(None), labels[:, j]), post)
        conf_hat /= conf_hat.sum(2, keepdims=True)
        # E-step: posterior of each item's class given its labels
        log_post = np.log(prior) + sum(
            np.log(conf_hat[who[:, j], :, labels[:, j]]) for j in range(k)
        )
        new = np.exp(log_post - log_post.max(1, keepdims=True))
        new /= new.sum(1, keepdims=True)
        done = np.abs(new - post).max() < 1e-6
        post = new
        if done:
            break
    return post.argmax(1), conf_hat


y = rng.choice(K, N_ITEMS, p=PRIOR)
everyone = annotate(y, np.arange(N_ANN))
POOL2 = "gold screen passed"
pools = {
    "all 20 annotators": np.arange(N_ANN),
    POOL2: np.flatnonzero(~flagged),
}
results, by_class = {}, {}
print("\naccuracy of the final label against the hidden truth, 1,000 items")
print(f"{'':<20}{'single':>7}{'majority vote':>15}{'Dawid-Skene':>15}")
print(f"{'':<20}{'k = 1':>7}{'k = 3':>8}{'k = 5':>7}{'k = 3':>8}{'k = 5':>7}")
for pool_name, pool in pools.items():
    # each item gets a random order of the pool; the first k label it
    order = np.argsort(rng.random((N_ITEMS, len(pool))), axis=1)
    single = np.take_along_axis(everyone, pool[order[:, :1]], axis=1)[:, 0]
    results[pool_name, 1] = (np.mean(single == y), None)
    mv, ds = [], []
    for k in (3, 5):
        who = pool[order[:, :k]]
        labels = np.take_along_axis(everyone, who, axis=1)
        ds_labels, conf_hat = dawid_skene(labels, who)
        mv_labels = majority_vote(labels)
        mv.append(np.mean(mv_labels == y))
        ds.append(np.mean(ds_labels == y))
        by_class[pool_name, k] = [
            [np.mean(final[y == c] == c) for c in range(K)]
            for final in (mv_labels, ds_labels)
        ]
        results[pool_name, k] = (ds[-1], conf_hat)
    print(
        f"{pool_name:<20}{results[pool_name, 1][0]:>7.3f}{mv[0]:>8.3f}{mv[1]:>7.3f}"
        f"{ds[0]:>8.3f}{ds[1]:>7.3f}"
    )

print("accuracy by true class, gold screen passed, k = 3")
print(f"{'  true class':<20}" + "".join(f"{c:>7}" for c in range(K)))
for name, accs in zip(["majority vote", "Dawid-Skene"], by_class[POOL2, 3]):
    print(f"  {name:<18}" + "".join(f"{a:>7.3f}" for a in accs))

# What Dawid-Skene learnt about the annotators, without any gold labels (k = 3)
_, conf_hat = results["all 20 annotators", 3]
true_acc = np.einsum("k,akk->a", PRIOR, confusion)
est_acc = np.einsum("k,akk->a", PRIOR, conf_hat)
print("\nDawid-Skene's estimate of each annotator, all 20, k = 3 (no gold used)")
print("  type            accuracy: true  estimated")
for t in TYPE_NAMES:
    m = types == t
    print(f"  {t:<15} {true_acc[m].mean():>15.3f} {est_acc[m].mean():>10.3f}")
print(
    f"  class-confused, P(label 3 | true 2): true 0.600, estimated "
    f"{conf_hat[conf, 2, 3].mean():.3f}"
)

# 4) Cost: every label is paid, the 400 gold answers of the screen included
print(
    f"\ncost at ${PRICE:.3f} per label ({LABELS_PER_HOUR} labels/hour, ${WAGE:.0f}/h);"
)
print("final label = single (k = 1) or Dawid-Skene")
print("  pool                k  labels  hours    cost  accuracy  wrong  $/correct")
for pool_name in pools:
    for k in (1, 3, 5):
        n_labels = N_ITEMS * k + (pool_name != "all 20 annotators") * N_ANN * 20
        acc, _ = results[pool_name, k]
        cost = n_labels * PRICE
        print(
            f"  {pool_name:<18}{k:>2}{n_labels:>8}{n_labels / LABELS_PER_HOUR:>7.1f}"
            f"{cost:>8.2f}{acc:>10.3f}{round((1 - acc) * N_ITEMS):>7}"
            f"{cost / (acc * N_ITEMS):>11.3f}"
        )
