import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import gaussian_filter
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
SIZE, PITCH, PATCH, STRIDE = 32, 8, 6, 2
KINDS = ("scratch", "spot", "missing dot")
yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(float)


def part(defect=None):
    """A synthetic part: a grid of dark dots, shifted by up to 3 px, with grain."""
    sy, sx = rng.uniform(-3, 3, 2)
    gy = np.round((yy - 4 - sy) / PITCH) * PITCH + 4 + sy
    gx = np.round((xx - 4 - sx) / PITCH) * PITCH + 4 + sx
    dots = np.exp(-((yy - gy) ** 2 + (xx - gx) ** 2) / (2 * 1.2**2))
    mask = np.zeros((SIZE, SIZE), bool)
    if defect == "missing dot":
        cy, cx = rng.integers(1, 3, 2) * PITCH + 4 + np.array([sy, sx])
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= 3**2
        dots[mask] = 0
    grain = gaussian_filter(rng.standard_normal((SIZE, SIZE)), 1.5) * 0.2
    img = 0.7 + rng.normal(0, 0.03) - 0.4 * dots + grain
    if defect == "scratch":
        cy, cx = rng.uniform(8, 24, 2)
        angle, half = rng.uniform(0, np.pi), rng.uniform(4, 7)
        along = (yy - cy) * np.sin(angle) + (xx - cx) * np.cos(angle)
        across = -(yy - cy) * np.cos(angle) + (xx - cx) * np.sin(angle)
        mask = (np.abs(across) < 0.7) & (np.abs(along) < half)
        img[mask] += rng.choice([-1, 1]) * 0.15
    if defect == "spot":
        cy, cx = rng.uniform(6, 26, 2)
        bump = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.5**2))
        mask = bump > 0.2
        img -= 0.2 * bump
    img = img + rng.normal(0, 0.02, img.shape)
    # lighting normalisation, applied to every method: subtract the image's mean
    return img - img.mean(), mask


def make(n_good, n_per_kind):
    kinds = [None] * n_good + [k for k in KINDS for _ in range(n_per_kind)]
    imgs, masks = zip(*(part(k) for k in kinds))
    labels = np.array([k is not None for k in kinds], int)
    return np.array(imgs), np.array(masks), labels, np.array(kinds, object)


def patches(imgs, size=PATCH):
    # the fixed feature map: raw size x size pixel patches, stride 2
    w = sliding_window_view(imgs, (size, size), axis=(1, 2))[:, ::STRIDE, ::STRIDE]
    return w.reshape(len(imgs), -1, size * size)


def nn_distance(queries, bank, chunk=256):
    # Euclidean distance to the nearest bank patch, float64 for stable digits
    bank_sq = (bank**2).sum(1)
    out = np.empty(len(queries))
    for i in range(0, len(queries), chunk):
        q = queries[i : i + chunk]
        d2 = (q**2).sum(1)[:, None] - 2 * q @ bank.T + bank_sq[None, :]
        out[i : i + chunk] = np.sqrt(np.maximum(d2.min(1), 0))
    return out


def greedy_coreset(x, k):
    # k-centre greedy selection, as in PatchCore: each new centre is the point
    # farthest from those chosen so far
    chosen, dist = [0], ((x - x[0]) ** 2).sum(1)
    for _ in range(k - 1):
        chosen.append(int(dist.argmax()))
        np.minimum(dist, ((x - x[chosen[-1]]) ** 2).sum(1), out=dist)
    return x[chosen]


N_TRAIN = 60
train, _, _, _ = make(N_TRAIN, 0)
few_defects, _, _, _ = make(0, 2)
few_defects = few_defects[:5]
val, _, y_val, _ = make(100, 10)
test, m_test, y_test, kind_test = make(120, 40)
print(f"synthetic 32x32 parts: train {N_TRAIN} good; 5 labelled defects;")
print("validation 100 good + 30 defects; test 120 good + 120 defects (40 per kind)")


