# --8<-- [start:signature]
import numpy as np


def fit_naive_bayes(
    docs: list[list[str]], labels: list[int], alpha: float = 1.0
) -> dict:
    """Multinomial naive Bayes on tokenised documents, with add-alpha (Laplace)
    smoothing:
    P(word | c) = (count(word, c) + alpha) / (total words in c + alpha * |vocabulary|).
    Returns whatever predict_proba_naive_bayes needs."""
    raise NotImplementedError


def predict_proba_naive_bayes(model: dict, docs: list[list[str]]) -> np.ndarray:
    """P(class | doc) for each doc, (n_docs, n_classes), classes in sorted order. Words
    not seen in training are ignored. Work in log space: a long document must not
    underflow."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter

import numpy as np


def fit_naive_bayes(
    docs: list[list[str]], labels: list[int], alpha: float = 1.0
) -> dict:
    classes = sorted(set(labels))
    vocab = {w: i for i, w in enumerate(sorted({w for doc in docs for w in doc}))}
    counts = np.zeros((len(classes), len(vocab)))
    for doc, label in zip(docs, labels):
        for word, c in Counter(doc).items():
            counts[classes.index(label), vocab[word]] += c
    smoothed = counts + alpha
    return {
        "vocab": vocab,
        "log_prior": np.log(
            np.bincount([classes.index(y) for y in labels]) / len(labels)
        ),
        "log_likelihood": np.log(
            smoothed / smoothed.sum(axis=1, keepdims=True)
        ),  # (C, V)
    }


def predict_proba_naive_bayes(model: dict, docs: list[list[str]]) -> np.ndarray:
    vocab = model["vocab"]
    X = np.zeros((len(docs), len(vocab)))
    for i, doc in enumerate(docs):
        for word in doc:
            if word in vocab:
                X[i, vocab[word]] += 1
    joint = (
        X @ model["log_likelihood"].T + model["log_prior"]
    )  # log P(c) + log P(doc | c)
    joint -= joint.max(axis=1, keepdims=True)  # normalise with log-sum-exp
    p = np.exp(joint)
    return p / p.sum(axis=1, keepdims=True)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

SPAM = [
    ["win", "cash", "now"],
    ["cheap", "cash", "offer"],
    ["meeting", "at", "noon"],
    ["project", "meeting", "notes"],
    ["win", "a", "cheap", "offer", "now"],
]
SPAM_LABELS = [1, 1, 0, 0, 1]


def test_naive_bayes_worked_example():
    model = fit_naive_bayes(SPAM, SPAM_LABELS)
    p = predict_proba_naive_bayes(
        model, [["cash", "offer", "tomorrow"], ["meeting", "now"]]
    )
    np.testing.assert_allclose(p, [[0.1104, 0.8896], [0.5275, 0.4725]], atol=1e-4)


def test_naive_bayes_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    docs = [list(rng.choice(words, size=rng.integers(3, 15))) for _ in range(60)]
    labels = list(rng.integers(0, 3, size=60))
    vectorizer = CountVectorizer(analyzer=lambda doc: doc)
    ref = MultinomialNB(alpha=0.5).fit(vectorizer.fit_transform(docs), labels)
    test_docs = [list(rng.choice(words + ["unseen"], size=8)) for _ in range(10)]
    expected = ref.predict_proba(vectorizer.transform(test_docs))
    model = fit_naive_bayes(docs, labels, alpha=0.5)
    np.testing.assert_allclose(predict_proba_naive_bayes(model, test_docs), expected)


def test_naive_bayes_long_documents_do_not_underflow():
    model = fit_naive_bayes(SPAM, SPAM_LABELS)
    p = predict_proba_naive_bayes(model, [["cash"] * 2000, ["meeting"] * 2000])
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.argmax(axis=1), [1, 0])


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_naive_bayes_worked_example,
    test_naive_bayes_matches_sklearn,
    test_naive_bayes_long_documents_do_not_underflow,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
model = fit_naive_bayes(SPAM, SPAM_LABELS)
new = [["cash", "offer", "tomorrow"], ["meeting", "now"]]
print("P(ham), P(spam):", predict_proba_naive_bayes(model, new).round(4).tolist())
with np.errstate(under="ignore"):
    raw = np.prod(
        np.exp(model["log_likelihood"][:, [model["vocab"]["cash"]] * 2000]), axis=1
    )
print("product of 2000 raw probabilities:", raw)
# --8<-- [end:check]
