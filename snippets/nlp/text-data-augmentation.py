# --8<-- [start:eda]
import csv
import random
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, train_test_split
from sklearn.pipeline import make_pipeline

lines = Path("data/nlp/sentiment.csv").read_text(encoding="utf-8").splitlines()
rows = list(csv.DictReader(lines))
texts = [r["text"] for r in rows]
labels = np.array([r["label"] == "positive" for r in rows], dtype=int)

# A small hand-written synonym table stands in for WordNet (EDA's source of synonyms).
SYN = {
    "great": ["excellent", "superb"], "good": ["decent", "fine"],
    "love": ["adore", "like"], "terrible": ["awful", "dreadful"],
    "bad": ["poor", "lousy"], "awful": ["terrible", "horrible"],
    "amazing": ["fantastic", "wonderful"], "perfect": ["flawless", "ideal"],
    "quality": ["build", "craftsmanship"], "service": ["support", "help"],
    "staff": ["team", "crew"], "product": ["item", "purchase"],
    "really": ["truly", "very"], "very": ["really", "extremely"],
    "fast": ["quick", "speedy"], "slow": ["sluggish", "laggy"],
    "cheap": ["inexpensive", "low-cost"], "happy": ["pleased", "glad"],
    "rude": ["impolite", "unfriendly"], "boring": ["dull", "tedious"],
    "food": ["meal", "dish"], "room": ["suite", "bedroom"],
    "phone": ["handset", "device"], "app": ["application", "program"],
    "place": ["spot", "venue"], "broken": ["damaged", "busted"],
}  # fmt: skip


def eda(text, op, rng, alpha=0.1):
    """One EDA operation: synonym replacement, random insertion, swap or deletion.
    The first three make n = alpha * len(words) edits, at least one."""
    words = text.split()
    n = max(1, round(alpha * len(words)))
    for _ in range(n):
        has_syn = [i for i, w in enumerate(words) if w.lower() in SYN]
        if op == "replace" and has_syn:
            i = rng.choice(has_syn)
            words[i] = rng.choice(SYN[words[i].lower()])
        elif op == "insert" and has_syn:
            i = rng.choice(has_syn)
            words.insert(
                rng.randrange(len(words) + 1), rng.choice(SYN[words[i].lower()])
            )
        elif op == "swap" and len(words) > 1:
            i, j = rng.sample(range(len(words)), 2)
            words[i], words[j] = words[j], words[i]
    if op == "delete":
        # EDA deletes each word with probability alpha, keeping at least one word.
        words = [w for w in words if rng.random() > alpha] or [rng.choice(words)]
    return " ".join(words)


OPS = ["replace", "insert", "swap", "delete"]


def augment(idx, n_aug, seed):
    """n_aug variants of each source review; returns texts, labels and source ids."""
    rng = random.Random(seed)
    out = [(texts[i], labels[i], i) for i in idx]
    for i in idx:
        out += [(eda(texts[i], OPS[k % 4], rng), labels[i], i) for k in range(n_aug)]
    X, y, src = zip(*out)
    return list(X), np.array(y), np.array(src)


rng = random.Random(3)
example = "the staff were not rude at all and the room was great"
for op in OPS:
    print(f"{op:8s} {eda(example, op, rng)}")
# Label risk: how many deletion variants drop a negation word?
neg = re.compile(r"\b(not|no|never|didn't|don't|can't|isn't|wasn't|won't)\b", re.I)
negated = [i for i, t in enumerate(texts) if neg.search(t)]
rng = random.Random(0)
deleted = [(texts[i], eda(texts[i], "delete", rng)) for i in negated]
lost = [(t, d) for t, d in deleted if not neg.search(d)]
print(f"reviews with a negation: {len(negated)}; a deletion removed it in {len(lost)}")
print(f"  {lost[0][0]!r}\n  -> {lost[0][1]!r}")
# --8<-- [end:eda]

# --8<-- [start:leak]
N_AUG = 4
model = make_pipeline(
    TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10, max_iter=1000)
)


def near_copy_count(X_tr, X_te, threshold=0.5):
    """Test items whose word set has Jaccard >= threshold with some training item."""
    vec = CountVectorizer(binary=True, token_pattern=r"\w+").fit(X_tr + X_te)
    A, B = vec.transform(X_te), vec.transform(X_tr)
    inter = (A @ B.T).toarray()
    union = A.sum(1).A + B.sum(1).A.T - inter
    return int(np.sum((inter / np.maximum(union, 1)).max(1) >= threshold))


def cross_validate(name, X, y, cv, groups=None, n_scored=None):
    """5-fold accuracy; only items with index < n_scored (the originals) are scored."""
    accs, near, n_test = [], 0, 0
    for tr, te in cv.split(X, y, groups):
        te = te[te < (n_scored or len(X))]
        model.fit([X[i] for i in tr], y[tr])
        accs.append(np.mean(model.predict([X[i] for i in te]) == y[te]))
        near += near_copy_count([X[i] for i in tr], [X[i] for i in te])
        n_test += len(te)
    print(f"{name:31s} {np.mean(accs):.3f}   {near:4d} of {n_test}")


# augment() puts the 497 originals first, then their 4 x 497 variants.
X_aug, y_aug, src = augment(range(len(texts)), N_AUG, seed=0)
kfold = KFold(5, shuffle=True, random_state=0)
print("5-fold CV                       accuracy   test items with a near-copy in train")
cross_validate("no augmentation", texts, labels, kfold)
cross_validate("augment all, then KFold", X_aug, y_aug, kfold)
cross_validate("augment all, GroupKFold", X_aug, y_aug, GroupKFold(5), src, len(texts))
# --8<-- [end:leak]

# --8<-- [start:small]
idx = np.arange(len(texts))
train_pool, test_idx = train_test_split(
    idx, test_size=197, stratify=labels, random_state=0
)
X_test, y_test = [texts[i] for i in test_idx], labels[test_idx]
print("train   no aug (sd)      EDA x4 (sd)      EDA - no aug (sd)   EDA better")
for n_train in [20, 50, 100, 300]:
    base, aug = [], []
    for seed in range(10):
        sub = np.random.default_rng(seed).choice(train_pool, n_train, replace=False)
        model.fit([texts[i] for i in sub], labels[sub])
        base.append(np.mean(model.predict(X_test) == y_test))
        Xa, ya, _ = augment(sub, N_AUG, seed=seed)
        model.fit(Xa, ya)
        aug.append(np.mean(model.predict(X_test) == y_test))
    b, a, d = np.array(base), np.array(aug), np.array(aug) - np.array(base)
    cells = [f"{v.mean():+.3f} ({v.std():.3f})" for v in (b, a, d)]
    cells = [c.lstrip("+") for c in cells[:2]] + cells[2:]
    print(f"{n_train:5d}   " + "   ".join(cells) + f"      {np.sum(d > 0)} of 10")
# --8<-- [end:small]
