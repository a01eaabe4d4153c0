import numpy as np
from scipy import stats
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, RepeatedKFold, ShuffleSplit
from sklearn.naive_bayes import GaussianNB
from statsmodels.stats.contingency_tables import mcnemar

rng = np.random.default_rng(0)

# Part 1. Two fixed models, many test sets: does a test detect a gain on the test set?
# Each example has a difficulty shared by both models plus each model's own noise, so
# their correctness is correlated. Model m is right when theta_m minus that (standard
# normal) total is positive, so its true accuracy is Phi(theta_m).
REPS, N_BOOT, N_PERM = 1000, 1000, 1000
ACC_A, SHARED = 0.80, 0.85  # SHARED: share of the latent variance common to both
theta_a = stats.norm.ppf(ACC_A)


def exact_mcnemar_p(b, c):
    """Two-sided exact McNemar: min(b, c) against Binomial(b + c, 1/2)."""
    return np.minimum(1.0, 2 * stats.binom.cdf(np.minimum(b, c), b + c, 0.5))


def rejection_rates(n, gain):
    """Share of REPS test sets of size n on which each test rejects at 5%."""
    theta_b = stats.norm.ppf(ACC_A + gain)
    difficulty = rng.normal(size=(REPS, n))
    own_a, own_b = rng.normal(size=(2, REPS, n))
    right_a = theta_a - np.sqrt(SHARED) * difficulty + np.sqrt(1 - SHARED) * own_a > 0
    right_b = theta_b - np.sqrt(SHARED) * difficulty + np.sqrt(1 - SHARED) * own_b > 0
    b = (right_a & ~right_b).sum(1)  # only A right
    c = (right_b & ~right_a).sum(1)  # only B right
    diff = (c - b) / n  # accuracy of B minus accuracy of A
    # Unpaired two-proportion z-test: treats the two accuracies as independent samples.
    pooled = (right_a.mean(1) + right_b.mean(1)) / 2
    z = diff / np.sqrt(2 * pooled * (1 - pooled) / n)
    unpaired = np.abs(z) > stats.norm.ppf(0.975)
    exact = exact_mcnemar_p(b, c) <= 0.05
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2_cc = (np.abs(b - c) - 1) ** 2 / (b + c)
    corrected = stats.chi2.sf(chi2_cc, df=1) <= 0.05
    # Paired bootstrap: resampling n examples and recomputing both accuracies depends
    # only on how many drawn examples are "only B right" and "only A right".
    only_b = rng.binomial(n, c[:, None] / n, size=(REPS, N_BOOT))
    only_a = rng.binomial(n - only_b, (b / (n - c))[:, None])
    lo, hi = np.quantile((only_b - only_a) / n, [0.025, 0.975], axis=1)
    boot = (lo > 0) | (hi < 0)
    # Permutation: swap the two models' predictions on each example with probability
    # 1/2; only the b + c discordant examples change the difference (their sign flips).
    discordant = (b + c)[:, None]
    heads = rng.binomial(discordant, 0.5, size=(REPS, N_PERM))
    as_extreme = np.abs(2 * heads - discordant) >= np.abs(c - b)[:, None]
    perm_p = (1 + as_extreme.sum(1)) / (N_PERM + 1)
    rates = [r.mean() for r in (unpaired, exact, corrected, boot, perm_p <= 0.05)]
    # Null diagnostics: discordance, correlation of correctness, SEs, CI width.
    p_a, p_b = right_a.mean(1), right_b.mean(1)
    p_both = (right_a & right_b).mean(1)
    phi = (p_both - p_a * p_b) / np.sqrt(p_a * (1 - p_a) * p_b * (1 - p_b))
    se_paired = np.sqrt(((b + c) / n - diff**2) / n)
    se_unpaired = np.sqrt((p_a * (1 - p_a) + p_b * (1 - p_b)) / n)
    null_stats = {
        "discordant": ((b + c) / n).mean(),
        "phi": phi.mean(),
        "se_ratio": (se_unpaired / se_paired).mean(),
        "half_width": ((hi - lo) / 2).mean(),
    }
    return rates, null_stats


print(f"Part 1: A's true accuracy {ACC_A:.2f}, {REPS} test sets per row, 5% level")
print("    n  gain  unpaired z  McNemar exact  McNemar cc  bootstrap  permutation")
null = {}
for n in (1000, 10_000):
    for gain in (0.0, 0.01, 0.02):
        rates, null_stats = rejection_rates(n, gain)
        if gain == 0.0:
            null[n] = null_stats
        cells = "".join(f"{r:>{w}.3f}" for r, w in zip(rates, (12, 15, 12, 11, 13)))
        print(f"{n:>5} {gain:5.2f}{cells}")
