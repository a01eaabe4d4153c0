import numpy as np
from sklearn.datasets import make_classification
from sklearn.feature_selection import RFE, SelectKBest, f_classif, mutual_info_classif
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.preprocessing import StandardScaler

# 5 informative features among 50 (the first five, by construction).
X, y = make_classification(
    n_samples=600,
    n_features=50,
    n_informative=5,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
X = StandardScaler().fit_transform(X)
truth = set(range(5))
chosen = {
    "filter: ANOVA F": SelectKBest(f_classif, k=5).fit(X, y).get_support(),
    "filter: mutual information": SelectKBest(
        lambda X, y: mutual_info_classif(X, y, random_state=0), k=5
    )
    .fit(X, y)
    .get_support(),
    "wrapper: RFE (logistic)": RFE(LogisticRegression(), n_features_to_select=5)
    .fit(X, y)
    .get_support(),
    "embedded: L1, C fixed at 0.02": LogisticRegression(
        l1_ratio=1.0, solver="saga", C=0.02, max_iter=5000
    )
    .fit(X, y)
    .coef_[0]
    != 0,
}
# The same L1 model with C chosen by 5-fold CV for log-loss (best prediction).
l1cv = LogisticRegressionCV(
    Cs=np.logspace(-2.5, 0, 12),
    l1_ratios=(1.0,),
    solver="saga",
    max_iter=5000,
    cv=5,
    scoring="neg_log_loss",
    use_legacy_attributes=False,
).fit(X, y)
chosen["embedded: L1, C by CV"] = l1cv.coef_[0] != 0
print(f"{'method':<30} {'kept':>4} {'true ones kept':>14}")
for name, mask in chosen.items():
    kept = set(np.flatnonzero(mask))
    print(f"{name:<30} {len(kept):>4} {len(kept & truth):>14}")
