import numpy as np
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

X, y = load_digits(return_X_y=True)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.6, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, random_state=0
)
# A cheap model and an expensive one; assume the large one costs 20x per request.
small = make_pipeline(
    StandardScaler(), PCA(16, random_state=0), LogisticRegression(max_iter=2000)
).fit(X_train, y_train)
large = make_pipeline(StandardScaler(), SVC(C=10)).fit(X_train, y_train)
COST_SMALL, COST_LARGE = 1.0, 20.0


def cascade(X, threshold):
    """Answer with the small model when it is confident, else escalate."""
    proba = small.predict_proba(X)
    escalate = proba.max(1) < threshold
    pred = proba.argmax(1)
    if escalate.any():
        pred[escalate] = large.predict(X[escalate])
    cost = COST_SMALL * len(X) + COST_LARGE * escalate.sum()
    return pred, escalate.mean(), cost / (COST_LARGE * len(X))


# Choose the threshold on validation data: the cheapest one within 0.5 points of
# the large model's accuracy.
large_val = (large.predict(X_val) == y_val).mean()
for threshold in np.arange(0.5, 1.0, 0.05):
    pred, _, _ = cascade(X_val, threshold)
    if (pred == y_val).mean() >= large_val - 0.005:
        break
print(f"threshold chosen on validation: {threshold:.2f}")

# Then measure on the untouched test set, paired against the large model; a stricter
# threshold for comparison.
large_pred = large.predict(X_test)
small_acc = (small.predict(X_test) == y_test).mean()
print(
    f"small model alone: accuracy {small_acc:.3f}, cost {COST_SMALL / COST_LARGE:.2f}"
)
print(f"large model alone: accuracy {(large_pred == y_test).mean():.3f}, cost 1.00")
for t in (threshold, 0.95):
    pred, escalated, rel_cost = cascade(X_test, t)
    # McNemar on the discordant pairs: where exactly one of the two is right.
    only_cascade = np.sum((pred == y_test) & (large_pred != y_test))
    only_large = np.sum((pred != y_test) & (large_pred == y_test))
    p = stats.binomtest(only_cascade, only_cascade + only_large).pvalue
    diff = (pred == y_test).astype(float) - (large_pred == y_test)
    half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
    print(
        f"cascade at {t:.2f}:   accuracy {(pred == y_test).mean():.3f}, "
        f"cost {rel_cost:.2f} ({escalated:.0%} escalated); vs large: "
        f"{only_cascade} vs {only_large} discordant, McNemar p = {p:.2f}, "
        f"change 95% CI [{diff.mean() - half:+.3f}, {diff.mean() + half:+.3f}]"
    )
