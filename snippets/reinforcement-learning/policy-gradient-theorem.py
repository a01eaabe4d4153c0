import numpy as np

# A random episodic MDP: 4 states, 3 actions, every episode starts in state 0. Each
# (s, a) pays a fixed reward in [0, 1) and moves to one of the 4 states or ends the
# episode, with Dirichlet(1) probabilities. A tabular softmax policy with random
# logits; the objective is J = E[sum_t gamma^t r_t] with gamma = 0.9.
rng = np.random.default_rng(0)
S, A, GAMMA = 4, 3, 0.9
P = rng.dirichlet(np.ones(S + 1), size=(S, A))  # last column: the episode ends
R = rng.random((S, A))
theta = rng.normal(size=(S, A))


def policy(theta):
    z = np.exp(theta - theta.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def solve(theta, gamma):
    """Exact V, Q and visits d(s) = sum_t gamma^t P(s_t = s | s_0 = 0)."""
    pi = policy(theta)
    P_pi = np.einsum("sa,sat->st", pi, P[:, :, :S])
    M = np.linalg.inv(np.eye(S) - gamma * P_pi)
    V = M @ (pi * R).sum(axis=1)
    Q = R + gamma * P[:, :, :S] @ V
    return V, Q, M[0]


def pg_theorem(theta, gamma, gamma_visits):
    """sum_s d(s) sum_a grad pi(a|s) Q(s, a). For the tabular softmax, row s is
    d(s) pi(.|s) (Q(s, .) - V(s)). gamma_visits = 1 drops gamma^t from d(s)."""
    V, Q, _ = solve(theta, gamma)
    d = solve(theta, gamma_visits)[2]
    return d[:, None] * policy(theta) * (Q - V[:, None])


def J(theta):
    return solve(theta, GAMMA)[0][0]


# 1. The theorem against central differences of the exact objective.
grad = pg_theorem(theta, GAMMA, GAMMA)
fd = np.zeros_like(theta)
for i in np.ndindex(theta.shape):
    e = np.zeros_like(theta)
    e[i] = 1e-6
    fd[i] = (J(theta + e) - J(theta - e)) / 2e-6
gnorm = np.linalg.norm(grad)
print(f"J = {J(theta):.3f}, |grad J| = {gnorm:.3f}")
print("policy gradient theorem equals finite differences:", np.allclose(grad, fd))

pi = policy(theta)
V, Q, d_gamma = solve(theta, GAMMA)
d_1 = solve(theta, 1.0)[2]
# Variance-minimising baseline for one state's term: the average of Q(s, a) weighted
# by pi(a|s) |grad log pi(a|s)|^2, where |e_a - pi|^2 = 1 - 2 pi_a + sum_b pi_b^2.
g2 = 1 - 2 * pi + (pi**2).sum(axis=1, keepdims=True)
b_opt = (pi * g2 * Q).sum(axis=1) / (pi * g2).sum(axis=1)
rows = [
    ("visits d_1(s), no gamma^t", d_1),
    ("visits d_gamma(s)", d_gamma),
    ("V(s)", V),
    ("best baseline b*(s)", b_opt),
]
print(f"{'state':26}" + "".join(f"{s:>7}" for s in range(S)))
for name, x in rows:
    print(f"{name:26}" + "".join(f"{v:7.3f}" for v in x))

# 2. Monte Carlo: K batches of N episodes; every step of every episode is recorded.
K, N = 20_000, 8
E = K * N
cum_pi, cum_P = pi.cumsum(axis=1), P.cumsum(axis=2)
cum_pi[:, -1], cum_P[:, :, -1] = 1.0, 1.0
state = np.zeros(E, dtype=int)
alive = np.ones(E, dtype=bool)
steps, step = [], 0
while alive.any():
    ep = np.flatnonzero(alive)
    st = state[ep]
    a = (rng.random(ep.size)[:, None] > cum_pi[st]).sum(axis=1)
    nxt = (rng.random(ep.size)[:, None] > cum_P[st, a]).sum(axis=1)
    steps.append((ep, np.full(ep.size, step), st, a, R[st, a]))
    state[ep] = np.minimum(nxt, S - 1)
    alive[ep[nxt == S]] = False
    step += 1
ep, t, st, a, r = (np.concatenate(x) for x in zip(*steps))
order = np.lexsort((t, ep))
ep, t, st, a, r = ep[order], t[order], st[order], a[order], r[order]
disc = GAMMA**t
# Reward-to-go G_t = r_t + gamma G_{t+1}, backwards in time; the return is G_0.
last = np.r_[ep[1:] != ep[:-1], True]
G = r.copy()
for tt in range(t.max() - 1, -1, -1):
    i = np.flatnonzero((t == tt) & ~last)
    G[i] += GAMMA * G[i + 1]
ret = G[t == 0]  # one per episode, in episode order
print(f"\n{E:,} episodes, mean length {ep.size / E:.2f} steps")


def per_episode(w, extra=0.0):
    """sum_t w_t grad log pi(a_t|s_t) per episode, as (episodes, S*A); the score
    grad log pi(a|s) is e_a - pi(.|s) in row s and 0 elsewhere."""
    C = np.bincount(ep * S * A + st * A + a, weights=w, minlength=E * S * A)
    C = C.reshape(E, S, A)
    return (C - C.sum(axis=2, keepdims=True) * pi + extra).reshape(E, S * A)


def batch_estimate(w, extra=0.0):
    """The estimate of each batch: the mean of its N episodes' estimates."""
    return per_episode(w, extra).reshape(K, N, S * A).mean(axis=1)


# Q(s, a) as a "baseline" plus the term that restores the mean:
# sum_t gamma^t sum_a grad pi(a|s_t) Q(s_t, a), known in closed form for a known Q.
visits = np.bincount(ep * S + st, weights=disc, minlength=E * S).reshape(E, S)
correction = visits[:, :, None] * (pi * (Q - V[:, None]))
group = ret.reshape(K, N)
group_mean = group.mean(axis=1, keepdims=True)
leave_one_out = (group.sum(axis=1, keepdims=True) - group) / (N - 1)
u = pg_theorem(theta, GAMMA, 1.0)  # the mean of the estimate without gamma^t
# name: (the estimate of every batch, its exact expectation)
estimators = {
    "whole return, no baseline": (batch_estimate(ret[ep]), grad),
    "reward-to-go (rtg)": (batch_estimate(disc * G), grad),
    "rtg - constant b = J": (batch_estimate(disc * (G - J(theta))), grad),
    "rtg - V(s)": (batch_estimate(disc * (G - V[st])), grad),
    "rtg - b*(s)": (batch_estimate(disc * (G - b_opt[st])), grad),
    "rtg - Q(s,a)": (batch_estimate(disc * (G - Q[st, a])), 0 * grad),
    "rtg - Q(s,a) + correction": (
        batch_estimate(disc * (G - Q[st, a]), correction),
        grad,
    ),
    "rtg - V(s), no gamma^t": (batch_estimate(G - V[st]), u),
    "return - group mean": (
        batch_estimate((group - group_mean).ravel()[ep]),
        (1 - 1 / N) * grad,
    ),
    "return - leave-one-out": (
        batch_estimate((group - leave_one_out).ravel()[ep]),
        grad,
    ),
}
print(f"{K:,} batches of {N} episodes; bias and cos from the exact expectation")
print(
    f"{'estimator':26} {'bias':>6} {'cos':>6} {'err/se':>7} "
    f"{'variance':>9} {'episodes':>9}"
)
for name, (batch, expect) in estimators.items():
    var = batch.var(axis=0, ddof=1).sum()
    err_se = np.linalg.norm(batch.mean(axis=0) - grad.ravel()) / np.sqrt(var / K)
    bias = np.linalg.norm(expect - grad) / gnorm
    norm = np.linalg.norm(expect)
    cos = "-" if norm == 0 else f"{(expect * grad).sum() / norm / gnorm:.3f}"
    # Episodes for a standard error of 10% of the length of the estimate's own mean.
    need = "-" if norm == 0 else f"{N * var / (0.1 * norm) ** 2:,.0f}"
    print(f"{name:26} {bias:6.3f} {cos:>6} {err_se:7.1f} {var:9.3f} {need:>9}")

# 3. E[b grad log pi] = 0 when b does not depend on the action; summed over the steps
# of an episode, without gamma^t.
print()
for name, w, exact in [
    ("b = 10", np.full(r.size, 10.0), 0.0),
    ("b = V(s)", V[st], 0.0),
    ("b = Q(s,a)", Q[st, a], np.linalg.norm(u)),
]:
    x = per_episode(w)
    noise = np.sqrt(x.var(axis=0, ddof=1).sum() / E)
    print(
        f"sum_t {name:10} grad log pi: |mean| {np.linalg.norm(x.mean(axis=0)):.3f}, "
        f"noise {noise:.3f}, exact {exact:.3f}"
    )


# 4. The direction without gamma^t: a gradient? The Jacobian of a gradient field is a
# Hessian, which is symmetric.
def jacobian(f, theta, eps=1e-5):
    out = np.zeros((theta.size, theta.size))
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = eps
        e = e.reshape(theta.shape)
        out[:, i] = ((f(theta + e) - f(theta - e)) / (2 * eps)).ravel()
    return out


grad_1 = pg_theorem(theta, 1.0, 1.0)  # gradient of the undiscounted return
cos_1 = (u * grad_1).sum() / np.linalg.norm(u) / np.linalg.norm(grad_1)
print(f"\ncos(no-gamma^t direction, gradient of the undiscounted J) = {cos_1:.3f}")
for name, f in [
    ("grad J (the Hessian)", lambda th: pg_theorem(th, GAMMA, GAMMA)),
    ("no-gamma^t direction", lambda th: pg_theorem(th, GAMMA, 1.0)),
]:
    jac = jacobian(f, theta)
    asym = np.linalg.norm(jac - jac.T) / np.linalg.norm(jac)
    print(f"Jacobian of {name:21} |Jac - Jac^T| / |Jac| = {asym:.3f}")
