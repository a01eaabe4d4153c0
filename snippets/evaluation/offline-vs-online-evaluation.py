import numpy as np

rng = np.random.default_rng(0)
n_users, n_items, n_logged = 20, 10, 100_000

# The world: click probability of each item for each user segment (unknown to us).
ctr = rng.beta(1, 12, size=(n_users, n_items))
segment_share = rng.dirichlet(np.full(n_users, 2.0))

# Production policy that logged the data: a softmax over its own (imperfect) scores.
prod_scores = np.log(ctr) + rng.normal(0, 0.6, ctr.shape)
pi0 = np.exp(2 * prod_scores)
pi0 /= pi0.sum(axis=1, keepdims=True)

# Logged interactions: which segment, which item was shown, its propensity, click or
# not.
u = rng.choice(n_users, n_logged, p=segment_share)
a = (rng.random((n_logged, 1)) > np.cumsum(pi0[u], axis=1)).sum(
    axis=1
)  # sample item ~ pi0[u]
click = rng.random(n_logged) < ctr[u, a]
propensity = pi0[u, a]


def online_ctr(
    policy_probs,
):  # what an online experiment would measure, with unlimited traffic
    return float(segment_share @ (policy_probs * ctr).sum(axis=1))


def offline_estimates(choice):
    """Estimate a deterministic policy's CTR from the production log, two ways."""
    match = a == choice[u]
    naive = click[
        match
    ].mean()  # "replay": clicks where the log happens to agree with the policy
    ips = np.mean(
        click * match / propensity
    )  # inverse propensity scoring (Horvitz-Thompson)
    return naive, ips


print(
    f"production policy: online CTR {online_ctr(pi0):.4f}, average of its own log "
    f"{click.mean():.4f}"
)
print(
    f"{'candidate policy':<28} {'online (truth)':>14} {'naive replay':>12} {'IPS':>7}"
)
candidates = {
    "greedy on production scores": np.argmax(prod_scores, axis=1),
    **{
        f"new model, noise {s}": np.argmax(
            np.log(ctr) + rng.normal(0, s, ctr.shape), axis=1
        )
        for s in [0.3, 0.6, 1.2]
    },
    "most popular item for all": np.full(n_users, np.argmax(segment_share @ ctr)),
}
rows = []
for name, choice in candidates.items():
    truth = online_ctr(np.eye(n_items)[choice])
    naive, ips = offline_estimates(choice)
    rows.append((truth, naive, ips))
    print(f"{name:<28} {truth:>14.4f} {naive:>12.4f} {ips:>7.4f}")
truth, naive, ips = np.array(rows).T
print(
    f"mean absolute error: naive {np.mean(np.abs(naive - truth)):.4f}, IPS "
    f"{np.mean(np.abs(ips - truth)):.4f}"
)
names = list(candidates)
for label, est in [("truth", truth), ("naive replay", naive), ("IPS", ips)]:
    print(f"best policy by {label:<12}: {names[int(np.argmax(est))]}")
