# --8<-- [start:defaults]
import json

import catboost
import lightgbm
import xgboost
from sklearn.datasets import make_classification

# Fit each library once with its defaults and read back what it actually used
X, y = make_classification(1000, 5, random_state=0)
pad = " " * 17
xgb = xgboost.XGBClassifier(n_estimators=2).fit(X, y)
cfg = json.loads(xgb.get_booster().save_config())["learner"]["gradient_booster"]
tp = cfg["tree_train_param"]
print(
    f"xgboost  {xgboost.__version__:<7} grow_policy={tp['grow_policy']} "
    f"max_depth={tp['max_depth']} max_bin={tp['max_bin']}"
)
print(f"{pad}updater={cfg['updater'][0]['name']}")

lgb = lightgbm.LGBMClassifier(n_estimators=2, verbose=-1).fit(X, y)
used = dict(
    line.strip("[]").split(": ")
    for line in lgb.booster_.model_to_string().splitlines()
    if line.startswith("[") and ": " in line
)
print(
    f"lightgbm {lightgbm.__version__:<7} "
    + " ".join(
        f"{k}={used[k]}"
        for k in ["num_leaves", "max_depth", "max_bin", "max_cat_to_onehot"]
    )
)
print(f"{pad}data_sample_strategy={used['data_sample_strategy']}")

cb = catboost.CatBoostClassifier(
    iterations=2, verbose=0, thread_count=1, allow_writing_files=False
).fit(X, y)
p = cb.get_all_params()
print(
    f"catboost {catboost.__version__:<7} grow_policy={p['grow_policy']} "
    f"depth={p['depth']} border_count={p['border_count']}"
)
print(f"{pad}boosting_type={p['boosting_type']}")
# --8<-- [end:defaults]

# --8<-- [start:categorical]
import sys
import time

import catboost
import lightgbm
import numpy as np
import pandas as pd
import xgboost
from scipy.special import expit
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import TargetEncoder

rng = np.random.default_rng(0)
n_cities, n_users = 30, 3000
city_effect = rng.normal(0, 1, n_cities)


def make(n):
    """Target from two numeric features and the city; user_id is pure noise."""
    df = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "city": rng.integers(0, n_cities, n),
            "user_id": rng.integers(0, n_users, n),
        }
    )
    p = expit(df.x1 - 0.5 * df.x2 + city_effect[df.city])
    return df, (rng.random(n) < p).astype(int), p


train, y_train, _ = make(6000)  # about 2 rows per user_id
test, y_test, p_test = make(6000)
cats = ["city", "user_id"]
common = dict(n_estimators=200, learning_rate=0.08)


def naive_target_encoding(train, test):
    """Mean target per category, computed on the training rows themselves."""
    tr, te = train.copy(), test.copy()
    for c in cats:
        means = pd.Series(y_train).groupby(train[c].values).mean()
        tr[c] = train[c].map(means)
        te[c] = test[c].map(means).fillna(y_train.mean())
    return tr, te


def out_of_fold_encoding(train, test):
    """scikit-learn's TargetEncoder: cross-fitted on train, so no row sees its label."""
    enc = TargetEncoder(
        target_type="binary", cv=StratifiedKFold(5, shuffle=True, random_state=0)
    )
    tr, te = train.copy(), test.copy()
    tr[cats] = enc.fit_transform(train[cats], y_train)
    te[cats] = enc.transform(test[cats])
    return tr, te


def as_category(df):
    df = df.copy()
    df["city"] = df["city"].astype(pd.CategoricalDtype(range(n_cities)))
    df["user_id"] = df["user_id"].astype(pd.CategoricalDtype(range(n_users)))
    return df


xgb = dict(max_depth=6, tree_method="hist", n_jobs=1, **common)
runs = {
    "XGBoost, naive target encoding": (
        xgboost.XGBClassifier(**xgb),
        *naive_target_encoding(train, test),
    ),
    "XGBoost, out-of-fold encoding": (
        xgboost.XGBClassifier(**xgb),
        *out_of_fold_encoding(train, test),
    ),
    "XGBoost, native categorical": (
        xgboost.XGBClassifier(enable_categorical=True, **xgb),
        as_category(train),
        as_category(test),
    ),
    "LightGBM, native categorical": (
        lightgbm.LGBMClassifier(verbose=-1, n_jobs=1, **common),
        as_category(train),
        as_category(test),
    ),
    "CatBoost, ordered target stats": (
        catboost.CatBoostClassifier(
            cat_features=cats,
            verbose=0,
            thread_count=1,
            random_seed=0,
            allow_writing_files=False,
            **common,
        ),
        train,
        test,
    ),
    "XGBoost, user_id dropped": (
        xgboost.XGBClassifier(**xgb),
        *[d.drop(columns="user_id") for d in out_of_fold_encoding(train, test)],
    ),
}
print(f"{'model':<32}{'train AUC':>10}{'test AUC':>9}")
for name, (model, tr, te) in runs.items():
    t0 = time.perf_counter()
    model.fit(tr, y_train)
    print(name, f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    auc_tr = roc_auc_score(y_train, model.predict_proba(tr)[:, 1])
    auc_te = roc_auc_score(y_test, model.predict_proba(te)[:, 1])
    print(f"{name:<32}{auc_tr:10.3f}{auc_te:9.3f}")
print(f"{'true probabilities (the ceiling)':<42}{roc_auc_score(y_test, p_test):9.3f}")
# --8<-- [end:categorical]
