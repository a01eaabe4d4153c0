import numpy as np
from scipy.optimize import linprog

# A 5 x 8 grid. S start, G goal: reward 1 on arrival, and the episode ends. H is a
# hazard: every step into an H cell costs 1. With probability SLIP a move is replaced
# by one in a random direction, any of the four (off the grid = stay). The straight
# line from S to G crosses four hazard cells.
GRID = [
    "........",
    "........",
    "..HHHH..",
    "S.HHHH.G",
    "..HHHH..",
]
GAMMA, SLIP, LIMIT, TIGHT_LIMIT = 0.95, 0.1, 0.5, 0.05
MOVES, NAMES = [(-1, 0), (1, 0), (0, -1), (0, 1)], ["up", "down", "left", "right"]
where = {(r, c): x for r, row in enumerate(GRID) for c, x in enumerate(row)}
cells = [rc for rc, x in where.items() if x != "G"]
idx = {rc: i for i, rc in enumerate(cells)}
N, A = len(cells), len(MOVES)
START = idx[3, 0]
hazard = np.array([where[rc] == "H" for rc in cells], float)


def target(rc, move):
    nxt = (rc[0] + move[0], rc[1] + move[1])
    # index N stands for the goal: the episode ends there
    if nxt not in where:
        return idx[rc]
    return N if where[nxt] == "G" else idx[nxt]


P = np.zeros((N, A, N + 1))
for s, rc in enumerate(cells):
    for a in range(A):
        P[s, a, target(rc, MOVES[a])] += 1 - SLIP
        for b in range(A):
            P[s, a, target(rc, MOVES[b])] += SLIP / A
R = P[:, :, N]
P = P[:, :, :N]
C = P @ hazard


def evaluate(pi):
    """Exact discounted return and cost from S, and P(an episode ever enters H)."""
    P_pi = np.einsum("sa,sat->st", pi, P)
    M = np.eye(N) - GAMMA * P_pi
    returns = np.linalg.solve(M, (pi * R).sum(1))
    costs = np.linalg.solve(M, (pi * C).sum(1))
    to_safe = P_pi * (1 - hazard)
    p_hit = np.linalg.solve(np.eye(N) - to_safe, P_pi @ hazard)
    return returns[START], costs[START], p_hit[START]


def occupancy(pi):
    """Discounted state-action occupancy x(s, a) from S; sum(x * R) is the return."""
    P_pi = np.einsum("sa,sat->st", pi, P)
    visits = np.linalg.solve(np.eye(N) - GAMMA * P_pi.T, np.eye(N)[START])
    return visits[:, None] * pi


def penalty_optimum(weight):
    """Deterministic optimum of the reward R - weight * C, by value iteration."""
    Q = np.zeros((N, A))
    for _ in range(5_000):
        Q_new = R - weight * C + GAMMA * P @ Q.max(1)
        if np.abs(Q_new - Q).max() < 1e-12:
            break
        Q = Q_new
    # the lowest-numbered action among those within 1e-9 of the best
    best = (Q.max(1, keepdims=True) - Q <= 1e-9).argmax(1)
    return np.eye(A)[best]


# The CMDP as a linear program over occupancies: maximise sum(x R) subject to the
# flow equations sum_a x(s', a) - gamma sum_{s,a} P(s'|s,a) x(s, a) = 1[s' = S],
# sum(x C) <= limit and x >= 0. Any feasible x is the occupancy of the policy
# pi(a|s) = x(s, a) / sum_a x(s, a).
flow = np.kron(np.eye(N), np.ones(A)) - GAMMA * P.reshape(N * A, N).T
start = np.eye(N)[START]


def policy_from(x):
    visits = x.sum(1, keepdims=True)
    return np.where(visits > 1e-12, x / np.maximum(visits, 1e-300), 1 / A)


def solve_lp(limit):
    res = linprog(-R.ravel(), C.ravel()[None], [limit], flow, start, method="highs")
    x = res.x.reshape(N, A)
    # the multiplier of the cost constraint: the exact Lagrange multiplier lambda*
    return policy_from(x), x.sum(1), -res.ineqlin.marginals[0]


def best_deterministic(limit):
    """The best deterministic policy within the limit, by branch and bound: solve
    the LP with some actions forbidden; where its solution randomises, branch on
    the action taken in that state; prune branches whose LP value cannot win."""
    best_value, best_pi = -np.inf, None
    stack = [np.ones((N, A), bool)]
    while stack:
        allowed = stack.pop()
        bounds = [(0, None) if ok else (0, 0) for ok in allowed.ravel()]
        res = linprog(
            -R.ravel(), C.ravel()[None], [limit], flow, start, bounds, method="highs"
        )
        if res.status != 0 or -res.fun <= best_value + 1e-12:
            continue
        x = res.x.reshape(N, A)
        pi, visits = policy_from(x), x.sum(1)
        mixed = [s for s in range(N) if visits[s] > 1e-9 and pi[s].max() < 1 - 1e-7]
        if not mixed:
            best_value, best_pi = -res.fun, np.eye(A)[pi.argmax(1)]
            continue
        s = mixed[0]
        # the LP's likeliest action is explored first (it is pushed last)
        for a in sorted(np.flatnonzero(allowed[s]), key=lambda a: pi[s, a]):
            branch = allowed.copy()
            branch[s] = False
            branch[s, a] = True
            stack.append(branch)
    return best_pi


def row(name, pi):
    ret, cost, p_hit = evaluate(pi)
    return f"{name:32} {ret:6.3f} {cost:6.3f} {p_hit:10.3f}"


