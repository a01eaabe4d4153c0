import numpy as np

rng = np.random.default_rng(0)
D, K = 6, 5

# A user is 5 Gaussian features plus a constant; arm a is clicked with probability
# sigmoid(x . theta_a + c_a x_0 x_1): the link and the interaction term make every
# linear model below misspecified, as real reward models are.
theta = rng.normal(0, 1.5, (K, D))
theta[:, -1] = -1.5 + 0.3 * rng.normal(size=K)
inter = 0.5 * rng.normal(size=K)


def contexts(shape):
    x = rng.normal(0, 1, (*shape, D))
    x[..., -1] = 1.0
    return x


def click_prob(x):
    return 1 / (1 + np.exp(-(x @ theta.T + x[..., :1] * x[..., 1:2] * inter)))


x = contexts((500_000,))
p = click_prob(x)
# personalisation pays only if the best arm differs between users
share = np.mean(p.argmax(1) != p.mean(0).argmax())
print(f"users whose best arm is not the best arm on average: {share:.0%}")
print(f"click rate, best arm for each user: {p.max(1).mean():.3f}")
print(f"click rate, best single arm for everyone: {p.mean(0).max():.3f}")


def run(policy, R=40, T=2000, alpha=0.5, eps=0.1, v=0.25):
    """R independent runs side by side; returns cumulative (pseudo-)regret, (R, T)."""
    # per arm ridge regression: A^-1 and b = sum of r x (the disjoint model of LinUCB)
    A_inv = np.broadcast_to(np.eye(D), (R, K, D, D)).copy()
    b = np.zeros((R, K, D))
    n, s = np.zeros((R, K)), np.zeros((R, K))
    regret, runs = np.zeros((R, T)), np.arange(R)
    for t in range(T):
        x = contexts((R,))
        p = click_prob(x)
        theta_hat = np.einsum("rkij,rkj->rki", A_inv, b)
        mean = np.einsum("rki,ri->rk", theta_hat, x)
        if policy == "UCB1, no context":
            with np.errstate(divide="ignore", invalid="ignore"):
                ucb = np.where(n > 0, s / n + np.sqrt(2 * np.log(t + 1) / n), np.inf)
            a = ucb.argmax(1)
        elif policy == "epsilon-greedy 0.1":
            explore = rng.random(R) < eps
            a = np.where(explore, rng.integers(0, K, R), mean.argmax(1))
        elif policy == "LinUCB, alpha 0.5":
            width = np.sqrt(np.einsum("ri,rkij,rj->rk", x, A_inv, x))
            a = (mean + alpha * width).argmax(1)
        else:
            # linear Thompson sampling: theta ~ N(theta_hat, v^2 A^-1) per arm
            L = np.linalg.cholesky(A_inv)
            z = rng.normal(size=(R, K, D))
            draw = theta_hat + v * np.einsum("rkij,rkj->rki", L, z)
            a = np.einsum("rki,ri->rk", draw, x).argmax(1)
        r = (rng.random(R) < p[runs, a]).astype(float)
        regret[:, t] = p.max(1) - p[runs, a]
        n[runs, a] += 1
        s[runs, a] += r
        # Sherman-Morrison: update the chosen arm's A^-1 with x x^T
        Ai = A_inv[runs, a]
        Ax = np.einsum("rij,rj->ri", Ai, x)
        denom = 1 + np.einsum("ri,ri->r", x, Ax)
        A_inv[runs, a] = Ai - np.einsum("ri,rj->rij", Ax, Ax) / denom[:, None, None]
        b[runs, a] += r[:, None] * x
    return regret.cumsum(1)


print("\ncumulative regret in clicks, mean (std err) over 40 runs")
print(f"{'':24}{'T=100':>12}{'T=1000':>14}{'T=2000':>14}  per step, last 1k")
for policy in [
    "UCB1, no context",
    "epsilon-greedy 0.1",
    "LinUCB, alpha 0.5",
    "linear Thompson, v 0.25",
]:
    c = run(policy)
    cells = "".join(
        f"{c[:, t - 1].mean():7.1f} ({c[:, t - 1].std() / np.sqrt(len(c)):4.1f})"
        for t in (100, 1000, 2000)
    )
    print(f"{policy:<24}{cells}{(c[:, -1] - c[:, -1001]).mean() / 1000:10.4f}")


# Off-policy evaluation. Target: greedy on a new model's scores (deterministic).
# Logs: 100 logs of 5,000 events from a softmax over the production model's scores,
# with and without a 20% uniform exploration floor; propensities are logged.
production = theta + rng.normal(0, 0.7, theta.shape)
new_model = theta + rng.normal(0, 0.3, theta.shape)
true_value = p[np.arange(len(x)), (x @ new_model.T).argmax(1)].mean()
print(f"\ntarget policy's true click rate: {true_value:.4f}")
N_LOGS, N = 100, 5000


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def pick(probs, rows):
    return np.take_along_axis(probs, rows[..., None], -1)[..., 0]


results, summary = {}, {}
for logger, beta, floor in [("exploring", 2.0, 0.2), ("near-greedy", 3.0, 0.0)]:
    x = contexts((N_LOGS, N))
    pi0 = (1 - floor) * softmax(beta * x @ production.T) + floor / K
    a = (pi0.cumsum(-1) > rng.random((N_LOGS, N, 1))).argmax(-1)
    r = (rng.random((N_LOGS, N)) < pick(click_prob(x), a)).astype(float)
    target = (x @ new_model.T).argmax(-1)
    # importance weight: pi(a|x) / pi0(a|x), with pi deterministic
    w = (a == target) / pick(pi0, a)
    # direct method: a ridge regression of the click on x, per arm, fitted on each log
    xt = np.swapaxes(x, 1, 2)
    coef = np.stack(
        [
            np.linalg.solve(
                (xt * (a == k)[:, None]) @ x + np.eye(D),
                (xt * (a == k)[:, None]) @ r[..., None],
            )[..., 0]
            for k in range(K)
        ],
        1,
    )
    r_hat = np.einsum("lni,lki->lnk", x, coef)
    dm, dr_term = pick(r_hat, target), w * (r - pick(r_hat, a))
    estimates = {
        "DM": dm.mean(1),
        "IPS": (w * r).mean(1),
        "SNIPS": (w * r).sum(1) / w.sum(1),
        "DR": (dm + dr_term).mean(1),
        "DR, weights <= 20": (dm + np.minimum(w, 20) * (r - pick(r_hat, a))).mean(1),
    }
    results[logger] = {k: v - true_value for k, v in estimates.items()}
    ess = (w.sum(1) ** 2 / (w**2).sum(1)).mean()
    summary[logger] = (r.mean(), pick(pi0, target).min(), w.max(), ess)

print(
    f"{'log':<12}{'click rate':>11}{'min pi0(target)':>17}{'max weight':>12}{'ESS':>7}"
)
for logger, (rate, smallest, largest, ess) in summary.items():
    print(f"{logger:<12}{rate:11.3f}{smallest:17.1e}{largest:12,.0f}{ess:7,.0f}")
header = f"\n{'error of the estimate':<22}{'exploring log':^26}{'near-greedy log':^26}"
print(header.rstrip())
print(f"{'estimator':<22}" + f"{'bias (se)':>18}{'sd':>8}" * 2)
for name in results["exploring"]:
    cells = [results[logger][name] for logger in results]
    print(
        f"{name:<22}"
        + "".join(
            f"{e.mean():+9.4f} ({e.std() / np.sqrt(N_LOGS):.4f}){e.std():8.4f}"
            for e in cells
        )
    )
