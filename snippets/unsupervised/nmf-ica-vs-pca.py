import sys
import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, PCA, FastICA
from sklearn.exceptions import ConvergenceWarning

ICA_SEEDS = range(20)
SEEDS = range(5)


def matched_corr(true, found):
    """|corr| of each true row with the found row paired to it one-to-one."""
    k = len(true)
    c = np.abs(np.corrcoef(true, found)[:k, k:])
    rows, cols = linear_sum_assignment(-c)
    return c[rows, cols]


def fastica(X, seed, **kwargs):
    ica = FastICA(random_state=seed, **kwargs)
    with warnings.catch_warnings():
        # it warns when it stops at max_iter; the script counts that instead
        warnings.simplefilter("ignore", ConvergenceWarning)
        Z = ica.fit_transform(X)
    return ica, Z


# (a) ICA: three non-Gaussian sources, three "microphones", a fixed mixing matrix
t = np.linspace(0, 8, 2000)
square = np.where((3 * t) % (2 * np.pi) < np.pi, 1.0, -1.0)
sawtooth = (2 * np.pi * t) % (2 * np.pi) / np.pi - 1
S = np.vstack([np.sin(2 * t), square, sawtooth])
A = np.array([[1.0, 0.5, 0.3], [0.4, 1.0, 0.6], [0.7, 0.2, 1.0]])
# E[log cosh(v)] for a standard normal v, by numerical integration
v = np.linspace(-10, 10, 20001)
LOGCOSH_GAUSS = np.sum(np.log(np.cosh(v)) * np.exp(-(v**2) / 2)) * (v[1] - v[0])
LOGCOSH_GAUSS /= np.sqrt(2 * np.pi)


def negentropy(Z):
    """FastICA's non-Gaussianity score: sum of (E log cosh(z) - Gaussian's)^2."""
    Z = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    return np.sum((np.log(np.cosh(Z)).mean(axis=0) - LOGCOSH_GAUSS) ** 2)


scores = {"mixtures": [], "PCA": [], "FastICA": [], "FastICA, no whitening": []}
single_ok = restarts_ok = reordered = flipped = non_gauss_stuck = 0
for seed in ICA_SEEDS:
    rng = np.random.default_rng(seed)
    # rows are 2,000 time steps, columns the 3 microphones, plus sensor noise
    X = (A @ S).T + 0.05 * rng.standard_normal((2000, 3))
    ica, Z = fastica(X, seed, n_components=3)
    found = {
        "mixtures": X,
        "PCA": PCA(3).fit_transform(X),
        "FastICA": Z,
        # whiten=False: FastICA takes the centred input as already whitened
        "FastICA, no whitening": fastica(X - X.mean(axis=0), seed, whiten=False)[1],
    }
    for name, Z in found.items():
        scores[name].append(matched_corr(S, Z.T))
    single_ok += scores["FastICA"][-1].min() > 0.95
    non_gauss_stuck += ica.n_iter_ == ica.max_iter
    # 5 restarts from other random starts; keep the most non-Gaussian solution
    runs = [fastica(X, 1000 + 5 * seed + r, n_components=3)[1] for r in range(5)]
    best = max(runs, key=negentropy)
    restarts_ok += matched_corr(S, best.T).min() > 0.95
    # learnt unmixing times true mixing: one large entry per row means each output
    # is one source, in some order, with some sign and some scale
    WA = ica.components_ @ A
    top = np.argmax(np.abs(WA), axis=1)
    reordered += np.any(top != np.arange(3))
    flipped += np.any(WA[np.arange(3), top] < 0)
    if seed == ICA_SEEDS[0]:
        WA_0 = WA
n = len(ICA_SEEDS)
print(f"(a) |corr| of each true source with its matched output, median of {n} seeds")
print(f"{'output':<22}{'sine':>7}{'square':>8}{'sawtooth':>10}")
for name, r in scores.items():
    sine, square, saw = np.median(r, axis=0)
    print(f"{name:<22}{sine:7.3f}{square:8.3f}{saw:10.3f}")
print(f"FastICA separates all three (every |corr| > 0.95) in {single_ok} of {n} seeds")
print(f"best of 5 restarts by non-Gaussianity: {restarts_ok} of {n} seeds")
inv_std = " ".join(f"{1 / s:.2f}" for s in S.std(axis=1))
print(f"FastICA unmixing @ mixing, seed 0 (1 / std of each source: {inv_std})")
for row in WA_0:
    print("  " + "  ".join(f"{w:5.2f}" for w in row))
print(
    f"seeds with outputs out of order: {reordered} of {n}; with a sign flip: {flipped}"
)

# the same mixing of Gaussian sources: every rotation is equally independent
gauss, stuck = [], 0
for seed in ICA_SEEDS:
    G = np.random.default_rng(seed).standard_normal((3, 2000))
    ica, Z = fastica((A @ G).T, seed, n_components=3)
    gauss.append(matched_corr(G, Z.T).min())
    stuck += ica.n_iter_ == ica.max_iter
