import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

rng = np.random.default_rng(0)


def tilted_cluster(n, mean, angle, sds):
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rng.normal(size=(n, 2)) * sds @ rot.T + mean


# three elongated clusters, each tilted differently
X = np.vstack(
    [
        tilted_cluster(300, (0, 0), 0.5, (3, 0.5)),
        tilted_cluster(300, (4, 5), -0.7, (3, 0.5)),
        tilted_cluster(300, (9, 0), 1.2, (2.5, 0.6)),
    ]
)
y = np.repeat([0, 1, 2], 300)


def n_params(k, d, cov):
    per_cov = {"full": d * (d + 1) // 2, "diag": d, "spherical": 1}
    cov_params = d * (d + 1) // 2 if cov == "tied" else k * per_cov[cov]
    return (k - 1) + k * d + cov_params  # weights, means, covariances


ks = range(1, 11)
print(
    f"{'covariance':<10} {'params at k=3':>13} {'BIC picks k':>11}"
    f" {'ARI at that k':>13}"
)
for cov in ["spherical", "diag", "tied", "full"]:
    models = [
        GaussianMixture(k, covariance_type=cov, n_init=2, random_state=0).fit(X)
        for k in ks
    ]
    best = min(models, key=lambda m: m.bic(X))
    ari = adjusted_rand_score(y, best.predict(X))
    print(f"{cov:<10} {n_params(3, 2, cov):>13} {best.n_components:>11} {ari:>13.3f}")

# BIC = -2 log L + p log n, checked by hand for the chosen full model
full = GaussianMixture(3, covariance_type="full", n_init=2, random_state=0).fit(X)
log_l = full.score(X) * len(X)
by_hand = -2 * log_l + n_params(3, 2, "full") * np.log(len(X))
print(f"BIC by hand {by_hand:.1f}, scikit-learn {full.bic(X):.1f}")
