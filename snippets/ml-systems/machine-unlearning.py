import numpy as np
from scipy.special import expit, logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
d, C = 200, 0.01
w_true = rng.normal(size=d) * 3 / np.sqrt(d)


def make(n, scale=1.0, flip=False):
    X = rng.normal(size=(n, d)) * scale
    y = (X @ w_true + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, (1 - y) if flip else y


# 2,000 records from 400 users, and one more user's 40 atypical records (3x the
# usual scale, labels against the rule): a model can only memorise them
X_keep, y_keep = make(2000)
X_forget, y_forget = make(40, scale=3.0, flip=True)
# records drawn like the user's but never trained on, and a test set
X_unseen, y_unseen = make(1000, scale=3.0, flip=True)
X_test, y_test = make(5000)
X_all, y_all = np.r_[X_keep, X_forget], np.r_[y_keep, y_forget]
user = np.r_[rng.integers(0, 400, 2000), np.full(40, 400)]
forget = user == 400


def fit(X, y):
    # minimises C * sum of log-losses + ||w||^2 / 2 (the intercept is not penalised)
    m = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12).fit(X, y)
    return np.r_[m.coef_.ravel(), m.intercept_]


def linear(theta):
    # log-probability of the true label under a linear model
    return lambda X, y: -np.logaddexp(0, (1 - 2 * y) * (X @ theta[:-1] + theta[-1]))


# (a) trained on everything; (b) retrained without the user: the gold standard
th_a = fit(X_all, y_all)
th_b = fit(X_keep, y_keep)


# (c) SISA: k shards by user id, one model per shard, probabilities averaged
def sisa(k, keep):
    shard = user % k
    return [
        fit(X_all[(shard == s) & keep], y_all[(shard == s) & keep]) for s in range(k)
    ]


def ensemble(thetas):
    def log_p(X, y):
        logs = [linear(t)(X, y) for t in thetas]
        return logsumexp(logs, axis=0) - np.log(len(thetas))

    return log_p


k = 4
models = sisa(k, np.ones(len(y_all), bool))
# the deletion: retrain only the shards that hold the user's records
hit = np.unique(user[forget] % k)
for s in hit:
    rows = (user % k == s) & ~forget
    models[s] = fit(X_all[rows], y_all[rows])
retrained = np.isin(user % k, hit) & ~forget

# (d) one Newton step on the objective without the user (Guo et al. 2020), from
# th_a, with the Hessian of that objective at th_a
A_keep, A_forget = np.c_[X_keep, np.ones(2000)], np.c_[X_forget, np.ones(40)]
reg = np.r_[np.ones(d), 0.0]


def grad_keep(theta):
    return C * A_keep.T @ (expit(A_keep @ theta) - y_keep) + reg * theta


p = expit(A_keep @ th_a)
H = C * (A_keep * (p * (1 - p))[:, None]).T @ A_keep + np.diag(reg)
th_d = th_a - np.linalg.solve(H, grad_keep(th_a))


def report(name, log_p, theta=None):
    acc = np.mean(log_p(X_test, y_test) > np.log(0.5))
    loss_f, loss_u = -log_p(X_forget, y_forget), -log_p(X_unseen, y_unseen)
    # loss-threshold membership attack: the user's records against never-seen ones
    auc = roc_auc_score(np.r_[np.ones(40), np.zeros(1000)], -np.r_[loss_f, loss_u])
    dist = (
        np.linalg.norm(theta - th_b) / np.linalg.norm(th_b) if theta is not None else 0
    )
    dist = f"{dist:.3f}" if theta is not None else "-"
    print(
        f"{name:<30} {acc:>8.3f} {dist:>11} {loss_f.mean():>11.2f} "
        f"{loss_u.mean():>11.2f} {auc:>7.3f}"
    )


print(
    f"{'model':<30} {'test acc':>8} {'dist to (b)':>11} {'forget loss':>11} "
    f"{'unseen loss':>11} {'MIA AUC':>7}"
)
report("(a) original", linear(th_a), th_a)
report("(b) retrained without user", linear(th_b), th_b)
report(f"(c) SISA, {k} shards", ensemble(models))
report("(d) one Newton step", linear(th_d), th_d)
# (e) gradient ascent on the forget set's loss, as done for deep nets and LLMs
th_e = th_a.copy()
for step in range(1, 201):
    th_e = th_e + 0.002 * A_forget.T @ (expit(A_forget @ th_e) - y_forget) / 40
    if step in (20, 50, 200):
        report(f"(e) gradient ascent, {step} steps", linear(th_e), th_e)

g_a, g_d, g_b = (np.linalg.norm(grad_keep(t)) for t in (th_a, th_d, th_b))
print("\ngradient norm of the objective without the user (zero at its minimum):")
print(f"  original {g_a:.2f}, after one Newton step {g_d:.3f}, retrained {g_b:.3f}")

print(
    f"\nSISA: the user is in {len(hit)} of {k} shards; retrained {retrained.sum()} of "
    f"{(~forget).sum()} records ({retrained.sum() / (~forget).sum():.2f})"
)
fresh = ensemble(sisa(k, ~forget))
same = np.allclose(ensemble(models)(X_test, y_test), fresh(X_test, y_test))
print(f"after the deletion it equals SISA trained without the user: {same}")
for k_ in [4, 16]:
    spread = len(np.unique(rng.integers(0, k_, 40)))
    print(f"sharded by record instead: the 40 records hit {spread} of {k_} shards")
print("test accuracy without the user, by number of shards:")
for k_ in [1, 2, 4, 8, 16]:
    acc = np.mean(ensemble(sisa(k_, ~forget))(X_test, y_test) > np.log(0.5))
    print(f"  {k_:>2} shards: {acc:.3f}")
