import numpy as np

# Biased rock-paper-scissors: rock beats scissors by 2, the other wins pay 1.
# A[i, j] is the row player's payoff for action i against j (R, P, S); A = -A.T,
# so the game is symmetric zero-sum with value 0.
A = np.array([[0, -1, 2], [1, 0, -1], [-2, 1, 0]], dtype=float)
nash = np.array([0.25, 0.5, 0.25])
assert np.allclose(A @ nash, 0)


def exploitability(x):
    """What a best response wins per game against policy x (0 only at Nash)."""
    return (A @ x).max()


def best_response(x):
    return np.eye(3)[np.argmax(A @ x)]


print(f"exploitability of uniform play: {exploitability(np.ones(3) / 3):.3f}")
CHECK = [10, 100, 1_000, 10_000, 100_000]
rows = {}
# Naive self-play: best-respond to the latest policy only.
# start from "always rock"
latest = np.eye(3)[0]
total = latest.copy()
for t in range(1, CHECK[-1] + 1):
    new = best_response(latest)
    # what the new policy wins per game against the previous one
    gain = new @ A @ latest
    latest = new
    total += latest
    if t in CHECK:
        rows[t] = [exploitability(latest), gain, exploitability(total / (t + 1))]
# Fictitious self-play: best-respond to the average of all past policies.
total = np.eye(3)[0]
for t in range(1, CHECK[-1] + 1):
    latest = best_response(total / t)
    total += latest
    if t in CHECK:
        rows[t] += [exploitability(latest), exploitability(total / (t + 1))]

print("exploitability of the latest and the average policy")
print("            best response to latest      fictitious play")
print("   iters   latest  beats previous  average   latest  average")
for t, (e, gain, e_avg, f, f_avg) in rows.items():
    print(f"{t:>8,} {e:8.3f} {gain:15.0f} {e_avg:8.3f} {f:8.3f} {f_avg:8.4f}")
mix = " ".join(f"{p:.3f}" for p in total / total.sum())
print(f"fictitious play's average (R P S): {mix}; Nash: 0.250 0.500 0.250")
