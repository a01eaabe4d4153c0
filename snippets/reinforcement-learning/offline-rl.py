import numpy as np

rng = np.random.default_rng(0)
nS, nA, gamma = 20, 4, 0.9
# A random MDP with a known model: transitions, mean rewards, and noisy observed
# rewards (sd 1), so an action seen a few times can look much better than it is.
P = rng.dirichlet(np.full(nS, 0.3), size=(nS, nA))
R = rng.uniform(0, 1, size=(nS, nA))


def evaluate(pi):
    """Exact value of a deterministic policy, averaged over start states."""
    P_pi, R_pi = P[np.arange(nS), pi], R[np.arange(nS), pi]
    return np.linalg.solve(np.eye(nS) - gamma * P_pi, R_pi).mean()


Q_star = np.zeros((nS, nA))
for _ in range(500):
    Q_star = R + gamma * P @ Q_star.max(1)
print(f"optimal policy value: {evaluate(Q_star.argmax(1)):.2f}")

# The logging policy: a mediocre fixed action 85% of the time, each other 5%.
behaviour = rng.integers(0, nA, nS)
pi_b = np.full((nS, nA), 0.05)
pi_b[np.arange(nS), behaviour] = 0.85
V_b = np.linalg.solve(
    np.eye(nS) - gamma * np.einsum("sa,sat->st", pi_b, P), (pi_b * R).sum(1)
).mean()
print(f"behaviour policy value: {V_b:.2f}")

# A fixed dataset of 3,000 transitions; no more interaction allowed.
s = rng.integers(0, nS, 3_000)
a = np.array([rng.choice(nA, p=pi_b[x]) for x in s])
s2 = np.array([rng.choice(nS, p=P[x, y]) for x, y in zip(s, a)])
r = R[s, a] + rng.normal(0, 1, len(s))
n = np.zeros((nS, nA))
np.add.at(n, (s, a), 1)
r_hat = np.zeros((nS, nA))
np.add.at(r_hat, (s, a), r)
r_hat = np.divide(r_hat, n, out=np.zeros_like(r_hat), where=n > 0)
P_hat = np.zeros((nS, nA, nS))
np.add.at(P_hat, (s, a, s2), 1)
P_hat = np.divide(P_hat, n[..., None], out=np.zeros_like(P_hat), where=n[..., None] > 0)


def fitted_q(allowed, penalty=0.0, iters=300):
    """Q-iteration on the dataset's empirical model; max over allowed actions only."""
    Q = np.zeros((nS, nA))
    for _ in range(iters):
        V = np.where(allowed, Q, -np.inf).max(1)
        Q = r_hat - penalty / np.sqrt(np.maximum(n, 1)) + gamma * P_hat @ V
    Q = np.where(allowed, Q, -np.inf)
    return Q, Q.argmax(1)


seen = n > 0
results = {
    "naive Q-learning": fitted_q(seen),
    "BCQ-style (frequent actions only)": fitted_q(n >= 0.2 * n.max(1, keepdims=True)),
    "pessimistic (count penalty)": fitted_q(seen, penalty=1.0),
}
print(f"{'method':34} {'predicted':>9} {'true':>6}")
for name, (Q, pi) in results.items():
    print(f"{name:34} {Q.max(1).mean():9.2f} {evaluate(pi):6.2f}")
bc = n.argmax(1)
print(f"{'behaviour cloning':34} {'':>9} {evaluate(bc):6.2f}")