at_1k, at_10k = null[1000], null[10_000]
print(
    f"null, n=1000: exactly one model right on {at_1k['discordant']:.3f} of examples, "
    f"correctness correlation {at_1k['phi']:.2f}"
)
print(
    f"unpaired SE / paired SE {at_1k['se_ratio']:.2f}; bootstrap 95% CI "
    f"+/- {at_1k['half_width']:.4f} at n=1000, +/- {at_10k['half_width']:.4f} at 10000"
)
table = np.array([[700, 37], [52, 211]])
p_statsmodels = mcnemar(table, exact=True).pvalue
print(
    "exact McNemar matches statsmodels:",
    bool(np.isclose(exact_mcnemar_p(37, 52), p_statsmodels)),
)

# Part 2. The same algorithm (Gaussian naive Bayes) on two feature blocks that are
# equally informative in the population: the null "equal expected accuracy" holds
# exactly. Each dataset is re-split many times; does a test reject too often?
N_DATA, N_DATASETS, BLOCK = 300, 1000, 4
signal = np.array([0.6, 0.45, 0.3, 0.15])


def draw_dataset():
    y = rng.integers(0, 2, N_DATA)
    x = rng.normal(size=(N_DATA, 2 * BLOCK)) + np.tile(signal, 2) * (2 * y - 1)[:, None]
    return x, y


def gnb_predict(x, y, train):
    """Gaussian naive Bayes as in sklearn, fitted on every row of `train` at once."""
    n_train = train.sum(1, keepdims=True)
    spread = train @ x**2 / n_train - (train @ x / n_train) ** 2
    epsilon = 1e-9 * spread.max(1, keepdims=True)  # sklearn's var_smoothing
    log_joint = []
    for cls in (0, 1):
        in_class = train * (y == cls)  # one row of 0/1 weights per split
        count = in_class.sum(1, keepdims=True)
        mean = in_class @ x / count
        var = in_class @ x**2 / count - mean**2 + epsilon
        log_lik = -0.5 * (
            np.log(2 * np.pi * var).sum(1)[:, None]
            + ((x[None] - mean[:, None]) ** 2 / var[:, None]).sum(2)
        )
        log_joint.append(np.log(count / n_train) + log_lik)
    return (log_joint[1] > log_joint[0]).astype(int)


def masks(splitter):
    idx = np.arange(N_DATA)
    return np.array([np.isin(idx, tr) for tr, _ in splitter.split(idx)], dtype=float)


# Split indices do not depend on the data, so every dataset reuses the same ones.
resampled = masks(ShuffleSplit(n_splits=30, test_size=1 / 3, random_state=0))
tenfold = masks(KFold(n_splits=10, shuffle=True, random_state=0))
five_by_two = masks(RepeatedKFold(n_splits=2, n_repeats=5, random_state=0))
all_train = np.vstack([resampled, tenfold, five_by_two])

x, y = draw_dataset()
ours = gnb_predict(x[:, :BLOCK], y, all_train[:1])[0]
train_rows = all_train[0] == 1
theirs = GaussianNB().fit(x[train_rows, :BLOCK], y[train_rows]).predict(x[:, :BLOCK])
print("\nPart 2: NumPy Gaussian NB matches sklearn GaussianNB:", (ours == theirs).all())


def t_reject(t, df):
    return abs(t) > stats.t.ppf(0.975, df)


test = 1 - all_train
held = test[0] == 1
rejections, correlations = np.zeros(6), []
for _ in range(N_DATASETS):
    x, y = draw_dataset()
    right_a, right_b = (
        gnb_predict(x[:, cols], y, all_train) == y
        for cols in (slice(0, BLOCK), slice(BLOCK, None))
    )
    d = ((1.0 * right_b - right_a) * test).sum(1) / test.sum(1)
    d_res, d_10, d_52 = d[:30], d[30:40], d[40:].reshape(5, 2)
    naive_t = d_res.mean() / (d_res.std(ddof=1) / np.sqrt(30))
    # Nadeau and Bengio: variance times (1/J + n_test/n_train) instead of 1/J.
    nb_t = d_res.mean() / np.sqrt((1 / 30 + 0.5) * d_res.var(ddof=1))
    cv_t = d_10.mean() / (d_10.std(ddof=1) / np.sqrt(10))
    s2 = ((d_52 - d_52.mean(1, keepdims=True)) ** 2).sum(1)
    t_52 = d_52[0, 0] / np.sqrt(s2.mean())
    # McNemar on the first random split's test third: the single-split habit.
    b = (right_a[0] & ~right_b[0])[held].sum()
    c = (right_b[0] & ~right_a[0])[held].sum()
    correlations.append(np.corrcoef(right_a[0][held], right_b[0][held])[0, 1])
    pooled = (right_a[0][held].mean() + right_b[0][held].mean()) / 2
    z = (c - b) / held.sum() / np.sqrt(2 * pooled * (1 - pooled) / held.sum())
    rejections += [
        t_reject(naive_t, 29),
        t_reject(nb_t, 29),
        t_reject(cv_t, 9),
        t_reject(t_52, 5),
        exact_mcnemar_p(b, c) <= 0.05,
        abs(z) > stats.norm.ppf(0.975),
    ]