def patch_mean(pixel_map):
    # mean of a per-pixel score over each 6x6 patch, on the same patch grid
    return patches(pixel_map).mean(2)


# every method returns (image scores, a score per patch for localisation)
methods = {}
# (a) supervised: logistic regression on pixels, the good parts + 5 defects;
# its patch map is each pixel's contribution w * (x - mean good part)
X_sup = np.concatenate([train, few_defects]).reshape(N_TRAIN + 5, -1)
y_sup = np.r_[np.zeros(N_TRAIN), np.ones(5)]
clf = LogisticRegression(class_weight="balanced", max_iter=5000).fit(X_sup, y_sup)
w_map, good_mean = clf.coef_.reshape(SIZE, SIZE), train.mean(0)
methods["supervised, 5 defects"] = lambda x: (
    clf.decision_function(x.reshape(len(x), -1)),
    patch_mean(w_map * (x - good_mean)),
    PATCH,
)


# (b) PCA reconstruction error, fitted on good parts; score = worst patch
def pca_method(k):
    pca = PCA(n_components=k, svd_solver="full").fit(train.reshape(N_TRAIN, -1))

    def score(x):
        flat = x.reshape(len(x), -1)
        error = (flat - pca.inverse_transform(pca.transform(flat))) ** 2
        maps = patch_mean(error.reshape(x.shape))
        return maps.max(1), maps, PATCH

    return score


methods["PCA recon., 8 comps"] = pca_method(8)
methods["PCA recon., 40 comps"] = pca_method(40)


# (c) PatchCore-style: distance of each patch to its nearest good patch;
# score = worst patch
def patchcore_method(size, coreset_share):
    bank = patches(train, size).reshape(-1, size * size)
    if coreset_share < 1:
        bank = greedy_coreset(bank, int(len(bank) * coreset_share))

    def score(x):
        flat = patches(x, size).reshape(-1, size * size)
        maps = nn_distance(flat, bank).reshape(len(x), -1)
        return maps.max(1), maps, size

    return score


methods["PatchCore 6x6, full"] = patchcore_method(PATCH, 1)
methods["PatchCore 6x6, 10%"] = patchcore_method(PATCH, 0.1)
methods["PatchCore 10x10, 10%"] = patchcore_method(10, 0.1)

good, bad = y_test == 0, y_test == 1
print(f"memory bank: {N_TRAIN * 14 * 14} patches of 6x6; coreset: greedy 10%")
print("thr A: lowest validation-defect score (all 30 caught)")
print("thr B: 95th percentile of validation good-part scores")
print(
    f"{'method':22} {'AUROC':>6} {'scratch':>7} {'spot':>5} {'missing':>7}"
    f" {'A: FRR':>6} {'recall':>6} {'B: FRR':>6} {'recall':>6} {'loc':>5}"
)
for name, method in methods.items():
    s_val, _, _ = method(val)
    s_test, maps, size = method(test)
    auroc = [roc_auc_score(y_test, s_test)]
    for kind in KINDS:
        keep = good | (kind_test == kind)
        auroc.append(roc_auc_score(y_test[keep], s_test[keep]))
    rates = []
    for threshold in (s_val[y_val == 1].min(), np.quantile(s_val[y_val == 0], 0.95)):
        rates += [np.mean(s_test[good] >= threshold), np.mean(s_test[bad] >= threshold)]
    # localisation: does the top-scoring patch overlap the defect's pixels?
    hits = patches(m_test[bad].astype(float), size).max(2) > 0
    loc = np.mean(hits[np.arange(bad.sum()), maps[bad].argmax(1)])
    print(
        f"{name:22} {auroc[0]:6.3f} {auroc[1]:7.3f} {auroc[2]:5.3f} {auroc[3]:7.3f}"
        f" {rates[0]:6.3f} {rates[1]:6.3f} {rates[2]:6.3f} {rates[3]:6.3f} {loc:5.3f}"
    )
