import numpy as np

rng = np.random.default_rng(0)

# Buses with a mean gap of 10 minutes; a gamma gap with shape k has
# E[L^2] = E[L]^2 (1 + 1/k): k = 1 is exponential, k < 1 is bunched
mean_gap = 10.0
n_gaps, n_passengers = 1_000_000, 1_000_000
processes = [
    ("fixed gaps", np.inf),
    ("gamma, shape 4", 4.0),
    ("exponential (Poisson)", 1.0),
    ("bunched: gamma, shape 0.5", 0.5),
]
print("                                         gap you land in       mean wait")
print("bus process                   CV  mean gap    sim  formula     sim  formula")
for name, k in processes:
    if np.isinf(k):
        gaps = np.full(n_gaps, mean_gap)
    else:
        gaps = rng.gamma(k, mean_gap / k, n_gaps)
    second_moment = mean_gap**2 * (1 + 1 / k)
    buses = np.cumsum(gaps)
    # Passengers arrive at uniform random times, knowing nothing of the buses
    arrive = rng.uniform(0, buses[-1], n_passengers)
    next_bus = np.searchsorted(buses, arrive)
    wait = buses[next_bus] - arrive
    landed = gaps[next_bus]
    print(
        f"{name:<27} {1 / np.sqrt(k):4.2f} {gaps.mean():9.2f} {landed.mean():6.2f}"
        f" {second_moment / mean_gap:8.2f} {wait.mean():7.2f}"
        f" {second_moment / (2 * mean_gap):8.2f}"
    )

# Users with heavy-tailed activity: sessions per user is 1 plus a rounded-down
# log-normal; a paid plan is more likely for heavier users
n_users = 100_000
sessions = 1 + np.floor(rng.lognormal(1.0, 1.2, n_users)).astype(int)
paid = rng.random(n_users) < 1 / (1 + np.exp(3 - np.log(sessions)))
owner = np.repeat(np.arange(n_users), sessions)
n_sessions = len(owner)
print(f"\n{n_users:,} users, {n_sessions:,} sessions")
print(
    f"truth: mean sessions per user {sessions.mean():.2f}, paid share {paid.mean():.3f}"
)
print(f"E[n^2]/E[n] = {(sessions**2).mean() / sessions.mean():.2f}")

# 500 samples of 1,000: random users, or random sessions (each session's user)
reps, size = 500, 1_000
by_user = rng.integers(0, n_users, (reps, size))
by_session = owner[rng.integers(0, n_sessions, (reps, size))]
n_u, n_s = sessions[by_user], sessions[by_session]
# A user with n sessions is n times as likely to be drawn: weight by 1 / n
w = 1 / n_s
estimates = {
    "random users": (n_u.mean(1), paid[by_user].mean(1)),
    "random sessions, unweighted": (n_s.mean(1), paid[by_session].mean(1)),
    "random sessions, weight 1/n": (
        (w * n_s).sum(1) / w.sum(1),
        (w * paid[by_session]).sum(1) / w.sum(1),
    ),
}
print("samples of 1,000, mean (sd) over 500  sessions per user    paid share")
for name, (mean_n, share) in estimates.items():
    print(
        f"{name:<37} {mean_n.mean():10.2f} ({mean_n.std():.2f})"
        f" {share.mean():9.3f} ({share.std():.3f})"
    )