print(f"{N_DATASETS} datasets of {N_DATA}, equally good models: type I error at 5%")
names = [
    "resampled paired t, 30 splits 2/3-1/3",
    "corrected resampled t (Nadeau-Bengio)",
    "10-fold CV paired t",
    "5x2cv paired t (Dietterich)",
    "exact McNemar, one split",
    "unpaired two-proportion z, one split",
]
for name, count in zip(names, rejections):
    print(f"  {name:<40} {count / N_DATASETS:.3f}")
print(
    f"correctness correlation of the two models, one split: {np.mean(correlations):.2f}"
)

# Part 3. AUC of two models on one test set: DeLong's variance against a paired
# bootstrap that resamples examples and recomputes both AUCs on each resample.
X, y = make_classification(
    n_samples=4000, n_features=10, n_informative=3, flip_y=0.05, random_state=1
)
X_tr, X_te, y_tr, y_te = X[:2000], X[2000:], y[:2000], y[2000:]
scores = np.array(
    [
        LogisticRegression(tol=1e-10, max_iter=10_000)
        .fit(X_tr, y_tr)
        .decision_function(X_te),
        # log-odds of Gaussian naive Bayes
        GaussianNB().fit(X_tr, y_tr).predict_log_proba(X_te) @ [-1, 1],
    ]
)


def delong(scores, y):
    """AUCs and their covariance (DeLong et al. 1988), midrank form of Sun and Xu."""
    pos, neg = scores[:, y == 1], scores[:, y == 0]
    n_pos, n_neg = pos.shape[1], neg.shape[1]
    rank_all = stats.rankdata(np.hstack([pos, neg]), axis=1)
    # Share of negatives below each positive, and of positives above each negative.
    v10 = (rank_all[:, :n_pos] - stats.rankdata(pos, axis=1)) / n_neg
    v01 = 1 - (rank_all[:, n_pos:] - stats.rankdata(neg, axis=1)) / n_pos
    return v10.mean(1), np.cov(v10) / n_pos + np.cov(v01) / n_neg


auc, cov = delong(scores, y_te)
diff = auc[0] - auc[1]
se_delong = np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
se_unpaired = np.sqrt(cov[0, 0] + cov[1, 1])

# Each bootstrap resample as counts per test example; both models share the counts.
weights = rng.multinomial(len(y_te), np.full(len(y_te), 1 / len(y_te)), size=2000)
boot_auc = []
for s in scores:
    order = np.argsort(s)
    w, is_pos = weights[:, order], y_te[order] == 1
    neg_below = np.cumsum(w * ~is_pos, axis=1)
    w_pos, w_neg = (w * is_pos).sum(1), (w * ~is_pos).sum(1)
    boot_auc.append((w * is_pos * neg_below).sum(1) / (w_pos * w_neg))
boot_diff = boot_auc[0] - boot_auc[1]
lo, hi = np.quantile(boot_diff, [0.025, 0.975])
sklearn_auc = [roc_auc_score(y_te, s) for s in scores]
print(
    f"\nPart 3: AUC on {len(y_te)} test examples, logistic regression {auc[0]:.4f}, "
    f"Gaussian NB {auc[1]:.4f}"
)
print("DeLong AUCs match sklearn roc_auc_score:", np.allclose(auc, sklearn_auc))
correlation = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
print(f"difference {diff:+.4f}, correlation of the two AUC estimates {correlation:.2f}")
print(
    f"SE of the difference  DeLong {se_delong:.4f}  paired bootstrap "
    f"{boot_diff.std(ddof=1):.4f}  unpaired {se_unpaired:.4f}"
)
ci_delong = diff + np.array([-1.96, 1.96]) * se_delong
print(
    f"95% CI  DeLong [{ci_delong[0]:+.4f}, {ci_delong[1]:+.4f}]  "
    f"bootstrap percentile [{lo:+.4f}, {hi:+.4f}]"
)
z = diff / se_delong
print(f"DeLong z {z:.2f}, two-sided p {2 * stats.norm.sf(abs(z)):.4f}")
