import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(0)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# 1. A soft dictionary look-up: the query is compared with every key, and the answer
#    is the average of the values, weighted by those similarities.
keys = np.eye(4) * 4.0  # four keys, each pointing one way
values = np.array([[10.0], [20.0], [30.0], [40.0]])
for name, query in [("matches key 2", [0, 4, 0, 0]), ("between 2 and 3", [0, 2, 2, 0])]:
    w = softmax(np.array(query) @ keys.T / np.sqrt(4))
    weights = " ".join(f"{x:.3f}" for x in w)
    print(f"query {name + ':':<17} weights {weights} -> answer {(w @ values)[0]:.1f}")

# 2. Self-attention: queries, keys and values are three projections of the same tokens.
L, d = 5, 8  # 5 tokens of width 8
X = rng.normal(size=(L, d))
W_q, W_k, W_v = (rng.normal(size=(d, d)) / np.sqrt(d) for _ in range(3))


def self_attention(X):
    Q, K, V = X @ W_q, X @ W_k, X @ W_v
    # A is (L, L): row i says how much token i reads each token j.
    A = softmax(Q @ K.T / np.sqrt(d))
    return A @ V, A


out, A = self_attention(X)
print("attention weights (row = the token reading, column = the token read):")
print(np.round(A, 2))
print("each row sums to 1:", np.allclose(A.sum(1), 1))
print("symmetric (i reads j as much as j reads i):", np.allclose(A, A.T))

as_torch = F.scaled_dot_product_attention(
    *(torch.tensor(X @ W) for W in (W_q, W_k, W_v))
).numpy()
print("same as torch's scaled_dot_product_attention:", np.allclose(out, as_torch))

# 3. No notion of order: shuffling the tokens shuffles the outputs the same way.
perm = rng.permutation(L)
out_perm, _ = self_attention(X[perm])
print("shuffled input -> same outputs, shuffled:", np.allclose(out_perm, out[perm]))

# 4. The parameters do not grow with the sequence; the score matrix does.
print(f"parameters (W_q, W_k, W_v): {3 * d * d}, for any length")
for n in (5, 500, 5000):
    print(f"  {n:>5} tokens -> {n * n:>10,} scores per head")
