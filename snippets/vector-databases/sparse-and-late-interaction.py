import numpy as np
import scipy.sparse as sp

rng = np.random.default_rng(0)

# Token embeddings in pairs of synonyms: tokens 2i and 2i+1 point almost the same way.
V, dim, n_docs, doc_len, q_len = 4000, 64, 2000, 60, 4
base = rng.normal(size=(V // 2, dim))
E = np.repeat(base, 2, axis=0) + 0.6 * rng.normal(size=(V, dim))
E = (E / np.linalg.norm(E, axis=1, keepdims=True)).astype(np.float32)
docs = rng.integers(V, size=(n_docs, doc_len))  # each document: 60 token ids

# Each query is 4 tokens of one target document; "paraphrased" queries use the synonym
# of each token (a different token id with a nearby embedding).
target = rng.integers(n_docs, size=200)
picked = docs[target][:, :q_len]
queries = {"same words": picked, "paraphrased": picked ^ 1}  # 2i <-> 2i+1


def mrr(scores):
    rank = (scores > scores[np.arange(len(target)), target][:, None]).sum(1)
    return np.mean(1 / (1 + rank))


# 1) One vector per document: mean of its token embeddings.
doc_vec = E[docs].mean(1)
# 2) Late interaction (ColBERT's MaxSim): every query token takes its best doc token.
# (A real index stores one vector per document token; token similarities are looked up
# from E E^T here only to keep the example fast.)
S = E @ E.T


def maxsim(q_ids):
    return sum(S[q_ids[:, t]][:, docs].max(-1) for t in range(q_len))


# 3) Sparse: a term-weight vector over the vocabulary, scored through an inverted index.
rows = np.repeat(np.arange(n_docs), doc_len)
lexical = sp.csr_matrix((np.ones(rows.size), (rows, docs.ravel())), shape=(n_docs, V))
# SPLADE-style expansion (here by construction): each document also gets its tokens'
# synonyms with a lower weight, as a learned expansion would add related terms.
expanded = lexical + 0.8 * sp.csr_matrix(
    (np.ones(rows.size), (rows, docs.ravel() ^ 1)), shape=(n_docs, V)
)


def sparse_scores(matrix, q_ids):
    q = sp.csr_matrix(
        (np.ones(q_ids.size), (np.repeat(np.arange(len(q_ids)), q_len), q_ids.ravel())),
        shape=(len(q_ids), V),
    )
    return (q @ matrix.T).toarray()


print(f"{'method':<28} {'MRR same words':>14} {'MRR paraphrased':>15}")
methods = {
    "single vector (mean pool)": lambda q: E[q].mean(1) @ doc_vec.T,
    "late interaction (MaxSim)": maxsim,
    "sparse, exact terms": lambda q: sparse_scores(lexical, q),
    "sparse + expansion": lambda q: sparse_scores(expanded, q),
}
for name, score in methods.items():
    same, para = (mrr(score(q)) for q in queries.values())
    print(f"{name:<28} {same:>14.3f} {para:>15.3f}")

# Storage per document (128-d vectors at 2 bytes; sparse postings at 4 + 4 bytes).
d_model, tokens = 128, 200
print(f"\nstorage per {tokens}-token document")
print(f"single vector, float16          {d_model * 2:>7,} B")
print(f"ColBERT, float16 per token      {tokens * d_model * 2:>7,} B")
print(f"ColBERTv2, 2-bit residuals      {tokens * (d_model * 2 // 8 + 4):>7,} B")
print(f"SPLADE, ~{tokens} non-zeros x 8 B   {tokens * 8:>7,} B")
