import numpy as np

rng = np.random.default_rng(0)
# A linear associative memory: one MLP layer seen as key -> value. Not an LLM.
d_k, d_v, n_answers = 128, 32, 16
n_groups, per_group = 50, 4
n = n_groups * per_group


def unit(x):
    return x / np.linalg.norm(x, axis=0, keepdims=True)


# Subjects come in groups of 4 with correlated keys (neighbours); answers are codes.
centres = np.repeat(unit(rng.normal(size=(d_k, n_groups))), per_group, axis=1)
K = unit(centres + 0.8 * unit(rng.normal(size=(d_k, n))))
group = np.repeat(np.arange(n_groups), per_group)
codes = unit(rng.normal(size=(d_v, n_answers)))
answer = rng.integers(n_answers, size=n)
# Store the facts by ridge least squares: W C = V K^T with C = K K^T + lam I.
C = K @ K.T + 0.1 * np.eye(d_k)
C_inv = np.linalg.inv(C)
W0 = codes[:, answer] @ K.T @ C_inv

# Edit the first subject of every group to a new answer; 10 paraphrases each.
edited = np.arange(0, n, per_group)
new = (answer[edited] + rng.integers(1, n_answers, size=n_groups)) % n_answers
paras = [unit(K[:, [i]] + 0.3 * unit(rng.normal(size=(d_k, 10)))) for i in edited]


def read(W, keys):
    # Read out the nearest answer code.
    return np.argmax(codes.T @ (W @ keys), axis=0)


def rank_one(W, i, a, C_inv):
    # ROME: W' = W + (v* - W k*) (C^-1 k*)^T / (k*^T C^-1 k*)
    k, u = K[:, i], C_inv @ K[:, i]
    return W + np.outer(codes[:, a] - W @ k, u) / (k @ u)


def fine_tune(W, i, a, steps, lr=0.1):
    # Gradient descent on the cross-entropy of the new answer for this one key.
    W, k = W.copy(), K[:, i]
    for _ in range(steps):
        z = codes.T @ (W @ k)
        p = np.exp(z - z.max())
        p /= p.sum()
        p[a] -= 1.0
        W -= lr * np.outer(codes @ p, k)
    return W


def read_with_table(W, keys, table):
    # Retrieval: a table of edited facts is consulted first (cosine above 0.85).
    out = read(W, keys)
    if table:
        tk = K[:, list(table)]
        sims = tk.T @ (keys / np.linalg.norm(keys, axis=0))
        hit = sims.max(axis=0) > 0.85
        out[hit] = np.array(list(table.values()))[sims.argmax(axis=0)[hit]]
    return out


same = (group[:, None] == group[None, :]) & ~np.eye(n, dtype=bool)
nbr_cos = (K.T @ K)[same].mean()
para_cos = np.mean([p.T @ K[:, i] for p, i in zip(paras, edited)])
print(f"{n} facts, keys {d_k}-d, {n_answers} answers", end="; ")
print(f"key cosine: neighbours {nbr_cos:.2f}, paraphrases {para_cos:.2f}")
before = np.mean([read(W0, p) == answer[i] for p, i in zip(paras, edited)])
print(f"before editing: facts read out {np.mean(read(W0, K) == answer):.3f}", end=", ")
print(f"paraphrases {before:.3f}")

# The edit is the least-squares optimum under the constraint W' k* = v*: the
# gradient of the storage objective, W' C - V K^T, is then a multiple of k*^T.
W1 = rank_one(W0, 0, new[0], C_inv)
G = W1 @ C - codes[:, answer] @ K.T
print(
    "rank-one edit is the constrained optimum:",
    np.allclose(G, np.outer(G @ K[:, 0], K[:, 0])),
)

methods = {
    "rank-one, C = KK^T": lambda W, i, a: rank_one(W, i, a, C_inv),
    "rank-one, C = I": lambda W, i, a: rank_one(W, i, a, np.eye(d_k)),
}
for s in (1, 10, 30, 100, 1000):
    name = f"fine-tune {s} step" + "s" * (s > 1)
    methods[name] = lambda W, i, a, s=s: fine_tune(W, i, a, s)
methods["retrieval table"] = None

print("one edit, mean over 50:  efficacy  paraphrase  others  neighbours  |dW|")
for name, edit in methods.items():
    rows = []
    for j, i in enumerate(edited):
        if edit is None:
            W, table = W0, {i: new[j]}
        else:
            W, table = edit(W0, i, new[j]), {}
        out = read_with_table(W, K, table)
        rest = np.arange(n) != i
        nbr = rest & (group == group[i])
        rows.append(
            [
                out[i] == new[j],
                np.mean(read_with_table(W, paras[j], table) == new[j]),
                np.mean(out[rest] == answer[rest]),
                np.mean(out[nbr] == answer[nbr]),
                np.linalg.norm(W - W0),
            ]
        )
    m = np.mean(rows, axis=0)
    print(f"{name:23s} {m[0]:7.3f} {m[1]:11.3f} {m[2]:7.3f} {m[3]:11.3f} {m[4]:5.2f}")

print("50 edits one after another:  edits kept  paraphrase  others  |dW|")
rest = np.ones(n, dtype=bool)
rest[edited] = False
seq = {
    "rank-one, C = KK^T": methods["rank-one, C = KK^T"],
    "rank-one, C = I": methods["rank-one, C = I"],
    "fine-tune 30 steps": methods["fine-tune 30 steps"],
    "retrieval table": None,
}
for name, edit in seq.items():
    W, table = W0.copy(), {}
    for j, i in enumerate(edited):
        if edit is None:
            table[i] = new[j]
        else:
            W = edit(W, i, new[j])
    out = read_with_table(W, K, table)
    gen = np.mean([read_with_table(W, p, table) == a for p, a in zip(paras, new)])
    print(f"{name:28s} {np.mean(out[edited] == new):10.3f} {gen:11.3f} ", end="")
    print(f"{np.mean(out[rest] == answer[rest]):7.3f} {np.linalg.norm(W - W0):5.2f}")
