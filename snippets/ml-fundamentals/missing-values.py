import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

rng = np.random.default_rng(0)
n = 6000
# Five correlated features (pairwise correlation 0.6) and a logistic outcome.
cov = 0.6 + 0.4 * np.eye(5)
# Cholesky, not the default SVD: this covariance has a repeated eigenvalue, so the SVD's
# vectors, and the samples, differ between LAPACK builds; the Cholesky factor is unique.
X_full = rng.multivariate_normal(np.zeros(5), cov, n, method="cholesky")
logit = X_full @ np.array([1.5, 1.0, -1.0, 0.5, 0.0])
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)


def with_missing(mechanism):
    """Hide 40% of feature 0, completely at random or mostly when it is large."""
    X = X_full.copy()
    if mechanism == "MCAR":
        hide = rng.uniform(size=n) < 0.4
    else:  # MNAR: high values are the ones that go unreported
        hide = rng.uniform(size=n) < np.where(X[:, 0] > 0, 0.75, 0.05)
    X[hide, 0] = np.nan
    return X


methods = {
    "mean imputation": make_pipeline(SimpleImputer(), LogisticRegression()),
    "mean + missing indicator": make_pipeline(
        SimpleImputer(add_indicator=True), LogisticRegression()
    ),
    "iterative imputation": make_pipeline(
        IterativeImputer(random_state=0), LogisticRegression()
    ),
    "iterative + indicator": make_pipeline(
        IterativeImputer(random_state=0, add_indicator=True), LogisticRegression()
    ),
    "HGB, NaN handled natively": HistGradientBoostingClassifier(random_state=0),
}
train, test = np.arange(n) < 4000, np.arange(n) >= 4000
print(f"{'method':<29}{'MCAR':>7}{'MNAR':>7}")
for name, model in [
    ("logistic", LogisticRegression()),
    ("HGB", methods["HGB, NaN handled natively"]),
]:
    model.fit(X_full[train], y[train])
    auc = roc_auc_score(y[test], model.predict_proba(X_full[test])[:, 1])
    print(f"{name + ', nothing missing':<29}{auc:7.3f}{auc:7.3f}")
data = {m: with_missing(m) for m in ("MCAR", "MNAR")}
for name, model in methods.items():
    aucs = []
    for X in data.values():
        # Imputation statistics are fitted inside the pipeline, on training rows only.
        model.fit(X[train], y[train])
        aucs.append(roc_auc_score(y[test], model.predict_proba(X[test])[:, 1]))
    print(f"{name:<29}{aucs[0]:7.3f}{aucs[1]:7.3f}")

# Dropping incomplete rows: fewer training rows, and no prediction at all for test
# rows with a missing value.
X = data["MNAR"]
complete = ~np.isnan(X).any(axis=1)
print(
    f"MNAR: complete rows {complete.mean():.2f}; the positive rate is "
    f"{y[complete].mean():.2f} among them and {y[~complete].mean():.2f} among the rest"
)
