import numpy as np
from scipy.stats import rankdata
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
# 48 sparse features stored as random unit directions in 12 dimensions (superposition)
n_features, d, p_active = 48, 12, 0.03
W = rng.standard_normal((d, n_features))
W /= np.linalg.norm(W, axis=0)


def sample(n):
    # each feature is on with probability 0.03, with a size drawn from U(0, 1)
    S = (rng.random((n, n_features)) < p_active) * rng.random((n, n_features))
    return S, S @ W.T


S, H = sample(20_000)
S_test, H_test = sample(5_000)
cos = np.abs(W.T @ W) - np.eye(n_features)
print(f"{n_features} features in {d} dimensions, {np.mean((S > 0).sum(1)):.2f} active")
print(f"largest |cos| between two feature directions: {cos.max():.2f}")


def auc(on, scores):
    """ROC AUC of every score column for every on/off column (Mann-Whitney U)."""
    ranks = rankdata(scores, axis=0)
    n_on = on.sum(0)[:, None]
    u = on.T @ ranks - n_on * (n_on + 1) / 2
    return u / (n_on * (len(on) - n_on))


# linear probes: one logistic regression per feature, on 5,000 activations
on, on_test = S > 0, S_test > 0
probe_scores = np.column_stack(
    [
        LogisticRegression().fit(H[:5000], on[:5000, j]).decision_function(H_test)
        for j in range(n_features)
    ]
)
probe_auc = np.diag(auc(on_test, probe_scores))
# a single neuron (coordinate) read with either sign
neuron_auc = np.maximum(auc(on_test, H_test), auc(on_test, -H_test)).max(1)
print(
    f"mean test AUC, feature on vs off: linear probe {probe_auc.mean():.3f}, ", end=""
)
print(f"best single neuron {neuron_auc.mean():.3f}")


def topk_sae(m, k=2, steps=800, batch=512, lr=1e-2):
    """Top-k sparse autoencoder (Gao et al. 2024), trained with Adam, by hand."""
    r = np.random.default_rng(1)
    W_dec = r.standard_normal((d, m))
    W_dec /= np.linalg.norm(W_dec, axis=0)
    # encoder initialised as the decoder's transpose (Gao et al.); updated in place
    params = [W_dec.T.copy(), np.zeros(m), W_dec, H.mean(0)]
    W_enc, b_enc, W_dec, b_dec = params
    mom = [np.zeros_like(q) for q in params]
    var = [np.zeros_like(q) for q in params]

    def encode(x):
        pre = (x - b_dec) @ W_enc.T + b_enc
        # keep the k largest pre-activations per row (if positive), zero the rest
        keep = np.zeros(pre.shape, bool)
        np.put_along_axis(keep, np.argpartition(-pre, k - 1, 1)[:, :k], True, 1)
        return np.where(keep & (pre > 0), pre, 0.0)

    for t in range(1, steps + 1):
        x = H[r.integers(0, len(H), batch)]
        z = encode(x)
        # gradients of the squared reconstruction error, averaged over the batch
        g_out = 2 * (z @ W_dec.T + b_dec - x) / batch
        g_pre = (g_out @ W_dec) * (z > 0)
        grads = [
            g_pre.T @ (x - b_dec),
            g_pre.sum(0),
            g_out.T @ z,
            g_out.sum(0) - g_pre.sum(0) @ W_enc,
        ]
        for q, g, m1, v in zip(params, grads, mom, var):
            m1 += 0.1 * (g - m1)
            v += 0.001 * (g * g - v)
            q -= lr * m1 / (1 - 0.9**t) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        # unit-norm dictionary columns, so a latent's size lives in its activation
        W_dec /= np.linalg.norm(W_dec, axis=0)
    return encode(H_test), W_dec, b_dec


def report(name, n_dirs, dirs, recon=None, z=None):
    dirs = dirs / np.linalg.norm(dirs, axis=0)
    # for each true feature, its best match among the learned directions
    best = np.abs(W.T @ dirs).max(1)
    row = f"{name:<22}{n_dirs:8d}{np.sum(best > 0.9):7d}/{n_features}{best.mean():9.2f}"
    if recon is not None:
        fvu = np.sum((recon - H_test) ** 2) / np.sum((H_test - H_test.mean(0)) ** 2)
        row += f"{fvu:8.3f}"
    if z is not None:
        row += f"{np.mean((z > 0).sum(1)):6.2f}{np.sum(z.max(0) == 0):6d}"
    print(row)


print("\ndirections            number  cos>0.9  mean best  FVU    L0  dead")
report("random", n_features, rng.standard_normal((d, n_features)))
pca = PCA(d).fit(H)
report(
    "PCA (all components)",
    d,
    pca.components_.T,
    pca.inverse_transform(pca.transform(H_test)),
)
for m in (12, 48, 96):
    z, W_dec, b_dec = topk_sae(m)
    report(f"top-2 SAE, {m} latents", m, W_dec, z @ W_dec.T + b_dec, z)

# each feature's best-matching SAE latent (96 latents), read as a detector
latent = np.abs(W.T @ W_dec).argmax(1)
latent_auc = np.diag(auc(on_test, z[:, latent]))
print(f"\nmean test AUC: best-matching SAE latent {latent_auc.mean():.3f}, ", end="")
print(f"linear probe {probe_auc.mean():.3f}")