print(f"{'exact solutions':32} {'return':>6} {'cost':>6} {'P(enter H)':>10}")
print(row("unconstrained (value iteration)", penalty_optimum(0.0)))
mixing = []
for limit in (LIMIT, TIGHT_LIMIT):
    pi, visits, lam = solve_lp(limit)
    print(row(f"LP optimum, cost <= {limit}", pi))
    print(row(f"best deterministic, cost <= {limit}", best_deterministic(limit)))
    mixed = [s for s in range(N) if visits[s] > 1e-9 and pi[s].max() < 1 - 1e-7]
    probs = ", ".join(
        f"{NAMES[a]} {pi[s, a]:.3f}" for s in mixed for a in range(A) if pi[s, a] > 1e-7
    )
    mixing.append(
        f"limit {limit}: lambda* = {lam:.3f}, randomises in {len(mixed)} state:"
        f" {cells[mixed[0]]} {probs}"
    )
    if limit == LIMIT:
        lp_return, lp_cost, _ = evaluate(pi)
print("\n".join(mixing))

print("\n(a) fixed penalty: maximise reward - w * cost (value iteration)")
print(f"{'w':>6} {'return':>6} {'cost':>6} {'P(enter H)':>10}   cost <= 0.5   <= 0.05")
for weight in (0.0, 0.03, 0.04, 0.1, 0.6, 0.7):
    ret, cost, p_hit = evaluate(penalty_optimum(weight))
    print(
        f"{weight:6.2f} {ret:6.3f} {cost:6.3f} {p_hit:10.3f}"
        f" {str(cost <= LIMIT):>13} {str(cost <= TIGHT_LIMIT):>9}"
    )

# (b) Primal-dual with an exact best response: solve the penalised MDP for the
# current lambda, then raise lambda when the cost is over the limit, lower it when
# under: lambda <- max(0, lambda + step * (cost - limit)).
lam, occupancies, history = 0.0, [], []
for _ in range(400):
    pi = penalty_optimum(lam)
    ret, cost, _ = evaluate(pi)
    history.append((lam, ret, cost))
    occupancies.append(occupancy(pi))
    lam = max(0.0, lam + 0.01 * (cost - LIMIT))
history = np.array(history)
print(f"\n(b) exact best response, lambda step 0.01, limit {LIMIT}")
print("iteration " + " ".join(f"{k:>6}" for k in range(10)))
for j, name in enumerate(["lambda", "return", "cost"]):
    print(f"{name:9} " + " ".join(f"{v:6.3f}" for v in history[:10, j]))
late = history[200:]
print(
    f"iterations 200-399: lambda {late[:, 0].min():.3f} to {late[:, 0].max():.3f},"
    f" cost {late[:, 2].min():.3f} to {late[:, 2].max():.3f}"
)
x_mean = np.mean(occupancies, 0)
print(
    f"policy from the mean occupancy: return {(x_mean * R).sum():.3f},"
    f" cost {(x_mean * C).sum():.3f} (LP {lp_return:.3f}, {lp_cost:.3f})"
)


# (c) Natural policy gradient on a softmax policy (exact advantages of the
# Lagrangian reward R - lambda C), with lambda from an integral controller (plain
# gradient ascent) or with a proportional term added (PID Lagrangian, K_D = 0).
def npg_primal_dual(k_p, k_i, iterations=3_000, step=2.0):
    theta, integral, out = np.zeros((N, A)), 0.0, []
    for _ in range(iterations):
        pi = np.exp(theta - theta.max(1, keepdims=True))
        pi /= pi.sum(1, keepdims=True)
        ret, cost, _ = evaluate(pi)
        integral = max(0.0, integral + k_i * (cost - LIMIT))
        lam = max(0.0, k_p * (cost - LIMIT) + integral)
        out.append((lam, ret, cost))
        reward = R - lam * C
        P_pi = np.einsum("sa,sat->st", pi, P)
        V = np.linalg.solve(np.eye(N) - GAMMA * P_pi, (pi * reward).sum(1))
        theta += step * (reward + GAMMA * P @ V - V[:, None])
    return np.array(out)


runs = {
    "gradient ascent": npg_primal_dual(0.0, 0.05),
    "PI, K_P 0.3": npg_primal_dual(0.3, 0.05),
    "PI, K_P 1": npg_primal_dual(1.0, 0.05),
}
print(f"\n(c) natural policy gradient + lambda, K_I 0.05, limit {LIMIT}")
print(f"{'':9} " + " ".join(f"{name:>17}" for name in runs))
print(f"{'iteration':9} " + " ".join(f"{'lambda':>8} {'cost':>8}" for _ in runs))
for k in (0, 10, 100, 300, 1000, 2999):
    print(f"{k:9} " + " ".join(f"{h[k, 0]:8.3f} {h[k, 2]:8.3f}" for h in runs.values()))
summary = {
    "cost min, last 1000": lambda h: f"{h[-1000:, 2].min():.3f}",
    "cost max, last 1000": lambda h: f"{h[-1000:, 2].max():.3f}",
    "iterations over limit+0.01": lambda h: f"{(h[:, 2] > LIMIT + 0.01).sum()}",
    "summed excess cost": lambda h: f"{np.maximum(h[:, 2] - LIMIT, 0).sum():.2f}",
    "mean return, first 300": lambda h: f"{h[:300, 1].mean():.3f}",
    "final return": lambda h: f"{h[-1, 1]:.3f}",
}
for name, stat in summary.items():
    print(f"{name:26}" + " ".join(f"{stat(h):>17}" for h in runs.values()))