# which rotation a Gaussian run ends on, and whether it stops before max_iter, changes
# with the last bits of rounding (another CPU, another BLAS kernel), so print bounds
# that hold on any machine and send the exact values to stderr
print(
    f"Gaussian sources: worst |corr| per seed {np.median(gauss):.3f} median,"
    f" {min(gauss):.3f} to {max(gauss):.3f}; max_iter in {stuck} of {n}",
    file=sys.stderr,
)
print(
    "Gaussian sources: median worst |corr| per seed below 0.9:"
    f" {np.median(gauss) < 0.9}; max - min above 0.2: {np.ptp(gauss) > 0.2}"
)
print(
    f"FastICA stopped at max_iter: non-Gaussian {non_gauss_stuck} of {n};"
    f" Gaussian in at least {n // 4} of {n}: {stuck >= n // 4}"
)

# (b) NMF: spectra (photon counts in 100 channels) made of 3 non-negative parts
x = np.arange(100)


def peak(centre, width):
    return np.exp(-0.5 * ((x - centre) / width) ** 2)


parts = np.vstack(
    [peak(20, 6) + 0.5 * peak(60, 4), peak(45, 8), peak(70, 5) + 0.6 * peak(30, 3)]
)
parts /= parts.sum(axis=1, keepdims=True)


def spectra(seed, brightness, dense=False):
    rng = np.random.default_rng(seed)
    # abundances: gamma with shape 0.5 makes many spectra almost a single part;
    # dense ones put every part in every spectrum, at 0.5 to 1
    W = rng.uniform(0.5, 1.0, (300, 3)) if dense else rng.gamma(0.5, 1.0, (300, 3))
    expected = brightness * W @ parts
    return rng.poisson(expected).astype(float), expected


models = {
    "PCA": lambda: PCA(3),
    "NMF, Frobenius": lambda: NMF(3, max_iter=1000, random_state=0),
    "NMF, KL": lambda: NMF(
        3, beta_loss="kullback-leibler", solver="mu", max_iter=1000, random_state=0
    ),
}
bright, dim = spectra(SEEDS[0], 200)[0], spectra(SEEDS[0], 10)[0]
print(
    f"\n(b) 300 spectra; mean count per channel {bright.mean():.2f} (bright),"
    f" {dim.mean():.2f} (dim, {np.mean(dim == 0):.0%} zeros)"
)
print("worst |corr| of a true part with its matched component over 5 seeds")
print(f"{'method':<16}{'bright':>8}{'dim':>8}{'share of entries < 0':>22}")
for name, make in models.items():
    corr, negative = {200: [], 10: []}, []
    for seed in SEEDS:
        for brightness in (200, 10):
            H = make().fit(spectra(seed, brightness)[0]).components_
            corr[brightness].append(matched_corr(parts, H).min())
            negative.append(np.mean(H < 0))
    print(
        f"{name:<16}{min(corr[200]):8.3f}{min(corr[10]):8.3f}{np.mean(negative):22.2f}"
    )

# non-uniqueness: with no near-pure spectra, other non-negative factors fit as well
worst_dense, fits_better = [], 0
for seed in SEEDS:
    X, expected = spectra(seed, 200, dense=True)
    nmf = NMF(3, max_iter=1000, random_state=0).fit(X)
    worst_dense.append(matched_corr(parts, nmf.components_).min())
    fits_better += nmf.reconstruction_err_ < np.linalg.norm(X - expected)
print(
    f"dense abundances: NMF worst |corr| per seed {min(worst_dense):.3f} to"
    f" {max(worst_dense):.3f}"
)
print(f"  yet it fits X better than the true factors in {fits_better} of 5 seeds")

# choosing k: relative error ||X - WH|| / ||X|| as k grows, against the truth's
X, expected = spectra(SEEDS[0], 200)
errors = [
    NMF(k, max_iter=1000, random_state=0).fit(X).reconstruction_err_
    for k in range(1, 7)
]
print(
    "relative error, k = 1..6:",
    " ".join(f"{e / np.linalg.norm(X):.3f}" for e in errors),
)
truth = np.linalg.norm(X - expected) / np.linalg.norm(X)
print(f"relative error of the true parts and abundances: {truth:.3f}")
# Eckart-Young: the truncated SVD is the best rank-k fit, so NMF cannot beat it
U, sv, Vt = np.linalg.svd(X, full_matrices=False)
svd_3 = np.linalg.norm(X - U[:, :3] * sv[:3] @ Vt[:3]) / np.linalg.norm(X)
print(f"rank 3: truncated SVD {svd_3:.3f}, NMF {errors[2] / np.linalg.norm(X):.3f}")
