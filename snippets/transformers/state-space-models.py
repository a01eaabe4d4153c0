# --8<-- [start:recurrence]
import numpy as np

rng = np.random.default_rng(0)
T, dk, dv = 256, 16, 16
q, k, v = rng.normal(size=(3, T, dk)) / np.sqrt(dk)
gamma = 0.97  # a fixed decay; Mamba-2 and gated linear attention make it data-dependent

# Parallel (training) form: a causal, decayed score matrix, no softmax.
i, j = np.arange(T)[:, None], np.arange(T)[None, :]
decay = np.where(j <= i, gamma ** (i - j).clip(0), 0.0)
out_parallel = ((q @ k.T) * decay) @ v

# Recurrent (decoding) form: one fixed-size state S (dk x dv) per head.
S = np.zeros((dk, dv))
out_recurrent = np.empty((T, dv))
for t in range(T):
    S = gamma * S + np.outer(k[t], v[t])  # write
    out_recurrent[t] = q[t] @ S  # read
same = np.allclose(out_parallel, out_recurrent)
print(f"parallel and recurrent forms give the same output: {same}")
print(f"state per head: {S.size} numbers, whatever the length")
print(f"a KV cache per head after {T} tokens: {2 * T * dk} numbers, growing with T")
# --8<-- [end:recurrence]

# --8<-- [start:recall]
import numpy as np

rng = np.random.default_rng(1)


def recall(n_pairs, d, method, trials=3):
    """Write n random (key, value) pairs of width d, then query every key.

    Returns the share of reads closer to their own value than to any other stored
    value, and the mean cosine similarity between read and value.
    """
    hits, cos = 0.0, 0.0
    for _ in range(trials):
        keys = rng.normal(size=(n_pairs, d))
        keys /= np.linalg.norm(keys, axis=1, keepdims=True)
        values = rng.normal(size=(n_pairs, d))
        if method == "softmax":  # attention keeps every key and value: the cache
            scores = 30.0 * keys @ keys.T  # a sharp softmax: nearly a lookup
            w = np.exp(scores - scores.max(1, keepdims=True))
            read = (w / w.sum(1, keepdims=True)) @ values
        else:  # linear attention: one d x d state, S = sum of k v^T
            read = keys @ (keys.T @ values)
        sq = (read**2).sum(1)[:, None] - 2 * read @ values.T + (values**2).sum(1)
        hits += (sq.argmin(1) == np.arange(n_pairs)).mean()
        norms = np.linalg.norm(read, axis=1) * np.linalg.norm(values, axis=1)
        cos += ((read * values).sum(1) / norms).mean()
    return hits / trials, cos / trials


runs = [("softmax", 32), ("linear", 32), ("linear", 128)]
labels = ["attention, d=32", "state 32x32", "state 128x128"]
print(f"{'pairs':>5}  " + "".join(f"{s:>22}" for s in labels))
print(f"{'':>5}  " + "".join(f"{'recall   cosine':>22}" for _ in labels))
for n in (16, 64, 256, 1024):
    cells = [recall(n, d, m) for m, d in runs]
    print(f"{n:>5}  " + "".join(f"{a:>15.2f}{c:>7.2f}" for a, c in cells))
print("memory for 1024 pairs at d=32: cache", 2 * 1024 * 32, "numbers, state", 32 * 32)
# --8<-- [end:recall]
