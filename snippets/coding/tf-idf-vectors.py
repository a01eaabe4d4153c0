# --8<-- [start:signature]
import numpy as np


def tfidf(docs: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """TF-IDF vectors of tokenised documents with scikit-learn's default weighting:
    tf = raw count of the term in the document; idf = ln((1 + n) / (1 + df)) + 1, where
    n is the number of documents and df the number containing the term; each row scaled
    to unit L2 norm. Returns (matrix (n_docs, n_terms), vocabulary sorted
    alphabetically)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections import Counter

import numpy as np


def tfidf(docs: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    vocab = sorted({t for doc in docs for t in doc})
    index = {t: j for j, t in enumerate(vocab)}
    tf = np.zeros((len(docs), len(vocab)))
    for i, doc in enumerate(docs):
        for term, count in Counter(doc).items():
            tf[i, index[term]] = count
    df = np.count_nonzero(tf, axis=0)
    idf = (
        np.log((1 + len(docs)) / (1 + df)) + 1
    )  # smoothed: as if one extra doc had all
    X = tf * idf
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0), vocab


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def test_tfidf_worked_example():
    X, vocab = tfidf([["a", "b", "a"], ["b", "c"]])
    assert vocab == ["a", "b", "c"]
    idf_a = np.log(3 / 2) + 1  # "a" is in one of two documents; "b" in both: idf 1
    row0 = np.array([2 * idf_a, 1.0, 0.0])
    np.testing.assert_allclose(X[0], row0 / np.linalg.norm(row0))
    np.testing.assert_allclose(X[1], [0.0, 0.57973867, 0.81480247], atol=1e-8)


def test_tfidf_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(words, size=rng.integers(1, 20))) for _ in range(25)]
    X, vocab = tfidf(docs)
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc)
    expected = vectorizer.fit_transform(docs).toarray()
    assert vocab == list(vectorizer.get_feature_names_out())
    np.testing.assert_allclose(X, expected, atol=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [test_tfidf_worked_example, test_tfidf_matches_sklearn]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X, vocab = tfidf([["a", "b", "a"], ["b", "c"]])
print(vocab)
print(X.round(4))
# --8<-- [end:check]
