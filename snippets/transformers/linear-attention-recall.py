# --8<-- [start:forms]
import numpy as np

rng = np.random.default_rng(0)


def elu1(x):
    # Katharopoulos et al.'s feature map: elu(x) + 1, always positive
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


T, d, C = 128, 16, 32
q, k, v = rng.normal(size=(3, T, d))
fq, fk = elu1(q), elu1(k)

# 1. Parallel (training) form: a causal T x T score matrix, no softmax.
A = np.tril(fq @ fk.T)
out_par = (A @ v) / A.sum(1, keepdims=True)

# 2. Recurrent (decoding) form: state S (d x d) and normaliser z (d), O(1) per token.
S, z = np.zeros((d, d)), np.zeros(d)
out_rec = np.empty((T, d))
for t in range(T):
    S += np.outer(fk[t], v[t])
    z += fk[t]
    out_rec[t] = (fq[t] @ S) / (fq[t] @ z)

# 3. Chunkwise-parallel form: a masked matrix product inside each chunk of C tokens,
#    the state carried between chunks (how GLA and DeltaNet kernels train).
S, z = np.zeros((d, d)), np.zeros(d)
out_chk = np.empty((T, d))
for s in range(0, T, C):
    Qc, Kc, Vc = fq[s : s + C], fk[s : s + C], v[s : s + C]
    Ac = np.tril(Qc @ Kc.T)
    out_chk[s : s + C] = (Qc @ S + Ac @ Vc) / (Qc @ z + Ac.sum(1))[:, None]
    S, z = S + Kc.T @ Vc, z + Kc.sum(0)

diff_rec = np.abs(out_par - out_rec).max()
diff_chk = np.abs(out_par - out_chk).max()
print(f"T={T}, d={d}, elu+1 feature map")
print(f"parallel vs recurrent: max abs difference < 1e-12: {diff_rec < 1e-12}")
print(f"parallel vs chunkwise (C={C}): max abs difference < 1e-12: {diff_chk < 1e-12}")
print(f"state: {S.size + z.size} floats for any T; a KV cache at T={T}: {2 * T * d}")
# --8<-- [end:forms]

# --8<-- [start:recall]
import numpy as np

rng = np.random.default_rng(1)
d, tau, trials = 64, 0.1, 3


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def elu1(x):
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def read_softmax(K, V):
    # the cache keeps all N pairs; query i reads softmax(K k_i / tau) V
    s = K @ K.T / tau
    w = np.exp(s - s.max(1, keepdims=True))
    return (w / w.sum(1, keepdims=True)) @ V


def read_additive(K, V, phi):
    # S = sum_i phi(k_i) v_i^T (d x d), z = sum_i phi(k_i); read phi(q) S / phi(q) z
    F = phi(K)
    S, z = F.T @ V, F.sum(0)
    return (F @ S) / (F @ z)[:, None]


def read_delta(K, V, beta=1.0):
    # S_t = S_{t-1} + beta (v_t - S_{t-1} k_t) k_t^T: overwrite what k_t reads
    S = np.zeros((V.shape[1], K.shape[1]))
    for k_t, v_t in zip(K, V):
        S += beta * np.outer(v_t - S @ k_t, k_t)
    return K @ S.T


methods = {
    "softmax": read_softmax,
    "linear id": lambda K, V: K @ (K.T @ V),
    "linear elu+1": lambda K, V: read_additive(K, V, elu1),
    "delta": read_delta,
}


def score(R, V):
    # accuracy: the stored value with the highest cosine to the read-out is the
    # right one; cos: mean cosine between read-out and the right value
    cos = unit(R) @ unit(V).T
    hit = (cos.argmax(1) == np.arange(len(V))).mean()
    return hit, np.diag(cos).mean()


Ns = (16, 32, 64, 128, 256, 512)
res = {m: np.zeros((len(Ns), 2)) for m in methods}
recent = np.zeros(len(Ns))
for i, N in enumerate(Ns):
    for _ in range(trials):
        K = unit(rng.normal(size=(N, d)))
        V = rng.normal(size=(N, d))
        for m, f in methods.items():
            R = f(K, V)
            res[m][i] += score(R, V)
            if m == "delta":
                # accuracy on the last 32 pairs written (ranked against all N)
                last = (unit(R) @ unit(V).T).argmax(1)[-32:] == np.arange(N)[-32:]
                recent[i] += last.mean()
res = {m: r / trials for m, r in res.items()}
recent /= trials

print(f"d={d}, softmax temperature {tau}, {trials} trials; accuracy / mean cosine")
print(f"{'N':>4} " + "".join(f"{m:>14}" for m in methods) + "  delta last 32")
for i, N in enumerate(Ns):
    cells = "".join(f"{res[m][i, 0]:>8.2f}{res[m][i, 1]:>6.2f}" for m in methods)
    print(f"{N:>4} {cells}{recent[i]:>15.2f}")
F = elu1(K)
G = F @ F.T
ratio = np.diag(G).mean() / G[~np.eye(len(G), dtype=bool)].mean()
print(f"elu+1 at N={len(K)}: score of the right key / of another key = {ratio:.3f}")

# Rewrite: 32 keys stored, then the same 32 keys written again with new values.
K = unit(rng.normal(size=(32, d)))
V_old, V_new = rng.normal(size=(2, 32, d))
K2, V2 = np.vstack([K, K]), np.vstack([V_old, V_new])
print("same 32 keys written twice; does a query read the new value?")
for m, f in methods.items():
    R = f(K2, V2)[32:]
    cos = unit(R) @ unit(V2).T
    hit = (cos.argmax(1) == np.arange(32, 64)).mean()
    print(
        f"  {m:<13} nearest is the new value {hit:.2f}, cosine to it "
        f"{np.diag(cos[:, 32:]).mean():.2f}"
    )
print("floats kept per head:")
for N in Ns:
    print(f"  N={N:>3}: cache 2Nd = {2 * N * d:>5}, state d^2 = {d * d}")
# --8<-- [end:recall]
